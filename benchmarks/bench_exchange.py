"""The interconnection end to end: agency A → the hub → agency B, document packets with a
100 KB attachment, from queueing at A to applied in B's electronic inbox.

    .venv/bin/python benchmarks/bench_exchange.py [--n 5000] [--size 102400]
        [--producers 1] [--senders 1] [--appliers 2] [--batch 50] [--backlog 40]
        [--hub-workers 2] [--hub-threads 4] [--template] [--profile]

Set-up (each run starts from nothing):

- the hub: `govdoc hub serve` (a real gunicorn process, `--hub-workers` × `--hub-threads`) on
  a free local port, with its own PostgreSQL database `govdoc_bench_exchange_hub` and its
  packet store in a temporary directory; A and B are registered with `govdoc hub agency add`
  (each gets its key);
- one installation (PostgreSQL database `govdoc_bench_exchange`, files in a temporary
  directory) hosting two agencies, A (000.00.00.G12) and B (000.00.00.H40), each with its
  own exchange account on the `hub` transport (`account_set`: its hub key and its RSA-2048
  packet key, a PKCS#12 under a CA made by the script, trusted by the installation). A and B
  share nothing else than the installation's database and file store: every packet goes
  through the hub over HTTP, as between two installations.

Run, with every role in its own process (started before the clock, Django set up):

- `--producers` processes queue the N packets at A: each a Công văn with a unique
  DocumentId and one `--size` byte attachment (a PDF header, random bytes, `%%EOF`:
  incompressible, as a scanned PDF, and sniffed as PDF by B), built (`build_document_packet`),
  signed with A's packet key (`sending.signed`) and queued (`outbox_enqueue`);
- `--senders` processes run A's outbox (`outbox_send_due` in a loop: claim a batch of due
  packets in one statement, POST each to the hub, SENT) meanwhile;
- one process polls B's inbox (`inbox_poll(apply=False)` in a loop: list, download, keep),
  waiting while more than `--backlog` kept packets wait to be applied;
- `--appliers` processes apply B's kept packets (`inbox_apply_pending` in a loop: claim up
  to `--batch` RECEIVED packets with `SELECT … FOR UPDATE SKIP LOCKED`, verify the
  signature against the trust store, check the sender, parse, put each into B's electronic
  inbox, commit, acknowledge each to the hub). With `--appliers 0` the poller applies and
  acknowledges itself (`inbox_poll`, as B's worker does by default).

Each process imports the URL configuration before the clock (a long-running worker pays it
once). `--template`: the installation's database is copied from a migrated template
(`govdoc_bench_exchange_template`, made on the first such run) instead of migrated anew.

The clock runs from the moment the producers start until the N-th packet is applied.
Printed: documents/s end to end, the rates of each stage, the latency from queueing to
applied (p50/p95/max), the CPU time of each role and of the hub, and the checks: every
DocumentId exactly once in B's electronic inbox (incoming.ReceivedDocument), every outbox
packet SENT, every inbox packet APPLIED, every delivery at the hub `done`.

`--profile`: each process runs under cProfile; the heaviest govdoc functions of each role
are printed (and the profiles kept in /tmp/govdoc-bench-exchange-<role>.prof).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import multiprocessing as mp
import os
import pstats
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    ROOT,
    database_url,
    percentile,
    print_machine,
    recreate_database,
    setup_django,
    summary_ms,
)

DB_NAME = "govdoc_bench_exchange"
HUB_DB_NAME = "govdoc_bench_exchange_hub"
A = "000.00.00.G12"
B = "000.00.00.H40"
NAMES = {A: "Bộ Tài nguyên và Môi trường", B: "Ủy ban nhân dân tỉnh Nghệ An"}
PASSWORD = "mat-khau-goi-tin"
TRANSPORT = "hub"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the hub ---------------------------------------------------------------------------------


class HubServer:
    def __init__(self, *, workers: int, threads: int) -> None:
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="govdoc-bench-exchange-hub-")
        self.log_path = Path(f"/tmp/govdoc-bench-exchange-hub-{self.port}.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVDOC_")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env = env | {
            "GOVDOC_ENV_FILE": str(Path(self.data_dir) / "no.env"),
            "GOVDOC_HUB_DATA_DIR": self.data_dir,
            "GOVDOC_HUB_DATABASE_URL": database_url(HUB_DB_NAME),
            "GOVDOC_HUB_PURGE_INTERVAL": "0",
            "GOVDOC_HUB_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.command = [
            *(sys.executable, "-m", "govdoc.cli", "hub", "serve", "--port", str(self.port)),
            *("--workers", str(workers), "--threads", str(threads)),
        ]
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            self.command, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while True:
            if self.popen.poll() is not None:
                raise SystemExit(f"the hub stopped: see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/health", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            if time.monotonic() > deadline:
                raise SystemExit(f"the hub did not start: see {self.log_path}")
            time.sleep(0.3)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "govdoc.cli", "hub", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"govdoc hub {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done.stdout

    def agency_add(self, organ_id: str, name: str) -> str:
        return self.cli("agency", "add", organ_id, name).strip().splitlines()[-1].strip()

    def cpu_seconds(self) -> float:
        """User + system CPU of the hub's processes (the command, gunicorn and its workers)."""
        if self.popen is None:
            return 0.0
        return _tree_cpu(self.popen.pid)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _tree_cpu(pid: int) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    tree = _children()
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, []))
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _postgres_cpu() -> dict[int, float]:
    """CPU of each PostgreSQL backend serving the benchmark's two databases (by pid: other
    users' backends and the server's shared processes are not counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                raw = (entry / "stat").read_text()
                if "(postgres)" not in raw:
                    continue
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if f" {DB_NAME} " not in command and f" {HUB_DB_NAME} " not in command:
                    continue
                fields = raw.rsplit(")", 1)[1].split()
                found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


class _PostgresSampler:
    """The benchmark's backends' CPU, read every half second while the roles run: a role's
    backend ends with the role, before the run's end, and would be missed by one reading
    at the end (as it was before 2026-12-03: "postgresql" then counted only the hub's)."""

    def __init__(self) -> None:
        import threading

        self.before = _postgres_cpu()
        self.seen = dict(self.before)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._read()

    def _read(self) -> None:
        for pid, cpu in _postgres_cpu().items():
            self.seen[pid] = max(cpu, self.seen.get(pid, 0.0))

    def used(self) -> float:
        self._stop.set()
        self._thread.join()
        self._read()
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in self.seen.items())


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


