"""Background work of the assignments app: take ids and dates, call one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

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
