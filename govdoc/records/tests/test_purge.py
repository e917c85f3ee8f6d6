"""Destruction purges every copy of a destroyed document's content this agency kept — its
files, the received files of its electronic receipt, the edXML packet that brought it, the
drafts' versions of an issued document — while the metadata rows stay (their content
replaced by the "content destroyed" placeholder, or emptied); after it, no stored bytes of
the destroyed document remain unless a living record holds them (a document of a living
file, another agency's record)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.documents.models import Direction, Document, DocumentFile, DocumentType, StoredFile
from govdoc.exchange.models import InboxPacket
from govdoc.exchange.workflow import InboxStatus, PacketKind
from govdoc.incoming.models import IncomingDocument, ReceivedDocument, ReceivedFile
from govdoc.incoming.received_services import received_register
from govdoc.incoming.tests.received_helpers import deliver, stored
from govdoc.organizations.models import Agency, User
from govdoc.records.models import CaseFile
from govdoc.records.services.disposal import disposal_execute
from govdoc.records.services.files import Retention
from govdoc.records.services.purge import (
    KEPT,
    PLACEHOLDER_TEXT,
    PURGED,
    check_references,
    placeholder,
)
from govdoc.records.tests.disposal_helpers import (
    approved,
    archivist,
    closed_file,
    on_disk,
)
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db

__all__ = ["archivist"]  # fixtures


def test_every_reference_to_stored_bytes_is_purged_or_kept_on_purpose() -> None:
    assert check_references() == []
    assert {r.label for r in PURGED} & set(KEPT) == set()
    assert all(reason for reason in KEPT.values())


def test_the_placeholder_is_stored_once_with_its_own_hash() -> None:
    first, second = placeholder(), placeholder()
    assert first.pk == second.pk and first.kind == "purged" and on_disk(first)
    assert first.size == len(PLACEHOLDER_TEXT)


def _received_incoming(
    ministry: Agency, sender: Agency, doc_type: DocumentType, clerk: User
) -> tuple[IncomingDocument, ReceivedDocument, InboxPacket]:
    """A document received electronically from `sender`, registered by the clerk, with the
    edXML packet that brought it."""
    received = deliver(ministry, sender, doc_type)
    incoming = received_register(received=received, data=None, actor=clerk)
    bytes_of_packet = stored(make_pdf("goi tin edXML cua cong van 45"))
    packet = InboxPacket.objects.create(
        agency=ministry,
        kind=PacketKind.EDOC,
        transport="local",
        external_id="goi-45",
        sha256=bytes_of_packet.sha256,
        packet=bytes_of_packet,
        sender_organ_id=sender.organ_id,
        status=InboxStatus.APPLIED,
        result_ref=f"received:{received.pk}",
        received_at=timezone.now(),
    )
    return incoming, received, packet


def _destroy(
    case_file: CaseFile, personas: dict[str, User], archivist: User, callbacks: Any
) -> None:
    decision = approved(archivist, personas["leader"], [case_file], [archivist, personas["clerk"]])
    with callbacks(execute=True):
        disposal_execute(decision=decision, actor=archivist)
    assert CaseFile.objects.get(pk=case_file.pk).status == FileStatus.DESTROYED


def test_a_received_document_is_purged_everywhere_its_content_was_kept(
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
    archivist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clerk = personas["clerk"]
    # given a document received electronically, registered, filed by the clerk (only there)
    incoming, received, packet = _received_incoming(ministry, other_agency, doc_type, clerk)
    own = {f.stored_id for f in DocumentFile.objects.filter(document=incoming.document)}
    via_receipt = {f.stored_id for f in ReceivedFile.objects.filter(received=received)}
    assert own == via_receipt and len(own) == 2  # the same bytes, shared, not copied
    contents = list(StoredFile.objects.filter(pk__in=own | {packet.packet_id}))
    assert all(on_disk(s) for s in contents)
    case_file = closed_file(clerk, notation="01.DEN", texts=(), shared=[incoming.document_id])
    files_before = list(
        ReceivedFile.objects.filter(received=received).values_list("pk", "name", "role")
    )
    # when the file is destroyed
    _destroy(case_file, personas, archivist, django_capture_on_commit_callbacks)
    # then no bytes of the document remain, nor the packet's
    assert not StoredFile.objects.filter(pk__in=[s.pk for s in contents]).exists()
    assert not any(on_disk(s) for s in contents)
    # the metadata rows stay: the received files (names, roles) now say "content destroyed"
    blank = placeholder()
    rows = ReceivedFile.objects.filter(received=received)
    assert list(rows.values_list("pk", "name", "role")) == files_before
    assert set(rows.values_list("stored_id", flat=True)) == {blank.pk}
    assert on_disk(blank)
    # the packet's row stays with its hash, without its bytes
    packet.refresh_from_db()
    assert packet.packet_id is None and packet.sha256 and packet.result_ref
    # the document's metadata and the receipt stay
    assert Document.objects.filter(pk=incoming.document_id).exists()
    assert ReceivedDocument.objects.filter(pk=received.pk).exists()
    # the journal says what was purged
    event = AuditEvent.objects.get(action="records.disposal_execute")
    assert event.data["references_purged"] == {
        "incoming.ReceivedFile.stored": 2,
        "exchange.InboxPacket.packet": 1,
    }
    assert event.data["stored_files_deleted"] == 3


def test_bytes_a_living_record_holds_stay(
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
    archivist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clerk = personas["clerk"]
    incoming, received, _ = _received_incoming(ministry, other_agency, doc_type, clerk)
    main = DocumentFile.objects.get(document=incoming.document, role="MAIN").stored
    attachment = DocumentFile.objects.get(document=incoming.document, role="ATTACHMENT").stored
    # given the sender's own issued original on the same installation (another agency's
    # record, sharing the main file's bytes: content-addressed)
    original = Document.objects.create(
        agency=other_agency,
        direction=Direction.OUTGOING,
        document_type=doc_type,
        code_number="45",
        code_notation="UBND-NN",
        issuer_name=other_agency.name,
        subject="Công văn 45 (bản gốc của cơ quan gửi)",
    )
    DocumentFile.objects.create(
        document=original, stored=main, role="MAIN", name="cv-45.pdf", added_by=clerk
    )
    case_file = closed_file(clerk, notation="01.DEN", texts=(), shared=[incoming.document_id])
    # when our file is destroyed
    _destroy(case_file, personas, archivist, django_capture_on_commit_callbacks)
    # then our copies are purged, the sender's original keeps its bytes
    assert set(
        ReceivedFile.objects.filter(received=received).values_list("stored_id", flat=True)
    ) == {placeholder().pk}
    assert not DocumentFile.objects.filter(document=incoming.document).exists()
    assert on_disk(main) and StoredFile.objects.filter(pk=main.pk).exists()
    assert DocumentFile.objects.get(document=original).stored_id == main.pk
    assert not on_disk(attachment)


def test_a_document_still_in_a_living_file_is_not_purged(
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
    archivist: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clerk = personas["clerk"]
    incoming, _received, packet = _received_incoming(ministry, other_agency, doc_type, clerk)
    doomed = closed_file(clerk, notation="01.HUY", texts=(), shared=[incoming.document_id])
    closed_file(
        clerk,
        notation="02.SONG",
        retention=Retention(False, 20),
        texts=(),
        shared=[incoming.document_id],
    )
    before = {
        "received": list(ReceivedFile.objects.values_list("pk", "stored_id")),
        "document_files": list(DocumentFile.objects.values_list("pk", "stored_id")),
        "packet": InboxPacket.objects.get(pk=packet.pk).packet_id,
        "stored": StoredFile.objects.count(),
    }
    _destroy(doomed, personas, archivist, django_capture_on_commit_callbacks)
    after = {
        "received": list(ReceivedFile.objects.values_list("pk", "stored_id")),
        "document_files": list(DocumentFile.objects.values_list("pk", "stored_id")),
        "packet": InboxPacket.objects.get(pk=packet.pk).packet_id,
        "stored": StoredFile.objects.count(),
    }
    assert after == before
    assert all(on_disk(s) for s in StoredFile.objects.all())