def _from_template() -> None:
    """`--template`: the installation's database copied from a migrated template (migrating
    takes minutes on this machine); `migrate` then applies whatever is newer."""
    import psycopg
    from common import database_exists

    template = DB_NAME + "_template"
    if not database_exists(template):
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path[:0] = {[str(ROOT / 'benchmarks'), str(ROOT)]!r}; "
                f"from common import setup_django; setup_django({template!r})",
            ],
            check=True,
            cwd=ROOT,
        )
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{template}"')


# --- keys ------------------------------------------------------------------------------------


def make_pki() -> tuple[bytes, dict[str, bytes]]:
    """A CA (PEM) and one PKCS#12 packet key (RSA-2048) per agency under it."""
    from govdoc.exchange.testing_keys import make_rsa_ca

    ca = make_rsa_ca("CA liên thông (benchmark)", valid_from_days=1, valid_days=365)
    keys = {organ_id: ca.issue_p12(name, password=PASSWORD) for organ_id, name in NAMES.items()}
    return ca.pem, keys


def setup_installation(tokens: dict[str, str]) -> None:
    from govdoc.exchange.services.accounts import account_set
    from govdoc.organizations.models import Agency, User
    from govdoc.signatures.services import trust_anchor_add

    ca_pem, p12 = make_pki()
    superuser = User.objects.create_superuser(username="bench-admin", password="bench-admin-pw")
    trust_anchor_add(actor=superuser, data=ca_pem)
    for organ_id, name in NAMES.items():
        agency = Agency.objects.create(
            organ_id=organ_id, name=name, abbreviation=organ_id[-3:], is_hosted=True
        )
        account_set(
            agency=agency,
            transport=TRANSPORT,
            actor=superuser,
            token=tokens[organ_id],
            pkcs12_data=p12[organ_id],
            password=PASSWORD,
        )


