"""Periodic jobs: occurrences (every N minutes, daily at a local time), the registry, and the
claim that makes each occurrence run once, also with schedulers racing in real threads."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from govdoc.core import periodic
from govdoc.core.models import PeriodicRun
from govdoc.core.periodic import (
    PeriodicRegistry,
    claim_occurrence,
    occurrence_daily,
    occurrence_every,
    periodic_runs_prune,
    register_periodic,
    run_due_jobs,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC

CALLS: list[dict[str, Any]] = []


@task()
def record_tick(job: str, occurrence: str = "") -> None:
    CALLS.append({"job": job, "occurrence": occurrence})


class _Broken:
    """A task whose enqueue fails (the queue is unreachable)."""

    def enqueue(self, **kwargs: Any) -> None:
        raise RuntimeError("queue down")


@pytest.fixture(autouse=True)
def _no_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> dt.datetime:
    """A moment in Hanoi local time."""
    return dt.datetime(year, month, day, hour, minute, second, us, tzinfo=HANOI)


# --- occurrences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 3, 10, 8, 7, 30), at(2026, 3, 10, 8, 0)),
        (at(2026, 3, 10, 8, 15), at(2026, 3, 10, 8, 15)),  # on the boundary: that occurrence
        (at(2026, 3, 10, 8, 14, 59, 999999), at(2026, 3, 10, 8, 0)),
        (at(2026, 3, 11, 0, 1), at(2026, 3, 11, 0, 0)),  # across local midnight
    ],
)
def test_every_fifteen_minutes_falls_on_the_quarter_hours(
    now: dt.datetime, expected: dt.datetime
) -> None:
    # given a job every 15 minutes, when asked at `now`, then the latest quarter hour
    assert occurrence_every(now, dt.timedelta(minutes=15)) == expected


def test_every_hour_is_on_the_local_hour_and_the_same_in_any_zone() -> None:
    # given one moment written in local time and in UTC
    local = at(2026, 3, 10, 8, 59)
    utc = local.astimezone(UTC)
    # when the hourly occurrence is computed from either
    # then it is 08:00 local time (Vietnam is UTC+7, a whole number of hours)
    assert occurrence_every(local, dt.timedelta(hours=1)) == at(2026, 3, 10, 8, 0)
    assert occurrence_every(utc, dt.timedelta(hours=1)) == at(2026, 3, 10, 8, 0)


def test_every_with_an_offset_shifts_the_occurrences() -> None:
    every, offset = dt.timedelta(minutes=10), dt.timedelta(minutes=3)
    assert occurrence_every(at(2026, 3, 10, 8, 12), every, offset=offset) == at(2026, 3, 10, 8, 3)
    assert occurrence_every(at(2026, 3, 10, 8, 13), every, offset=offset) == at(2026, 3, 10, 8, 13)


def test_every_refuses_naive_times_and_empty_intervals() -> None:
    with pytest.raises(ValueError):
        occurrence_every(dt.datetime(2026, 3, 10, 8, 0), dt.timedelta(minutes=5))
    with pytest.raises(ValueError):
        occurrence_every(at(2026, 3, 10, 8, 0), dt.timedelta(0))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 3, 10, 7, 29, 59), at(2026, 3, 9, 7, 30)),  # before today's: yesterday's
        (at(2026, 3, 10, 7, 30), at(2026, 3, 10, 7, 30)),
        (at(2026, 3, 10, 23, 59), at(2026, 3, 10, 7, 30)),
        (at(2026, 3, 1, 0, 5), at(2026, 2, 28, 7, 30)),  # across a month
        (at(2026, 1, 1, 7, 0), at(2025, 12, 31, 7, 30)),  # across a year
    ],
)
def test_daily_at_half_past_seven_in_hanoi(now: dt.datetime, expected: dt.datetime) -> None:
    # given a job daily at 07:30 Asia/Ho_Chi_Minh, when asked at `now`
    got = occurrence_daily(now, dt.time(7, 30), HANOI)
    # then the latest 07:30 local time not after now
    assert got == expected
    assert got.astimezone(HANOI).time() == dt.time(7, 30)


def test_daily_uses_the_local_date_not_the_utc_date() -> None:
    # given 23:30 UTC on 10 March, which is 06:30 on 11 March in Hanoi
    now = dt.datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    # then the 07:30 occurrence due is 10 March's (11 March's is an hour away)
    assert occurrence_daily(now, dt.time(7, 30), HANOI) == at(2026, 3, 10, 7, 30)
    # and 00:40 UTC on 11 March (07:40 in Hanoi) is past 11 March's
    later = dt.datetime(2026, 3, 11, 0, 40, tzinfo=UTC)
    assert occurrence_daily(later, dt.time(7, 30), HANOI) == at(2026, 3, 11, 7, 30)


def test_daily_job_defaults_to_the_project_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    jobs = PeriodicRegistry()
    job = jobs.register("t.daily", task=record_tick, daily_at="07:30")
    assert job.occurrence(dt.datetime(2026, 3, 10, 1, 0, tzinfo=UTC)) == at(2026, 3, 10, 7, 30)


def test_grace_skips_an_occurrence_found_too_late() -> None:
    jobs = PeriodicRegistry()
    job = jobs.register(
        "t.digest", task=record_tick, daily_at="07:30", tz=HANOI, grace=dt.timedelta(hours=2)
    )
    assert job.occurrence(at(2026, 3, 10, 9, 0)) == at(2026, 3, 10, 7, 30)
    assert job.occurrence(at(2026, 3, 10, 9, 31)) is None


# --- registry ------------------------------------------------------------------------------


def test_register_needs_exactly_one_schedule_and_a_task() -> None:
    jobs = PeriodicRegistry()
    with pytest.raises(ValueError):
        jobs.register("t.none", task=record_tick)
    with pytest.raises(ValueError):
        jobs.register("t.both", task=record_tick, every=dt.timedelta(minutes=1), daily_at="07:00")
    with pytest.raises(ValueError):
        jobs.register("t.fn", task=lambda: None, every=dt.timedelta(minutes=1))
    with pytest.raises(ValueError):
        jobs.register("t.time", task=record_tick, daily_at="7h30")
    with pytest.raises(ValueError):
        jobs.register("", task=record_tick, every=dt.timedelta(minutes=1))
    assert jobs.jobs() == []


def test_registering_again_the_same_way_is_harmless_but_differently_is_refused() -> None:
    jobs = PeriodicRegistry()
    jobs.register("t.job", task=record_tick, every=dt.timedelta(minutes=5))
    jobs.register("t.job", task=record_tick, every=dt.timedelta(minutes=5))
    assert len(jobs.jobs()) == 1
    with pytest.raises(ValueError):
        jobs.register("t.job", task=record_tick, every=dt.timedelta(minutes=10))


def test_register_periodic_adds_to_the_worker_registry() -> None:
    try:
        job = register_periodic(
            "t.module", task=record_tick, every=dt.timedelta(minutes=5), kwargs={"job": "m"}
        )
        assert job in periodic.registry.jobs()
    finally:
        periodic.registry.unregister("t.module")


# --- claiming ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_occurrence_is_enqueued_once_and_the_next_one_again() -> None:
    # given a job every 5 minutes that is told its occurrence
    jobs = PeriodicRegistry()
    jobs.register(
        "t.five",
        task=record_tick,
        every=dt.timedelta(minutes=5),
        kwargs={"job": "t.five"},
        pass_occurrence=True,
    )
    # when the scheduler ticks three times within one occurrence, then once in the next
    first = run_due_jobs(at(2026, 3, 10, 8, 1), worker="w1", jobs=jobs)
    again = run_due_jobs(at(2026, 3, 10, 8, 2), worker="w1", jobs=jobs)
    also = run_due_jobs(at(2026, 3, 10, 8, 4, 59), worker="w2", jobs=jobs)
    nxt = run_due_jobs(at(2026, 3, 10, 8, 5), worker="w2", jobs=jobs)
    # then the task ran once per occurrence, with that occurrence
    assert first == [("t.five", at(2026, 3, 10, 8, 0))]
    assert again == [] and also == []
    assert nxt == [("t.five", at(2026, 3, 10, 8, 5))]
    calls = list(CALLS)
    assert calls == [
        {"job": "t.five", "occurrence": at(2026, 3, 10, 8, 0).isoformat()},
        {"job": "t.five", "occurrence": at(2026, 3, 10, 8, 5).isoformat()},
    ]
    runs = list(PeriodicRun.objects.order_by("occurrence").values_list("occurrence", "worker"))
    assert runs == [(at(2026, 3, 10, 8, 0), "w1"), (at(2026, 3, 10, 8, 5), "w2")]


@pytest.mark.django_db
def test_the_loser_of_a_claim_enqueues_nothing() -> None:
    # given an occurrence already claimed by another worker
    jobs = PeriodicRegistry()
    job = jobs.register(
        "t.job", task=record_tick, every=dt.timedelta(minutes=1), kwargs={"job": "x"}
    )
    occurrence = at(2026, 3, 10, 8, 0)
    assert claim_occurrence(job, occurrence, worker="winner")
    # when a second worker's INSERT for it arrives (past the cheap check)
    lost = claim_occurrence(job, occurrence, worker="loser")
    # then it is refused by the unique constraint, and nothing more is queued
    assert lost is False
    assert len(CALLS) == 1
    assert list(PeriodicRun.objects.values_list("worker", flat=True)) == ["winner"]


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_stays_unclaimed_and_others_still_run() -> None:
    # given a job whose queue is down, and a healthy job
    jobs = PeriodicRegistry()
    jobs.register("t.broken", task=_Broken(), every=dt.timedelta(minutes=1))
    jobs.register("t.ok", task=record_tick, every=dt.timedelta(minutes=1), kwargs={"job": "ok"})
    # when the scheduler ticks
    enqueued = run_due_jobs(at(2026, 3, 10, 8, 0), jobs=jobs)
    # then the healthy job ran and the broken one left no claim (the next tick retries it)
    assert enqueued == [("t.ok", at(2026, 3, 10, 8, 0))]
    assert list(PeriodicRun.objects.values_list("job", flat=True)) == ["t.ok"]


@pytest.mark.django_db
def test_prune_keeps_the_current_occurrence_of_each_job() -> None:
    # given a weekly job claimed long ago and old claims of a job no longer registered
    jobs = PeriodicRegistry()
    week = dt.timedelta(days=7)
    jobs.register("t.weekly", task=record_tick, every=week, kwargs={"job": "w"})
    now = at(2026, 3, 10, 8, 0)
    current = occurrence_every(now, week)
    run_due_jobs(current, jobs=jobs)
    for days in (100, 200):
        PeriodicRun.objects.create(
            job="t.gone", occurrence=now - dt.timedelta(days=days), claimed_at=now
        )
    # when claims older than a day are pruned
    deleted = periodic_runs_prune(before=now - dt.timedelta(days=1), now=now, jobs=jobs)
    # then the old ones go, the weekly job's current claim stays (it must not run again)
    assert deleted == 2
    assert list(PeriodicRun.objects.values_list("job", "occurrence")) == [("t.weekly", current)]


# --- racing schedulers ---------------------------------------------------------------------


def _race_registry() -> PeriodicRegistry:
    jobs = PeriodicRegistry()
    for name, schedule in (
        ("race.minute", {"every": dt.timedelta(minutes=1)}),
        ("race.five", {"every": dt.timedelta(minutes=5)}),
        ("race.daily", {"daily_at": "07:30", "tz": HANOI}),
    ):
        jobs.register(
            name, task=record_tick, kwargs={"job": name}, pass_occurrence=True, **schedule
        )
    return jobs


def _race(schedulers: int, ticks: list[dt.datetime], jobs: PeriodicRegistry) -> list[Any]:
    """Each scheduler runs in its own thread (own connection); all tick together."""
    barrier = threading.Barrier(schedulers)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def scheduler(index: int) -> None:
        try:
            for now in ticks:
                barrier.wait(timeout=30)
                got = run_due_jobs(now, worker=f"worker-{index}", jobs=jobs)
                with lock:
                    results.extend(got)
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a scheduler did not finish"
    assert errors == [], errors
    return results


@pytest.fixture
def database_queue(settings: Any) -> None:
    """The real queue (django-tasks-db), so that each enqueue is a row in the claim's
    transaction."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _assert_each_occurrence_once(
    results: list[Any], ticks: list[dt.datetime], jobs: PeriodicRegistry
) -> None:
    expected = sorted(
        {(job.name, occ) for now in ticks for job in jobs.jobs() if (occ := job.occurrence(now))}
    )
    # what the schedulers say they enqueued: every occurrence, by exactly one of them
    assert sorted(results) == expected
    # the claims
    assert sorted(PeriodicRun.objects.values_list("job", "occurrence")) == expected
    # the queue: one task row per occurrence, none twice
    queued = sorted(
        (
            row.args_kwargs["kwargs"]["job"],
            dt.datetime.fromisoformat(row.args_kwargs["kwargs"]["occurrence"]),
        )
        for row in DBTaskResult.objects.all()
    )
    assert queued == expected
    assert CALLS == []  # queued, not run in the schedulers' threads


