"""Fetching one notification for the person acting on it."""

from __future__ import annotations

from typing import Any

from govdoc.core.errors import NotFound
from govdoc.notifications.models import Notification


def notification_for(*, actor: Any, notification_id: int) -> Notification:
    """The actor's own notification; anyone else's answers as if it did not exist."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient_id=getattr(actor, "pk", None)
    ).first()
    if notification is None:
        raise NotFound()
    return notification
