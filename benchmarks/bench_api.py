"""Registration throughput through the HTTP API, against a real server.

    .venv/bin/python benchmarks/bench_api.py [--n 1000] [--clients 16] [--workers 2] [--threads 1]

Starts gunicorn (`config.wsgi`, 2 sync workers by default) on a free local port against a
fresh PostgreSQL database, creates an API token for the demo clerk
(`govdoc.api.tokens.token_create`), then 16 client threads POST multipart requests to
`/api/incoming` with `Authorization: Bearer <key>`, each with its own small PDF. Reports
requests/s, latency and status codes, stops the server it started, and checks that the arrival
numbers are 1..N with no gap.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_api"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = f"govdoc-bench-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    for name, (filename, data, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def bodies(count: int) -> list[tuple[bytes, str]]:
    from django.utils import timezone

    from govdoc.documents.models import DocumentType
    from govdoc.organizations.models import Agency
    from govdoc.web.demo import make_demo_pdf

    letter = DocumentType.objects.get(name="Công văn")
    issuers = list(Agency.objects.filter(is_hosted=False).order_by("organ_id"))
    today = timezone.localdate().isoformat()
    result = []
    for i in range(count):
        issuer = issuers[i % len(issuers)]
        subject = f"Về việc đề nghị hướng dẫn thu hồi đất — văn bản thử qua API số {i + 1}"
        result.append(
            multipart(
                {
                    "document_type_id": str(letter.pk),
                    "subject": subject,
                    "issued_date": today,
                    "issuer_name": issuer.name,
                    "code_number": str(i + 1),
                    "code_notation": f"{issuer.abbreviation}-KT",
                    "priority": "0",
                },
                {
                    "main_file": (
                        f"api-{i + 1}.pdf",
                        make_demo_pdf([f"Van ban thu API so {i + 1}", subject]),
                        "application/pdf",
                    )
                },
            )
        )
    return result


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = common.ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"),
        "config.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
    ]
    if threads > 1:
        command += ["--threads", str(threads)]
    handle = log.open("wb")
    return subprocess.Popen(
        command, cwd=common.ROOT, env=dict(os.environ), stdout=handle, stderr=subprocess.STDOUT
    )


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/openapi.json")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def post_all(
    port: int, key: str, payloads: list[tuple[bytes, str]], clients: int
) -> tuple[float, list[float], Counter[int], list[str]]:
    indexes = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    ready = threading.Barrier(clients + 1)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ready.wait()
        while True:
            with lock:
                index = next(indexes)
            if index >= len(payloads):
                break
            body, content_type = payloads[index]
            started = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    "/api/incoming",
                    body=body,
                    headers={"Authorization": f"Bearer {key}", "Content-Type": content_type},
                )
                response = conn.getresponse()
                content = response.read()
                with lock:
                    statuses[response.status] += 1
                    if response.status != 201 and len(problems) < 5:
                        problems.append(f"{response.status}: {content[:300]!r}")
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    statuses[0] += 1
                    problems.append(f"{type(error).__name__}: {error}")
            latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses, problems


def check_numbers(expected: int) -> str:
    from govdoc.incoming.models import IncomingDocument
    from govdoc.registers.models import BookKind, RegisterBook
    from govdoc.web.demo_data import MINISTRY

    book = RegisterBook.objects.get(agency__organ_id=MINISTRY.organ_id, kind=BookKind.INCOMING)
    numbers = sorted(
        IncomingDocument.objects.filter(register_entry__book=book).values_list(
            "arrival_number", flat=True
        )
    )
    ok = numbers == list(range(1, expected + 1)) and book.last_number == expected
    return (
        f"{'OK' if ok else 'FAILED'}: {len(numbers)} documents, {len(set(numbers))} distinct, "
        f"max {max(numbers, default=0)}, book.last_number {book.last_number}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="registration through the HTTP API")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=2.0,
        help="seconds between ANALYZE runs during the benchmark (0: leave it to autovacuum)",
    )
    args = parser.parse_args()

    common.setup_django(DB_NAME)
    common.seed_organisation()
    from govdoc.api.tokens import token_create
    from govdoc.organizations.models import User

    clerk = User.objects.get(username="vanthu")
    _token, key = token_create(user=clerk, name="Đo hiệu năng", actor=clerk)
    payloads = bodies(args.n)

    port = free_port()
    log = Path(tempfile.gettempdir()) / f"govdoc-bench-api-{port}.log"
    server = start_server(port, args.workers, args.threads, log)
    try:
        wait_until_up(port, server)
        print("Registration through the HTTP API (POST /api/incoming, multipart, bearer token)")
        common.print_machine()
        print(
            f"  server        gunicorn config.wsgi -w {args.workers}"
            + (f" --threads {args.threads}" if args.threads > 1 else "")
            + f" on 127.0.0.1:{port} (log {log})"
        )
        print(
            f"  statistics    ANALYZE every {args.analyze_every:g} s"
            if args.analyze_every
            else "  statistics    left to autovacuum"
        )
        # Both workers import the application on their first request: warm them up.
        for _ in range(args.workers * 2):
            wait_until_up(port, server)
        with common.Analyzer(DB_NAME, args.analyze_every):
            elapsed, latencies, statuses, problems = post_all(port, key, payloads, args.clients)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    created = statuses.get(201, 0)
    print(f"\n{args.clients} clients: {args.n} requests in {elapsed:.2f} s")
    print(f"  {args.n / elapsed:.1f} requests/s, {created / elapsed:.1f} registrations/s")
    print(f"  latency {common.summary_ms(latencies)}")
    print(f"  status codes: {dict(sorted(statuses.items()))}")
    for problem in problems:
        print(f"  e.g. {problem}")
    print(f"  numbers: {check_numbers(created)}")
    print(f"  load average after: {common.load_average()}")


if __name__ == "__main__":
    main()
