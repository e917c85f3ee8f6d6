"""What every outgoing step shares: the history row, the journal event, the compare-and-set
status move, and small checks."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, InvalidTransition, ValidationFailed
from govdoc.outgoing.models import Draft, DraftHistory, DraftVersion
from govdoc.outgoing.workflow import DraftStatus, next_draft_status

STALE = "Dự thảo vừa được người khác thay đổi; vui lòng tải lại trang rồi thử lại."


def name_of(person: Any) -> str:
    if person is None:
        return ""
    return str(getattr(person, "full_name", "") or person.get_username())


def clean(text: str) -> str:
    return " ".join((text or "").split())


def require_text(text: str, *, field: str, message: str, limit: int = 1000) -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationFailed(message, fields={field: message})
    if len(value) > limit:
        raise ValidationFailed("Nội dung quá dài.", fields={field: f"Tối đa {limit} ký tự."})
    return value


def history(
    draft: Draft,
    *,
    actor: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    on_behalf_of: Any = None,
    data: dict[str, Any] | None = None,
) -> None:
    DraftHistory.objects.create(
        draft=draft,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        on_behalf_of=on_behalf_of,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note[:1000],
        data=data or {},
    )


def journal(draft: Draft, *, actor: Any, action: str, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        action=f"outgoing.{action}",
        target=draft,
        agency_id=draft.agency_id,
        data=data or {},
    )


def locked(draft: Draft) -> Draft:
    """The draft re-read under a row lock (inside the caller's transaction)."""
    return Draft.objects.select_for_update().get(pk=draft.pk)


def move(
    draft: Draft,
    *,
    action: str,
    actor: Any,
    note: str = "",
    on_behalf_of: Any = None,
    data: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Move the draft's status by `action` with a compare-and-set update, one history row
    and one journal event; returns the new status. Raises when the move is not allowed."""
    current = draft.status
    target = next_draft_status(current, action)
    if target is None:
        raise InvalidTransition(
            f"Không thể thực hiện khi dự thảo ở trạng thái “{DraftStatus(current).label}”."
        )
    changes: dict[str, Any] = {"status": target, "updated_at": timezone.now()} | (extra or {})
    bump(draft, changes, status=current)
    history(
        draft,
        actor=actor,
        action=action,
        from_status=current,
        to_status=target,
        note=note,
        on_behalf_of=on_behalf_of,
        data=data,
    )
    journal(draft, actor=actor, action=action, data={"from": current, "to": target} | (data or {}))
    return target


def bump(draft: Draft, changes: dict[str, Any], **unchanged: Any) -> None:
    """The draft's compare-and-set: write `changes` and the next version, provided the row
    still has the version read (and the `unchanged` values); Conflict otherwise. The
    instance follows the row."""
    updated = Draft.objects.filter(pk=draft.pk, version=draft.version, **unchanged).update(
        version=draft.version + 1, **changes
    )
    if updated != 1:
        raise Conflict(STALE)
    for key, value in changes.items():
        setattr(draft, key, value)
    draft.version += 1


def touch(draft: Draft) -> None:
    """Bump the draft's version for a change that is not a status move (a new version)."""
    bump(draft, {"updated_at": timezone.now()})


def check_version(draft: Draft, expected: int | None) -> None:
    """Conflict when the caller read another version of the draft than the one locked."""
    if expected is not None and draft.version != expected:
        raise Conflict(STALE)


def last_version_number(draft: Draft) -> int:
    """The number of the draft's latest body version (0 before the first)."""
    number = draft.versions.aggregate(last=Max("number"))["last"]
    return int(number or 0)


def current_version(draft: Draft) -> DraftVersion | None:
    """The draft's latest body version, with its files."""
    return draft.versions.select_related("body", "pdf").order_by("-number").first()