# --- the roles (each in its own process) -------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _document(index: int, size: int, rng: random.Random) -> Any:
    import dataclasses

    from govdoc.exchange.edxml.model import Attachment, Code, Organization, PromulgationInfo
    from govdoc.exchange.edxml.tests.samples import document

    today = dt.date.today()
    content = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(size - 24) + b"\n%%EOF\n"
    number = str(index + 1)
    sample = document()
    document_id = f"{A},{today:%Y/%m/%d},{number}/BTNMT-VP"
    return dataclasses.replace(
        sample,
        sender=Organization(organ_id=A, organ_name=NAMES[A]),
        recipients=(Organization(organ_id=B, organ_name=NAMES[B]),),
        document_id=document_id,
        bussiness=dataclasses.replace(sample.bussiness, document_id=document_id),
        code=Code(code_number=number, code_notation="BTNMT-VP"),
        promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=today),
        subject=f"V/v liên thông văn bản điện tử, lần thử {number}",
        due_date=None,
        response_for=(),
        trace_headers=(),
        attachments=(
            Attachment(
                content_id=f"scan-{number}",
                name=f"Công văn {number} (bản quét).pdf",
                data=content,
                content_type="application/pdf",
                description="Bản quét",
            ),
        ),
    )


def _warm() -> None:
    """What a long-running worker pays once, paid before the clock: the URL configuration
    (imported by the first `reverse`, e.g. a notification's link: seconds of CPU)."""
    from django.urls import reverse

    reverse("incoming:received_detail", args=[1])


def _run_role(role: str, index: int, args: dict[str, Any], ready: Any, go: Any, out: Any) -> None:
    _django()
    _warm()
    # CPU time, not the wall clock: what each function costs, not what it waits for.
    profiler = cProfile.Profile(time.process_time) if args["profile"] else None
    ready.release()
    go.wait()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    try:
        result = ROLES[role](index, args)
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"/tmp/govdoc-bench-exchange-{role}-{index}.prof")
    result |= {
        "role": role,
        "index": index,
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
    }
    out.put(result)


