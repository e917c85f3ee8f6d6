"""Registering, listing, reading and downloading incoming documents through the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoc.api.tests.conftest import API, form, snapshot
from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_docx, make_pdf, make_png
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Unit, User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- registration -----------------------------------------------------------------------


def test_clerk_registers_with_files(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a clerk's program with a main PDF and two attachments
    client = api_client(personas["clerk"])
    pdf = make_pdf()
    data = form(
        doc_type,
        main_file=_upload("cv-215.pdf", pdf),
        attachments=[_upload("phu-luc.docx", make_docx()), _upload("so-do.png", make_png())],
    )
    # when it posts the registration
    response = client.post(API, data)
    # then the document is registered with the first arrival number of the year
    assert response.status_code == 201, response.json()
    body = response.json()
    incoming = IncomingDocument.objects.get()
    assert body["id"] == incoming.pk
    assert body["arrival_number"] == 1
    assert body["arrival_number_display"] == "01"
    arrival = dt.datetime.fromisoformat(body["arrival_date"])
    assert abs(arrival - incoming.arrival_date) < dt.timedelta(milliseconds=1)
    assert body["arrival_date"].endswith("+07:00")  # local time, as people read it
    assert body["status"] == "REGISTERED"
    assert body["subject"] == "Về việc thẩm định hồ sơ giao đất đai"
    assert body["code_notation"] == "STNMT-ĐĐ"
    assert body["priority"] == 1 and body["priority_label"] == "Khẩn"
    assert body["issued_date"] == (dt.date.today() - dt.timedelta(days=3)).isoformat()
    assert body["page_count"] == 1  # read from the PDF
    # and the files are listed main first, with their digest and a download address
    assert [(f["name"], f["role"]) for f in body["files"]] == [
        ("cv-215.pdf", "MAIN"),
        ("phu-luc.docx", "ATTACHMENT"),
        ("so-do.png", "ATTACHMENT"),
    ]
    main = body["files"][0]
    assert main["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert main["size"] == len(pdf) and main["content_type"] == "application/pdf"
    assert main["download_url"].endswith(f"/api/incoming/{incoming.pk}/files/{main['id']}")
    # and the registration is journaled as the clerk
    event = AuditEvent.objects.get(action="incoming.register")
    assert event.actor == personas["clerk"]
    assert event.target_id == str(incoming.pk)


def test_arrival_numbers_follow_each_other(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a first registration
    client = api_client(personas["clerk"])
    assert client.post(API, form(doc_type)).status_code == 201
    # when a different document is registered (ISO date, issuer from the directory)
    issuer = personas["outsider"].agency
    assert issuer is not None
    response = client.post(
        API,
        form(
            doc_type,
            code_number="7",
            issued_date=(dt.date.today() - dt.timedelta(days=1)).isoformat(),
            issuer_name="",
            issuer_id=str(issuer.pk),
            priority="",
        ),
    )
    # then it takes the next number, and the issuer name comes from the directory
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["arrival_number_display"] == "02"
    assert body["issuer_id"] == issuer.pk and body["issuer_name"] == issuer.name
    assert body["priority"] == 0


def _today_plus(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


BAD_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, overrides, field at fault, words of its message)
    ("type is not a number", {"document_type_id": "abc"}, "document_type_id", "số nguyên"),
    ("priority not a number", {"priority": "cao"}, "priority", "số nguyên"),
    ("priority out of range", {"priority": "9"}, "priority", "tối đa là 4"),
    ("page count not a number", {"page_count": "mười"}, "page_count", "số nguyên"),
    ("impossible date", {"issued_date": "32/13/2026"}, "issued_date", "dd/mm/yyyy"),
    ("future date", {"issued_date": _today_plus(5)}, "issued_date", "sau ngày hôm nay"),
    ("unknown medium", {"medium": "FAX"}, "medium", "Chọn một trong"),
    ("no document type", {"document_type_id": None}, "document_type_id", "chọn loại văn bản"),
    ("empty document type", {"document_type_id": ""}, "document_type_id", "chọn loại văn bản"),
    ("no subject", {"subject": None}, "subject", "nhập trích yếu"),
    ("blank subject", {"subject": "   "}, "subject", "nhập trích yếu"),
    ("no date", {"issued_date": None}, "issued_date", "nhập ngày văn bản"),
    ("no main file", {"main_file": None}, "main_file", "chọn tệp"),
    ("no issuer", {"issuer_name": ""}, "issuer_name", "cơ quan ban hành"),
    ("unknown issuer", {"issuer_id": "999999"}, "issuer_id", "không có trong danh bạ"),
    ("unknown type", {"document_type_id": "999999"}, "document_type_id", "không có trong danh mục"),
    (
        "a PNG named .pdf",
        {"main_file": SimpleUploadedFile("cv.pdf", make_png())},
        "main_file",
        "không đúng định dạng như tên gọi",
    ),
    (
        "text named .docx",
        {"attachments": [SimpleUploadedFile("phu-luc.docx", b"just text, not a document")]},
        "attachments",
        "không thuộc định dạng được chấp nhận",
    ),
    ("empty file", {"main_file": SimpleUploadedFile("cv.pdf", b"")}, "main_file", "rỗng"),
    ("secret document", {"confidentiality": "MAT"}, "confidentiality", "độ mật"),
    ("top secret", {"confidentiality": "TUYET_MAT"}, "confidentiality", "bí mật nhà nước"),
    ("unknown secrecy", {"confidentiality": "XYZ"}, "confidentiality", "Chọn một trong"),
    (
        "due before issue",
        {"due_date": (dt.date.today() - dt.timedelta(days=30)).isoformat()},
        "due_date",
        "trước ngày văn bản",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_refused_per_field_and_writes_nothing(
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
    overrides: dict[str, Any],
    field: str,
    words: str,
) -> None:
    # given a clerk's program and the state before
    client = api_client(personas["clerk"])
    before = snapshot()
    # when it posts a registration with one bad input
    response = client.post(API, form(doc_type, **overrides))
    # then it gets 400 with a Vietnamese message on that field
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation"
    assert body["message"]
    assert field in body["fields"], body
    assert words.lower() in body["fields"][field].lower(), body["fields"]
    # and nothing was written: no number taken, no metadata, no file, no journal entry
    assert snapshot() == before


def test_several_missing_fields_are_all_reported(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a program that sends only a file
    client = api_client(personas["clerk"])
    # when it posts without type, subject and date
    response = client.post(
        API, form(doc_type, document_type_id=None, subject=None, issued_date=None)
    )
    # then each missing field is named
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"document_type_id", "subject", "issued_date"}
    assert IncomingDocument.objects.count() == 0


def test_oversized_file_is_refused(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor, settings: Any
) -> None:
    # given a cap smaller than the attachment
    settings.GOVDOC_MAX_FILE_SIZE = 2048
    client = api_client(personas["clerk"])
    before = snapshot()
    big = make_pdf() + b"%" + b"0" * 4096
    # when the program sends it
    response = client.post(API, form(doc_type, attachments=[_upload("lon.pdf", big)]))
    # then it is refused by size, naming the file, and nothing is written
    assert response.status_code == 400
    message = response.json()["fields"]["attachments"]
    assert "lon.pdf" in message and "vượt quá dung lượng" in message
    assert snapshot() == before


def test_duplicate_needs_a_reason(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a registered document
    client = api_client(personas["clerk"])
    first = client.post(API, form(doc_type)).json()
    before = snapshot()
    # when the same number, symbol and issuer arrive again without a reason
    response = client.post(API, form(doc_type))
    # then the API answers 409 "duplicate" and writes nothing
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate"
    assert "01" in body["message"]
    assert "duplicate_reason" in body["fields"]
    assert snapshot() == before
    # when it is sent again with a reason
    again = client.post(API, form(doc_type, duplicate_reason="Bản gửi lại có chữ ký số"))
    # then it is registered, linked to the first one
    assert again.status_code == 201, again.json()
    assert again.json()["arrival_number_display"] == "02"
    assert again.json()["duplicate_of_id"] == first["id"]
    assert again.json()["duplicate_reason"] == "Bản gửi lại có chữ ký số"


@pytest.mark.parametrize("persona", ["specialist", "leader", "unit_head", "admin"])
def test_only_clerks_register(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor, persona: str
) -> None:
    # given someone who is not a clerk
    client = api_client(personas[persona])
    before = snapshot()
    # when their program tries to register
    response = client.post(API, form(doc_type))
    # then it is refused (403) and nothing is written
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "văn thư" in response.json()["message"]
    assert snapshot() == before


def test_receiving_unit_of_another_agency_is_refused(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor, other_agency: Any
) -> None:
    # given a unit that belongs to another agency
    foreign = Unit.objects.create(agency=other_agency, name="Văn phòng UBND", abbreviation="VP")
    # when the clerk's program assigns the document to it
    response = api_client(personas["clerk"]).post(
        API, form(doc_type, receiving_unit_id=str(foreign.pk))
    )
    # then the field is named as the client sent it
    assert response.status_code == 400
    assert "receiving_unit_id" in response.json()["fields"]


# --- browser session --------------------------------------------------------------------


def test_browser_session_needs_csrf_to_write(
    personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a signed-in clerk's browser that enforces CSRF
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["clerk"])
    # when it posts without the CSRF token
    refused = client.post(API, form(doc_type))
    # then it is refused, in Vietnamese, and nothing is registered
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf"
    assert IncomingDocument.objects.count() == 0
    # when it posts with the token from a page
    client.get("/ma-truy-cap/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(API, form(doc_type), headers={"x-csrftoken": token})
    # then it registers
    assert accepted.status_code == 201, accepted.json()
    # and reading needs no token
    assert client.get(API).json()["count"] == 1


def test_no_credentials_is_401(db: None) -> None:
    response = Client().get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.json()["message"]


# --- reading: visibility by persona -----------------------------------------------------


@pytest.fixture
def three_documents(
    personas: dict[str, User], units: dict[str, Unit], doc_type: DocumentType
) -> dict[str, IncomingDocument]:
    """A: to Vụ Đất đai; B: to the specialist in person; C: to Văn phòng."""
    clerk = personas["clerk"]
    agency = clerk.agency
    assert agency is not None
    made = {}
    for key, number, extra in (
        ("A", "11", {"receiving_unit_id": units["DD"].pk, "subject": "Về việc đo đạc đất đai"}),
        ("B", "12", {"receiving_person_id": personas["specialist"].pk, "priority": 2}),
        ("C", "13", {"receiving_unit_id": units["VP"].pk, "subject": "Về lịch họp giao ban"}),
    ):
        made[key] = incoming_register(
            agency=agency,
            data=incoming_input(doc_type, code_number=number, **extra),
            actor=clerk,
        )
    return made


VISIBLE = {
    "clerk": {"A", "B", "C"},
    "leader": {"A", "B", "C"},
    "admin": {"A", "B", "C"},
    "unit_head": {"A"},
    "specialist": {"B"},
    "outsider": set(),
}


@pytest.mark.parametrize(("persona", "expected"), list(VISIBLE.items()))
def test_list_shows_what_the_persona_may_see(
    personas: dict[str, User],
    three_documents: dict[str, IncomingDocument],
    api_client: ClientFor,
    persona: str,
    expected: set[str],
) -> None:
    # when each persona's program lists incoming documents
    response = api_client(personas[persona]).get(API)
    # then exactly the visible ones come back
    assert response.status_code == 200
    body = response.json()
    ids = {item["id"] for item in body["items"]}
    assert ids == {three_documents[k].pk for k in expected}
    assert body["count"] == len(expected)


@pytest.mark.parametrize(("persona", "expected"), list(VISIBLE.items()))
def test_get_one_answers_404_when_not_visible(
    personas: dict[str, User],
    three_documents: dict[str, IncomingDocument],
    api_client: ClientFor,
    persona: str,
    expected: set[str],
) -> None:
    client = api_client(personas[persona])
    for key, incoming in three_documents.items():
        # when the persona asks for one document
        response = client.get(f"{API}/{incoming.pk}")
        if key in expected:
            # then a visible one comes back, and the view is journaled
            assert response.status_code == 200
            assert response.json()["arrival_number"] == incoming.arrival_number
            assert AuditEvent.objects.filter(
                action="incoming.view", target_id=str(incoming.pk), actor=personas[persona]
            ).exists()
        else:
            # and a hidden one answers like a missing one, without a journal entry
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
            assert (
                not AuditEvent.objects.filter(action="incoming.view", actor=personas[persona])
                .filter(target_id=str(incoming.pk))
                .exists()
            )
    missing = client.get(f"{API}/999999")
    assert missing.status_code == 404


def test_list_filters_sorts_and_pages(
    personas: dict[str, User],
    three_documents: dict[str, IncomingDocument],
    api_client: ClientFor,
    units: dict[str, Unit],
) -> None:
    client = api_client(personas["clerk"])
    a, b, c = (three_documents[k] for k in "ABC")
    # search without diacritics finds "đo đạc"
    assert [i["id"] for i in client.get(API, {"q": "DO dac"}).json()["items"]] == [a.pk]
    assert [i["id"] for i in client.get(API, {"priority": 2}).json()["items"]] == [b.pk]
    assert [i["id"] for i in client.get(API, {"unit_id": units["VP"].pk}).json()["items"]] == [c.pk]
    assert client.get(API, {"status": "ANNULLED"}).json()["count"] == 0
    today = dt.date.today()
    assert client.get(API, {"date_from": today.strftime("%d/%m/%Y")}).json()["count"] == 3
    assert (
        client.get(API, {"date_to": (today - dt.timedelta(days=1)).isoformat()}).json()["count"]
        == 0
    )
    # sorted oldest first, two per page
    page2 = client.get(API, {"sort": "arrival", "page": "2", "page_size": "2"}).json()
    assert page2["count"] == 3 and page2["page"] == 2 and page2["page_size"] == 2
    assert [i["id"] for i in page2["items"]] == [c.pk]
    assert page2["items"][0]["files"][0]["role"] == "MAIN"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
        ({"sort": "subject"}, "sort"),
        ({"date_from": "31/02/2026"}, "date_from"),
        ({"priority": "khan"}, "priority"),
    ],
)
def test_list_refuses_bad_filters(
    personas: dict[str, User], api_client: ClientFor, params: dict[str, Any], field: str
) -> None:
    response = api_client(personas["clerk"]).get(API, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


# --- files ------------------------------------------------------------------------------


def test_download_a_file(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a document registered with an attachment
    clerk_client = api_client(personas["clerk"])
    docx = make_docx()
    body = clerk_client.post(
        API, form(doc_type, attachments=[_upload("phu-luc.docx", docx)])
    ).json()
    attachment = body["files"][1]
    # when the program downloads the attachment
    response = clerk_client.get(f"{API}/{body['id']}/files/{attachment['id']}")
    # then it gets the bytes, as an attachment, and the download is journaled
    assert response.status_code == 200
    assert response.getvalue() == docx
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="file.download")
    assert event.actor == personas["clerk"]
    assert event.data["via"] == "api" and event.data["token"].startswith("gdk_")


def test_download_is_refused_outside_visibility(
    personas: dict[str, User],
    three_documents: dict[str, IncomingDocument],
    api_client: ClientFor,
) -> None:
    a, b = three_documents["A"], three_documents["B"]
    file_a = a.document.files.get()
    # the specialist does not see A, nor can reach A's file through B
    specialist = api_client(personas["specialist"])
    assert specialist.get(f"{API}/{a.pk}/files/{file_a.pk}").status_code == 404
    assert specialist.get(f"{API}/{b.pk}/files/{file_a.pk}").status_code == 404
    assert api_client(personas["outsider"]).get(f"{API}/{a.pk}/files/{file_a.pk}").status_code == (
        404
    )
    assert not AuditEvent.objects.filter(action="file.download").exists()
