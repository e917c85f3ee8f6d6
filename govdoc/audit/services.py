"""Writing to the journal. Called by every service inside its transaction, so the event
commits or rolls back with the change it describes."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.core.request_context import client_ip


class _Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


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
    return AuditEvent.objects.create(
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
