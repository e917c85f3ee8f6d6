"""Reads: a person sees only their own notifications; the unread count stops at its cap."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from govdoc.notifications.models import Notification
from govdoc.notifications.selectors import notifications_of, unread_count
from govdoc.notifications.services import notification_mark_read, notify
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db


def test_a_person_sees_only_their_own_newest_first(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    # given notifications for the specialist and for the clerk
    specialist, clerk = people["specialist"], people["clerk"]
    older = notify(recipients=[specialist], email=False, **{**notify_kwargs, "title": "Cũ"})[0]
    newer = notify(recipients=[specialist], email=False, **{**notify_kwargs, "title": "Mới"})[0]
    notify(recipients=[clerk], email=False, **notify_kwargs)
    notification_mark_read(notification=older, actor=specialist)
    # then the specialist's list holds their two, newest first, and only the newer is unread
    assert list(notifications_of(actor=specialist)) == [newer, older]
    assert list(notifications_of(actor=specialist, unread_only=True)) == [newer]
    assert unread_count(actor=specialist) == 1
    assert unread_count(actor=clerk) == 1
    assert unread_count(actor=AnonymousUser()) == 0


def test_unread_count_stops_past_the_cap(people: dict[str, User]) -> None:
    specialist = people["specialist"]
    Notification.objects.bulk_create(
        Notification(recipient=specialist, kind="x", title=f"Thông báo {i}") for i in range(7)
    )
    assert unread_count(actor=specialist, cap=5) == 6
    assert unread_count(actor=specialist) == 7
