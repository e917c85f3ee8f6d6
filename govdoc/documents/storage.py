"""Content-addressed file storage: bytes are stored under their SHA-256, written once.

Validation (type sniffing, size cap) happens before anything is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from govdoc.core import sql_rows
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import StoredFile
from govdoc.documents.sniffing import ACCEPTED_EXTENSIONS, FileKind, name_matches, sniff


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and its bytes."""

    name: str
    data: bytes


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_upload(upload: Upload, *, field: str) -> FileKind:
    """Refuse empty, oversized, unknown or misnamed files, with a message naming the file."""
    name = upload.name or "(không tên)"
    if not upload.data:
        raise ValidationFailed(f"Tệp {name} rỗng.", fields={field: f"Tệp {name} rỗng."})
    cap = int(settings.GOVDOC_MAX_FILE_SIZE)
    if len(upload.data) > cap:
        message = f"Tệp {name} vượt quá dung lượng cho phép ({_mb(cap)})."
        raise ValidationFailed(message, fields={field: message})
    kind = sniff(upload.data)
    if kind is None:
        message = (
            f"Tệp {name} không thuộc định dạng được chấp nhận "
            f"({', '.join(sorted({e.lstrip('.').upper() for e in ACCEPTED_EXTENSIONS}))})."
        )
        raise ValidationFailed(message, fields={field: message})
    if not name_matches(kind, name):
        message = (
            f"Tệp {name} không đúng định dạng như tên gọi: nội dung là {kind.label}. "
            "Vui lòng kiểm tra lại tệp."
        )
        raise ValidationFailed(message, fields={field: message})
    return kind


def storage_path(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_bytes(*, data: bytes, kind: FileKind) -> StoredFile:
    """Store bytes once; the same content stored twice gives the same record."""
    digest = hashlib.sha256(data).hexdigest()
    name = storage_path(digest)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            # Never overwrite: a storage that renamed the file means a race wrote it first.
            default_storage.delete(saved)
    stored = _insert_new(
        sha256=digest,
        size=len(data),
        content_type=kind.content_type,
        kind=kind.key,
        storage_name=name,
    )
    # Known content (or stored by someone else at the same moment): the existing record.
    return stored if stored is not None else _stored(digest)


_STORED = ("id", "sha256", "size", "content_type", "kind", "storage_name", "created_at")


def _stored(digest: str) -> StoredFile:
    """The record of known content, in SQL built once (an ORM `get` costs ≈ 1 ms to compose;
    a packet between two agencies of one installation is kept twice, outbox and inbox)."""
    found = sql_rows.rows(
        f"SELECT {sql_rows.columns(StoredFile, _STORED)} FROM {sql_rows.table(StoredFile)} "
        f"WHERE {sql_rows.column(StoredFile, 'sha256')} = %s",
        [digest],
    )
    if not found:
        raise StoredFile.DoesNotExist(digest)
    return sql_rows.load(StoredFile, _STORED, found[0])


def _insert_new(**values: Any) -> StoredFile | None:
    """One statement, INSERT … ON CONFLICT DO NOTHING RETURNING id (PostgreSQL, SQLite):
    the record if the content is new, None if it was already stored."""
    values["created_at"] = timezone.now()
    pk = sql_rows.insert_new(StoredFile, values, unique=("sha256",))
    return None if pk is None else sql_rows.instance(StoredFile, pk, values)


def open_stored(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_name, "rb") as handle:
        data: bytes = handle.read()
    return data


def stream_stored(stored: StoredFile) -> Any:
    """An open binary handle on the stored bytes (the caller closes it, e.g. FileResponse)."""
    return default_storage.open(stored.storage_name, "rb")
