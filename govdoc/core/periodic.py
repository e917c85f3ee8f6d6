"""Periodic jobs, scheduled by the worker: no cron, and each occurrence runs once however
many workers are running.

An app registers its jobs from its ``AppConfig.ready()``::

    from datetime import timedelta
    from govdoc.core.periodic import register_periodic

    register_periodic("assignments.deadline_reminders", daily_at="07:30", task=remind_deadlines)
    register_periodic("exchange.poll_inbox", every=timedelta(minutes=5), task=poll_inbox)

``govdoc worker`` calls ``run_due_jobs()`` about every 30 seconds. For each job it computes the
*current occurrence* (the latest scheduled moment not after now) and claims it by inserting a
``PeriodicRun(job, occurrence)`` row; the pair is unique, so of two workers racing for the same
occurrence exactly one INSERT succeeds. The winner enqueues the job's task in the same
transaction as its claim (with the database task backend both commit together, so an
occurrence is never claimed without its task, nor queued twice); the loser gets an
IntegrityError and skips. Occurrences missed while no worker ran are not replayed: only the
current one runs, once (ADR 0007).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from govdoc.core.models import PeriodicRun

logger = logging.getLogger("govdoc.scheduler")

# Interval occurrences are counted from this moment, so "every 15 minutes" falls on :00, :15,
# :30 and :45 (Vietnam is a whole number of hours from UTC).
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NAME_MAX_LENGTH = 100


def occurrence_every(
    now: dt.datetime, every: dt.timedelta, *, offset: dt.timedelta = dt.timedelta(0)
) -> dt.datetime:
    """The latest moment ``EPOCH + offset + k * every`` (k an integer) not after ``now``."""
    if every <= dt.timedelta(0):
        raise ValueError("every must be positive")
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    start = EPOCH + offset
    return start + ((now - start) // every) * every


def occurrence_daily(now: dt.datetime, at: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The latest ``at`` o'clock local time (in ``tz``) not after ``now``."""
    if timezone.is_naive(now):
        raise ValueError("now must be an aware datetime")
    local = now.astimezone(tz)
    today = dt.datetime.combine(local.date(), at.replace(tzinfo=None), tzinfo=tz)
    if today <= local:
        return today
    return dt.datetime.combine(local.date() - dt.timedelta(days=1), at.replace(tzinfo=None), tz)


def _parse_time(value: dt.time | str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    try:
        hours, minutes = value.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"daily_at must be 'HH:MM', got {value!r}") from None


@dataclass(frozen=True, kw_only=True)
class PeriodicJob:
    """A registered job. ``task`` is a django-tasks Task; it is enqueued with ``kwargs``, plus
    ``occurrence=<ISO 8601>`` when ``pass_occurrence`` is set (for idempotent tasks, e.g. a
    reminder's dedupe key)."""

    name: str
    task: Any
    every: dt.timedelta | None = None
    offset: dt.timedelta = dt.timedelta(0)
    daily_at: dt.time | None = None
    tz: dt.tzinfo | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    pass_occurrence: bool = False
    # Skip an occurrence found more than this after its time (e.g. a morning digest that is
    # pointless by the evening). None: run the current occurrence however late.
    grace: dt.timedelta | None = None

    def occurrence(self, now: dt.datetime) -> dt.datetime | None:
        """The occurrence due at ``now``, or None when it is past its grace period."""
        if self.every is not None:
            moment = occurrence_every(now, self.every, offset=self.offset)
        else:
            assert self.daily_at is not None
            moment = occurrence_daily(
                now, self.daily_at, self.tz or timezone.get_default_timezone()
            )
        if self.grace is not None and now - moment > self.grace:
            return None
        return timezone.localtime(moment)  # the same instant, readable in logs and tasks

    def enqueue(self, occurrence: dt.datetime) -> Any:
        kwargs = dict(self.kwargs)
        if self.pass_occurrence:
            kwargs["occurrence"] = occurrence.isoformat()
        return self.task.enqueue(**kwargs)

    def describe(self) -> str:
        if self.every is not None:
            return f"every {self.every}"
        return f"daily at {self.daily_at:%H:%M}"


