"""Drafting through the API: creating a draft with a base64 body or from a template, the
boxes, reading one, editing with the version counter, new versions and attachments in
multipart, downloads, comments, cancelling; the refusals (400 with fields, 403 for one who
may not draft, 404 for whoever may not see or act, 409 for a stale version)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoc.api.tests.outgoing_scenario import (
    Api,
    apis,
    b64,
    created,
    draft_json,
    draft_of,
    team,
)
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf, make_png
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.models import Draft, DraftAttachment, DraftComment, DraftVersion
from govdoc.outgoing.tests.conftest import make_draft_pdf
from govdoc.outgoing.workflow import DraftStatus

pytestmark = pytest.mark.django_db

__all__ = ["apis", "team"]  # fixtures


def _pdf_file(name: str = "du-thao-2.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_draft_pdf("Ban sua"), content_type="application/pdf")


def _state() -> dict[str, int]:
    return {
        "drafts": Draft.objects.count(),
        "versions": DraftVersion.objects.count(),
        "attachments": DraftAttachment.objects.count(),
        "comments": DraftComment.objects.count(),
    }


# --- creating -----------------------------------------------------------------------------


def test_specialist_creates_a_draft_with_its_body_and_recipients(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    units: dict[str, Unit],
) -> None:
    # when the specialist sends a draft with a PDF body and an attachment
    response = apis["specialist"].post(
        "/drafts",
        draft_json(
            doc_type,
            team,
            other_agency,
            recipients=[
                {"kind": "AGENCY", "agency_id": other_agency.pk},
                {"kind": "UNIT", "unit_id": units["VP"].pk, "is_addressee": False},
            ],
            attachments=[{"name": "phu-luc.pdf", "content_base64": b64(make_pdf("Phu luc"))}],
        ),
    )
    # then it is drafting, with its first version, recipients and attachment
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "DRAFTING" and body["status_label"] == "Đang soạn thảo"
    assert body["drafter"] == {"id": team["specialist"].pk, "name": "Phạm Thị Chuyên"}
    assert body["drafting_unit"] == {"id": units["DD"].pk, "name": "Vụ Đất đai"}
    assert body["authority_title"] == "BỘ TRƯỞNG" and body["copies"] == 3
    assert [(r["name"], r["method"]) for r in body["recipients"]] == [
        ("Ủy ban nhân dân tỉnh Nghệ An", "LOCAL"),
        ("Văn phòng", "INTERNAL"),
    ]
    (version,) = body["versions"]
    assert version["number"] == 1 and version["source"] == "UPLOAD" and version["has_pdf"]
    assert version["download_url"].endswith(f"/api/outgoing/drafts/{body['id']}/versions/1/file")
    assert [a["name"] for a in body["attachments"]] == ["phu-luc.pdf"]
    assert body["version"] == 1 and body["code"] == "" and body["outgoing_id"] is None
    assert set(body["actions"]) == {"edit", "submit", "add_step", "cancel", "comment"}
    assert AuditEvent.objects.filter(action="outgoing.create").count() == 1


def test_bad_metadata_is_refused_field_by_field_and_nothing_is_created(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    before = _state()
    response = apis["specialist"].post(
        "/drafts",
        draft_json(
            doc_type,
            team,
            other_agency,
            subject="   ",
            signer_id=team["outsider"].pk,
            recipients=[{"kind": "OTHER", "name": "Ông A", "method": "POST"}],
        ),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation"
    assert body["fields"] == {
        "subject": "Vui lòng nhập trích yếu.",
        "signer_id": "Vui lòng chọn người ký trong cơ quan.",
        "recipients": "Nơi nhận thứ 1: Ông A: gửi bưu điện cần địa chỉ nơi nhận.",
    }
    assert _state() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body_base64": "không phải base64"}, "body_base64"),
        ({"body_name": "", "body_base64": b64(make_pdf())}, "body_base64"),
        ({"body_name": "anh.png", "body_base64": b64(make_png())}, "body_base64"),
        ({"priority": 9}, "priority"),
        ({"document_type_id": None}, "document_type_id"),
    ],
)
def test_a_bad_body_or_type_is_refused(
    overrides: dict[str, Any],
    field: str,
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
) -> None:
    before = _state()
    response = apis["specialist"].post(
        "/drafts", draft_json(doc_type, team, other_agency, **overrides)
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert _state() == before


def test_one_who_may_not_draft_gets_403(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    # the administrator holds no drafting role
    response = apis["admin"].post("/drafts", draft_json(doc_type, team, other_agency))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Draft.objects.exists()


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice không có")
def test_a_draft_made_from_a_template(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    values = {
        "issuing_authority": "Bộ trưởng Bộ Tài nguyên và Môi trường",
        "legal_bases": ["Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;"],
        "body": ["Phê duyệt kế hoạch.", "Quyết định có hiệu lực từ ngày ký."],
    }
    response = apis["specialist"].post(
        "/drafts",
        draft_json(
            doc_type,
            team,
            other_agency,
            body_name=None,
            body_base64=None,
            template_code="quyet_dinh",
            template_values=values,
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["template_code"] == "quyet_dinh"
    (version,) = body["versions"]
    assert version["source"] == "TEMPLATE" and version["body_name"].endswith(".docx")
    assert version["has_pdf"] is True


def test_an_unknown_template_or_a_missing_value_is_named(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    no_body = {"body_name": None, "body_base64": None}
    unknown = apis["specialist"].post(
        "/drafts",
        draft_json(doc_type, team, other_agency, template_code="khong_co", **no_body),
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["fields"]) == {"template_code"}
    missing = apis["specialist"].post(
        "/drafts",
        draft_json(doc_type, team, other_agency, template_code="quyet_dinh", **no_body),
    )
    assert missing.status_code == 400
    assert "template_values.legal_bases" in missing.json()["fields"]
    assert not Draft.objects.exists()


# --- the boxes and one draft --------------------------------------------------------------


def test_boxes_show_each_persona_their_drafts(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    first = created(apis, doc_type, team, other_agency)
    created(apis, doc_type, team, other_agency, subject="Về việc thứ hai")
    mine = apis["specialist"].get("/drafts", box="mine").json()
    assert mine["count"] == 2 and mine["box"] == "mine"
    assert [d["subject"] for d in mine["items"]][1] == first["subject"]
    # before it is submitted, nobody else has it in a box
    assert apis["unit_head"].get("/drafts", box="to_review").json()["count"] == 0
    # once submitted it waits for the unit head's review
    assert apis["specialist"].post(f"/drafts/{first['id']}/submit").status_code == 200
    to_review = apis["unit_head"].get("/drafts", box="to_review").json()
    assert [d["id"] for d in to_review["items"]] == [first["id"]]
    assert apis["clerk"].get("/drafts", box="to_review").json()["count"] == 0
    assert apis["leader"].get("/drafts", box="to_sign").json()["count"] == 0
    # the issuance box is the clerk's only
    assert apis["specialist"].get("/drafts", box="to_issue").json()["count"] == 0
    filtered = apis["specialist"].get("/drafts", box="mine", status="IN_REVIEW").json()
    assert [d["id"] for d in filtered["items"]] == [first["id"]]


def test_an_unknown_box_is_refused(apis: dict[str, Api]) -> None:
    response = apis["specialist"].get("/drafts", box="tat-ca")
    assert response.status_code == 400 and "box" in response.json()["fields"]


def test_reading_a_draft_is_journaled_and_hidden_from_others(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    response = apis["specialist"].get(f"/drafts/{draft['id']}")
    assert response.status_code == 200
    assert response.json()["history"][0]["action"] == "create"
    event = AuditEvent.objects.get(action="outgoing.view")
    assert event.data["via"] == "api" and event.data["token"]
    # not submitted yet: the clerk, the unit head, another unit and another agency see nothing
    for persona in ("clerk", "unit_head", "stranger", "outsider"):
        refused = apis[persona].get(f"/drafts/{draft['id']}")
        assert refused.status_code == 404, persona
        assert refused.json()["code"] == "not_found"
    assert apis["specialist"].get("/drafts/999999").status_code == 404


# --- editing ------------------------------------------------------------------------------


def test_editing_with_the_version_read(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    change = draft_json(doc_type, team, other_agency, subject="Về việc đã sửa", version=1)
    response = apis["specialist"].put(f"/drafts/{draft['id']}", change)
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Về việc đã sửa"
    assert response.json()["version"] == 2
    # the same edit again, with the old version: someone changed it since
    stale = apis["specialist"].put(
        f"/drafts/{draft['id']}", {**change, "subject": "Lần sửa thứ hai"}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert draft_of(draft).subject == "Về việc đã sửa"


def test_an_edit_is_checked_and_kept_from_others(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    bad = draft_json(doc_type, team, other_agency, signer_id=999999, version=1)
    response = apis["specialist"].put(f"/drafts/{draft['id']}", bad)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"signer_id"}
    missing = apis["specialist"].put(
        f"/drafts/{draft['id']}", draft_json(doc_type, team, other_agency)
    )
    assert missing.status_code == 400 and "version" in missing.json()["fields"]
    # submitted: the clerk sees it but may not edit it (not their turn)
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    refused = apis["clerk"].put(
        f"/drafts/{draft['id']}", draft_json(doc_type, team, other_agency, version=2)
    )
    assert refused.status_code == 404
    assert draft_of(draft).subject == draft["subject"]


def test_new_versions_by_upload_and_from_a_template(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    monkeypatch: Any,
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    response = apis["specialist"].upload(
        f"/drafts/{draft['id']}/versions", {"body": _pdf_file(), "note": "Sửa đoạn 2", "version": 1}
    )
    assert response.status_code == 201, response.json()
    versions = response.json()["versions"]
    assert [(v["number"], v["note"]) for v in versions] == [(1, ""), (2, "Sửa đoạn 2")]
    # a stale version is refused and adds nothing
    stale = apis["specialist"].upload(
        f"/drafts/{draft['id']}/versions", {"body": _pdf_file(), "version": 1}
    )
    assert stale.status_code == 409
    # an unknown template is named as the field the client sent
    unknown = apis["specialist"].post(
        f"/drafts/{draft['id']}/versions/template", {"template_code": "khong_co", "values": {}}
    )
    assert unknown.status_code == 400 and set(unknown.json()["fields"]) == {"template_code"}
    # a generated body goes through the same service (the template renderer is stubbed:
    # LibreOffice is slow; test_a_draft_made_from_a_template runs the real one)
    from govdoc.api import outgoing_calls
    from govdoc.outgoing.tests.conftest import pdf_body

    seen: dict[str, Any] = {}

    def fake_template(**kwargs: Any) -> Any:
        seen.update(kwargs)
        body = pdf_body("mau.pdf")
        return type(body)(**{**body.__dict__, "template_code": "quyet_dinh", "source": "TEMPLATE"})

    monkeypatch.setattr(outgoing_calls, "prepare_template", fake_template)
    generated = apis["specialist"].post(
        f"/drafts/{draft['id']}/versions/template",
        {"template_code": "quyet_dinh", "values": {"body": ["Đoạn một."]}, "note": "Theo mẫu"},
    )
    assert generated.status_code == 201, generated.json()
    assert generated.json()["versions"][-1]["source"] == "TEMPLATE"
    assert generated.json()["template_code"] == "quyet_dinh"
    assert seen["template_code"] == "quyet_dinh" and seen["drafter"] == team["specialist"]
    assert seen["data"].subject == draft["subject"]
    assert DraftVersion.objects.filter(draft_id=draft["id"]).count() == 3


def test_a_version_that_is_not_docx_or_pdf_is_refused(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    image = SimpleUploadedFile("anh.png", make_png(), content_type="image/png")
    response = apis["specialist"].upload(f"/drafts/{draft['id']}/versions", {"body": image})
    assert response.status_code == 400
    assert response.json()["fields"] == {"body": "Dự thảo phải là tệp DOCX hoặc PDF."}
    no_file = apis["specialist"].upload(f"/drafts/{draft['id']}/versions", {"note": "x"})
    assert no_file.status_code == 400 and "body" in no_file.json()["fields"]
    other = apis["stranger"].upload(f"/drafts/{draft['id']}/versions", {"body": _pdf_file()})
    assert other.status_code == 404
    assert DraftVersion.objects.filter(draft_id=draft["id"]).count() == 1


def test_attachments_are_added_downloaded_and_taken_off(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    response = apis["specialist"].upload(
        f"/drafts/{draft['id']}/attachments",
        {
            "files": [
                SimpleUploadedFile("pl-1.pdf", make_pdf("Mot"), content_type="application/pdf"),
                SimpleUploadedFile("pl-2.pdf", make_pdf("Hai"), content_type="application/pdf"),
            ]
        },
    )
    assert response.status_code == 201, response.json()
    first, second = response.json()["attachments"]
    assert (first["name"], second["name"]) == ("pl-1.pdf", "pl-2.pdf")
    download = apis["specialist"].client.get(first["download_url"])
    assert download.status_code == 200 and download.getvalue() == make_pdf("Mot")
    assert AuditEvent.objects.filter(action="file.download").count() == 1
    removed = apis["specialist"].delete(f"/drafts/{draft['id']}/attachments/{first['id']}")
    assert removed.status_code == 200
    assert [a["name"] for a in removed.json()["attachments"]] == ["pl-2.pdf"]
    assert (
        apis["specialist"].delete(f"/drafts/{draft['id']}/attachments/{first['id']}").status_code
        == 404
    )
    png = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    bad = apis["specialist"].upload(f"/drafts/{draft['id']}/attachments", {"files": [png]})
    assert bad.status_code == 400 and "files" in bad.json()["fields"]
    outsider = apis["outsider"].client.get(second["download_url"])
    assert outsider.status_code == 404


def test_version_files_are_downloaded_by_those_who_see_the_draft(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    (version,) = draft["versions"]
    body = apis["specialist"].client.get(version["download_url"])
    assert body.status_code == 200 and body["Content-Type"] == "application/pdf"
    assert body.getvalue() == make_draft_pdf()
    assert apis["specialist"].client.get(version["pdf_url"]).status_code == 200
    assert apis["specialist"].get(f"/drafts/{draft['id']}/versions/9/file").status_code == 404
    assert apis["unit_head"].client.get(version["download_url"]).status_code == 404
    assert AuditEvent.objects.filter(action="file.download").count() == 2


def test_comments(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    response = apis["unit_head"].post(
        f"/drafts/{draft['id']}/comments", {"text": "Bổ sung số liệu quý III."}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["author"]["id"] == team["unit_head"].pk
    assert response.json()["version"] == 1
    empty = apis["unit_head"].post(f"/drafts/{draft['id']}/comments", {"text": "  "})
    assert empty.status_code == 400
    assert empty.json()["fields"] == {"text": "Vui lòng nhập ý kiến."}
    hidden = apis["outsider"].post(f"/drafts/{draft['id']}/comments", {"text": "Xin chào"})
    assert hidden.status_code == 404
    assert DraftComment.objects.count() == 1


def test_cancelling_needs_a_reason_and_the_drafter(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    no_reason = apis["specialist"].post(f"/drafts/{draft['id']}/cancel", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    not_drafter = apis["unit_head"].post(f"/drafts/{draft['id']}/cancel", {"reason": "Không cần"})
    assert not_drafter.status_code == 404
    assert draft_of(draft).status == DraftStatus.IN_REVIEW
    response = apis["specialist"].post(f"/drafts/{draft['id']}/cancel", {"reason": "Không cần"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "CANCELLED" and response.json()["actions"] == []
    again = apis["specialist"].post(f"/drafts/{draft['id']}/cancel", {"reason": "Lần nữa"})
    assert again.status_code == 409


def test_a_browser_session_needs_csrf_to_write(
    team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(team["specialist"])
    body = draft_json(doc_type, team, other_agency)
    refused = client.post("/api/outgoing/drafts", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf"
    assert not Draft.objects.exists()
    # reads need no token
    assert client.get("/api/outgoing/drafts").status_code == 200
