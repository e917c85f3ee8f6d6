"""`govdoc worker`: the scheduler thread and the queue worker in one process, stopped by
SIGTERM; `govdoc worker` on the command line runs it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from govdoc import cli
from govdoc.core.models import PeriodicRun
from govdoc.core.periodic import registry
from govdoc.web.management.commands.worker import scheduler_interval

CALLS: list[str] = []
JOB = "tests.worker_hourly"


@task()
def hourly_job(occurrence: str) -> None:
    CALLS.append(occurrence)


@pytest.fixture
def hourly(settings: Any) -> Iterator[None]:
    """A job registered with the worker's scheduler, and the real (database) queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CALLS.clear()
    registry.register(JOB, task=hourly_job, every=dt.timedelta(hours=1), pass_occurrence=True)
    yield
    registry.unregister(JOB)
    CALLS.clear()


def test_govdoc_worker_runs_the_worker_command(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "_django", lambda argv: seen.append(list(argv)))
    assert cli.main(["worker", "--no-scheduler"]) == 0
    assert seen == [["worker", "--no-scheduler"]]


def test_scheduler_interval_comes_from_the_setting_or_the_environment(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOVDOC_SCHEDULER_INTERVAL", raising=False)
    if hasattr(settings, "GOVDOC_SCHEDULER_INTERVAL"):
        del settings.GOVDOC_SCHEDULER_INTERVAL
    assert scheduler_interval() == 30
    monkeypatch.setenv("GOVDOC_SCHEDULER_INTERVAL", "5")
    assert scheduler_interval() == 5
    settings.GOVDOC_SCHEDULER_INTERVAL = 2.5
    assert scheduler_interval() == 2.5
    settings.GOVDOC_SCHEDULER_INTERVAL = "soon"
    with pytest.raises(CommandError):
        scheduler_interval()


@pytest.mark.django_db(transaction=True)
def test_batch_schedules_the_due_jobs_and_runs_the_queue(hourly: None) -> None:
    # when the worker runs once in batch mode
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    # then the hourly job's occurrence was claimed, queued and run
    assert len(CALLS) == 1
    assert PeriodicRun.objects.filter(job=JOB).count() == 1
    # (other apps' periodic jobs run in the same batch: only this job's task is counted)
    ours = DBTaskResult.objects.filter(task_path__endswith=".hourly_job")
    assert ours.filter(status="SUCCESSFUL").count() == 1
    # and a second batch in the same hour runs nothing more
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(CALLS) == 1


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_scheduler_and_the_worker(hourly: None) -> None:
    # given a harmless SIGTERM handler around the test (the command must put it back)
    def ignore(signum: int, frame: Any) -> None:
        pass

    before = signal.signal(signal.SIGTERM, ignore)
    stopped_at: list[float] = []

    def stop_when_done() -> None:
        deadline = time.monotonic() + 30
        while not CALLS and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # a few more scheduler ticks within the same occurrence
        stopped_at.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=stop_when_done)
    try:
        killer.start()
        # when the worker runs with a fast scheduler until SIGTERM
        call_command(
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--scheduler-interval",
            "0.2",
            verbosity=0,
        )
        returned_at = time.monotonic()
        killer.join(timeout=5)
        # then it returned soon after the signal, having run the occurrence once
        assert stopped_at and returned_at - stopped_at[0] < 5
        assert len(CALLS) == 1
        assert PeriodicRun.objects.filter(job=JOB).count() == 1
        # and the scheduler thread is gone and the handler restored
        assert not [t for t in threading.enumerate() if t.name == "govdoc-scheduler"]
        assert signal.getsignal(signal.SIGTERM) is ignore
    finally:
        signal.signal(signal.SIGTERM, before)
