"""The `govdoc` command: everything a user or operator runs.

govdoc run        web server + background worker on one machine
govdoc demo       seed the demo installation (idempotent)
govdoc worker     the background worker alone: queued tasks and periodic jobs
govdoc migrate    apply database migrations
govdoc createadmin  create an administrator account
govdoc hub        the interconnection hub, its own process and database (docs/hub.md):
                  serve | migrate | agency add/list/set | token | purge
govdoc <any Django management command>
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

USAGE = __doc__ or ""


def _django(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govdoc", *argv])


def _bin(name: str) -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


def run(argv: Sequence[str]) -> int:
    """Start the web server (gunicorn) and the worker, and stop both together."""
    bind = os.environ.get("GOVDOC_BIND", "127.0.0.1:8000")
    for index, arg in enumerate(argv):
        if arg in {"--bind", "-b"} and index + 1 < len(argv):
            bind = argv[index + 1]
    # Processes rather than threads: a registration holds its register book's lock until it
    # commits, and threads of one process make that holder wait for the GIL
    # (docs/benchmarks.md).
    workers = os.environ.get("GOVDOC_WEB_WORKERS", str((os.cpu_count() or 1) + 1))
    threads = os.environ.get("GOVDOC_WEB_THREADS", "1")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    web = subprocess.Popen(
        [
            _bin("gunicorn"),
            "config.wsgi",
            "--bind",
            bind,
            "--workers",
            workers,
            "--threads",
            threads,
            "--timeout",
            "120",
            # Each installation on its own: gunicorn's control socket is one file per user.
            "--no-control-socket",
            "--access-logfile",
            "-",
        ],
        env=env,
    )
    worker = subprocess.Popen([sys.executable, "-m", "govdoc.cli", "worker"], env=env)
    print(f"govdoc đang chạy tại http://{bind} (Ctrl+C để dừng)", flush=True)
    children = [web, worker]

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop(signal.SIGTERM, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "run":
        return run(rest)
    if command == "worker":
        # Queued tasks (django-tasks-db) and the periodic-job scheduler, in one process.
        _django(["worker", *rest])
        return 0
    if command == "hub":
        # The hub is its own process on its own database: never an installation's settings.
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.hub_settings"
        _django(["hub", *rest])
        return 0
    if command == "createadmin":
        _django(["createsuperuser", *rest])
        return 0
    _django([command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
