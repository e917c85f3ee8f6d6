"""Background work of the assignments app: take ids and dates, call one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from govdoc.core.periodic import register_periodic

# The periodic job's name (govdoc/core/periodic.py), registered in AssignmentsConfig.ready().
REMINDERS_JOB = "assignments.deadline_reminders"


def _day(occurrence: str, day: str) -> dt.date:
    """The day a sweep is for: ``day`` (yyyy-mm-dd) if given, else the local date of the
    scheduled occurrence (so a sweep queued at 07:30 and run after midnight still reminds
    of that day's deadlines), else today."""
    if day:
        return dt.date.fromisoformat(day)
    if occurrence:
        moment = dt.datetime.fromisoformat(occurrence)
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return timezone.localdate()


@task()
def send_deadline_reminders(occurrence: str = "", day: str = "") -> dict[str, Any]:
    """The daily reminder sweep; running it twice for one day notifies nobody twice."""
    # Imported here: apps.ready() imports this module to register the job.
    from govdoc.assignments.reminders import reminders_send

    return reminders_send(day=_day(occurrence, day)).as_dict()


def register_periodic_jobs() -> None:
    """Called by AssignmentsConfig.ready(): the sweep daily at GOVDOC_REMINDER_TIME (local),
    once per occurrence however many workers run, its occurrence passed on (the day it is
    for). An occurrence found more than 12 hours late is skipped: the next one follows."""
    register_periodic(
        REMINDERS_JOB,
        task=send_deadline_reminders,
        daily_at=getattr(settings, "GOVDOC_REMINDER_TIME", "07:30"),
        pass_occurrence=True,
        grace=dt.timedelta(hours=12),
    )
