"""Notifying people: rows in the app now, e-mail after commit.

``notify`` is called by other apps' services inside their transaction: the notifications
commit or roll back with the change they announce, and their e-mails are queued only once the
transaction commits (ARCHITECTURE §3.5), so a rolled-back change never mails anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from govdoc.core.errors import NotFound
from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.notifications.models import (
    DEDUPE_KEY_MAX_LENGTH,
    KIND_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Notification,
)
from govdoc.notifications.tasks import send_notification_email, send_notification_emails

logger = logging.getLogger(__name__)

# notify_many: (recipient, key) pairs looked up per SELECT (fewer where the database takes
# fewer parameters), and notifications e-mailed per task.
PROBE_BATCH = 1000
EMAIL_BATCH = 200


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _check_url(url: str) -> str:
    """Only paths inside govdoc: a notification never sends anyone to another site."""
    url = url.strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValueError(f"notification url must be a local path, got {url!r}")
    if len(url) > URL_MAX_LENGTH:
        raise ValueError(f"notification url longer than {URL_MAX_LENGTH} characters")
    return url


def _checked(
    kind: str, title: str, url: str, dedupe_key: str | None
) -> tuple[str, str, str, str | None]:
    kind = kind.strip()
    if not kind or len(kind) > KIND_MAX_LENGTH:
        raise ValueError(f"notification kind must be 1 to {KIND_MAX_LENGTH} characters")
    title = _clip(title, TITLE_MAX_LENGTH)
    if not title:
        raise ValueError("a notification needs a title")
    url = _check_url(url)
    if dedupe_key is not None:
        dedupe_key = dedupe_key.strip()
        if not dedupe_key or len(dedupe_key) > DEDUPE_KEY_MAX_LENGTH:
            raise ValueError(f"dedupe_key must be 1 to {DEDUPE_KEY_MAX_LENGTH} characters")
    return kind, title, url, dedupe_key


def _insert(rows: list[Notification], *, deduplicated: bool) -> list[Notification]:
    if not deduplicated:
        return Notification.objects.bulk_create(rows)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Someone notified the same key to one of these people at the same moment: insert
        # one by one and keep the ones that are not duplicates.
        created: list[Notification] = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            created.append(row)
        return created


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    agency_id: int | None = None,
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient (a User) once; return the notifications created.

    ``kind`` is a short code (``"incoming.assigned"``); ``url`` a path inside govdoc.
    With ``dedupe_key``, a person who already has a notification with that key gets no new
    one (so a reminder for one deadline occurrence is never created twice). Inactive people
    are skipped. With ``email``, each created notification whose recipient has an e-mail
    address is mailed by a task queued after commit.
    """
    kind, title, url, dedupe_key = _checked(kind, title, url, dedupe_key)

    people: dict[Any, Any] = {}
    for person in recipients:
        if person is not None and getattr(person, "is_active", True):
            people.setdefault(person.pk, person)
    if not people:
        return []

    with transaction.atomic():
        if dedupe_key is not None:
            already = set(
                Notification.objects.filter(
                    dedupe_key=dedupe_key, recipient_id__in=list(people)
                ).values_list("recipient_id", flat=True)
            )
            for pk in already:
                people.pop(pk, None)
            if not people:
                return []
        now = timezone.now()
        rows = [
            Notification(
                recipient=person,
                agency_id=agency_id,
                kind=kind,
                title=title,
                body=body.strip(),
                url=url,
                created_at=now,
                dedupe_key=dedupe_key,
            )
            for person in people.values()
        ]
        created = _insert(rows, deduplicated=dedupe_key is not None)
        if email:
            for notification in created:
                if notification.recipient.email:
                    enqueue_on_commit(send_notification_email, notification.pk)
    return created


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One message for ``notify_many``: the arguments of one ``notify`` call."""

    recipients: Sequence[Any]
    kind: str
    title: str
    body: str = ""
    url: str = ""
    agency_id: int | None = None
    dedupe_key: str | None = None


def _stored_pairs(pairs: list[tuple[Any, str]]) -> set[tuple[Any, str]]:
    """The (recipient, dedupe_key) pairs among `pairs` already notified: a join of the
    pairs with the table, so that each pair is one probe of the unique index (recipient,
    dedupe_key) — an OR of conditions costs the ORM ~0.3 ms a pair to build, and
    `recipient IN … AND key IN …` makes the index try every combination. PostgreSQL gets
    the pairs as two arrays (two parameters), other databases as a VALUES list."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    found: set[tuple[Any, str]] = set()
    postgres = connection.vendor == "postgresql"
    limit = connection.features.max_query_params or 2 * PROBE_BATCH
    size = PROBE_BATCH if postgres else max(1, min(PROBE_BATCH, limit // 2))
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            if postgres:
                wanted = "SELECT * FROM unnest(%s::bigint[], %s::text[])"
                params: list[Any] = [[pk for pk, _ in chunk], [key for _, key in chunk]]
            else:
                wanted = "VALUES " + ", ".join(["(%s, %s)"] * len(chunk))
                params = [value for pair in chunk for value in pair]
            cursor.execute(
                f"WITH wanted (recipient_id, dedupe_key) AS ({wanted}) "
                f"SELECT n.recipient_id, n.dedupe_key FROM {table} n JOIN wanted w "
                "ON n.recipient_id = w.recipient_id AND n.dedupe_key = w.dedupe_key",
                params,
            )
            found.update((recipient_id, key) for recipient_id, key in cursor.fetchall())
    return found


def notify_many(notices: Iterable[Notice], *, email: bool = True) -> list[Notification]:
    """Many ``notify`` calls in a few queries (for sweeps that notify thousands of people).

    Each notice is checked and deduplicated as ``notify`` does it — inactive people skipped,
    a person notified once per notice, a (person, dedupe_key) pair never twice, neither
    against the stored notifications nor within this call (the first notice wins). The
    stored pairs are found with one SELECT per ``PROBE_BATCH`` pairs, all rows are written
    by one bulk INSERT (row by row only when a concurrent caller inserted one of the same
    keys meanwhile), and with ``email`` the e-mails are queued after commit as one task per
    ``EMAIL_BATCH`` notifications. Returns the notifications created.
    """
    # (person, notice's checked fields) first: the rows are built only for those not
    # already notified (a second sweep of the same day builds none).
    wanted: list[tuple[Any, int | None, str, str, str, str, str | None]] = []
    keys: set[tuple[Any, str]] = set()
    for item in notices:
        kind, title, url, dedupe_key = _checked(item.kind, item.title, item.url, item.dedupe_key)
        body = item.body.strip()
        people: dict[Any, Any] = {}
        for person in item.recipients:
            if person is not None and getattr(person, "is_active", True):
                people.setdefault(person.pk, person)
        for pk, person in people.items():
            if dedupe_key is not None:
                if (pk, dedupe_key) in keys:
                    continue
                keys.add((pk, dedupe_key))
            wanted.append((person, item.agency_id, kind, title, body, url, dedupe_key))
    if not wanted:
        return []

    with transaction.atomic():
        if keys:
            already = _stored_pairs(list(keys))
            if already:
                wanted = [w for w in wanted if w[6] is None or (w[0].pk, w[6]) not in already]
            if not wanted:
                return []
        now = timezone.now()
        rows = [
            Notification(
                recipient=person,
                agency_id=agency_id,
                kind=kind,
                title=title,
                body=body,
                url=url,
                created_at=now,
                dedupe_key=dedupe_key,
            )
            for person, agency_id, kind, title, body, url, dedupe_key in wanted
        ]
        created = _insert(rows, deduplicated=bool(keys))
        if email:
            ids = [row.pk for row in created if row.recipient.email]
            for start in range(0, len(ids), EMAIL_BATCH):
                enqueue_on_commit(send_notification_emails, ids[start : start + EMAIL_BATCH])
    return created


def notification_mark_read(*, notification: Notification, actor: Any) -> Notification:
    """Mark one of the actor's own notifications read (someone else's: NotFound)."""
    if actor is None or notification.recipient_id != getattr(actor, "pk", None):
        raise NotFound()
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; return how many."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _site_url() -> str:
    base = getattr(settings, "GOVDOC_BASE_URL", "") or ""
    if not base:
        import os

        base = os.environ.get("GOVDOC_BASE_URL", "")
    return base.rstrip("/")


def _email_text(notification: Notification) -> str:
    lines = [f"Kính gửi {notification.recipient.display_name},", "", notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        lines += ["", f"Xem chi tiết: {_site_url()}{notification.url}"]
    lines += ["", "—", "Thư tự động từ hệ thống quản lý văn bản govdoc. Vui lòng không trả lời."]
    return "\n".join(lines)


def notification_email_send(*, notification_id: int, connection: Any = None) -> bool:
    """Send one notification's e-mail, at most once: the row is stamped first (compare and
    set on ``email_sent_at IS NULL``), so a second run, or a second worker, sends nothing.
    If sending fails the stamp is lifted again and the error raised, so the task can retry.
    Returns whether this call sent the message. ``connection``: an open mail connection to
    reuse (default: one for this message)."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.email:
        return False
    stamp = timezone.now()
    claimed = Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=True).update(
        email_sent_at=stamp
    )
    if not claimed:
        return False
    try:
        send_mail(
            subject=f"[govdoc] {notification.title}",
            message=_email_text(notification),
            from_email=None,
            recipient_list=[notification.recipient.email],
            connection=connection,
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk, email_sent_at=stamp).update(
            email_sent_at=None
        )
        logger.warning("e-mail of notification %s not sent", notification.pk, exc_info=True)
        raise
    return True


def notification_emails_send(*, notification_ids: Sequence[int]) -> int:
    """Send several notifications' e-mails over one mail connection, each at most once (as
    ``notification_email_send``). A failure does not stop the others; the first one is
    raised at the end, so that a retry sends the rest (those sent are not sent again).
    Returns how many this call sent."""
    sent = 0
    failure: Exception | None = None
    with get_connection() as connection:
        for notification_id in notification_ids:
            try:
                sent += notification_email_send(
                    notification_id=notification_id, connection=connection
                )
            except Exception as error:
                failure = failure or error
    if failure is not None:
        raise failure
    return sent
