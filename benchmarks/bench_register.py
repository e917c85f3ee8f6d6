"""Registration throughput through the service layer, with concurrent clerks.

    .venv/bin/python benchmarks/bench_register.py [--n 2000] [--clients 16] [--processes 1]

16 client threads (each with its own PostgreSQL connection) call
`govdoc.incoming.services.incoming_register` for N documents in total, each with its own small
PDF. `--processes P` spreads the same clients over P processes (as gunicorn workers are), to
separate the cost of the service from Python's global interpreter lock.

Then the same rows (Document + IncomingDocument + RegisterEntry + StoredFile + DocumentFile)
are written as bare ORM inserts — no validation, duplicate check, audit, history, lock or file
write — with the same 16 threads, and with bulk_create, and the cost of a registration is shown
as a ratio to them. The arrival numbers are checked: 1..N, no gap, no repeat. A one-client run
follows (with `--profile`, profiled), and the SQL statements of one registration are counted.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import multiprocessing
import os
import pstats
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_register"

Work = Callable[[int], None]
# Statements run while the book row is locked, per registration (this process).
LOCKED_STATEMENTS: list[int] = []


def run_threads(
    count: int, clients: int, make_work: Callable[[], Work]
) -> tuple[float, list[float], list[str]]:
    """Run work(0..count-1) on `clients` threads; returns (seconds, latencies, errors)."""
    from django.db import connection

    indexes = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    ready = threading.Barrier(clients + 1)

    def worker() -> None:
        try:
            work = make_work()  # per-thread set-up (own connection, own objects)
            ready.wait()
            while True:
                with lock:
                    index = next(indexes)
                if index >= count:
                    break
                started = time.perf_counter()
                try:
                    work(index)
                except Exception as error:  # a benchmark reports failures, it does not stop
                    errors.append(f"{type(error).__name__}: {error}")
                latencies.append(time.perf_counter() - started)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def build_inputs(numbers: Sequence[int]) -> list[Any]:
    """Registration inputs (document number i for each i), each with its own PDF
    (content-addressed storage would otherwise store one file for all)."""
    from django.utils import timezone

    from govdoc.documents.models import DocumentType
    from govdoc.documents.storage import Upload
    from govdoc.incoming.inputs import IncomingInput
    from govdoc.organizations.models import Agency
    from govdoc.web.demo import make_demo_pdf

    letter = DocumentType.objects.get(name="Công văn")
    issuers = list(Agency.objects.filter(is_hosted=False).order_by("organ_id"))
    today = timezone.localdate()
    inputs = []
    for number in numbers:
        issuer = issuers[number % len(issuers)]
        subject = f"Về việc đề nghị hướng dẫn giao đất, cho thuê đất — văn bản thử số {number}"
        inputs.append(
            IncomingInput(
                document_type_id=letter.pk,
                subject=subject,
                issued_date=today,
                issuer_id=issuer.pk,
                code_number=str(number),
                code_notation=f"{issuer.abbreviation}-VP",
                signer_name="Nguyễn Văn Thử",
                signer_position="Phó Chủ tịch",
                main_file=Upload(
                    name=f"bench-{number}.pdf",
                    data=make_demo_pdf([f"Van ban thu hieu nang so {number}", subject]),
                ),
            )
        )
    return inputs


def service_work(inputs: list[Any], lock_held: list[float]) -> Callable[[], Work]:
    """Per thread: the clerk and the ministry, then one registration per call. Records how
    long the register book's row lock was held (from the return of SELECT … FOR UPDATE to
    the end of the commit)."""

    def make() -> Work:
        from django.db import connection

        from govdoc.incoming.services import incoming_register as register
        from govdoc.organizations.models import Agency, User
        from govdoc.web.demo_data import MINISTRY

        clerk = User.objects.get(username="vanthu")
        ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
        locked_at: list[float] = []
        inside: list[str] = []

        def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if locked_at:
                inside.append(sql)
            result = execute(sql, params, many, context)
            takes_lock = "FOR UPDATE" in sql or "RETURNING last_number" in sql
            if takes_lock and "registers_registerbook" in sql and not locked_at:
                locked_at.append(time.perf_counter())  # the lock is ours from here
            return result

        def work(index: int) -> None:
            # Each request loads the person's roles anew; do not let the cache hide that.
            clerk.__dict__.pop("_govdoc_roles", None)
            locked_at.clear()
            inside.clear()
            with connection.execute_wrapper(watch):
                register(agency=ministry, data=inputs[index], actor=clerk)
            if locked_at:
                lock_held.append(time.perf_counter() - locked_at[0])
                # + 1: the COMMIT, which does not pass through execute wrappers
                LOCKED_STATEMENTS.append(len(inside) + 1)

        return work

    return make


def _process_main(
    process: int,
    processes: int,
    clients: int,
    total: int,
    ready: Any,
    start: Any,
    results: Any,
) -> None:
    """One of several processes: its share of the documents, on its share of the clients."""
    common.setup_django(DB_NAME, fresh=False, data_dir=os.environ["GOVDOC_DATA_DIR"], migrate=False)
    numbers = list(range(process + 1, total + 1, processes))
    inputs = build_inputs(numbers)
    lock_held: list[float] = []
    ready.wait()
    start.wait()
    _elapsed, latencies, errors = run_threads(len(inputs), clients, service_work(inputs, lock_held))
    results.put((latencies, errors, lock_held))


def run_service(
    total: int, clients: int, processes: int
) -> tuple[float, list[float], list[str], list[float]]:
    """Register documents 1..total with `clients` clients spread over `processes` processes."""
    if processes <= 1:
        lock_held: list[float] = []
        inputs = build_inputs(range(1, total + 1))
        return (
            *run_threads(total, clients, service_work(inputs, lock_held)),
            lock_held,
        )
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    start = context.Event()
    results = context.Queue()
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    children = [
        context.Process(
            target=_process_main,
            args=(i, processes, share[i], total, ready, start, results),
        )
        for i in range(processes)
    ]
    for child in children:
        child.start()
    ready.wait()
    started = time.perf_counter()
    start.set()
    latencies: list[float] = []
    errors: list[str] = []
    held: list[float] = []
    for _ in children:
        child_latencies, child_errors, child_held = results.get()
        latencies += child_latencies
        errors += child_errors
        held += child_held
    elapsed = time.perf_counter() - started
    for child in children:
        child.join()
    return elapsed, latencies, errors, held


def bare_rows(inputs: list[Any], agency: Any) -> list[dict[str, Any]]:
    """Everything the bare inserts write, computed before the clock starts."""
    from govdoc.core.text import fold
    from govdoc.documents.storage import storage_path

    rows = []
    for data in inputs:
        assert data.main_file is not None
        digest = hashlib.sha256(data.main_file.data + agency.organ_id.encode()).hexdigest()
        issuer_name = data.issuer_name or "Cơ quan ban hành"
        rows.append(
            {
                "document": {
                    "agency": agency,
                    "direction": "INCOMING",
                    "document_type_id": data.document_type_id,
                    "code_number": data.code_number,
                    "code_notation": data.code_notation,
                    "issued_date": data.issued_date,
                    "issuer_id": data.issuer_id,
                    "issuer_name": issuer_name,
                    "subject": data.subject,
                    "page_count": 1,
                    "signer_name": data.signer_name,
                    "signer_position": data.signer_position,
                    "search_text": fold(f"{data.code_number} {issuer_name} {data.subject}"),
                },
                "stored": {
                    "sha256": digest,
                    "size": len(data.main_file.data),
                    "content_type": "application/pdf",
                    "kind": "pdf",
                    "storage_name": storage_path(digest),
                },
                "name": data.main_file.name,
                "label": data.subject,
            }
        )
    return rows


def bench_agency(organ_id: str, name: str) -> tuple[Any, Any]:
    """A separate agency and incoming book for the bare inserts (their own numbering)."""
    from django.utils import timezone

    from govdoc.organizations.models import Agency
    from govdoc.registers.models import BookKind, RegisterBook

    agency = Agency.objects.create(organ_id=organ_id, name=name, abbreviation="TN", is_hosted=True)
    book = RegisterBook.objects.create(
        agency=agency, year=timezone.localdate().year, kind=BookKind.INCOMING, name="Sổ thử"
    )
    return agency, book


def bare_work(rows: list[dict[str, Any]], agency: Any, book: Any) -> Callable[[], Work]:
    numbers = itertools.count(1)
    lock = threading.Lock()

    def make() -> Work:
        from django.db import transaction
        from django.utils import timezone

        from govdoc.documents.models import Document, DocumentFile, StoredFile
        from govdoc.incoming.models import IncomingDocument
        from govdoc.organizations.models import User

        clerk = User.objects.get(username="vanthu")

        def work(index: int) -> None:
            row = rows[index]
            with lock:
                number = next(numbers)
            now = timezone.now()
            with transaction.atomic():
                document = Document.objects.create(**row["document"])
                entry = book.entries.create(
                    number=number,
                    given_at=now,
                    given_by=clerk,
                    target_type="incoming.incomingdocument",
                    label=row["label"],
                )
                IncomingDocument.objects.create(
                    document=document,
                    agency=agency,
                    register_entry=entry,
                    arrival_number=number,
                    arrival_year=book.year,
                    arrival_date=now,
                    medium="ELECTRONIC",
                    status="REGISTERED",
                    registered_by=clerk,
                )
                stored = StoredFile.objects.create(**row["stored"])
                DocumentFile.objects.create(
                    document=document, stored=stored, role="MAIN", name=row["name"], added_by=clerk
                )

        return work

    return make


def bulk_insert(rows: list[dict[str, Any]], agency: Any, book: Any, batch: int = 500) -> float:
    from django.db import transaction
    from django.utils import timezone

    from govdoc.documents.models import Document, DocumentFile, StoredFile
    from govdoc.incoming.models import IncomingDocument
    from govdoc.organizations.models import User
    from govdoc.registers.models import RegisterEntry

    clerk = User.objects.get(username="vanthu")
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        now = timezone.now()
        with transaction.atomic():
            documents = Document.objects.bulk_create([Document(**r["document"]) for r in chunk])
            entries = RegisterEntry.objects.bulk_create(
                [
                    RegisterEntry(
                        book=book,
                        number=start + i + 1,
                        given_at=now,
                        given_by=clerk,
                        target_type="incoming.incomingdocument",
                        label=r["label"],
                    )
                    for i, r in enumerate(chunk)
                ]
            )
            IncomingDocument.objects.bulk_create(
                [
                    IncomingDocument(
                        document=d,
                        agency=agency,
                        register_entry=e,
                        arrival_number=e.number,
                        arrival_year=book.year,
                        arrival_date=now,
                        medium="ELECTRONIC",
                        status="REGISTERED",
                        registered_by=clerk,
                    )
                    for d, e in zip(documents, entries, strict=True)
                ]
            )
            stored = StoredFile.objects.bulk_create([StoredFile(**r["stored"]) for r in chunk])
            DocumentFile.objects.bulk_create(
                [
                    DocumentFile(document=d, stored=s, role="MAIN", name=r["name"], added_by=clerk)
                    for d, s, r in zip(documents, stored, chunk, strict=True)
                ]
            )
    return time.perf_counter() - started


def check_numbers(expected: int) -> str:
    """Arrival numbers of the ministry's book: exactly 1..expected, each once, linked."""
    from govdoc.incoming.models import IncomingDocument
    from govdoc.registers.models import BookKind, RegisterBook
    from govdoc.web.demo_data import MINISTRY

    book = RegisterBook.objects.get(agency__organ_id=MINISTRY.organ_id, kind=BookKind.INCOMING)
    entries = sorted(book.entries.values_list("number", flat=True))
    arrivals = sorted(
        IncomingDocument.objects.filter(register_entry__book=book).values_list(
            "arrival_number", flat=True
        )
    )
    wanted = list(range(1, expected + 1))
    ok = entries == wanted and arrivals == wanted and book.last_number == expected
    return (
        f"{'OK' if ok else 'FAILED'}: {len(entries)} entries, {len(set(entries))} distinct, "
        f"min {min(entries, default=0)}, max {max(entries, default=0)}, "
        f"book.last_number {book.last_number}, expected 1..{expected}"
    )


