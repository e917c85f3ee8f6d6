"""Background work of the records app: the daily notice of files due at the archive."""

from __future__ import annotations

from django_tasks import task

TRANSFER_NOTICE_JOB = "records.transfer_notices"


@task()
def send_transfer_notices(occurrence: str = "") -> int:
    """Tell owners whose files are due at the agency archive within 30 days (once each)."""
    import datetime as dt

    from django.utils import timezone

    from govdoc.records.services.transfer import transfer_notices

    when = None
    if occurrence:
        moment = dt.datetime.fromisoformat(occurrence)
        when = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return transfer_notices(today=when)


def register_periodic_jobs() -> None:
    import datetime as dt

    from django.conf import settings

    from govdoc.core.periodic import register_periodic

    register_periodic(
        TRANSFER_NOTICE_JOB,
        task=send_transfer_notices,
        daily_at=getattr(settings, "GOVDOC_REMINDER_TIME", "07:30"),
        pass_occurrence=True,
        grace=dt.timedelta(hours=12),
    )
