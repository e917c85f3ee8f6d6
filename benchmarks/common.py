"""Shared set-up of the benchmark scripts (not a benchmark itself).

Each script works in its own PostgreSQL database (created fresh, migrated), with files under a
temporary directory, and the demo organisation (ministry, units, directory, the five demo
accounts) seeded through `govdoc.web.demo` with no documents.
"""

from __future__ import annotations

import atexit
import datetime as dt
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govdoc.exchange.edxml import DocumentPacket

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def setup_django(
    db_name: str, *, fresh: bool = True, data_dir: str | None = None, migrate: bool = True
) -> str:
    """Point govdoc at the benchmark database, set Django up, migrate. Returns the data
    directory (files, secret key), which a server started later must share."""
    if fresh or not database_exists(db_name):
        recreate_database(db_name)
    directory = data_dir
    if directory is None:
        directory = tempfile.mkdtemp(prefix=f"govdoc-{db_name}-")
        # The stored files are of no use after the run.
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    os.environ["GOVDOC_DATABASE_URL"] = database_url(db_name)
    os.environ["GOVDOC_DATA_DIR"] = directory
    os.environ["GOVDOC_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["GOVDOC_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)
    return directory


def seed_organisation() -> None:
    """The demo ministry and accounts, without documents (idempotent)."""
    from govdoc.web.demo import demo_install

    demo_install(documents=0)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(values: Sequence[float]) -> str:
    """p50 / p95 / max of durations given in seconds, shown in milliseconds."""
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, 0.50) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} "
        f"ms, max {max(values) * 1000:.1f} ms, mean {statistics.fmean(values) * 1000:.1f} ms"
    )


def _meminfo_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync_commit = cursor.fetchone()[0]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": nproc,
        "cpu": _cpu_model(),
        "memory": _meminfo_gib(),
        "postgresql": f"{pg_version} (synchronous_commit={sync_commit})",
        "python": platform.python_version(),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def print_machine() -> None:
    for key, value in machine().items():
        print(f"  {key:<13} {value}")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_machine_lxml() -> None:
    """The machine and the lxml/libxml2 versions, for the scripts with no database."""
    from lxml import etree

    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print(f"  {'nproc':<13} {nproc}")
    print(f"  {'cpu':<13} {_cpu_model()}")
    print(f"  {'memory':<13} {_meminfo_gib()}")
    print(f"  {'platform':<13} {platform.platform()}")
    print(f"  {'python':<13} {platform.python_version()}")
    print(
        f"  {'lxml':<13} {etree.__version__} (libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))})"
    )
    print(f"  {'load average':<13} {load_average()}")


def scanned_document(size: int) -> DocumentPacket:
    """The test suite's sample document with one attachment of `size` random bytes (seeded)."""
    import random

    from govdoc.exchange.edxml import Attachment
    from govdoc.exchange.edxml.tests.samples import document

    content = random.Random(102).randbytes(size)
    return document(
        attachments=(
            Attachment(
                content_id="scan-1",
                name="Công văn 7816 (bản quét).pdf",
                data=content,
                content_type="application/pdf",
                description="Bản quét",
            ),
        )
    )


ANALYZED_TABLES = (
    "documents_document",
    "incoming_incomingdocument",
    "registers_registerentry",
    "documents_storedfile",
    "documents_documentfile",
)


class Analyzer:
    """Keeps the planner's statistics current during a run, as autovacuum does on a live
    system (it wakes once a minute: a benchmark that fills empty tables in seconds would
    otherwise be measured with plans made for empty tables). `interval` 0: do nothing."""

    def __init__(self, db_name: str, interval: float) -> None:
        import threading

        self.db_name = db_name
        self.interval = interval
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def analyze(self) -> None:
        import psycopg

        with psycopg.connect(database_url(self.db_name), autocommit=True) as conn:
            conn.execute("ANALYZE " + ", ".join(ANALYZED_TABLES))
        self.runs += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.analyze()

    def __enter__(self) -> Analyzer:
        if self.interval > 0:
            self.analyze()
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
