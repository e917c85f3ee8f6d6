"""Reads of notifications, scoped to the person reading: one only ever sees one's own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from govdoc.notifications.models import Notification

# The bell shows "99+" beyond this: counting stops there, so a person with thousands of
# unread notifications costs no more than one with a hundred.
UNREAD_COUNT_CAP = 99


def notifications_of(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's notifications, newest first."""
    rows = Notification.objects.filter(recipient_id=actor.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(*, actor: Any, cap: int = UNREAD_COUNT_CAP) -> int:
    """How many of the actor's notifications are unread, counted up to ``cap + 1``."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    unread = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True)
    return unread.values("pk")[: cap + 1].count()
