"""Real processes for the end-to-end test of the interconnection: the hub (`govdoc hub serve`,
its own data directory and SQLite database) and installations (`govdoc run`: gunicorn and the
worker, each installation its own data directory and SQLite database), each on a free port,
each logging to its own file; an agent per installation (actions.py) for the people's steps;
read-only looks into each database; waiting with a deadline instead of sleeping.

Every process is started in a session of its own, so that stopping it stops its children
(gunicorn's workers); `Cluster.close()` stops them all, even after a failure, and
`Cluster.dump()` prints each process's log and the tasks that failed in each worker."""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.cookiejar
import json
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

from govdoc.exchange.tests.e2e.actions import PROMPT

REPO = Path(__file__).resolve().parents[4]
PYTHON = sys.executable
STEP_TIMEOUT = 60.0
START_TIMEOUT = 60.0
# What gunicorn says when it cannot start here (no sockets, no gunicorn): skip, not fail.
CANNOT_START = ("Connection in use", "Can't connect to", "Permission denied", "No module named")

# The worker's lines of every second (the periodic sending and fetching that found nothing
# to report), left out of the logs shown on failure.
ROUTINE = re.compile(
    r"periodic job exchange\.(send_due|poll_inboxes) enqueued"
    r"|path=govdoc\.exchange\.tasks\.(send_due|poll_inboxes) state=(RUNNING|SUCCESSFUL)"
)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class CannotStart(RuntimeError):
    """A server could not start in this environment (the test is skipped)."""


class AgentError(AssertionError):
    """An action failed inside an installation's agent (its traceback is the message)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(root: Path) -> dict[str, str]:
    """This process's environment without any GOVDOC_* or Django setting of its own (the
    test session's must not leak into the installations), and no `.env` file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GOVDOC_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    pythonpath = [str(REPO), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        PYTHONPATH=os.pathsep.join(pythonpath),
        PYTHONUNBUFFERED="1",
        GOVDOC_ENV_FILE=str(root / "no.env"),
    )
    return env


def http_call(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 20.0,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        open_url = opener.open if opener is not None else urllib.request.urlopen
        with open_url(request, timeout=timeout) as response:
            return int(response.status), dict(response.headers.items()), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), dict(error.headers.items()), bytes(error.read())


def wait_until(probe: Callable[[], T | None], *, what: str, timeout: float = STEP_TIMEOUT) -> T:
    """Call `probe` until it returns something true (not None, False, 0 or empty) and return
    that."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            found = probe()
        except (sqlite3.OperationalError, OSError) as error:  # a file being written, a restart
            last = error
        else:
            if found:
                return found
            last = found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s (last seen: {last!r})")
        time.sleep(0.2)


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Process:
    """One long-running command, in its own session, logging to `log` (appended to across
    restarts)."""

    name: str
    command: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    _log_file: IO[bytes] | None = None

    def start(self, **popen: Any) -> subprocess.Popen[bytes]:
        self._log_file = self.log.open("ab")
        self._log_file.write(f"\n===== {self.name}: {' '.join(self.command)}\n".encode())
        self._log_file.flush()
        popen.setdefault("stdout", self._log_file)
        self.popen = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stderr=self._log_file,
            start_new_session=True,
            **popen,
        )
        return self.popen

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (the process stops its children), then SIGKILL to its whole session."""
        popen = self.popen
        if popen is not None:
            if popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    popen.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    popen.wait(timeout=timeout)
            # Whatever is left of its session (an orphaned gunicorn worker): only ours.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def tail(self, chars: int = 8000) -> str:
        """The end of the log, without the worker's every-second routine."""
        if not self.log.exists():
            return ""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        kept = [line for line in text.splitlines() if not ROUTINE.search(line)]
        return "\n".join(kept)[-chars:]