def producer(index: int, args: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction

    from govdoc.exchange.edxml.build import build_document_packet
    from govdoc.exchange.services.outbox import outbox_enqueue
    from govdoc.exchange.services.sending import signed
    from govdoc.exchange.workflow import PacketKind
    from govdoc.organizations.models import Agency

    sender = Agency.objects.get(organ_id=A)
    rng = random.Random(1000 + index)
    mine = range(index, args["n"], args["producers"])
    timings: dict[str, float] = {"build": 0.0, "sign": 0.0, "queue": 0.0}
    for number in mine:
        t0 = time.perf_counter()
        packet = _document(number, args["size"], rng)
        data = build_document_packet(packet)
        t1 = time.perf_counter()
        signed_data = signed(sender, TRANSPORT, data)
        assert signed_data is not None, "A has no packet key"
        t2 = time.perf_counter()
        with transaction.atomic():
            outbox_enqueue(
                agency=sender,
                kind=PacketKind.EDOC,
                transport=TRANSPORT,
                to=[B],
                packet=signed_data,
                subject_ref=f"bench:{number}",
                document_identifier=packet.document_id,
                priority=0,
            )
        t3 = time.perf_counter()
        timings["build"] += t1 - t0
        timings["sign"] += t2 - t1
        timings["queue"] += t3 - t2
    return {"count": len(mine), "timings": timings, "bytes": len(signed_data)}


def sender(index: int, args: dict[str, Any]) -> dict[str, Any]:
    from govdoc.exchange.models import OutboxPacket
    from govdoc.exchange.services.outbox import outbox_send_due
    from govdoc.exchange.workflow import OutboxStatus
    from govdoc.organizations.models import Agency

    # The benchmark's own check, on the (agency, status) index rather than a scan.
    agency = Agency.objects.get(organ_id=A)
    sent = rounds = 0
    deadline = time.monotonic() + args["timeout"]
    while time.monotonic() < deadline:
        rounds += 1
        done = outbox_send_due()
        sent += done
        if done == 0:
            if (
                OutboxPacket.objects.filter(agency=agency, status=OutboxStatus.SENT).count()
                >= args["n"]
            ):
                break
            time.sleep(args["idle"])
    return {"count": sent, "rounds": rounds}


def _ended(agency: Any) -> int:
    from govdoc.exchange.models import InboxPacket
    from govdoc.exchange.services.inbox import ENDED

    return InboxPacket.objects.filter(agency=agency, status__in=ENDED).count()


def poller(index: int, args: dict[str, Any]) -> dict[str, Any]:
    """B's poll: list, download, keep (and, without appliers, apply and acknowledge too).
    With appliers it waits while more than `--backlog` kept packets wait to be applied: the
    hub lists a kept packet until it is acknowledged, so listing more often only re-reads
    what is kept already."""
    from govdoc.exchange.models import InboxPacket
    from govdoc.exchange.services.inbox import inbox_poll
    from govdoc.exchange.workflow import InboxStatus
    from govdoc.organizations.models import Agency

    agency = Agency.objects.get(organ_id=B)
    apply = args["appliers"] == 0
    new = polls = empty = 0
    finished_at = 0.0
    deadline = time.monotonic() + args["timeout"]
    while time.monotonic() < deadline:
        if not apply:
            backlog = InboxPacket.objects.filter(agency=agency, status=InboxStatus.RECEIVED).count()
            if backlog > args["backlog"]:
                time.sleep(0.1)
                continue
        polls += 1
        got = inbox_poll(agency=agency, transport=TRANSPORT, apply=apply, batch=args["batch"])
        new += got
        if got == 0:
            empty += 1
            if _ended(agency) >= args["n"]:
                finished_at = time.time()
                break
            time.sleep(0.1)
    return {"count": new, "polls": polls, "empty": empty, "finished_at": finished_at}


def applier(index: int, args: dict[str, Any]) -> dict[str, Any]:
    """One of B's appliers: claim kept packets (SKIP LOCKED), check, apply, acknowledge."""
    from govdoc.exchange.services.inbox import inbox_apply_pending
    from govdoc.organizations.models import Agency

    agency = Agency.objects.get(organ_id=B)
    applied = rounds = 0
    finished_at = 0.0
    deadline = time.monotonic() + args["timeout"]
    while time.monotonic() < deadline:
        rounds += 1
        done = inbox_apply_pending(agency=agency, transport=TRANSPORT, limit=args["batch"])
        applied += done
        if done == 0:
            if _ended(agency) >= args["n"]:
                finished_at = time.time()
                break
            time.sleep(args["idle"])
    return {"count": applied, "rounds": rounds, "finished_at": finished_at}


ROLES = {
    "producer": producer,
    "sender": sender,
    "poller": poller,
    "applier": applier,
}


# --- checks and figures ------------------------------------------------------------------------


def checks(n: int) -> tuple[bool, list[str], list[float], dt.datetime, dt.datetime]:
    import psycopg
    from django.db.models import Count

    from govdoc.exchange.models import InboxPacket, OutboxPacket
    from govdoc.exchange.workflow import InboxStatus, OutboxStatus
    from govdoc.incoming.models import ReceivedDocument

    lines: list[str] = []
    ok = True

    def check(label: str, good: bool, detail: str) -> None:
        nonlocal ok
        ok = ok and good
        lines.append(f"  {'ok ' if good else 'BAD'} {label:<44} {detail}")

    outbox = dict(
        OutboxPacket.objects.values_list("status")
        .annotate(c=Count("id"))
        .values_list("status", "c")
    )
    check("outbox: every packet SENT", outbox == {OutboxStatus.SENT: n}, str(outbox))
    inbox = dict(
        InboxPacket.objects.values_list("status").annotate(c=Count("id")).values_list("status", "c")
    )
    check("inbox of B: every packet APPLIED", inbox == {InboxStatus.APPLIED: n}, str(inbox))
    expected = {
        f"edxml:{A}:{p}" for p in OutboxPacket.objects.values_list("document_identifier", flat=True)
    }
    refs = list(
        ReceivedDocument.objects.filter(agency__organ_id=B).values_list("external_ref", flat=True)
    )
    duplicates = len(refs) - len(set(refs))
    missing = expected - set(refs)
    extra = set(refs) - expected
    check(
        "B's electronic inbox: each DocumentId once",
        len(expected) == n and not missing and not extra and duplicates == 0,
        f"{len(refs)} documents, {len(set(refs))} distinct, missing {len(missing)}, "
        f"duplicated {duplicates}, unexpected {len(extra)}",
    )
    with psycopg.connect(database_url(HUB_DB_NAME)) as conn:
        packets = conn.execute("SELECT count(*) FROM hub_packet").fetchone()[0]
        deliveries = dict(
            conn.execute("SELECT status, count(*) FROM hub_delivery GROUP BY status").fetchall()
        )
        calls = dict(
            conn.execute("SELECT call, count(*) FROM hub_hubcall GROUP BY call").fetchall()
        )
    check("hub: one packet per document", packets == n, f"{packets} packets")
    check("hub: every delivery acknowledged done", deliveries == {"done": n}, str(deliveries))
    lines.append(f"      hub journal rows by call: {json.dumps(calls, sort_keys=True)}")
    latencies = []
    first = last = None
    pairs = dict(OutboxPacket.objects.values_list("document_identifier", "created_at"))
    for document_id, applied in InboxPacket.objects.values_list(
        "document_identifier", "applied_at"
    ):
        queued = pairs.get(document_id)
        if queued is None or applied is None:
            continue
        latencies.append((applied - queued).total_seconds())
        first = queued if first is None or queued < first else first
        last = applied if last is None or applied > last else last
    assert first is not None and last is not None
    return ok, lines, latencies, first, last


def print_profiles(roles: list[str]) -> None:
    for role in roles:
        path = Path(f"/tmp/govdoc-bench-exchange-{role}-0.prof")
        if not path.exists():
            continue
        stream = io.StringIO()
        stats = pstats.Stats(str(path), stream=stream)
        stats.sort_stats("cumulative").print_stats(
            r"govdoc|signxml|lxml|psycopg|urllib|zipfile|django", 40
        )
        print(f"\n--- profile of {role} 0 (cumulative, {path}) ---")
        text = stream.getvalue()
        print(text[text.find("ncalls") :] if "ncalls" in text else text)


def _collect(processes: list[Any], out: Any) -> list[dict[str, Any]]:
    """Each process's result; if one dies without one, the others are stopped (they are
    ours: the handles we started) and the run fails."""
    import queue

    results: list[dict[str, Any]] = []
    while len(results) < len(processes):
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                for process in processes:
                    if process.is_alive():
                        process.terminate()
                raise SystemExit(f"a role's process failed (exit {dead[0].exitcode})") from None
    for process in processes:
        process.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=5000, help="document packets")
    parser.add_argument("--size", type=int, default=100 * 1024, help="attachment bytes")
    parser.add_argument("--producers", type=int, default=1, help="processes queueing at A")
    parser.add_argument("--senders", type=int, default=1, help="processes sending A's outbox")
    parser.add_argument("--hub-workers", type=int, default=2)
    parser.add_argument("--hub-threads", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before giving up")
    parser.add_argument(
        "--appliers",
        type=int,
        default=2,
        help="processes applying B's kept packets (0: the poller applies them itself)",
    )
    parser.add_argument("--batch", type=int, default=50, help="packets per applier transaction")
    parser.add_argument(
        "--idle", type=float, default=0.2, help="seconds a sender or applier waits when idle"
    )
    parser.add_argument(
        "--backlog", type=int, default=40, help="kept packets above which the poller waits"
    )
    parser.add_argument(
        "--template",
        action="store_true",
        help="copy the installation's database from a migrated template (made once)",
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    recreate_database(HUB_DB_NAME)
    hub = HubServer(workers=args.hub_workers, threads=args.hub_threads)
    os.environ["GOVDOC_HUB_URL"] = hub.url
    os.environ["GOVDOC_EXCHANGE_TRANSPORT"] = TRANSPORT
    try:
        hub.start()
        tokens = {organ_id: hub.agency_add(organ_id, name) for organ_id, name in NAMES.items()}
        if args.template:
            _from_template()
        setup_django(DB_NAME, fresh=not args.template)
        setup_installation(tokens)
        from django.db import connections

        connections.close_all()

        print("The interconnection end to end (benchmarks/bench_exchange.py)")
        print_machine()
        print(
            f"  run           {args.n} document packets A → hub → B, {args.size} byte attachment; "
            f"{args.producers} producer(s), {args.senders} sender(s), 1 poller of B, "
            f"{args.appliers} applier(s) of B (batches of {args.batch}); "
            f"hub: {args.hub_workers} worker(s) × {args.hub_threads} thread(s)"
        )
        context = mp.get_context("spawn")
        ready = context.Semaphore(0)
        go = context.Event()
        out = context.Queue()
        options = vars(args) | {"n": args.n}
        plan = (
            [("producer", i) for i in range(args.producers)]
            + [("sender", i) for i in range(args.senders)]
            + [("poller", 0)]
            + [("applier", i) for i in range(args.appliers)]
        )
        processes = [
            context.Process(target=_run_role, args=(role, i, options, ready, go, out))
            for role, i in plan
        ]
        for process in processes:
            process.start()
        for _ in processes:
            ready.acquire()
        hub_cpu0, pg_sampler, busy0 = hub.cpu_seconds(), _PostgresSampler(), _machine_busy()
        start = time.time()
        go.set()
        results = _collect(processes, out)
        elapsed = max(r.get("finished_at", 0.0) for r in results) - start
        hub_cpu, pg_cpu, busy1 = (
            hub.cpu_seconds() - hub_cpu0,
            pg_sampler.used(),
            _machine_busy(),
        )
        ok, lines, latencies, first, last = checks(args.n)
    finally:
        hub.stop()

    by_role = {(r["role"], r["index"]): r for r in results}
    produced = [r for r in results if r["role"] == "producer"]
    produce_wall = max(r["wall"] for r in produced)
    send_wall = max(r["wall"] for r in results if r["role"] == "sender")
    receiver_result = by_role[("poller", 0)]
    span = (last - first).total_seconds()
    cores = os.cpu_count() or 1
    machine_busy = (busy1[0] - busy0[0]) / max(1.0, busy1[1] - busy0[1]) * 100
    print(f"  packet        {produced[0]['bytes'] / 1024:.0f} KB of signed edXML")
    print()
    print(f"  end to end    {args.n / elapsed:7.1f} documents/s  ({args.n} in {elapsed:.1f} s)")
    print(f"  (DB clocks)   {args.n / span:7.1f} documents/s  (first queued → last applied)")
    print(f"  queueing at A {args.n / produce_wall:7.1f} packets/s  (build + sign + enqueue)")
    print(f"  sent by A     done after {send_wall:.1f} s")
    print(
        f"  kept at B     done after {receiver_result['wall']:.1f} s "
        f"({receiver_result['polls']} polls, {receiver_result['empty']} found nothing new)"
    )
    print(f"  latency       {summary_ms(latencies)} (queued at A → applied at B)")
    print(f"                p99 {percentile(latencies, 0.99) * 1000:.0f} ms")
    timings: dict[str, float] = {}
    for r in produced:
        for key, value in r["timings"].items():
            timings[key] = timings.get(key, 0.0) + value
    print(
        "  producer      "
        + ", ".join(f"{k} {v / args.n * 1000:.1f} ms" for k, v in timings.items())
        + " per packet (wall)"
    )
    print("  CPU per document:")
    for (role, index), r in sorted(by_role.items()):
        print(f"    {role} {index:<10} {r['cpu'] / args.n * 1000:6.1f} ms  ({r['cpu']:.0f} s)")
    print(f"    {'hub (gunicorn)':<19} {hub_cpu / args.n * 1000:6.1f} ms  ({hub_cpu:.0f} s)")
    print(
        f"    {'postgresql':<19} {pg_cpu / args.n * 1000:6.1f} ms  ({pg_cpu:.0f} s, "
        "the benchmark's backends)"
    )
    print(f"  machine busy  {machine_busy:.0f} % of {cores} CPUs during the run")
    print()
    print("Checks:")
    print("\n".join(lines))
    print(f"  {'all good' if ok else 'FAILED'}")
    if args.profile:
        print_profiles(["producer", "sender", "poller", "applier"])
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
