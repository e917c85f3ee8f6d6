"""What destroying documents purges (DOMAIN §4.3, F8: "the content is purged, the destruction
record and a metadata summary stay for ever").

The bytes of a document are content-addressed (`documents.StoredFile`, one row per SHA-256)
and several rows of several apps may refer to the same bytes. Destroying a document purges
every reference **that is this document's own copy of its content**:

- its files (`documents.DocumentFile`): the rows are deleted (their list stays in the
  decision's summary), as before;
- what this agency kept of the same document elsewhere — the drafts' versions and
  attachments of an issued document, its copies (sao y, sao lục, trích sao), the received
  files of an electronic receipt, the edXML packets that carried it in or out: the rows stay
  (their metadata: names, numbers, dates, who, statuses), their content is replaced by the
  placeholder "content destroyed" (`placeholder()`), or emptied where the column may be
  empty.

Then the stored bytes nothing refers to any more leave the storage (after commit). Bytes a
living record still refers to stay: a document of a living file, another agency's record (the
sender's issued original, the recipient's received copy on the same installation), a
handler's report. Those are listed in `KEPT` with the reason; `check_references()` fails
when a new reference to stored bytes is in neither list, so none is forgotten.

Records sits above every app that stores bytes, so it reads their models directly (no hook
needed: the import layers go downwards)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet

from govdoc.assignments.models import ProgressAttachment
from govdoc.documents.models import DocumentFile, StoredFile
from govdoc.documents.storage import storage_path
from govdoc.exchange.models import InboxPacket, LocalMail, OutboxPacket
from govdoc.exchange.workflow import OutboxStatus, PacketKind
from govdoc.incoming.models import ReceivedDocument, ReceivedFile
from govdoc.outgoing.models import (
    Dispatch,
    DocumentCopy,
    DraftAttachment,
    DraftVersion,
)

PLACEHOLDER_TEXT = (
    "Nội dung tài liệu này đã bị hủy theo quyết định hủy tài liệu hết giá trị.\n"
    "Thông tin về tài liệu được lưu giữ vĩnh viễn trong quyết định hủy.\n"
).encode()
PLACEHOLDER_KIND = "purged"
PLACEHOLDER_TYPE = "text/plain; charset=utf-8"


def placeholder() -> StoredFile:
    """The stored "content destroyed" note that purged references point to (written once,
    content-addressed like every file; never purged itself)."""
    digest = hashlib.sha256(PLACEHOLDER_TEXT).hexdigest()
    found = StoredFile.objects.filter(sha256=digest).first()
    if found is not None:
        return found
    name = storage_path(digest)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(PLACEHOLDER_TEXT))
        if saved != name:
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=digest,
                size=len(PLACEHOLDER_TEXT),
                content_type=PLACEHOLDER_TYPE,
                kind=PLACEHOLDER_KIND,
                storage_name=name,
            )
    except IntegrityError:
        return StoredFile.objects.get(sha256=digest)


# -- the references purged with the document ----------------------------------------------


def _received(document_ids: Sequence[int]) -> QuerySet[ReceivedDocument]:
    return ReceivedDocument.objects.filter(incoming__document_id__in=document_ids)


def _received_files(document_ids: Sequence[int]) -> QuerySet[Any]:
    return ReceivedFile.objects.filter(received__incoming__document_id__in=document_ids)


def _draft_versions(document_ids: Sequence[int]) -> QuerySet[Any]:
    return DraftVersion.objects.filter(draft__outgoing__document_id__in=document_ids)


def _draft_attachments(document_ids: Sequence[int]) -> QuerySet[Any]:
    return DraftAttachment.objects.filter(draft__outgoing__document_id__in=document_ids)


def _copies(document_ids: Sequence[int]) -> QuerySet[Any]:
    return DocumentCopy.objects.filter(source_id__in=document_ids)


def _sent_packets(document_ids: Sequence[int]) -> QuerySet[Any]:
    """The document packets that carried the issued document (and its changes) out, once
    sent or given up (a packet still to be sent is left to its sender)."""
    dispatches = list(
        Dispatch.objects.filter(outgoing__document_id__in=document_ids).values_list("pk", flat=True)
    )
    if not dispatches:
        return OutboxPacket.objects.none()
    refs = reduce(
        or_,
        (
            Q(subject_ref=f"outgoing-dispatch:{pk}")
            | Q(subject_ref__startswith=f"outgoing-dispatch:{pk}:")
            for pk in dispatches
        ),
    )
    return OutboxPacket.objects.filter(
        refs,
        kind=PacketKind.EDOC,
        status__in=(OutboxStatus.SENT, OutboxStatus.FAILED),
    )


def _received_packets(document_ids: Sequence[int]) -> QuerySet[Any]:
    """The document packets received here that became the document (or updated it)."""
    received = list(_received(document_ids).values_list("pk", flat=True))
    if not received:
        return InboxPacket.objects.none()
    refs = [f"{prefix}:{pk}" for pk in received for prefix in ("received", "updated")]
    return InboxPacket.objects.filter(result_ref__in=refs, kind=PacketKind.EDOC)


@dataclass(frozen=True)
class Reference:
    """A column that refers to stored bytes, and the rows of it that are the destroyed
    documents' own content."""

    model: type[models.Model]
    field: str
    rows: Callable[[Sequence[int]], QuerySet[Any]]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


