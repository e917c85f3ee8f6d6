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
from functools import partial
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
            document.issuer_folded = fold(issuer.name)
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


def _median_ms(run: Any, times: int = 15) -> float:
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        durations.append(time.perf_counter() - started)
    return common.percentile(durations, 0.5) * 1000


def registration_at_scale(count: int) -> None:
    """What the size of the register does to a registration: the duplicate check compares
    UPPER(number), UPPER(symbol) and the year, which no index serves, so it scans the
    documents. Experiment (benchmark database only): the same check with an expression
    index, created and dropped here."""
    from bench_register import build_inputs
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from govdoc.incoming.duplicates import find_duplicate
    from govdoc.incoming.models import IncomingDocument
    from govdoc.incoming.services import incoming_register
    from govdoc.organizations.models import Agency, User
    from govdoc.web.demo_data import MINISTRY

    ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
    clerk = User.objects.get(username="vanthu")
    first = IncomingDocument.objects.count() + 1_000_000
    inputs = build_inputs(range(first, first + count))
    issuer = "Ủy ban nhân dân tỉnh Nghệ An"

    def check_all() -> list[float]:
        checks: list[float] = []
        for data in inputs:
            started = time.perf_counter()
            find_duplicate(data, agency=ministry, issuer_name=issuer)
            checks.append(time.perf_counter() - started)
        return checks

    def plan() -> None:
        with CaptureQueriesContext(connection) as captured:
            find_duplicate(inputs[0], agency=ministry, issuer_name=issuer)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE) " + captured.captured_queries[0]["sql"])
            lines = [row[0] for row in cursor.fetchall()]
        for line in lines:
            if "Scan" in line or "Execution Time" in line:
                print(f"      {line.strip()}")

    print(f"  duplicate check alone:           {common.summary_ms(check_all())}")
    plan()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX bench_duplicate_key ON documents_document "
            "(UPPER(code_number), UPPER(code_notation))"
        )
        cursor.execute("ANALYZE documents_document")
    try:
        print(
            f"  … with an index on (UPPER(code_number), UPPER(code_notation)) [experiment]: "
            f"{common.summary_ms(check_all())}"
        )
        plan()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX bench_duplicate_key")
    durations: list[float] = []
    for data in inputs:
        clerk.__dict__.pop("_govdoc_roles", None)
        started = time.perf_counter()
        incoming_register(agency=ministry, data=data, actor=clerk)
        durations.append(time.perf_counter() - started)
    print(f"  registration (1 client, service as is): {common.summary_ms(durations)}")


def _render_filter_form(params: dict[str, str], agency_id: int | None) -> str:
    """The filter form as the list view renders it: bound, validated, its select options
    computed once, then `incoming/_filters.html`."""
    from django.template.loader import render_to_string

    from govdoc.incoming.forms import FilterForm

    form = FilterForm(params or None, agency_id=agency_id)
    form.is_valid()
    return render_to_string(
        "incoming/_filters.html", {"form": form, "options": form.select_options()}
    )


def where_time_goes(client: Any, url: str, letter_id: int) -> None:
    """Split the page's time: SQL (and the paginator's COUNT), the rows' template, the
    filter form, the rest. Then the COUNT alternatives timed on their own (experiments)."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from govdoc.incoming.selectors import IncomingFilters, incoming_list
    from govdoc.organizations.models import User

    clerk = User.objects.get(username="vanthu")
    agency_id = clerk.agency_id
    cases: list[tuple[str, dict[str, str], IncomingFilters, int]] = [
        ("no filter, 25 rows", {}, IncomingFilters(), 25),
        ("no filter, 100 rows", {"per_page": "100"}, IncomingFilters(), 100),
        ('search "dat dai"', {"q": "dat dai"}, IncomingFilters(q="dat dai"), 25),
        (
            "type filter",
            {"document_type": str(letter_id)},
            IncomingFilters(document_type_id=letter_id),
            25,
        ),
    ]
    print(
        f"  {'case':<22} {'whole':>7} {'SQL':>7} {'COUNT':>7} {'rows tpl':>9} {'form':>7}"
        "   (median ms)"
    )
    for label, params, filters, size in cases:
        whole = _median_ms(partial(client.get, url, params))
        sql_times = []
        count_times = []
        for _ in range(7):
            with CaptureQueriesContext(connection) as captured:
                client.get(url, params)
            sql_times.append(sum(float(q["time"]) for q in captured.captured_queries))
            count_times.append(
                sum(float(q["time"]) for q in captured.captured_queries if "COUNT(" in q["sql"])
            )
        queryset = incoming_list(actor=clerk, agency_id=agency_id, filters=filters)
        rows = list(queryset[:size])
        table = _median_ms(partial(render_to_string, "incoming/_table.html", {"rows": rows}))
        form = _median_ms(partial(_render_filter_form, params, agency_id))
        print(
            f"  {label:<22} {whole:7.1f} {common.percentile(sql_times, 0.5) * 1000:7.1f} "
            f"{common.percentile(count_times, 0.5) * 1000:7.1f} {table:9.1f} {form:7.1f}"
        )

    print(
        "\n  the list's COUNT: exact (Django's paginator, before), capped at 1001 rows in the"
        " list's order, capped without ordering (what the page does, capped_page) [median ms]:"
    )
    for label, filters in (
        ("no filter", IncomingFilters()),
        ('search "dat dai"', IncomingFilters(q="dat dai")),
        ("type filter", IncomingFilters(document_type_id=letter_id)),
    ):
        queryset = incoming_list(actor=clerk, agency_id=agency_id, filters=filters)
        exact = _median_ms(queryset.count)
        ordered = _median_ms(queryset[:1001].count)
        unordered = _median_ms(queryset.order_by()[:1001].count)
        print(
            f"    {label:<20} exact {exact:7.1f}   capped, ordered {ordered:7.1f}"
            f"   capped, unordered {unordered:7.1f}"
        )
    count_sql = (
        "SELECT COUNT(*) FROM incoming_incomingdocument i JOIN documents_document d "
        "ON d.id = i.document_id WHERE i.agency_id = %s AND {condition}"
    )
    words = "to_tsvector('simple', d.search_text) @@ to_tsquery('simple', 'dat & dai')"
    with connection.cursor() as cursor:

        def run(condition: str) -> None:
            cursor.execute(count_sql.format(condition=condition), [agency_id])
            cursor.fetchone()

        substring = _median_ms(
            partial(run, "d.search_text LIKE '%%dat%%' AND d.search_text LIKE '%%dai%%'")
        )
        started = time.perf_counter()
        cursor.execute(
            "CREATE INDEX bench_search_words ON documents_document "
            "USING gin (to_tsvector('simple', search_text))"
        )
        built = time.perf_counter() - started
        cursor.execute("ANALYZE documents_document")
        try:
            whole_words = _median_ms(partial(run, words))
        finally:
            cursor.execute("DROP INDEX bench_search_words")
    print(
        f'    search "dat dai": words through a GIN full-text index {whole_words:.1f} ms '
        f"vs substrings (trigram) {substring:.1f} ms (index built in {built:.1f} s)"
    )


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

    print("\nwhere the time of a page goes:")
    where_time_goes(client, url, letter.pk)

    print(f"\nregistration with {IncomingDocument.objects.count()} documents in the register:")
    registration_at_scale(20)

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
