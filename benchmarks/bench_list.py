"""The incoming list with 100,000 documents: server-side time of the page and its queries.

    .venv/bin/python benchmarks/bench_list.py [--documents 100000] [--requests 50] [--reuse]

The documents are generated fast (bulk_create, not through the services), spread over last
year and this year up to today, with arrival numbers 1..n per year in arrival order and the
register books' counters set to match. Then the list view (`/van-ban-den/`) is requested as the
clerk with Django's test client — the whole middleware, view, queries and template, without
the network — under several filters, and p50/p95 are reported. The number of SQL queries
is compared for 25 and 100 rows per page: it must not grow with the page size.

`--reuse` keeps the database of a previous run (generation takes a while).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_list"
BATCH = 5000
SEED = 100_000


def arrival_moments(count: int, *, now: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    """`count` instants from 1 January of last year until now, in office hours, sorted."""
    from django.utils import timezone

    local_now = timezone.localtime(now)
    start = timezone.make_aware(dt.datetime(local_now.year - 1, 1, 1))
    days: list[dt.date] = []
    day = start.date()
    while day <= local_now.date():
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    moments: list[dt.datetime] = []
    while len(moments) < count:
        day = rng.choice(days)
        seconds = rng.randrange(7 * 3600 + 1800, 17 * 3600)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time())) + dt.timedelta(
            seconds=seconds, microseconds=rng.randrange(1_000_000)
        )
        if moment < local_now:
            moments.append(moment)
    return sorted(moments)


def generate(count: int) -> float:
    """Insert `count` registered incoming documents of the demo ministry; returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from govdoc.core.text import fold
    from govdoc.documents.models import Document, DocumentType, Priority
    from govdoc.incoming.models import IncomingDocument
    from govdoc.organizations.models import Agency, Unit, User
    from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry
    from govdoc.web import demo_data
    from govdoc.web.demo import demo_subject

    rng = random.Random(SEED)
    ministry = Agency.objects.get(organ_id=demo_data.MINISTRY.organ_id)
    clerk = User.objects.get(username="vanthu")
    types = {t.name: t for t in DocumentType.objects.all()}
    type_names = [name for name, _ in demo_data.TYPE_WEIGHTS]
    type_weights = [weight for _, weight in demo_data.TYPE_WEIGHTS]
    units = {u.abbreviation: u.pk for u in Unit.objects.filter(agency=ministry)}
    issuers = list(Agency.objects.filter(is_hosted=False))
    places = {spec.organ_id: spec.place for spec in demo_data.DIRECTORY}
    moments = arrival_moments(count, now=timezone.now(), rng=rng)
    started = time.perf_counter()
    numbers: dict[int, int] = {}
    books: dict[int, RegisterBook] = {}
    for start in range(0, count, BATCH):
        chunk = moments[start : start + BATCH]
        documents: list[Document] = []
        entries: list[RegisterEntry] = []
        meta: list[tuple[dt.datetime, int, int | None]] = []
        for moment in chunk:
            local = timezone.localtime(moment)
            year = local.year
            if year not in books:
                books[year] = RegisterBook.objects.get_or_create(
                    agency=ministry,
                    year=year,
                    kind=BookKind.INCOMING,
                    series="",
                    defaults={"name": "Sổ đăng ký văn bản đến"},
                )[0]
            numbers[year] = numbers.get(year, 0) + 1
            number = numbers[year]
            issuer = issuers[rng.randrange(len(issuers))]
            type_name = rng.choices(type_names, type_weights)[0]
            document_type = types[type_name]
            unit_code, matters = rng.choices(demo_data.TOPICS, demo_data.TOPIC_WEIGHTS)[0]
            subject = demo_subject(
                type_name, rng.choice(matters), places.get(issuer.organ_id, ""), local.date(), rng
            )
            code_number = str(rng.randrange(1, 9000))
            abbreviation = document_type.abbreviation
            notation = (
                f"{abbreviation}-{issuer.abbreviation}"
                if abbreviation
                else f"{issuer.abbreviation}-VP"
            )
            document = Document(
                agency=ministry,
                direction="INCOMING",
                document_type=document_type,
                code_number=code_number,
                code_notation=notation,
                issued_date=local.date() - dt.timedelta(days=rng.randrange(5)),
                issuer=issuer,
                issuer_name=issuer.name,
                subject=subject,
                page_count=rng.randint(1, 12),
                signer_name="Nguyễn Văn An",
                signer_position="Phó Chủ tịch",
                priority=Priority.NORMAL if rng.random() < 0.8 else Priority.URGENT,
                due_date=local.date() + dt.timedelta(days=10) if rng.random() < 0.25 else None,
            )
            document.search_text = fold(
                f"{code_number} {notation} {code_number}/{notation} {issuer.name} {subject}"
            )
            documents.append(document)
            entries.append(
                RegisterEntry(
                    book=books[year],
                    number=number,
                    given_at=moment,
                    given_by=clerk,
                    target_type="incoming.incomingdocument",
                    label=subject[:500],
                )
            )
            meta.append((moment, year, units.get(unit_code)))
        with transaction.atomic():
            Document.objects.bulk_create(documents)
            RegisterEntry.objects.bulk_create(entries)
            IncomingDocument.objects.bulk_create(
                [
                    IncomingDocument(
                        document=document,
                        agency=ministry,
                        register_entry=entry,
                        arrival_number=entry.number,
                        arrival_year=year,
                        arrival_date=moment,
                        medium="ELECTRONIC",
                        status="REGISTERED",
                        receiving_unit_id=unit_id,
                        registered_by=clerk,
                    )
                    for document, entry, (moment, year, unit_id) in zip(
                        documents, entries, meta, strict=True
                    )
                ]
            )
        print(f"  {min(start + BATCH, count)}/{count}", end="\r", flush=True)
    for year, book in books.items():
        RegisterBook.objects.filter(pk=book.pk).update(last_number=numbers[year])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print()
    return time.perf_counter() - started


