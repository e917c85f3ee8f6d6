"""Destroying an issued document purges the content of its drafts' versions and
attachments, and of the packets that carried it out, while their rows stay; the recipient's
received copy (another agency on the same installation) keeps the bytes it shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.documents.models import DocumentFile, StoredFile
from govdoc.exchange.models import OutboxPacket
from govdoc.incoming.models import ReceivedFile
from govdoc.organizations.models import User
from govdoc.outgoing.models import DraftVersion, OutgoingDocument
from govdoc.outgoing.tests.conftest import (
    cong_van,
    credentials,
    issue,
    make_draft,
    pki,
)
from govdoc.records.models import CaseFile
from govdoc.records.services.disposal import disposal_execute
from govdoc.records.services.purge import placeholder
from govdoc.records.tests.disposal_helpers import approved, archivist, closed_file, on_disk
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db

__all__ = ["archivist", "cong_van", "credentials", "issue", "make_draft", "pki"]  # fixtures


def test_an_issued_document_is_purged_but_the_recipients_copy_stays(
    personas: dict[str, User],
    archivist: User,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    specialist = personas["specialist"]
    # given a document issued to another agency of this installation (the local transport:
    # the recipient's received copy shares the issued PDF's bytes), filed by its drafter
    outgoing = issue()
    versions = list(DraftVersion.objects.filter(draft=outgoing.draft).order_by("number"))
    ours = {v.body_id for v in versions} | {v.pdf_id for v in versions if v.pdf_id}
    issued = DocumentFile.objects.get(document=outgoing.document, role="MAIN").stored
    shared = set(ReceivedFile.objects.values_list("stored_id", flat=True))
    assert issued.pk in shared  # the recipient's copy
    sent = OutboxPacket.objects.get(subject_ref__startswith="outgoing-dispatch:")
    packet_id = sent.packet_id
    only_ours = list(StoredFile.objects.filter(pk__in=ours - shared - {packet_id}))
    assert only_ours and all(on_disk(s) for s in only_ours)
    case_file = closed_file(specialist, notation="01.DI", texts=(), shared=[outgoing.document_id])
    # when it is destroyed
    decision = approved(archivist, personas["leader"], [case_file], [archivist, personas["clerk"]])
    with django_capture_on_commit_callbacks(execute=True):
        disposal_execute(decision=decision, actor=archivist)
    assert CaseFile.objects.get(pk=case_file.pk).status == FileStatus.DESTROYED
    # then the drafts' versions stay as rows, their content replaced or emptied
    blank = placeholder()
    after = list(DraftVersion.objects.filter(draft=outgoing.draft).order_by("number"))
    assert [(v.number, v.source, v.body_name) for v in after] == [
        (v.number, v.source, v.body_name) for v in versions
    ]
    assert {v.body_id for v in after} == {blank.pk} and {v.pdf_id for v in after} == {None}
    # the packet that carried it out keeps its row, not its content
    sent.refresh_from_db()
    assert sent.packet_id == blank.pk and sent.status == "SENT"
    # the bytes only this agency held are gone; the recipient's copy keeps the issued PDF
    assert not StoredFile.objects.filter(pk__in=[s.pk for s in only_ours]).exists()
    assert not any(on_disk(s) for s in only_ours)
    assert on_disk(issued) and ReceivedFile.objects.filter(stored=issued).exists()
