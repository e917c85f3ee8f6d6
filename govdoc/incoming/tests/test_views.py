"""The incoming screens: persona access, registration through the form, search, files, and the
list at scale (capped count, pagination, queries, filters)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_pdf
from govdoc.core.calendar import reset_cache
from govdoc.core.text import fold
from govdoc.documents.models import Document, DocumentType, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry

pytestmark = pytest.mark.django_db


def _form(doc_type: DocumentType, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "medium": "ELECTRONIC",
        "document_type": doc_type.pk,
        "issuer_name": "Ủy ban nhân dân tỉnh Bắc Ninh",
        "code_number": "125",
        "code_notation": "UBND-KT",
        "issued_date": "05/01/2026",
        "subject": "Về việc đề nghị hướng dẫn thủ tục đất đai",
        "priority": "1",
        "confidentiality": "",
        "main_file": SimpleUploadedFile("cv-125.pdf", make_pdf(), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_clerk_registers_through_the_form(
    personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    response = client.post(reverse("incoming:register"), _form(doc_type))
    incoming = IncomingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incoming:detail", args=[incoming.pk])
    assert incoming.document.issued_date == dt.date(2026, 1, 5)
    page = client.get(response["Location"])
    assert "Số đến" in page.content.decode() and 'data-testid="arrival-number">01<' in (
        page.content.decode()
    )
    assert AuditEvent.objects.filter(action="incoming.view", target_id=str(incoming.pk)).exists()


def test_form_shows_vietnamese_field_errors_and_writes_nothing(
    personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    response = client.post(
        reverse("incoming:register"), _form(doc_type, subject="", issued_date="32/13/2026")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy." in body
    assert IncomingDocument.objects.count() == 0
    response = client.post(reverse("incoming:register"), _form(doc_type, subject=""))
    assert "Vui lòng nhập trích yếu." in response.content.decode()
    assert IncomingDocument.objects.count() == 0


def test_secret_document_is_refused_on_the_form(
    personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    response = client.post(reverse("incoming:register"), _form(doc_type, confidentiality="MAT"))
    assert "không được xử lý trên hệ thống mạng" in response.content.decode()
    assert IncomingDocument.objects.count() == 0


def test_misnamed_file_is_refused_on_the_form(
    personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    fake = SimpleUploadedFile("that-ra-la-anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40)
    response = client.post(reverse("incoming:register"), _form(doc_type, main_file=fake))
    assert "không đúng định dạng như tên gọi" in response.content.decode()
    assert IncomingDocument.objects.count() == 0


def test_duplicate_asks_for_a_reason_then_registers(
    ministry: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    client.post(reverse("incoming:register"), _form(doc_type))
    response = client.post(reverse("incoming:register"), _form(doc_type))
    assert "ghi lý do" in response.content.decode()
    assert IncomingDocument.objects.count() == 1
    response = client.post(
        reverse("incoming:register"), _form(doc_type, duplicate_reason="Nhận lại bản giấy")
    )
    assert response.status_code == 302 and IncomingDocument.objects.count() == 2


@pytest.mark.parametrize(
    ("persona", "sees_list_row", "detail_status", "can_open_form"),
    [
        ("clerk", True, 200, True),
        ("leader", True, 200, False),
        ("admin", True, 200, False),
        ("unit_head", True, 200, False),  # the document is sent to the unit they lead
        ("specialist", False, 404, False),  # not addressed to them
        ("outsider", False, 404, True),  # a clerk, but of another agency: registers there
    ],
)
def test_persona_access(
    ministry: Any,
    units: Any,
    personas: Any,
    doc_type: DocumentType,
    client_for: Any,
    persona: str,
    sees_list_row: bool,
    detail_status: int,
    can_open_form: bool,
) -> None:
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, receiving_unit_id=units["DD"].pk),
        actor=personas["clerk"],
    )
    client = client_for(personas[persona])
    listing = client.get(reverse("incoming:list"))
    assert (incoming.document.subject in listing.content.decode()) is sees_list_row
    assert client.get(reverse("incoming:detail", args=[incoming.pk])).status_code == detail_status
    file_id = incoming.document.files.get().pk
    file_response = client.get(reverse("incoming:file", args=[incoming.pk, file_id]))
    assert file_response.status_code == detail_status
    form_status = client.get(reverse("incoming:register")).status_code
    assert (form_status == 200) is can_open_form


def test_search_ignores_diacritics(
    ministry: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    incoming_register(agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"])
    incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="2", subject="Về việc tổ chức hội nghị"),
        actor=personas["clerk"],
    )
    client = client_for(personas["clerk"])
    body = client.get(reverse("incoming:list"), {"q": "dat dai"}).content.decode()
    assert "giao đất đai" in body and "hội nghị" not in body
    body = client.get(reverse("incoming:list"), {"q": "quyet dinh"}).content.decode()
    assert "1 văn bản" not in body  # subjects do not say "quyết định"; the type does not count
    body = client.get(reverse("incoming:list"), {"q": "QĐ-STNMT"}).content.decode()
    assert "giao đất đai" in body


def test_pdf_is_shown_inline_and_download_is_journaled(
    ministry: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    item = incoming.document.files.get()
    client = client_for(personas["leader"])
    inline = client.get(reverse("incoming:file", args=[incoming.pk, item.pk]))
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert b"".join(inline.streaming_content).startswith(b"%PDF")
    download = client.get(reverse("incoming:file", args=[incoming.pk, item.pk]), {"tai": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    actions = list(
        AuditEvent.objects.filter(target_type="documents.documentfile").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["file.download", "file.view"]


def test_edit_through_the_form_with_stale_version_is_refused(
    ministry: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    client = client_for(personas["clerk"])
    form = _form(doc_type, subject="Trích yếu đã sửa", version=incoming.document.version)
    form.pop("main_file")
    assert client.post(reverse("incoming:edit", args=[incoming.pk]), form).status_code == 302
    stale = {**form, "subject": "Sửa lần nữa từ trang cũ"}
    response = client.post(reverse("incoming:edit", args=[incoming.pk]), stale)
    assert "người khác sửa" in response.content.decode()
    incoming.document.refresh_from_db()
    assert incoming.document.subject == "Trích yếu đã sửa"


def test_annul_through_the_page(
    ministry: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    client = client_for(personas["clerk"])
    client.post(reverse("incoming:annul", args=[incoming.pk]), {"reason": "Vào sổ nhầm"})
    page = client.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    assert "Đã hủy đăng ký" in page and "Vào sổ nhầm" in page
    leader = client_for(personas["leader"])
    assert (
        leader.post(reverse("incoming:annul", args=[incoming.pk]), {"reason": "x"}).status_code
        == 404
    )


# The list at scale. Many rows are inserted in bulk (the services would take minutes), as the
# benchmark does: documents, register entries and incoming rows, arrival numbers 1..n.


def _bulk_incoming(
    agency: Agency,
    clerk: User,
    doc_type: DocumentType,
    count: int,
    *,
    unit: Unit | None = None,
    subject: str = "Về việc báo cáo tình hình",
    priority: int = Priority.NORMAL,
) -> None:
    now = timezone.now()
    book, _ = RegisterBook.objects.get_or_create(
        agency=agency,
        year=timezone.localdate().year,
        kind=BookKind.INCOMING,
        series="",
        defaults={"name": "Sổ đăng ký văn bản đến"},
    )
    first = book.last_number + 1
    numbers = range(first, first + count)
    documents = Document.objects.bulk_create(
        Document(
            agency=agency,
            direction="INCOMING",
            document_type=doc_type,
            code_number=str(number),
            code_notation="UBND-VP",
            issued_date=dt.date(2026, 1, 5),
            issuer_name="Ủy ban nhân dân tỉnh Bắc Ninh",
            subject=f"{subject} số {number}",
            priority=priority,
            search_text=fold(f"{number} UBND-VP Ủy ban nhân dân tỉnh Bắc Ninh {subject}"),
            issuer_folded=fold("Ủy ban nhân dân tỉnh Bắc Ninh"),
        )
        for number in numbers
    )
    entries = RegisterEntry.objects.bulk_create(
        RegisterEntry(
            book=book, number=number, given_at=now, given_by=clerk, target_type="incoming"
        )
        for number in numbers
    )
    IncomingDocument.objects.bulk_create(
        IncomingDocument(
            document=document,
            agency=agency,
            register_entry=entry,
            arrival_number=entry.number,
            arrival_year=book.year,
            arrival_date=now - dt.timedelta(minutes=entry.number),
            medium="ELECTRONIC",
            status="REGISTERED",
            receiving_unit=unit,
            registered_by=clerk,
        )
        for document, entry in zip(documents, entries, strict=True)
    )
    RegisterBook.objects.filter(pk=book.pk).update(last_number=first + count - 1)


def _count_text(body: str) -> str:
    match = re.search(r'data-testid="incoming-count">([^<]*)<', body)
    assert match, "the list shows no count"
    return match.group(1)


def _rows(body: str) -> int:
    return body.count('class="register-number"')


def test_list_count_beyond_1000_says_more_than_1000(
    ministry: Agency, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    # given exactly 1,000 incoming documents
    clerk = personas["clerk"]
    _bulk_incoming(ministry, clerk, doc_type, 1000)
    client = client_for(clerk)

    # when the clerk opens the list, the count is exact, with the number of pages
    body = client.get(reverse("incoming:list")).content.decode()
    assert _count_text(body).startswith("1.000 văn bản")
    assert "Trang 1/40" in body

    # and given one more, the count says "more than 1,000", pages are walked with next
    _bulk_incoming(ministry, clerk, doc_type, 1)
    body = client.get(reverse("incoming:list")).content.decode()
    assert _count_text(body).startswith("hơn 1.000 văn bản")
    assert "1.001" not in _count_text(body)
    assert re.search(r"Trang 1<", body) and 'rel="next" href="?trang=2"' in body
    assert "« Trước" not in body


def test_list_pages_are_walked_with_previous_and_next(
    ministry: Agency, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    # given 1,010 documents, newest first (number 1 is the newest here)
    clerk = personas["clerk"]
    _bulk_incoming(ministry, clerk, doc_type, 1010)
    client = client_for(clerk)
    url = reverse("incoming:list")

    # when the clerk goes to page 41 of 25 rows, beyond the counted thousand
    body = client.get(url, {"trang": "41", "sort": "-arrival"}).content.decode()

    # then she sees rows 1,001–1,010 with previous/next links keeping her filters
    assert _rows(body) == 10
    assert "dòng 1001–1010" in body
    assert 'rel="prev" href="?sort=-arrival&amp;trang=40"' in body
    assert 'rel="next"' not in body and "Trang 41<" in body
    assert 'href="?sort=-arrival&amp;trang=1">Trang đầu' in body
    # and a page past the end shows the last page, now with the exact count
    body = client.get(url, {"trang": "500", "per_page": "100"}).content.decode()
    assert _rows(body) == 10 and "Trang 11/11" in body
    assert _count_text(body).startswith("1.010 văn bản")
    # and a page number that is not one shows the first page
    body = client.get(url, {"trang": "abc"}).content.decode()
    assert _rows(body) == 25 and "Trang 1<" in body


def test_list_queries_do_not_grow_with_the_page_size(
    ministry: Agency, personas: Any, doc_type: DocumentType
) -> None:
    # given 120 documents
    clerk = personas["clerk"]
    _bulk_incoming(ministry, clerk, doc_type, 120)
    counts: dict[str, int] = {}

    # when the list is shown with 25 and with 100 rows (fresh sessions, same cold caches)
    for per_page in ("25", "100"):
        client = Client()
        client.force_login(clerk)
        reset_cache()  # the working calendar too is cold for both
        with CaptureQueriesContext(connection) as captured:
            body = client.get(reverse("incoming:list"), {"per_page": per_page}).content.decode()
        assert _rows(body) == int(per_page)
        counts[per_page] = len(captured.captured_queries)

    # then both take the same number of queries
    assert counts["25"] == counts["100"]


def test_list_count_follows_the_actors_visibility(
    ministry: Agency, units: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    # given 3 documents sent to Vụ Đất đai and 4 to the office
    clerk = personas["clerk"]
    _bulk_incoming(ministry, clerk, doc_type, 3, unit=units["DD"], subject="Về việc giao đất")
    _bulk_incoming(ministry, clerk, doc_type, 4, unit=units["VP"], subject="Về việc giao đất")

    # when the head of Vụ Đất đai and the clerk search
    head = client_for(personas["unit_head"]).get(reverse("incoming:list"), {"q": "giao dat"})
    everyone = client_for(clerk).get(reverse("incoming:list"), {"q": "giao dat"})

    # then each count and each table holds only what the actor may see
    assert _count_text(head.content.decode()).startswith("3 văn bản")
    assert _rows(head.content.decode()) == 3
    assert _count_text(everyone.content.decode()).startswith("7 văn bản")
    outsider = client_for(personas["outsider"]).get(reverse("incoming:list"))
    assert _count_text(outsider.content.decode()).startswith("0 văn bản")


def test_list_filters_keep_their_values_and_labels(
    ministry: Agency, units: Any, personas: Any, doc_type: DocumentType, client_for: Any
) -> None:
    # given urgent and ordinary documents of two types
    clerk = personas["clerk"]
    letter = DocumentType.objects.get(name="Công văn")
    _bulk_incoming(ministry, clerk, doc_type, 2, priority=Priority.URGENT, unit=units["DD"])
    _bulk_incoming(ministry, clerk, letter, 3)
    client = client_for(clerk)

    # when the clerk filters by type, urgency and unit, sorted oldest first, 50 a page
    params = {
        "document_type": str(doc_type.pk),
        "priority": "1",
        "unit": str(units["DD"].pk),
        "sort": "arrival",
        "per_page": "50",
        # typed without diacritics: the filter folds both sides
        "issuer": "bac ninh",
    }
    body = client.get(reverse("incoming:list"), params).content.decode()

    # then only the matching rows are listed, oldest first, each with its urgency badge
    assert _rows(body) == 2 and _count_text(body).startswith("2 văn bản")
    assert body.count('class="badge priority-badge priority-1" title="Độ khẩn">Khẩn<') == 2
    assert body.index("số 2<") < body.index("số 1<")
    # and dates are dd/mm/yyyy
    assert "05/01/2026" in body and timezone.localdate().strftime("%d/%m/%Y") in body
    # and every field keeps its label and the submitted choice
    for name in ("q", "date_from", "date_to", "document_type", "priority", "issuer"):
        assert f'for="id_{name}"' in body and f'id="id_{name}"' in body
    for name in ("status", "unit", "sort", "per_page"):
        assert f'for="id_{name}"' in body and f'id="id_{name}"' in body
    assert f'<option value="{doc_type.pk}" selected>{doc_type.name}</option>' in body
    assert '<option value="1" selected>Khẩn</option>' in body
    assert f'<option value="{units["DD"].pk}" selected>' in body
    assert '<option value="arrival" selected>Đến trước</option>' in body
    assert '<option value="50" selected>50</option>' in body
    assert '<option value="" selected>Mọi trạng thái</option>' in body
    assert 'name="issuer" id="id_issuer" class="form-control" value="bac ninh"' in body


def test_list_marks_an_invalid_date_for_assistive_technology(
    personas: Any, client_for: Any
) -> None:
    # given the clerk on the list
    client = client_for(personas["clerk"])

    # when she types an impossible date
    body = client.get(reverse("incoming:list"), {"date_from": "32/13/2026"}).content.decode()

    # then the field keeps her text, is marked invalid and points at the explanation
    assert 'value="32/13/2026"' in body
    assert 'aria-invalid="true" aria-describedby="filter-errors"' in body
    assert 'id="filter-errors" role="alert"' in body
