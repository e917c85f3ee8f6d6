"""notify(): one row per person, deduplication, e-mail queued after commit and sent once;
marking read."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from govdoc.core.errors import NotFound
from govdoc.notifications.models import Notification
from govdoc.notifications.services import (
    notification_email_send,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db


class Boom(Exception):
    """Raised after notify() to roll the caller's transaction back."""


def test_notify_creates_one_row_per_person(
    people: dict[str, User], ministry: Agency, notify_kwargs: dict[str, Any]
) -> None:
    # given two people, one named twice, and an inactive person
    specialist, leader, admin = people["specialist"], people["leader"], people["admin"]
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    # when they are notified
    created = notify(
        recipients=[specialist, leader, specialist, admin], agency_id=ministry.pk, **notify_kwargs
    )
    # then each active person has one notification, unread, with what was given
    assert sorted(n.recipient_id for n in created) == sorted([specialist.pk, leader.pk])
    row = Notification.objects.get(recipient=specialist)
    assert row.kind == "incoming.assigned"
    assert row.title == notify_kwargs["title"]
    assert row.url == "/van-ban-den/15/"
    assert row.agency_id == ministry.pk
    assert row.read_at is None and row.email_sent_at is None
    assert not Notification.objects.filter(recipient=admin).exists()


def test_the_same_dedupe_key_is_never_notified_twice(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    # given a reminder already sent to the specialist for one deadline occurrence
    specialist, leader = people["specialist"], people["leader"]
    key = "deadline:assignment-7:2026-03-20"
    first = notify(recipients=[specialist], dedupe_key=key, **notify_kwargs)
    # when the same reminder is sent again, now also to the leader
    again = notify(recipients=[specialist, leader], dedupe_key=key, **notify_kwargs)
    once_more = notify(recipients=[specialist, leader], dedupe_key=key, **notify_kwargs)
    # then only the leader gets a new one, and the third time nobody
    assert len(first) == 1
    assert [n.recipient_id for n in again] == [leader.pk]
    assert once_more == []
    assert Notification.objects.filter(dedupe_key=key).count() == 2
    # and without a key, notifications are not deduplicated
    notify(recipients=[specialist], **notify_kwargs)
    notify(recipients=[specialist], **notify_kwargs)
    assert Notification.objects.filter(recipient=specialist, dedupe_key=None).count() == 2


def test_a_duplicate_inserted_at_the_same_moment_is_skipped(
    people: dict[str, User], notify_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given another transaction inserted the key for the specialist after our check
    specialist, leader = people["specialist"], people["leader"]
    key = "deadline:1"
    Notification.objects.create(recipient=specialist, kind="x", title="t", dedupe_key=key)
    real_filter = Notification.objects.filter

    def blind_filter(*args: Any, **kwargs: Any) -> Any:
        if "dedupe_key" in kwargs:  # the pre-check sees nothing
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "filter", blind_filter)
    # when both are notified with that key
    created = notify(recipients=[specialist, leader], dedupe_key=key, **notify_kwargs)
    monkeypatch.undo()
    # then the unique constraint drops the duplicate and the leader's is kept
    assert [n.recipient_id for n in created] == [leader.pk]
    assert Notification.objects.filter(dedupe_key=key).count() == 2


def test_email_is_queued_after_commit_only_for_people_with_an_address(
    people: dict[str, User],
    notify_kwargs: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the specialist (with an address) and the leader (without)
    specialist, leader = people["specialist"], people["leader"]
    # when both are notified inside a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(recipients=[specialist, leader], **notify_kwargs)
        # then nothing is sent while the transaction is open
        assert mail.outbox == []
    # and after commit one e-mail went, to the specialist
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chuyenvien@btnmt.gov.vn"]
    assert message.subject == f"[govdoc] {notify_kwargs['title']}"
    assert "Phạm Thị Chuyên" in message.body
    assert "/van-ban-den/15/" in message.body
    sent = Notification.objects.get(recipient=specialist)
    assert sent.email_sent_at is not None
    assert Notification.objects.get(recipient=leader).email_sent_at is None


def test_no_email_when_asked_not_to(
    people: dict[str, User], notify_kwargs: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[people["specialist"]], email=False, **notify_kwargs)
    assert callbacks == [] and mail.outbox == []


def test_sending_twice_sends_one_message(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    # given a notification not yet mailed (e-mail off, so that the test sends it itself)
    [notification] = notify(recipients=[people["specialist"]], email=False, **notify_kwargs)
    # when its e-mail task runs twice
    first = notification_email_send(notification_id=notification.pk)
    second = notification_email_send(notification_id=notification.pk)
    # then one message went and the row says when
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_a_failed_send_can_be_retried(
    people: dict[str, User], notify_kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the mail server refuses the message
    [notification] = notify(recipients=[people["specialist"]], email=False, **notify_kwargs)

    def refuse(**kwargs: Any) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr("govdoc.notifications.services.send_mail", refuse)
    # when the task runs, then it fails and the row is not stamped
    with pytest.raises(OSError):
        notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_sent_at is None
    # and once the server is back, the retry sends it
    monkeypatch.undo()
    assert notification_email_send(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_missing_notification_or_address_sends_nothing(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    [no_address] = notify(recipients=[people["leader"]], email=False, **notify_kwargs)
    assert notification_email_send(notification_id=no_address.pk) is False
    assert notification_email_send(notification_id=987654) is False
    assert mail.outbox == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "https://example.com/"},
        {"url": "//example.com/"},
        {"url": "van-ban-den/15/"},
        {"kind": ""},
        {"title": "   "},
        {"dedupe_key": ""},
    ],
)
def test_bad_arguments_are_refused_and_create_nothing(
    people: dict[str, User], notify_kwargs: dict[str, Any], overrides: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        notify(recipients=[people["specialist"]], **{**notify_kwargs, **overrides})
    assert not Notification.objects.exists()


def test_a_long_title_is_shortened(people: dict[str, User], notify_kwargs: dict[str, Any]) -> None:
    [row] = notify(recipients=[people["specialist"]], **{**notify_kwargs, "title": "Đ" * 400})
    assert len(row.title) == 300 and row.title.endswith("…")


def test_nobody_to_notify_is_fine(notify_kwargs: dict[str, Any], db: None) -> None:
    assert notify(recipients=[], **notify_kwargs) == []


def test_marking_read_only_ones_own(people: dict[str, User], notify_kwargs: dict[str, Any]) -> None:
    # given a notification of the specialist
    specialist, clerk = people["specialist"], people["clerk"]
    [mine] = notify(recipients=[specialist], email=False, **notify_kwargs)
    # when the clerk tries to mark it read, then it is not found and stays unread
    with pytest.raises(NotFound):
        notification_mark_read(notification=mine, actor=clerk)
    mine.refresh_from_db()
    assert mine.read_at is None
    # when the specialist marks it read (twice), then it is read, at the first time
    notification_mark_read(notification=mine, actor=specialist)
    mine.refresh_from_db()
    first = mine.read_at
    assert first is not None
    notification_mark_read(notification=mine, actor=specialist)
    mine.refresh_from_db()
    assert mine.read_at == first


def test_mark_all_read_touches_only_the_actors(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    specialist, clerk = people["specialist"], people["clerk"]
    for _ in range(3):
        notify(recipients=[specialist, clerk], email=False, **notify_kwargs)
    assert notifications_mark_all_read(actor=specialist) == 3
    assert notifications_mark_all_read(actor=specialist) == 0
    assert not Notification.objects.filter(recipient=specialist, read_at=None).exists()
    assert Notification.objects.filter(recipient=clerk, read_at=None).count() == 3


@pytest.mark.django_db(transaction=True)
def test_real_commit_mails_and_rollback_mails_nothing(
    people: dict[str, User], notify_kwargs: dict[str, Any]
) -> None:
    # given a real transaction (no test wrapper) that fails after notifying
    specialist = people["specialist"]
    with pytest.raises(Boom), transaction.atomic():
        notify(recipients=[specialist], dedupe_key="k1", **notify_kwargs)
        raise Boom
    # then nothing was kept and nothing was sent
    assert not Notification.objects.exists()
    assert mail.outbox == []
    # when the same change commits
    with transaction.atomic():
        notify(recipients=[specialist], dedupe_key="k1", **notify_kwargs)
        assert mail.outbox == []
    # then the e-mail went once, after the commit
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_sent_at is not None
