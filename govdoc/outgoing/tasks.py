"""Background work of the outgoing app: take ids, call one service."""

from __future__ import annotations

from django_tasks import task


@task()
def send_dispatch_email(dispatch_id: int) -> bool:
    """E-mail the issued document to one recipient; a sent one is not sent again."""
    from govdoc.outgoing.services.mailing import dispatch_email_send

    return dispatch_email_send(dispatch_id=dispatch_id)


@task()
def send_change_email(dispatch_id: int, change_id: int) -> bool:
    """Tell an e-mail recipient that the document was revoked, replaced or updated."""
    from govdoc.outgoing.services.mailing import change_email_send

    return change_email_send(dispatch_id=dispatch_id, change_id=change_id)


LATE_ISSUE_JOB = "outgoing.late_issue_reminders"


@task()
def send_late_issue_reminders(occurrence: str = "", day: str = "") -> int:
    """The daily sweep of signed documents not issued by their day; once per day."""
    import datetime as dt

    from django.utils import timezone

    from govdoc.outgoing.services.late import late_issue_remind

    when = dt.date.fromisoformat(day) if day else None
    if when is None and occurrence:
        moment = dt.datetime.fromisoformat(occurrence)
        when = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return late_issue_remind(day=when or timezone.localdate())


def register_periodic_jobs() -> None:
    """Called by OutgoingConfig.ready(): the sweep daily at GOVDOC_REMINDER_TIME (local)."""
    import datetime as dt

    from django.conf import settings

    from govdoc.core.periodic import register_periodic

    register_periodic(
        LATE_ISSUE_JOB,
        task=send_late_issue_reminders,
        daily_at=getattr(settings, "GOVDOC_REMINDER_TIME", "07:30"),
        pass_occurrence=True,
        grace=dt.timedelta(hours=12),
    )
