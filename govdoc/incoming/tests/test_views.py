"""The incoming screens: persona access, registration through the form, search, files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_pdf
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register

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