class PeriodicRegistry:
    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(
        self,
        name: str,
        *,
        task: Any,
        every: dt.timedelta | None = None,
        daily_at: dt.time | str | None = None,
        offset: dt.timedelta = dt.timedelta(0),
        tz: dt.tzinfo | None = None,
        kwargs: Mapping[str, Any] | None = None,
        pass_occurrence: bool = False,
        grace: dt.timedelta | None = None,
    ) -> PeriodicJob:
        if not name or len(name) > NAME_MAX_LENGTH:
            raise ValueError(f"a periodic job needs a name of 1 to {NAME_MAX_LENGTH} characters")
        if (every is None) == (daily_at is None):
            raise ValueError("give exactly one of every= or daily_at=")
        if every is not None and every < dt.timedelta(seconds=1):
            raise ValueError("every must be at least one second")
        if not callable(getattr(task, "enqueue", None)):
            raise ValueError("task must be a django-tasks Task (decorated with @task)")
        job = PeriodicJob(
            name=name,
            task=task,
            every=every,
            offset=offset,
            daily_at=_parse_time(daily_at) if daily_at is not None else None,
            tz=tz,
            kwargs=dict(kwargs or {}),
            pass_occurrence=pass_occurrence,
            grace=grace,
        )
        existing = self._jobs.get(name)
        if existing is not None and existing != job:
            raise ValueError(f"periodic job {name!r} is already registered differently")
        self._jobs[name] = job
        return job

    def unregister(self, name: str) -> None:
        self._jobs.pop(name, None)

    def jobs(self) -> list[PeriodicJob]:
        return list(self._jobs.values())


registry = PeriodicRegistry()


def register_periodic(
    name: str,
    *,
    task: Any,
    every: dt.timedelta | None = None,
    daily_at: dt.time | str | None = None,
    offset: dt.timedelta = dt.timedelta(0),
    tz: dt.tzinfo | None = None,
    kwargs: Mapping[str, Any] | None = None,
    pass_occurrence: bool = False,
    grace: dt.timedelta | None = None,
) -> PeriodicJob:
    """Register a job with the worker's scheduler. Call from ``AppConfig.ready()``.

    ``every``: run at each multiple of the interval (counted from 1970-01-01 UTC + ``offset``);
    ``daily_at``: run once a day at ``"HH:MM"`` local time (``tz``, default TIME_ZONE).
    The task's arguments (``kwargs``) must be JSON-serialisable.
    """
    return registry.register(
        name,
        task=task,
        every=every,
        daily_at=daily_at,
        offset=offset,
        tz=tz,
        kwargs=kwargs,
        pass_occurrence=pass_occurrence,
        grace=grace,
    )


def claim_occurrence(job: PeriodicJob, occurrence: dt.datetime, *, worker: str = "") -> bool:
    """Claim one occurrence and enqueue its task, in one transaction. False when another
    worker claimed it first (its INSERT won; ours raises IntegrityError and is rolled back)."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(
                job=job.name,
                occurrence=occurrence,
                claimed_at=timezone.now(),
                worker=worker[:100],
            )
            job.enqueue(occurrence)
    except IntegrityError:
        return False
    return True


def _claimed(job: PeriodicJob, occurrence: dt.datetime) -> bool:
    return PeriodicRun.objects.filter(job=job.name, occurrence=occurrence).exists()


def run_due_jobs(
    now: dt.datetime | None = None,
    *,
    worker: str = "",
    jobs: PeriodicRegistry | None = None,
) -> list[tuple[str, dt.datetime]]:
    """Claim and enqueue every registered job's current occurrence not yet claimed.

    Returns the (job, occurrence) pairs this call enqueued. A job whose enqueue fails is
    logged and left unclaimed, so the next call tries it again; the other jobs still run.
    """
    now = now or timezone.now()
    enqueued: list[tuple[str, dt.datetime]] = []
    for job in (jobs or registry).jobs():
        occurrence = job.occurrence(now)
        if occurrence is None:
            continue
        # Cheap check first, so a claimed occurrence costs one SELECT per tick, not a failed
        # INSERT; the unique constraint still decides when two workers get here together.
        if _claimed(job, occurrence):
            continue
        try:
            claimed = claim_occurrence(job, occurrence, worker=worker)
        except Exception:
            logger.exception("periodic job %s (%s) could not be enqueued", job.name, occurrence)
            continue
        if claimed:
            logger.info("periodic job %s enqueued for %s", job.name, occurrence.isoformat())
            enqueued.append((job.name, occurrence))
    return enqueued


def periodic_runs_prune(
    *, before: dt.datetime, now: dt.datetime | None = None, jobs: PeriodicRegistry | None = None
) -> int:
    """Delete the claims of occurrences older than ``before``, except each registered job's
    current occurrence (deleting that claim would let the job run again)."""
    now = now or timezone.now()
    keep = Q()
    for job in (jobs or registry).jobs():
        occurrence = job.occurrence(now)
        if occurrence is not None:
            keep |= Q(job=job.name, occurrence=occurrence)
    old = PeriodicRun.objects.filter(occurrence__lt=before)
    if keep:
        old = old.exclude(keep)
    deleted, _ = old.delete()
    return deleted
