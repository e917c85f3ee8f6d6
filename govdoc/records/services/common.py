"""What the work-file services share: a person's name and a typed text cleaned (the outgoing
app's helpers), the file's append-only history row, and the compare-and-set bump of the
file's `version` (optimistic concurrency: two people may act on one file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from django.db.models import F, QuerySet
from django.utils import timezone

from govdoc.core.errors import Conflict
from govdoc.outgoing.services.common import clean, name_of
from govdoc.records.models import CaseFile, CaseFileHistory

__all__ = [
    "STALE",
    "HistoryFields",
    "bump_version",
    "bump_versions",
    "clean",
    "file_history",
    "file_history_rows",
    "file_step",
    "history_row",
    "name_of",
]

STALE = "Hồ sơ vừa được người khác thay đổi, vui lòng tải lại trang."
SYSTEM = "Hệ thống"
"""The name in the history when no person acts (a scheduled job)."""


# -- history ---------------------------------------------------------------------------------


class HistoryFields(TypedDict, total=False):
    """What a history row may say besides who and what (all optional)."""

    from_status: str
    to_status: str
    note: str
    data: dict[str, Any] | None
    at: dt.datetime | None


def history_row(
    case_file_id: int, *, actor: Any, action: str, **fields: Unpack[HistoryFields]
) -> CaseFileHistory:
    """One history row of a file, not saved yet (see `file_history`, `file_history_rows`)."""
    return CaseFileHistory(
        case_file_id=case_file_id,
        at=fields.get("at") or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=name_of(actor)[:200] if actor is not None else SYSTEM,
        action=action,
        from_status=fields.get("from_status", ""),
        to_status=fields.get("to_status", ""),
        note=fields.get("note", "")[:1000],
        data=fields.get("data") or {},
    )


def file_history(
    case_file: CaseFile, *, actor: Any, action: str, **fields: Unpack[HistoryFields]
) -> CaseFileHistory:
    """Append one step to the file's history: who (or "Hệ thống"), what, the status before
    and after, a note, the step's data."""
    row = history_row(case_file.pk, actor=actor, action=action, **fields)
    row.save(force_insert=True)
    return row


def file_step(
    case_file: CaseFile,
    *,
    actor: Any,
    action: str,
    note: str,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CaseFileHistory:
    """A step that leaves the file in its status (a keep request, a handover…): its history
    row, the status before and after both the file's current one."""
    return file_history(
        case_file,
        actor=actor,
        action=action,
        from_status=case_file.status,
        to_status=case_file.status,
        note=note,
        data=data,
        at=at,
    )


def file_history_rows(
    case_file_ids: Iterable[int],
    *,
    actor: Any,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> list[CaseFileHistory]:
    """The same step appended to the history of many files, at one moment, in bulk."""
    now = timezone.now()
    return CaseFileHistory.objects.bulk_create(
        [
            history_row(pk, actor=actor, action=action, note=note, data=data, at=now)
            for pk in case_file_ids
        ],
        batch_size=500,
    )


# -- the file's version ----------------------------------------------------------------------


def bump_version(case_file: CaseFile, *, status_was: str | None = None, **changes: Any) -> None:
    """Write `changes` with the next `version`, provided the row still has the version (and,
    given `status_was`, the status) the caller read; Conflict otherwise. The instance follows
    the row."""
    rows = CaseFile.objects.filter(pk=case_file.pk, version=case_file.version)
    if status_was is not None:
        rows = rows.filter(status=status_was)
    if rows.update(version=F("version") + 1, **changes) != 1:
        raise Conflict(STALE)
    case_file.version += 1
    for key, value in changes.items():
        setattr(case_file, key, value)


def bump_versions(files: QuerySet[CaseFile], **changes: Any) -> int:
    """Write `changes` on every file of `files` with its next `version` (rows the caller has
    locked); how many changed."""
    return files.update(version=F("version") + 1, **changes)