PURGED: tuple[Reference, ...] = (
    Reference(ReceivedFile, "stored", _received_files),
    Reference(DraftVersion, "body", _draft_versions),
    Reference(DraftVersion, "pdf", _draft_versions),
    Reference(DraftAttachment, "stored", _draft_attachments),
    Reference(DocumentCopy, "stored", _copies),
    Reference(DocumentCopy, "signed", _copies),
    Reference(OutboxPacket, "packet", _sent_packets),
    Reference(InboxPacket, "packet", _received_packets),
)
"""Purged with the document, besides its own files (DocumentFile rows, deleted)."""

KEPT: dict[str, str] = {
    f"{ProgressAttachment._meta.label}.stored": (
        "Tệp kèm báo cáo tiến độ xử lý: hồ sơ xử lý của người xử lý, không phải nội dung "
        "của văn bản; giữ theo lịch sử xử lý (F5.a)."
    ),
    f"{LocalMail._meta.label}.packet": (
        "Hộp thư của kênh nội bộ: gói tin như cơ quan gửi đã gửi (cùng nội dung với gói "
        "tin đi của cơ quan gửi): hồ sơ của cơ quan khác, không hủy theo quyết định của "
        "cơ quan nhận."
    ),
}
"""References destruction leaves alone, with the reason (docs/records-export.md)."""

OWN_FILES = f"{DocumentFile._meta.label}.stored"


def stored_file_references() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) of the installation that refers to a StoredFile."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.is_relation
                and field.related_model is StoredFile
            ):
                found.append((model, field.name))
    return found


def check_references() -> list[str]:
    """The references to stored bytes that destruction neither purges nor keeps on
    purpose (there should be none)."""
    known = {r.label for r in PURGED} | set(KEPT) | {OWN_FILES}
    return sorted(
        f"{model._meta.label}.{name}"
        for model, name in stored_file_references()
        if f"{model._meta.label}.{name}" not in known
    )


def unreferenced_stored_ids(candidate_ids: Sequence[int]) -> list[int]:
    """Those of `candidate_ids` no row of any app refers to any more."""
    left = set(candidate_ids)
    for model, name in stored_file_references():
        if not left:
            break
        used = model._default_manager.filter(**{f"{name}__in": left}).values_list(name, flat=True)
        left -= {int(pk) for pk in used if pk is not None}
    return sorted(left)


# -- purging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    documents: int
    document_files: int
    stored_files: int
    references: dict[str, int]


def _remove_bytes(names: dict[str, str]) -> None:
    """After commit: remove the bytes of purged content, unless the same content was stored
    again meanwhile (content-addressed: a new upload would reuse the path)."""
    for sha256, name in names.items():
        if StoredFile.objects.filter(sha256=sha256).exists():
            continue
        if default_storage.exists(name):
            default_storage.delete(name)


def purge_content(document_ids: Sequence[int]) -> Purge:
    """Inside the destruction's transaction: purge every copy of the content of
    `document_ids` (documents no living file holds), keep the metadata rows, then delete
    the stored bytes nothing refers to any more (from the storage once committed)."""
    wanted = sorted(set(document_ids))
    rows = DocumentFile.objects.filter(document_id__in=wanted)
    stored_ids = set(rows.values_list("stored_id", flat=True))
    removed, _ = rows.delete()
    touched: dict[str, int] = {}
    blank: StoredFile | None = None
    for reference in PURGED:
        column = reference.model._meta.get_field(reference.field)
        attname = f"{reference.field}_id"
        found = reference.rows(wanted).exclude(**{f"{reference.field}__isnull": True})
        if blank is not None:
            found = found.exclude(**{attname: blank.pk})
        ids = set(found.values_list(attname, flat=True))
        if not ids:
            continue
        if column.null:
            value: int | None = None
        else:
            blank = blank or placeholder()
            value = blank.pk
        stored_ids |= ids
        touched[reference.label] = found.update(**{attname: value})
    if blank is not None:
        stored_ids.discard(blank.pk)
    free = unreferenced_stored_ids(sorted(stored_ids))
    stored = StoredFile.objects.filter(pk__in=free)
    names = dict(stored.values_list("sha256", "storage_name"))
    stored.delete()
    if names:
        transaction.on_commit(lambda: _remove_bytes(names))
    return Purge(
        documents=len(wanted),
        document_files=removed,
        stored_files=len(names),
        references=touched,
    )
