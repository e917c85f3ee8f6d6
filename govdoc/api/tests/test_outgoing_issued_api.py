"""Issued documents through the API: the list and one document with its deliveries, its
files, the post book, a failed e-mail sent again, revocation and replacement, copies; the
refusals (400 with fields, 404 for whoever may not see or act, 409 when it cannot change)."""

from __future__ import annotations

from typing import Any

import pytest

from govdoc.api.tests.outgoing_scenario import Api, apis, issued_document, team
from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.models import Dispatch, DocumentCopy, OutgoingChange, OutgoingDocument
from govdoc.outgoing.tests.conftest import credentials, pki
from govdoc.outgoing.workflow import DispatchStatus, Method, OutgoingStatus
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

__all__ = ["apis", "credentials", "pki", "team"]  # fixtures


@pytest.fixture
def issued(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    units: dict[str, Unit],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> dict[str, Any]:
    """01/QĐ-BTNMT, sent to the other agency (same installation), the Văn phòng, a company by
    post and a person by e-mail."""
    body = issued_document(
        apis,
        doc_type,
        team,
        other_agency,
        pki,
        credentials,
        recipients=[
            {"kind": "AGENCY", "agency_id": other_agency.pk},
            {"kind": "UNIT", "unit_id": units["VP"].pk},
            {"kind": "OTHER", "name": "Công ty Đất Việt", "address": "12 Láng Hạ, Hà Nội"},
            {"kind": "OTHER", "name": "Ông Nguyễn Văn B", "email": "b@example.vn"},
        ],
    )
    document: dict[str, Any] = body["document"]
    return document


def _dispatch(document: dict[str, Any], method: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in document["dispatches"] if d["method"] == method)
    return found


def test_the_list_of_issued_documents(
    apis: dict[str, Api], issued: dict[str, Any], units: dict[str, Unit]
) -> None:
    listed = apis["clerk"].get("/documents").json()
    assert listed["count"] == 1
    (item,) = listed["items"]
    assert item["code"] == "01/QĐ-BTNMT" and item["status"] == "ISSUED"
    assert item["signer_name"] == "Trần Văn Lãnh Đạo"
    assert apis["clerk"].get("/documents", q="bao cao su dung").json()["count"] == 1
    assert apis["clerk"].get("/documents", q="01/qđ-btnmt").json()["count"] == 1
    assert apis["clerk"].get("/documents", q="khong co").json()["count"] == 0
    assert apis["clerk"].get("/documents", year=2001).json()["count"] == 0
    assert apis["clerk"].get("/documents", status="REVOKED").json()["count"] == 0
    # the drafter sees it; another agency and a unit it was not sent to do not
    assert apis["specialist"].get("/documents").json()["count"] == 1
    assert apis["outsider"].get("/documents").json()["count"] == 0
    assert apis["stranger"].get("/documents").json()["count"] == 0
    bad = apis["clerk"].get("/documents", status="LOST")
    assert bad.status_code == 400 and "status" in bad.json()["fields"]


def test_one_document_with_its_deliveries(apis: dict[str, Api], issued: dict[str, Any]) -> None:
    response = apis["clerk"].get(f"/documents/{issued['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["document_identifier"].startswith("000.00.00.G12,")
    assert set(body["actions"]) == {"change", "copy"}
    methods = {d["method"]: d for d in body["dispatches"]}
    assert set(methods) == {"LOCAL", "INTERNAL", "POST", "EMAIL"}
    assert methods["INTERNAL"]["status"] == "SENT"
    assert methods["POST"]["status"] == "QUEUED" and methods["POST"]["actions"] == ["post"]
    assert methods["POST"]["events"][0]["status"] == "QUEUED"
    assert AuditEvent.objects.filter(action="outgoing.view", actor__username="vanthu").exists()
    # the drafter reads it but may act on nothing there
    seen = apis["specialist"].get(f"/documents/{issued['id']}").json()
    assert seen["actions"] == [] and all(d["actions"] == [] for d in seen["dispatches"])
    for persona in ("outsider", "stranger"):
        assert apis[persona].get(f"/documents/{issued['id']}").status_code == 404


def test_the_issued_file_is_downloaded_by_those_who_see_it(
    apis: dict[str, Api], issued: dict[str, Any]
) -> None:
    (main,) = issued["files"]
    response = apis["clerk"].client.get(main["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert main["name"] == "01-QĐ-BTNMT.pdf"
    assert response.getvalue().startswith(b"%PDF")
    assert apis["outsider"].client.get(main["download_url"]).status_code == 404
    assert apis["clerk"].get(f"/documents/{issued['id']}/files/999999").status_code == 404


def test_the_clerk_records_the_posting(apis: dict[str, Api], issued: dict[str, Any]) -> None:
    post = _dispatch(issued, "POST")
    assert apis["specialist"].post(f"/dispatches/{post['id']}/post").status_code == 404
    too_long = apis["clerk"].post(f"/dispatches/{post['id']}/post", {"postal_receipt": "9" * 60})
    assert too_long.status_code == 400 and "postal_receipt" in too_long.json()["fields"]
    response = apis["clerk"].post(
        f"/dispatches/{post['id']}/post", {"postal_receipt": "RR123456789VN", "postage": "25.000"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "SENT" and body["postal_receipt"] == "RR123456789VN"
    assert body["postage"] == "25.000" and body["sent_at"] is not None and body["actions"] == []
    assert apis["clerk"].post(f"/dispatches/{post['id']}/post").status_code == 409
    local = _dispatch(issued, "LOCAL")
    assert apis["clerk"].post(f"/dispatches/{local['id']}/post").status_code == 409
    assert apis["outsider"].post(f"/dispatches/{post['id']}/post").status_code == 404


def test_a_failed_email_is_sent_again(apis: dict[str, Api], issued: dict[str, Any]) -> None:
    email = _dispatch(issued, "EMAIL")
    # not failed (still queued): nothing to send again
    assert apis["clerk"].post(f"/dispatches/{email['id']}/retry").status_code == 409
    # given the mail server refused it
    Dispatch.objects.filter(pk=email["id"]).update(
        status=DispatchStatus.FAILED, reason="Máy chủ thư từ chối"
    )
    assert apis["specialist"].post(f"/dispatches/{email['id']}/retry").status_code == 404
    response = apis["clerk"].post(f"/dispatches/{email['id']}/retry")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "QUEUED" and response.json()["reason"] == ""


def test_revocation_freezes_the_document(apis: dict[str, Api], issued: dict[str, Any]) -> None:
    path = f"/documents/{issued['id']}/change"
    assert apis["specialist"].post(path, {"kind": "REVOKE", "reason": "Sai"}).status_code == 404
    missing = apis["clerk"].post(path, {"kind": "REVOKE", "reason": " "})
    assert missing.status_code == 400 and missing.json()["fields"] == {
        "reason": "Vui lòng ghi lý do."
    }
    no_replacement = apis["clerk"].post(path, {"kind": "REPLACE", "reason": "Thay văn bản"})
    assert no_replacement.status_code == 400
    assert set(no_replacement.json()["fields"]) == {"replacement_id"}
    bad_kind = apis["clerk"].post(path, {"kind": "DELETE", "reason": "x"})
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["fields"]
    assert not OutgoingChange.objects.exists()
    response = apis["leader"].post(path, {"kind": "REVOKE", "reason": "Ban hành không đúng"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["change"]["kind"] == "REVOKE" and body["change"]["actor"]["name"]
    assert body["document"]["status"] == "REVOKED" and body["document"]["actions"] == []
    assert OutgoingDocument.objects.get().status == OutgoingStatus.REVOKED
    again = apis["clerk"].post(path, {"kind": "UPDATE", "reason": "Đính chính"})
    assert again.status_code == 409
    # a revoked document is not copied any more
    copy = apis["clerk"].post(f"/documents/{issued['id']}/copies", {"kind": "SY"})
    assert copy.status_code == 409


def test_copies_are_numbered_signed_and_downloaded(
    apis: dict[str, Api], issued: dict[str, Any], pki: TestPki
) -> None:
    path = f"/documents/{issued['id']}/copies"
    assert (
        apis["specialist"].post(path, {"kind": "SY", "password": pki.password}).status_code == 404
    )
    bad_kind = apis["clerk"].post(path, {"kind": "XX", "password": pki.password})
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["fields"]
    bad_pages = apis["clerk"].post(path, {"kind": "TrS", "pages": "5-9", "password": pki.password})
    assert bad_pages.status_code == 400 and "pages" in bad_pages.json()["fields"]
    assert not DocumentCopy.objects.exists()
    response = apis["clerk"].post(
        path, {"kind": "SY", "recipients": "Sở TN&MT Nghệ An", "password": pki.password}
    )
    assert response.status_code == 201, response.json()
    copy = response.json()
    assert copy["code"] == "01/SY-BTNMT" and copy["signed"] is True
    download = apis["clerk"].client.get(copy["download_url"])
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF")
    # a wrong password keeps the number; signing again finishes the copy
    wrong = apis["clerk"].post(path, {"kind": "SL", "password": "sai"})
    assert wrong.status_code == 400 and "đã được cấp số 02/SL-BTNMT" in wrong.json()["message"]
    listed = apis["clerk"].get(path).json()
    assert [(c["code"], c["signed"]) for c in listed] == [
        ("02/SL-BTNMT", False),
        ("01/SY-BTNMT", True),
    ]
    unsigned = listed[0]
    assert unsigned["download_url"] == ""
    assert apis["clerk"].get(f"{path}/{unsigned['id']}/file").status_code == 404
    signed = apis["clerk"].post(f"{path}/{unsigned['id']}/sign", {"password": pki.password})
    assert signed.status_code == 200, signed.json()
    assert signed.json()["signed"] is True
    assert apis["outsider"].get(path).status_code == 404


def test_recipients_method_labels(issued: dict[str, Any]) -> None:
    labels = {d["method"]: d["method_label"] for d in issued["dispatches"]}
    assert labels[Method.POST] == "Bưu điện" and labels[Method.LOCAL] == "Cùng hệ thống govdoc"