def check_numbers() -> str:
    from django.db.models import Count, Max, Min

    from govdoc.incoming.models import IncomingDocument

    lines = []
    per_year = (
        IncomingDocument.objects.values("arrival_year")
        .annotate(n=Count("id"), low=Min("arrival_number"), high=Max("arrival_number"))
        .order_by("arrival_year")
    )
    for row in per_year:
        ok = row["low"] == 1 and row["high"] == row["n"]
        lines.append(
            f"{row['arrival_year']}: {row['n']} documents, numbers {row['low']}..{row['high']}"
            f" {'OK' if ok else 'GAP'}"
        )
    return "; ".join(lines)


def timed(client: Any, url: str, params: dict[str, str], requests: int) -> list[float]:
    durations: list[float] = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description="incoming list with many documents")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()

    common.setup_django(DB_NAME, fresh=not args.reuse)
    common.seed_organisation()

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govdoc.documents.models import DocumentType
    from govdoc.incoming.models import IncomingDocument
    from govdoc.organizations.models import User

    print("Incoming list (/van-ban-den/), PostgreSQL, Django test client (no network)")
    existing = IncomingDocument.objects.count()
    if existing < args.documents:
        if existing:
            common.recreate_database(DB_NAME)
            raise SystemExit("partial data from an earlier run: database recreated, run again")
        print(f"generating {args.documents} documents (bulk_create)…")
        seconds = generate(args.documents)
        print(f"  generated in {seconds:.1f} s ({args.documents / seconds:.0f} documents/s)")
    common.print_machine()
    print(f"  documents     {IncomingDocument.objects.count()} ({check_numbers()})")

    clerk = User.objects.get(username="vanthu")
    client = Client()
    client.force_login(clerk)
    letter = DocumentType.objects.get(name="Công văn")
    scenarios: list[tuple[str, dict[str, str]]] = [
        ("no filter (page 1, 25 rows)", {}),
        ('quick search "dat dai"', {"q": "dat dai"}),
        ('quick search "quyet dinh dat dai ha noi"', {"q": "quyet dinh dat dai ha noi"}),
        ("type filter (Công văn)", {"document_type": str(letter.pk)}),
        ("page 100", {"trang": "100"}),
        ("per_page 25", {"per_page": "25"}),
        ("per_page 100", {"per_page": "100"}),
        ("search + type + page 3", {"q": "dat dai", "document_type": str(letter.pk), "trang": "3"}),
    ]
    url = "/van-ban-den/"
    # Warm-up: templates compiled, caches filled, connections open.
    for _ in range(3):
        client.get(url)
    print(f"\n{args.requests} requests each, server-side time (request → response):")
    worst_p95 = 0.0
    for label, params in scenarios:
        durations = timed(client, url, params, args.requests)
        worst_p95 = max(worst_p95, common.percentile(durations, 0.95))
        print(f"  {label:<42} {common.summary_ms(durations)}")
    print(f"  worst p95: {worst_p95 * 1000:.1f} ms (guide: ≤ 150 ms)")

    print("\nSQL queries per page:")
    counts = {}
    for per_page in ("25", "100"):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"per_page": per_page})
        rows = response.content.decode().count('class="register-number"')
        counts[per_page] = len(captured.captured_queries)
        print(f"  per_page {per_page:>3}: {len(captured.captured_queries)} queries, {rows} rows")
        if per_page == "100":
            for query in captured.captured_queries:
                print(f"      {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    same = counts["25"] == counts["100"]
    print(f"  {'OK: same number of queries' if same else 'GROWS with the page size'}")

    print("\nquery plans (EXPLAIN ANALYZE) of the slowest scenario's statements:")
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"q": "dat dai"})
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "incoming_incomingdocument" not in sql or not sql.startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            print(f"  {sql[:120]}…")
            for line in plan[:14]:
                print(f"      {line}")


if __name__ == "__main__":
    main()