def _wait_http(process: Process, url: str, *, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if not process.running:
            output = process.tail()
            if any(marker in output for marker in CANNOT_START):
                raise CannotStart(f"{process.name} cannot start here: {output[-800:]}")
            raise AssertionError(f"{process.name} stopped:\n{output}")
        try:
            status, _headers, _body = http_call("GET", url, timeout=2)
            if status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{process.name} did not answer {url} within {timeout:g} s")
        time.sleep(0.2)


def _command(env: dict[str, str], cwd: Path, *args: str, timeout: float = 120) -> str:
    """`govdoc ARGS…` to its end; its output (a failure shows it whole)."""
    done = subprocess.run(
        [PYTHON, "-m", "govdoc.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"govdoc {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


# --- the hub -----------------------------------------------------------------------------------


class Hub:
    """`govdoc hub serve` on a free port, its data (hub.db, packets) in `root/data`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.data_dir = root / "data"
        self.env = base_env(root) | {
            "GOVDOC_HUB_DATA_DIR": str(self.data_dir),
            "GOVDOC_HUB_PURGE_INTERVAL": "0",
        }
        self.process = Process(
            name="hub",
            command=[
                *(PYTHON, "-m", "govdoc.cli", "hub", "serve", "--port", str(self.port)),
                *("--workers", "1", "--threads", "4"),
            ],
            env=self.env,
            cwd=root,
            log=root / "hub.log",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process.start()

    def wait_ready(self) -> None:
        _wait_http(self.process, self.url + "/health")

    def stop(self) -> None:
        self.process.stop()

    def cli(self, *args: str) -> str:
        return _command(self.env, self.root, "hub", *args)

    def agency_add(self, organ_id: str, name: str) -> str:
        """Registers the agency with `govdoc hub agency add`; its key (printed last, once)."""
        output = self.cli("agency", "add", organ_id, name)
        return output.strip().splitlines()[-1].strip()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        return http_call(
            method,
            self.url + path,
            body=body,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )

    def json(self, method: str, path: str, *, token: str) -> Any:
        status, _headers, body = self.call(method, path, token=token)
        assert status == 200, (status, body[:500])
        return json.loads(body)

    def send(self, data: bytes, *, token: str, to: str, kind: str = "edoc") -> tuple[int, Any]:
        """POST /api/v1/packets as the holder of `token`."""
        status, _headers, body = self.call(
            "POST",
            "/api/v1/packets",
            token=token,
            body=data,
            headers={
                "Content-Type": "application/xml",
                "X-Edxml-Type": kind,
                "X-Edxml-To": to,
            },
        )
        return status, json.loads(body)

    def delivery(self, packet_id: str, *, token: str) -> dict[str, Any] | None:
        """The sender's view of the first delivery of one of its packets (`/sent`)."""
        sent = self.json("GET", "/api/v1/sent?limit=1000", token=token)
        for item in sent["items"]:
            if item["id"] == packet_id:
                deliveries: list[dict[str, Any]] = item["deliveries"]
                return deliveries[0]
        return None


# --- installations -----------------------------------------------------------------------------


class Agent:
    """actions.py in a process of the installation: one request, one answer."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        popen = process.start(stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._reader = threading.Thread(target=self._read, args=(popen,), daemon=True)
        self._reader.start()

    def _read(self, popen: subprocess.Popen[bytes]) -> None:
        assert popen.stdout is not None
        for raw in popen.stdout:
            line = raw.decode("utf-8", errors="replace")
            if line.startswith(PROMPT):
                self.answers.put(json.loads(line[len(PROMPT) :]))
            elif self.process._log_file is not None:
                with contextlib.suppress(ValueError):  # closed meanwhile: the agent stops
                    self.process._log_file.write(raw)
                    self.process._log_file.flush()
        self.answers.put(None)

    def _answer(self, timeout: float) -> dict[str, Any]:
        try:
            answer = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"{self.process.name}: no answer within {timeout:g} s\n{self.process.tail()}"
            ) from None
        if answer is None:
            raise AssertionError(f"{self.process.name} stopped:\n{self.process.tail()}")
        return answer

    def wait_ready(self) -> None:
        self._answer(START_TIMEOUT)

    def call(self, action: str, timeout: float = 120.0, **kwargs: Any) -> dict[str, Any]:
        popen = self.process.popen
        assert popen is not None and popen.stdin is not None
        popen.stdin.write(json.dumps({"action": action, "kwargs": kwargs}).encode() + b"\n")
        popen.stdin.flush()
        answer = self._answer(timeout)
        if not answer["ok"]:
            raise AgentError(f"{self.process.name}: {action} failed\n{answer['traceback']}")
        result: dict[str, Any] = answer["result"]
        return result

    def stop(self) -> None:
        popen = self.process.popen
        if popen is not None and popen.stdin is not None:
            with contextlib.suppress(OSError):
                popen.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=10)
        self.process.stop()


class Installation:
    """One govdoc installation: `root/data` (GOVDOC_DATA_DIR) with its SQLite database, a web
    server and a worker (`govdoc run`) on a free port, talking to the hub at `hub_url`."""

    def __init__(self, name: str, root: Path, *, hub_url: str) -> None:
        self.name = name
        self.root = root
        self.data_dir = root / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database = self.data_dir / "govdoc.sqlite3"
        self.port = free_port()
        self.env = base_env(root) | {
            "GOVDOC_DATA_DIR": str(self.data_dir),
            "GOVDOC_DATABASE_URL": f"sqlite:///{self.database}",
            "GOVDOC_HUB_URL": hub_url,
            "GOVDOC_EXCHANGE_POLL_SECONDS": "1",
            "GOVDOC_SCHEDULER_INTERVAL": "1",
            "GOVDOC_BIND": f"127.0.0.1:{self.port}",
            "GOVDOC_WEB_WORKERS": "1",
            "GOVDOC_WEB_THREADS": "4",
            "GOVDOC_LOG_LEVEL": "INFO",
        }
        self.server = Process(
            name=f"{name}: govdoc run",
            command=[PYTHON, "-m", "govdoc.cli", "run"],
            env=self.env,
            cwd=root,
            log=root / "run.log",
        )
        self.agent: Agent | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- life ----------------------------------------------------------------------------------

    def migrate(self) -> None:
        self.cli("migrate", "--no-input", "-v", "0", timeout=300)

    def copy_database_from(self, other: Installation) -> None:
        """A migrated, still empty database: a copy of `other`'s (SQLite's backup)."""
        with (
            contextlib.closing(sqlite3.connect(other.database)) as source,
            contextlib.closing(sqlite3.connect(self.database)) as target,
        ):
            source.backup(target)

    def start_agent(self) -> Agent:
        self.agent = Agent(
            Process(
                name=f"{self.name}: agent",
                command=[PYTHON, "-m", "govdoc.exchange.tests.e2e.actions"],
                env=self.env,
                cwd=self.root,
                log=self.root / "agent.log",
            )
        )
        return self.agent

    def start(self) -> None:
        self.server.start()

    def wait_ready(self) -> None:
        _wait_http(self.server, self.url + "/dang-nhap/")

    def stop(self) -> None:
        if self.agent is not None:
            self.agent.stop()
        self.server.stop()

    def act(self, action: str, **kwargs: Any) -> dict[str, Any]:
        assert self.agent is not None
        return self.agent.call(action, **kwargs)

    def cli(self, *args: str, timeout: float = 120) -> str:
        return _command(self.env, self.root, *args, timeout=timeout)

    # --- looking into its database (read-only) --------------------------------------------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        uri = f"file:{urllib.parse.quote(str(self.database))}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as connection:
            return list(connection.execute(sql, tuple(params)).fetchall())

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def dispatch(self, document_identifier: str) -> tuple[str, str] | None:
        """(status, reason) of the sender's delivery of that document."""
        found = self.rows(
            "SELECT d.status, d.reason FROM outgoing_dispatch d "
            "JOIN outgoing_outgoingdocument o ON o.id = d.outgoing_id "
            "JOIN documents_document doc ON doc.id = o.document_id "
            "WHERE doc.document_identifier = ?",
            [document_identifier],
        )
        return (str(found[0][0]), str(found[0][1])) if found else None

    def dispatch_events(self, document_identifier: str) -> list[str]:
        return [
            str(row[0])
            for row in self.rows(
                "SELECT e.status FROM outgoing_dispatchevent e "
                "JOIN outgoing_dispatch d ON d.id = e.dispatch_id "
                "JOIN outgoing_outgoingdocument o ON o.id = d.outgoing_id "
                "JOIN documents_document doc ON doc.id = o.document_id "
                "WHERE doc.document_identifier = ? ORDER BY e.at, e.id",
                [document_identifier],
            )
        ]

    def failed_tasks(self) -> list[tuple[Any, ...]]:
        return self.rows(
            "SELECT task_path, args_kwargs, exception_class_path, traceback "
            "FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
        )


# --- a person in a browser, without one ---------------------------------------------------------


class WebSession:
    """Signs in through the login page (session and CSRF cookies) and reads pages."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def login(self, username: str, password: str) -> None:
        status, _headers, page = http_call("GET", self.base_url + "/dang-nhap/", opener=self.opener)
        assert status == 200, status
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None, "no CSRF token on the login page"
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": found.group(1).decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        status, _headers, page = http_call(
            "POST",
            self.base_url + "/dang-nhap/",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            opener=self.opener,
        )
        assert status == 200 and b'name="password"' not in page, "sign-in refused"

    def get(self, path: str) -> str:
        status, _headers, page = http_call("GET", self.base_url + path, opener=self.opener)
        assert status == 200, (path, status)
        return page.decode("utf-8")


# --- the whole ---------------------------------------------------------------------------------


@dataclass
class Cluster:
    root: Path
    hub: Hub
    ministry: Installation
    province: Installation
    tokens: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def processes(self) -> list[Process]:
        found = [self.hub.process]
        for installation in (self.ministry, self.province):
            found.append(installation.server)
            if installation.agent is not None:
                found.append(installation.agent.process)
        return found

    def dump(self) -> None:
        """Each process's log (its end) and each worker's failed tasks, on stdout."""
        for process in self.processes():
            print(f"\n----- log of {process.name} ({process.log}) -----\n{process.tail()}")
        for installation in (self.ministry, self.province):
            with contextlib.suppress(sqlite3.Error):
                for task in installation.failed_tasks():
                    print(f"\n----- failed task in {installation.name}: {task[0]} {task[1]}")
                    print(f"{task[2]}\n{task[3]}")

    def close(self) -> None:
        """Stops every process (at once: each may take a few seconds to end cleanly)."""
        _in_parallel(self.ministry.stop, self.province.stop, self.hub.stop)


def dumps_on_failure(test: Callable[P, R]) -> Callable[P, R]:
    """A test that prints the cluster's logs when it fails (the `cluster` argument's)."""

    @functools.wraps(test)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return test(*args, **kwargs)
        except BaseException:
            cluster = kwargs.get("cluster")
            if isinstance(cluster, Cluster):
                cluster.dump()
            raise

    return wrapper


def _in_parallel(*jobs: Callable[[], None]) -> None:
    """Run each job in a thread; the first failure is raised once all have ended."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@dataclass(frozen=True)
class Secrets:
    """Files the set-up reads: PKCS#12 files, passwords, roots (PEM)."""

    trust: list[str]
    leader_p12: Path
    seal_p12: Path
    pdf_password: str
    packet_p12: dict[str, Path]
    packet_password: Path


def start_cluster(root: Path, secrets: Secrets, agencies: dict[str, str]) -> Cluster:
    """The hub, the ministry's installation and the province's, set up and running.

    `agencies`: organ id → name, registered at the hub in that order; the first is hosted
    by the ministry's installation, the second by the province's, any other has only a key
    at the hub (for packets from a third party)."""
    hub = Hub(root / "hub")
    ministry = Installation("A (Bộ TN&MT)", root / "a", hub_url=hub.url)
    province = Installation("B (UBND Nghệ An)", root / "b", hub_url=hub.url)
    cluster = Cluster(root=root, hub=hub, ministry=ministry, province=province)
    try:
        hub.start()
        # One migration (the slow part), copied: each installation has its own file.
        ministry.migrate()
        province.copy_database_from(ministry)
        for installation in (ministry, province):
            installation.start_agent()
        hub.wait_ready()
        for organ_id, name in agencies.items():
            cluster.tokens[organ_id] = hub.agency_add(organ_id, name)
        for installation in (ministry, province):
            assert installation.agent is not None
            installation.agent.wait_ready()
        cluster.facts["ministry"] = ministry.act(
            "setup_ministry",
            trust=secrets.trust,
            leader_p12=str(secrets.leader_p12),
            seal_p12=str(secrets.seal_p12),
            pdf_password=secrets.pdf_password,
        )
        province.act("setup_province", trust=secrets.trust)

        def account_and_directory(installation: Installation, organ_id: str) -> None:
            token_file = installation.root / "hub-token.txt"
            token_file.write_text(cluster.tokens[organ_id], encoding="utf-8")
            installation.cli(
                *("exchange", "account", organ_id, "--token-file", str(token_file)),
                *("--p12", str(secrets.packet_p12[organ_id])),
                *("--password-file", str(secrets.packet_password)),
            )
            installation.cli("exchange", "directory", organ_id)

        # The servers and workers start meanwhile (a worker polls only agencies with an
        # account: nothing until the command has made it).
        for installation in (ministry, province):
            installation.start()
        (ministry_id, province_id) = list(agencies)[:2]
        _in_parallel(
            lambda: account_and_directory(ministry, ministry_id),
            lambda: account_and_directory(province, province_id),
        )
        for installation in (ministry, province):
            installation.wait_ready()
    except BaseException:
        cluster.dump()
        with contextlib.suppress(Exception):
            cluster.close()
        raise
    return cluster
