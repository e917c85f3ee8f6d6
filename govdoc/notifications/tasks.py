"""Background work of the notifications app: take ids, call one service."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its recipient; running it twice sends one message."""
    # Imported here: services enqueues this task, so it imports this module first.
    from govdoc.notifications.services import notification_email_send

    return notification_email_send(notification_id=notification_id)


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail several notifications (queued by ``notify_many``); each is sent once."""
    from govdoc.notifications.services import notification_emails_send

    return notification_emails_send(notification_ids=notification_ids)
