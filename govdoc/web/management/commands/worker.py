"""`govdoc worker`: the background worker.

One process runs two loops:
- the scheduler (a thread): every GOVDOC_SCHEDULER_INTERVAL seconds (default 30) it claims
  and enqueues the periodic jobs that are due (govdoc/core/periodic.py), once per occurrence
  however many workers run;
- the django-tasks-db worker (the main thread): it claims queued tasks from the database and
  runs them.

SIGTERM or SIGINT stops both cleanly: the task being run finishes, then the process exits.
A second signal stops at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import sys
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from govdoc.core.periodic import periodic_runs_prune, registry, run_due_jobs

logger = logging.getLogger("govdoc.scheduler")

DEFAULT_SCHEDULER_INTERVAL = 30.0
# Claims of past occurrences are kept this long (they say which worker ran what), then pruned.
KEEP_RUNS = dt.timedelta(days=90)
PRUNE_EVERY = dt.timedelta(days=1)


def scheduler_interval() -> float:
    """Seconds between scheduler ticks: the GOVDOC_SCHEDULER_INTERVAL setting, else the
    environment variable of the same name, else 30."""
    configured = getattr(settings, "GOVDOC_SCHEDULER_INTERVAL", None)
    if configured is None:
        configured = os.environ.get("GOVDOC_SCHEDULER_INTERVAL") or DEFAULT_SCHEDULER_INTERVAL
    try:
        value = float(configured)
    except (TypeError, ValueError):
        raise CommandError(
            f"GOVDOC_SCHEDULER_INTERVAL must be a number, got {configured!r}"
        ) from None
    if not value > 0:
        raise CommandError("GOVDOC_SCHEDULER_INTERVAL must be positive")
    return value


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


class Scheduler(threading.Thread):
    """Calls run_due_jobs() at once and then every `interval` seconds until stopped."""

    def __init__(self, *, interval: float, worker_id: str) -> None:
        super().__init__(name="govdoc-scheduler", daemon=True)
        self.interval = interval
        self.worker_id = worker_id
        self.ticks = 0
        self._stop_event = threading.Event()
        self._last_prune: dt.datetime | None = None

    def stop(self) -> None:
        self._stop_event.set()

    @property
    def stopping(self) -> bool:
        return self._stop_event.is_set()

    def tick(self) -> None:
        close_old_connections()
        try:
            run_due_jobs(worker=self.worker_id)
            now = timezone.now()
            if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
                self._last_prune = now
                periodic_runs_prune(before=now - KEEP_RUNS, now=now)
        except Exception:
            # A database hiccup must not end the scheduler: the next tick tries again.
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        self.ticks += 1

    def run(self) -> None:
        jobs = registry.jobs()
        logger.info(
            "scheduler started: worker=%s interval=%ss jobs=%s",
            self.worker_id,
            f"{self.interval:g}",
            ", ".join(f"{job.name} ({job.describe()})" for job in jobs) or "none",
        )
        try:
            while not self.stopping:
                self.tick()
                self._stop_event.wait(self.interval)
        finally:
            connections.close_all()
            logger.info("scheduler stopped: worker=%s", self.worker_id)


class Command(BaseCommand):
    help = "Bộ xử lý nền: chạy các tác vụ trong hàng đợi và lập lịch các tác vụ định kỳ."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="default",
            help="Queues to process, separated by commas; '*' for all (default: default).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--scheduler-interval",
            type=float,
            default=None,
            help="Seconds between scheduler ticks (default: GOVDOC_SCHEDULER_INTERVAL or 30).",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Run queued tasks only; do not schedule periodic jobs.",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Schedule the due periodic jobs once, run every queued task, then exit.",
        )
        parser.add_argument("--backend", default="default", help="Task backend alias.")
        parser.add_argument(
            "--worker-id",
            default=None,
            help="Unique name of this worker (default: host-pid-random).",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Do not wait a random moment (< 1 s) before the first claim.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id: str = (options["worker_id"] or default_worker_id())[:64]
        interval: float = options["interval"]
        if interval < 0:
            raise CommandError("--interval must be zero or more")
        tick = options["scheduler_interval"] or scheduler_interval()
        if tick <= 0:
            raise CommandError("--scheduler-interval must be positive")
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=interval,
            batch=options["batch"],
            backend_name=options["backend"],
            startup_delay=options["startup_delay"],
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        scheduler = (
            None if options["no_scheduler"] else Scheduler(interval=tick, worker_id=worker_id)
        )

        if options["batch"]:
            if scheduler is not None:
                scheduler.tick()
            worker.run()
            return

        def stop(signum: int, _frame: FrameType | None) -> None:
            if not worker.running:
                logger.warning("%s again: stopping now", signal.strsignal(signum))
                sys.exit(1)
            logger.warning(
                "%s: stopping after the current task (repeat to stop now)",
                signal.strsignal(signum),
            )
            worker.running = False
            if scheduler is not None:
                scheduler.stop()

        handled = [signal.SIGINT, signal.SIGTERM]
        previous = {signum: signal.getsignal(signum) for signum in handled}
        for signum in handled:
            signal.signal(signum, stop)
        try:
            if scheduler is not None:
                scheduler.start()
            worker.run()
        finally:
            if scheduler is not None:
                scheduler.stop()
                scheduler.join(timeout=30)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            logger.info("worker stopped: worker=%s", worker_id)