def _ticks() -> list[dt.datetime]:
    # every 20 seconds from 07:25 to 07:35 local: 11 minute-occurrences, 3 five-minute ones,
    # and the daily one of the day before then today's 07:30
    start = at(2026, 3, 10, 7, 25)
    return [start + dt.timedelta(seconds=20 * k) for k in range(31)]


@pytest.fixture(params=["checked", "unchecked"])
def precheck(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """With the cheap "already claimed?" SELECT, and without it (every scheduler then tries
    the INSERT, and the unique constraint alone decides)."""
    if request.param == "unchecked":
        monkeypatch.setattr(periodic, "_claimed", lambda job, occurrence: False)
    return str(request.param)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_schedulers_on_postgresql_enqueue_each_occurrence_once(
    database_queue: None, precheck: str
) -> None:
    # given four workers' schedulers over the same jobs and PostgreSQL
    assert connection.vendor == "postgresql"
    jobs, ticks = _race_registry(), _ticks()
    # when they tick at the same moments, each in its own thread and connection
    results = _race(4, ticks, jobs)
    # then each occurrence was claimed and queued exactly once
    _assert_each_occurrence_once(results, ticks, jobs)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_on_sqlite_enqueue_each_occurrence_once(
    database_queue: None, precheck: str
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant; PostgreSQL has its own test")
    jobs, ticks = _race_registry(), _ticks()
    results = _race(2, ticks, jobs)
    _assert_each_occurrence_once(results, ticks, jobs)