def statements_of_one(inputs: list[Any]) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govdoc.incoming.services import incoming_register
    from govdoc.organizations.models import Agency, User
    from govdoc.web.demo_data import MINISTRY

    clerk = User.objects.get(username="vanthu")
    ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
    with CaptureQueriesContext(connection) as captured:
        incoming_register(agency=ministry, data=inputs[0], actor=clerk)
    kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries)
    detail = ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())
    return f"{len(captured.captured_queries)} statements ({detail})"


def main() -> None:
    parser = argparse.ArgumentParser(description="registration through the service layer")
    parser.add_argument("--n", type=int, default=2000, help="registrations by the clients")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--processes", type=int, default=1, help="processes the clients are spread over"
    )
    parser.add_argument(
        "--single", type=int, default=300, help="registrations by one client afterwards (0: none)"
    )
    parser.add_argument("--profile", action="store_true", help="profile the one-client run")
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=2.0,
        help="seconds between ANALYZE runs during the benchmark (0: leave it to autovacuum)",
    )
    parser.add_argument("--skip-baseline", action="store_true", help="no bare-insert runs")
    args = parser.parse_args()

    common.setup_django(DB_NAME)
    common.seed_organisation()
    print("Registration through the service layer (incoming_register), PostgreSQL")
    common.print_machine()
    print(
        f"  statistics    ANALYZE every {args.analyze_every:g} s"
        if args.analyze_every
        else "  statistics    left to autovacuum"
    )

    with common.Analyzer(DB_NAME, args.analyze_every):
        elapsed, latencies, errors, lock_held = run_service(args.n, args.clients, args.processes)
    rate = args.n / elapsed
    print(
        f"\nincoming_register, {args.clients} clients in {args.processes} process(es): "
        f"{args.n} registrations in {elapsed:.2f} s"
    )
    print(f"  {rate:.1f} registrations/s; latency {common.summary_ms(latencies)}")
    print(f"  book row lock held (number taken → commit): {common.summary_ms(lock_held)}")
    print(
        f"  lock held in total {sum(lock_held):.2f} s = "
        f"{sum(lock_held) / elapsed * 100:.0f} % of the run"
    )
    print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"  numbers: {check_numbers(args.n - len(errors))}")
    print(f"  load average after: {common.load_average()}")

    if not args.skip_baseline:
        inputs = build_inputs(range(1, args.n + 1))
        agency, book = bench_agency("000.00.98.G12", "Cơ quan thử (chèn trực tiếp)")
        rows = bare_rows(inputs, agency)
        with common.Analyzer(DB_NAME, args.analyze_every):
            bare_elapsed, bare_latencies, bare_errors = run_threads(
                args.n, args.clients, bare_work(rows, agency, book)
            )
        bare_rate = args.n / bare_elapsed
        print(f"\nbare ORM inserts, {args.clients} threads: {args.n} in {bare_elapsed:.2f} s")
        print(f"  {bare_rate:.1f} row sets/s; latency {common.summary_ms(bare_latencies)}")
        print(f"  errors: {len(bare_errors)}" + (f" ({bare_errors[0]})" if bare_errors else ""))

        bulk_agency, bulk_book = bench_agency("000.00.97.G12", "Cơ quan thử (bulk_create)")
        bulk_elapsed = bulk_insert(bare_rows(inputs, bulk_agency), bulk_agency, bulk_book)
        bulk_rate = args.n / bulk_elapsed
        print(f"\nbulk_create (1 thread, batches of 500): {args.n} in {bulk_elapsed:.2f} s")
        print(f"  {bulk_rate:.1f} row sets/s")

        print("\ncost of a registration (time per document)")
        print(f"  vs bare inserts, {args.clients} threads: {bare_rate / rate:.1f}x")
        print(f"  vs bulk_create:                {bulk_rate / rate:.1f}x")

    total = args.n - len(errors)
    if args.single:
        # One client, in this thread (so that --profile sees the calls).
        more = build_inputs(range(args.n + 1, args.n + args.single + 1))
        one_held: list[float] = []
        work = service_work(more, one_held)()
        one_latencies: list[float] = []
        profiler = cProfile.Profile() if args.profile else None
        with common.Analyzer(DB_NAME, args.analyze_every):
            cpu_started = time.process_time()
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            for index in range(args.single):
                began = time.perf_counter()
                work(index)
                one_latencies.append(time.perf_counter() - began)
            if profiler is not None:
                profiler.disable()
            one_elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        total += args.single
        print(f"\nincoming_register, 1 client: {args.single} registrations in {one_elapsed:.2f} s")
        print(
            f"  {args.single / one_elapsed:.1f} registrations/s; "
            f"latency {common.summary_ms(one_latencies)}"
        )
        print(f"  Python CPU per registration: {cpu / args.single * 1000:.1f} ms")
        print(f"  book row lock held: {common.summary_ms(one_held)}")
        if LOCKED_STATEMENTS:
            print(f"  statements while the book is locked: {LOCKED_STATEMENTS[-1]} (with COMMIT)")
        print(f"  numbers: {check_numbers(total)}")
        if profiler is not None:
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream)
            stats.sort_stats("cumulative").print_stats(r"govdoc/", 30)
            print(stream.getvalue())

    one = build_inputs([total + 1])
    print(f"\nSQL statements of one registration: {statements_of_one(one)}")


if __name__ == "__main__":
    main()
