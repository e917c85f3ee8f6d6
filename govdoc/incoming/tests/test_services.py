"""Registration of incoming documents through the service layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_docx, make_pdf
from govdoc.core.errors import Conflict, DuplicateSuspected, Forbidden, ValidationFailed
from govdoc.documents.models import Document, DocumentFile, MetadataVersion, StoredFile
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument, IncomingHistory
from govdoc.incoming.services import incoming_annul, incoming_register, incoming_update
from govdoc.incoming.workflow import Status
from govdoc.registers.models import RegisterEntry

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        IncomingDocument.objects.count(),
        RegisterEntry.objects.count(),
        DocumentFile.objects.count(),
        StoredFile.objects.count(),
        IncomingHistory.objects.count(),
        AuditEvent.objects.filter(action="incoming.register").count(),
    )


def test_clerk_registers_and_gets_arrival_number(
    ministry: Any, personas: Any, doc_type: Any
) -> None:
    # given a clerk and a valid scanned decision with an attachment
    data = incoming_input(
        doc_type, attachments=(Upload(name="phu-luc.docx", data=make_docx()),), priority=2
    )
    # when the clerk registers it
    incoming = incoming_register(agency=ministry, data=data, actor=personas["clerk"])
    # then it gets arrival number 1 of this year, now
    assert incoming.arrival_number == 1
    assert incoming.display_arrival_number == "01"
    assert incoming.arrival_year == dt.date.today().year
    assert incoming.status == Status.REGISTERED
    assert incoming.register_entry.target_id == str(incoming.pk)
    files = list(incoming.document.files.order_by("position"))
    assert [f.role for f in files] == ["MAIN", "ATTACHMENT"]
    assert files[0].stored.kind == "pdf" and files[1].stored.kind == "docx"
    assert incoming.document.search_text.startswith("15 qd-stnmt")
    assert "dat dai" in incoming.document.search_text
    # and leaves one history row and one audit event
    assert list(incoming.history.values_list("action", flat=True)) == ["register"]
    event = AuditEvent.objects.get(action="incoming.register")
    assert event.actor == personas["clerk"] and event.target_id == str(incoming.pk)
    # the next registration gets the next number
    second = incoming_register(
        agency=ministry, data=incoming_input(doc_type, code_number="16"), actor=personas["clerk"]
    )
    assert second.arrival_number == 2


@pytest.mark.parametrize("persona", ["leader", "unit_head", "specialist", "admin", "outsider"])
def test_only_the_clerk_registers(
    ministry: Any, personas: Any, doc_type: Any, persona: str
) -> None:
    before = _counts()
    with pytest.raises(Forbidden) as caught:
        incoming_register(agency=ministry, data=incoming_input(doc_type), actor=personas[persona])
    assert caught.value.status == 403
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "   "}, "subject"),
        ({"document_type_id": None}, "document_type"),
        ({"document_type_id": 999999}, "document_type"),
        ({"issuer_name": ""}, "issuer"),
        ({"issued_date": None}, "issued_date"),
        ({"issued_date": dt.date.today() + dt.timedelta(days=3)}, "issued_date"),
        ({"priority": 9}, "priority"),
        ({"page_count": 0}, "page_count"),
        ({"code_notation": "X" * 31}, "code_notation"),
        ({"main_file": None}, "main_file"),
        ({"main_file": Upload(name="gia.pdf", data=b"MZ\x90\x00 not a pdf")}, "main_file"),
        ({"main_file": Upload(name="anh.pdf", data=b"\x89PNG\r\n\x1a\n0000")}, "main_file"),
        ({"attachments": (Upload(name="x.docx", data=b""),)}, "attachments"),
        ({"confidentiality": "MAT"}, "confidentiality"),
        ({"confidentiality": "TUYET_MAT"}, "confidentiality"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_writes_nothing(
    ministry: Any, personas: Any, doc_type: Any, overrides: dict[str, Any], field: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        incoming_register(
            agency=ministry, data=incoming_input(doc_type, **overrides), actor=personas["clerk"]
        )
    assert field in caught.value.fields
    assert caught.value.fields[field]  # a Vietnamese message
    assert _counts() == before


def test_secret_document_message_is_clear(ministry: Any, personas: Any, doc_type: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, confidentiality="TOI_MAT"),
            actor=personas["clerk"],
        )
    assert (
        "Tối mật" in caught.value.message
        and "không được xử lý trên hệ thống mạng" in caught.value.message
    )


def test_oversized_file_is_refused(
    settings: Any, ministry: Any, personas: Any, doc_type: Any
) -> None:
    settings.GOVDOC_MAX_FILE_SIZE = 1000
    before = _counts()
    big = Upload(name="lon.pdf", data=make_pdf("x" * 2000))
    with pytest.raises(ValidationFailed) as caught:
        incoming_register(
            agency=ministry, data=incoming_input(doc_type, main_file=big), actor=personas["clerk"]
        )
    assert "vượt quá dung lượng" in caught.value.fields["main_file"]
    assert _counts() == before


def test_duplicate_needs_a_reason(ministry: Any, personas: Any, doc_type: Any) -> None:
    # given a registered document
    first = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    before = _counts()
    # when the same number, symbol and issuer (typed without accents) arrive again
    again = incoming_input(doc_type, issuer_name="So Tai nguyen va Moi truong Ha Noi")
    with pytest.raises(DuplicateSuspected) as caught:
        incoming_register(agency=ministry, data=again, actor=personas["clerk"])
    # then it is flagged (409) and nothing is written
    assert caught.value.status == 409 and "duplicate_reason" in caught.value.fields
    assert _counts() == before
    # with a reason it is registered, linked to the first one
    second = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            issuer_name="So Tai nguyen va Moi truong Ha Noi",
            duplicate_reason="Bản gửi lại có đóng dấu",
        ),
        actor=personas["clerk"],
    )
    assert second.duplicate_of == first and second.arrival_number == 2


def test_duplicate_by_document_identifier(ministry: Any, personas: Any, doc_type: Any) -> None:
    identifier = "000.00.00.H41,2026/01/05,15/QĐ-UBND"
    incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, document_identifier=identifier),
        actor=personas["clerk"],
    )
    with pytest.raises(DuplicateSuspected):
        incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, code_number="99", document_identifier=identifier),
            actor=personas["clerk"],
        )


def test_same_content_is_stored_once(ministry: Any, personas: Any, doc_type: Any) -> None:
    data = make_pdf("same")
    for number in ("1", "2"):
        incoming_register(
            agency=ministry,
            data=incoming_input(
                doc_type, code_number=number, main_file=Upload(name="a.pdf", data=data)
            ),
            actor=personas["clerk"],
        )
    assert StoredFile.objects.count() == 1
    assert DocumentFile.objects.count() == 2


def test_edit_is_versioned_and_concurrent_edit_is_refused(
    ministry: Any, personas: Any, doc_type: Any
) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    version = incoming.document.version
    # when the clerk changes the subject
    incoming_update(
        incoming=incoming,
        data=incoming_input(doc_type, subject="Về việc thu hồi đất", main_file=None),
        expected_version=version,
        actor=personas["clerk"],
        reason="Sửa trích yếu cho đúng",
    )
    # then the old and new values are kept
    change = MetadataVersion.objects.get(document=incoming.document)
    assert change.changes["subject"] == [
        "Về việc giao đất đai cho dự án khu dân cư",
        "Về việc thu hồi đất",
    ]
    assert change.changed_by == personas["clerk"]
    assert AuditEvent.objects.filter(action="incoming.update").count() == 1
    # and an edit based on the old version is refused (409), changing nothing
    stale = IncomingDocument.objects.get(pk=incoming.pk)
    with pytest.raises(Conflict):
        incoming_update(
            incoming=stale,
            data=incoming_input(doc_type, subject="Một trích yếu khác", main_file=None),
            expected_version=version,
            actor=personas["clerk"],
        )
    stale.document.refresh_from_db()
    assert stale.document.subject == "Về việc thu hồi đất"
    assert MetadataVersion.objects.count() == 1


def test_annul_keeps_the_number_with_reason(ministry: Any, personas: Any, doc_type: Any) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    with pytest.raises(ValidationFailed):
        incoming_annul(incoming=incoming, reason="  ", actor=personas["clerk"])
    incoming_annul(incoming=incoming, reason="Vào sổ nhầm", actor=personas["clerk"])
    entry = RegisterEntry.objects.get(pk=incoming.register_entry_id)
    assert entry.annulled_by == personas["clerk"] and entry.annul_reason == "Vào sổ nhầm"
    assert IncomingDocument.objects.get(pk=incoming.pk).status == Status.ANNULLED
    # the next registration does not reuse the number
    nxt = incoming_register(
        agency=ministry, data=incoming_input(doc_type, code_number="77"), actor=personas["clerk"]
    )
    assert nxt.arrival_number == 2
    with pytest.raises(Conflict):
        incoming_annul(
            incoming=IncomingDocument.objects.get(pk=incoming.pk),
            reason="lần nữa",
            actor=personas["clerk"],
        )


def test_page_count_is_read_from_the_pdf_when_not_given(
    ministry: Any, personas: Any, doc_type: Any
) -> None:
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type, page_count=None), actor=personas["clerk"]
    )
    assert incoming.document.page_count == 1
    typed = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="2", page_count=7),
        actor=personas["clerk"],
    )
    assert typed.document.page_count == 7


def test_metadata_and_file_errors_come_together(
    ministry: Any, personas: Any, doc_type: Any
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, subject="", main_file=None),
            actor=personas["clerk"],
        )
    assert {"subject", "main_file"} <= set(caught.value.fields)
    assert _counts() == before
