"""Writing to the journal. Called by every service inside its transaction, so the event
commits or rolls back with the change it describes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from django.db import models
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.core import sql_rows
from govdoc.core.request_context import client_ip


class _Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


# Events recorded inside `audit_batch()`, written together when it ends.
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("govdoc_audit_pending", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Write the events recorded inside the block in one INSERT when the block ends.

    For the end of a transaction that holds a contended lock (a register book): one statement
    instead of one per event. Use inside the transaction, so the events still commit or roll
    back with the change; an exception inside the block writes nothing.
    """
    outer = _pending.get()
    if outer is not None:
        yield  # already batching: the outer block writes them
        return
    events: list[AuditEvent] = []
    token = _pending.set(events)
    try:
        yield
    finally:
        _pending.reset(token)
    if events:
        AuditEvent.objects.bulk_create(events)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    agency_id: int | None = None,
    data: dict[str, Any] | None = None,
    on_behalf_of: str = "",
) -> AuditEvent:
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:300]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(getattr(actor, "display_name", "") or actor.get_username())
        if authenticated
        else "",
        on_behalf_of=on_behalf_of,
        agency_id=agency_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:300],
        ip=client_ip(),
        data=data or {},
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
    else:
        sql_rows.save_new(event)  # one INSERT built once: every service writes here
    return event
