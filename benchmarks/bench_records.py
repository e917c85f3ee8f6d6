"""Work files at scale: the "my files" page and the file index with 200,000 files and
2,000,000 document links, and the export of a 500-document file as one PDF.

    .venv/bin/python benchmarks/bench_records.py [--reuse] [--requests 50] [--skip pages,export]

Generation (COPY, not through the services; about two minutes): the demo ministry with its
units and 30 more, ≈2,000 people with roles (specialists, unit leaders, agency leaders,
clerks, an archivist), 600,000 documents over the last five years, 200,000 work files over
the same years (open, closed, submitted, archived: the older the year, the more archived),
2,000,000 document links (CaseFileItem: a document sits in 3.3 files on average — the files
of several people), each file's ordinals in date order, doc and page totals; then
`VACUUM ANALYZE`.

(a) The pages `/ho-so/cua-toi/` and `/ho-so/` through Django's test client (middleware,
view, queries, template; no network) for a specialist with many files, a unit leader, the
agency leader and the archivist; without a filter, by year, by status, with a text search, on
a deep page: p50/p95 over `--requests` requests, the SQL queries of a page and their time,
and the Python process's CPU time per request (what load from other processes inflates
least); the plans
(EXPLAIN ANALYZE) of the slowest statements of the slowest scenarios.

(b) `govdoc.records.services.file_export.case_file_export(kind="pdf")` of one file of 500
documents, each with its own PDF of 1–3 pages (text and a grey "scan" image, ≈60 KB a page):
time, tracemalloc peak, the process's max RSS (in a fresh process, so that the generation and
the pages do not count), and the check that the result has every page.

`--reuse` keeps the database of a previous run (skips the generation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_records"
SEED = 200_000
YEARS = 5
TARGET_P95 = 0.150
# The page figures of the last run, for `--skip pages` (experiments only).
RESULTS = Path("/tmp/govdoc-bench-records-pages.json")

EXTRA_UNITS = [
    ("Vụ Quy hoạch", "QH"),
    ("Vụ Khoa học và Công nghệ", "KHCN"),
    ("Vụ Môi trường", "MT"),
    ("Vụ Thi đua khen thưởng", "TĐKT"),
    ("Cục Đo đạc, Bản đồ và Thông tin địa lý", "ĐĐBĐ"),
    ("Cục Viễn thám quốc gia", "VT"),
    ("Cục Chuyển đổi số", "CĐS"),
    ("Cục Biển và Hải đảo", "BHĐ"),
    ("Cục Khí tượng thủy văn", "KTTV"),
    ("Cục Địa chất", "ĐC"),
    ("Cục Bảo tồn thiên nhiên và Đa dạng sinh học", "BTTN"),
    ("Trung tâm Truyền thông", "TTTT"),
    ("Trung tâm Quy hoạch và Điều tra tài nguyên nước", "QHTNN"),
    ("Trung tâm Dữ liệu", "TTDL"),
    ("Viện Chiến lược, Chính sách", "VCL"),
    ("Báo Tài nguyên và Môi trường", "BÁO"),
    ("Tạp chí Môi trường", "TCMT"),
    ("Ban Quản lý dự án", "BQLDA"),
    ("Văn phòng Đảng ủy", "VPĐU"),
    ("Văn phòng Ban cán sự", "VPBCS"),
    ("Trường Cán bộ quản lý", "TCBQL"),
    ("Quỹ Bảo vệ môi trường", "QBVMT"),
    ("Cục Quản lý đất đai", "QLĐĐ"),
    ("Cục Đăng ký dữ liệu", "ĐKDL"),
    ("Vụ Kinh tế", "KT"),
    ("Vụ Thủy lợi", "TL"),
    ("Cục Kinh tế hợp tác", "KTHT"),
    ("Cục Trồng trọt", "TT"),
    ("Cục Chăn nuôi", "CN"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hồng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh"]
GIVEN += ["Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm"]
FILE_KINDS = [
    "Hồ sơ về việc",
    "Hồ sơ giải quyết",
    "Hồ sơ hội nghị",
    "Hồ sơ kế hoạch, báo cáo",
    "Hồ sơ thẩm định",
    "Hồ sơ theo dõi",
]
# Status of a file by the age of its year (0: this year): open, closed, submitted, archived.
STATUS_BY_AGE = [
    (0.85, 0.15, 0.0, 0.0),
    (0.25, 0.62, 0.03, 0.10),
    (0.05, 0.33, 0.02, 0.60),
    (0.02, 0.13, 0.0, 0.85),
    (0.01, 0.09, 0.0, 0.90),
]
STATUSES = ("OPEN", "CLOSED", "SUBMITTED", "ARCHIVED")


# --- generation ---------------------------------------------------------------------------


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into a table through the connection of Django (psycopg 3)."""
    from django.db import connection

    connection.ensure_connection()
    raw: Any = connection.connection
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def _set_sequence(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def ensure_people(ministry: Any, count: int, rng: random.Random) -> None:
    """Units (the demo's and 29 more) and people up to `count`: per unit a head and two
    deputies (unit leaders), four more agency leaders, four clerks, the archivist `luutru`,
    the rest specialists."""
    from django.contrib.auth.hashers import make_password

    from govdoc.organizations.models import Position, RoleAssignment, Unit, User
    from govdoc.organizations.roles import Role

    have = {u.abbreviation for u in Unit.objects.filter(agency=ministry)}
    Unit.objects.bulk_create(
        [Unit(agency=ministry, name=n, abbreviation=a) for n, a in EXTRA_UNITS if a not in have]
    )
    units = list(Unit.objects.filter(agency=ministry, parent__isnull=True).order_by("pk"))
    missing = count - User.objects.filter(agency=ministry).count()
    if missing <= 0:
        return
    password = make_password("bench-records")
    positions = {
        name: Position.objects.get_or_create(agency=ministry, name=name, defaults={"rank": rank})[0]
        for name, rank in (
            ("Trưởng đơn vị", 20),
            ("Phó trưởng đơn vị", 30),
            ("Thứ trưởng", 10),
            ("Văn thư", 80),
            ("Chuyên viên", 70),
            ("Lưu trữ viên", 75),
        )
    }
    office = next(u for u in units if u.abbreviation == "VP")
    weights = [rng.uniform(0.4, 1.6) for _ in units]
    people: list[Any] = []
    kinds: list[str] = []

    def add(username: str, unit: Any, position: str, role: str) -> None:
        people.append(
            User(
                username=username,
                password=password,
                full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                email=f"{username}@bench.gov.vn",
                agency=ministry,
                unit=unit,
                position=positions[position],
            )
        )
        kinds.append(role)

    add("luutru", office, "Lưu trữ viên", Role.ARCHIVIST)
    for n in range(4):
        add(f"lanhdao{n + 1}", None, "Thứ trưởng", Role.AGENCY_LEADER)
        add(f"vanthu{n + 1}", office, "Văn thư", Role.CLERK)
    for unit in units:
        for n in range(3):
            add(
                f"ld{unit.pk}_{n}",
                unit,
                "Trưởng đơn vị" if n == 0 else "Phó trưởng đơn vị",
                Role.UNIT_LEADER,
            )
    number = 0
    while len(people) < missing:
        add(f"cv{number:05d}", rng.choices(units, weights)[0], "Chuyên viên", Role.SPECIALIST)
        number += 1
    User.objects.bulk_create(people, batch_size=2000)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user=person,
                agency=ministry,
                role=role,
                unit=person.unit if role == Role.UNIT_LEADER else None,
            )
            for person, role in zip(people, kinds, strict=True)
        ],
        batch_size=2000,
    )


def _working_days(year: int, until: dt.date) -> list[dt.date]:
    day = dt.date(year, 1, 1)
    days = []
    while day.year == year and day <= until:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def generate(*, documents: int, files: int, items: int, people: int) -> float:
    from django.db import connection
    from django.utils import timezone

    from govdoc.core.text import fold
    from govdoc.documents.models import DocumentType
    from govdoc.organizations.models import Agency, RoleAssignment, Unit, User
    from govdoc.organizations.roles import Role
    from govdoc.web import demo_data
    from govdoc.web.demo import demo_subject

    started = time.perf_counter()
    rng = random.Random(SEED)
    ministry = Agency.objects.get(organ_id=demo_data.MINISTRY.organ_id)
    ensure_people(ministry, people, rng)
    print(f"  people: {User.objects.filter(agency=ministry).count()}", flush=True)
    today = timezone.localdate()
    years = list(range(today.year - YEARS + 1, today.year + 1))
    now = timezone.now()

    # Documents: the same number each year, in date order (ids follow the dates).
    types = list(DocumentType.objects.all())
    type_by_name = {t.name: t for t in types}
    type_names = [name for name, _ in demo_data.TYPE_WEIGHTS if name in type_by_name]
    type_weights = [w for name, w in demo_data.TYPE_WEIGHTS if name in type_by_name]
    issuers = list(Agency.objects.filter(is_hosted=False))
    places = {spec.organ_id: spec.place for spec in demo_data.DIRECTORY}
    first_document = _next_id("documents_document")
    page_counts: list[int] = []
    dates: list[dt.date] = []
    year_ranges: dict[int, tuple[int, int]] = {}
    per_year = documents // len(years)

    def document_rows() -> Iterable[Sequence[Any]]:
        index = 0
        for year in years:
            days = _working_days(year, today)
            chosen = sorted(rng.choice(days) for _ in range(per_year))
            year_ranges[year] = (index, index + per_year)
            for day in chosen:
                incoming = rng.random() < 0.7
                issuer = issuers[rng.randrange(len(issuers))] if incoming else ministry
                type_name = rng.choices(type_names, type_weights)[0]
                document_type = type_by_name[type_name]
                _unit_code, matters = rng.choices(demo_data.TOPICS, demo_data.TOPIC_WEIGHTS)[0]
                subject = demo_subject(
                    type_name, rng.choice(matters), places.get(issuer.organ_id, ""), day, rng
                )
                number = str(rng.randrange(1, 9000))
                notation = f"{document_type.abbreviation or 'CV'}-{issuer.abbreviation or 'VP'}"
                pages = rng.randint(1, 12)
                page_counts.append(pages)
                dates.append(day)
                yield (
                    first_document + index,
                    now,
                    now,
                    "INCOMING" if incoming else "OUTGOING",
                    number,
                    notation,
                    day,
                    issuer.name,
                    subject,
                    "Tiếng Việt",
                    pages,
                    "",
                    "Nguyễn Văn An",
                    "Thứ trưởng",
                    0 if rng.random() < 0.8 else 1,
                    "",
                    "",
                    fold(f"{number} {notation} {number}/{notation} {issuer.name} {subject}"),
                    1,
                    ministry.pk,
                    issuer.pk,
                    document_type.pk,
                    fold(issuer.name),
                )
                index += 1

    n = _copy(
        "documents_document",
        [
            "id",
            "created_at",
            "updated_at",
            "direction",
            "code_number",
            "code_notation",
            "issued_date",
            "issuer_name",
            "subject",
            "language",
            "page_count",
            "description",
            "signer_name",
            "signer_position",
            "priority",
            "confidentiality",
            "document_identifier",
            "search_text",
            "version",
            "agency_id",
            "issuer_id",
            "document_type_id",
            "issuer_folded",
        ],
        document_rows(),
    )
    _set_sequence("documents_document")
    print(f"  documents: {n} ({time.perf_counter() - started:.0f} s)", flush=True)

    # Owners: specialists weighted (a few have many files), leaders and clerks fewer.
    roles = dict(RoleAssignment.objects.filter(agency=ministry).values_list("user_id", "role"))
    staff = list(User.objects.filter(agency=ministry).values_list("pk", "unit_id", "username"))
    owner_weights = []
    for pk, _unit, username in staff:
        role = str(roles.get(pk, Role.SPECIALIST))
        by_role: dict[str, float] = {
            Role.SPECIALIST: rng.lognormvariate(0, 0.7),
            Role.UNIT_LEADER: 0.3,
            Role.CLERK: 0.5,
            Role.AGENCY_LEADER: 0.05,
            Role.ARCHIVIST: 0.02,
        }
        weight = by_role.get(role, 0.3)
        if username == "chuyenvien":
            weight = 8.0  # the demo specialist: the one with many files
        owner_weights.append(weight)
    office = Unit.objects.get(agency=ministry, abbreviation="VP").pk
    abbreviations = dict(Unit.objects.filter(agency=ministry).values_list("pk", "abbreviation"))
    topics = [m for _code, matters in demo_data.TOPICS for m in matters]

    # Each file's size: log-normal (most 3–20 documents, a few hundred), scaled to `items`.
    sizes = [min(400, max(1, int(rng.lognormvariate(1.9, 0.85)))) for _ in range(files)]
    scale = items / sum(sizes)
    sizes = [max(1, round(s * scale)) for s in sizes]
    first_file = _next_id("records_casefile")
    per_year_files = files // len(years)
    file_plan: list[tuple[int, int, int, list[int]]] = []  # id, owner, year, document indexes
    sequence: dict[tuple[int, int], int] = {}

    def file_rows() -> Iterable[Sequence[Any]]:
        for index in range(per_year_files * len(years)):
            year = years[index // per_year_files]
            age = today.year - year
            owner, unit, _username = rng.choices(staff, owner_weights)[0]
            unit = unit or office
            low, high = year_ranges[year]
            k = min(sizes[index], high - low)
            chosen = sorted(rng.sample(range(low, high), k))
            file_plan.append((first_file + index, owner, year, chosen))
            status = rng.choices(STATUSES, STATUS_BY_AGE[min(age, len(STATUS_BY_AGE) - 1)])[0]
            key = (year, unit)
            sequence[key] = sequence.get(key, 0) + 1
            notation = f"{sequence[key]:02d}.{abbreviations[unit]}"[:20]
            start, end = dates[chosen[0]], dates[chosen[-1]]
            opened = timezone.make_aware(dt.datetime.combine(start, dt.time(8, 30)))
            closed = status != "OPEN"
            ended = end + dt.timedelta(days=rng.randint(1, 30)) if closed else None
            closed_at = (
                timezone.make_aware(dt.datetime.combine(min(ended, today), dt.time(16)))
                if ended
                else None
            )
            archived_at = (
                timezone.make_aware(dt.datetime(year + 1, rng.randint(1, 12), 15, 10))
                if status == "ARCHIVED"
                else None
            )
            if archived_at is not None and archived_at > now:
                archived_at = now
            permanent = rng.random() < 0.15
            yield (
                first_file + index,
                year,
                notation,
                f"{ministry.organ_id}.{year}.{notation}",
                f"{rng.choice(FILE_KINDS)} {rng.choice(topics)} năm {year}",
                permanent,
                None if permanent else rng.choice((5, 10, 20, 70)),
                "Công khai" if status == "ARCHIVED" and rng.random() < 0.1 else "Hạn chế",
                "",
                "Tiếng Việt",
                start,
                end if closed else None,
                k,
                sum(page_counts[i] for i in chosen),
                "",
                False,
                status,
                opened,
                closed_at,
                ended,
                dt.date(year + 2, 12, 31) if closed else None,
                archived_at,
                False,
                1,
                ministry.pk,
                owner,
                unit,
            )

    n = _copy(
        "records_casefile",
        [
            "id",
            "year",
            "notation",
            "code",
            "title",
            "permanent",
            "retention_years",
            "rights",
            "creator",
            "language",
            "start_date",
            "end_date",
            "doc_total",
            "page_total",
            "description",
            "capital_construction",
            "status",
            "opened_at",
            "closed_at",
            "work_ended_on",
            "transfer_due",
            "archived_at",
            "on_hold",
            "version",
            "agency_id",
            "owner_id",
            "unit_id",
        ],
        file_rows(),
    )
    _set_sequence("records_casefile")
    print(f"  files: {n} ({time.perf_counter() - started:.0f} s)", flush=True)

    def item_rows() -> Iterable[Sequence[Any]]:
        for file_id, owner, year, chosen in file_plan:
            for ordinal, index in enumerate(chosen, start=1):
                added = timezone.make_aware(dt.datetime.combine(dates[index], dt.time(15)))
                yield (ordinal, added, owner, file_id, first_document + index)
            del year

    n = _copy(
        "records_casefileitem",
        ["ordinal", "added_at", "added_by_id", "case_file_id", "document_id"],
        item_rows(),
    )
    print(f"  document links: {n} ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def describe_data() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM organizations_unit), "
            "(SELECT COUNT(*) FROM organizations_user), "
            "(SELECT COUNT(*) FROM documents_document), "
            "(SELECT COUNT(*) FROM records_casefile), "
            "(SELECT COUNT(*) FROM records_casefileitem)"
        )
        units, users, documents, files, items = cursor.fetchone()
        cursor.execute("SELECT status, COUNT(*) FROM records_casefile GROUP BY 1 ORDER BY 1")
        statuses = dict(cursor.fetchall())
        cursor.execute(
            "SELECT COUNT(*), AVG(n), MAX(n) FROM (SELECT document_id, COUNT(*) n "
            "FROM records_casefileitem GROUP BY 1) t"
        )
        linked, avg_files, max_files = cursor.fetchone()
        cursor.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY doc_total), MAX(doc_total) "
            "FROM records_casefile"
        )
        median_total, max_total = cursor.fetchone()
    return {
        "units": units,
        "people": users,
        "documents": documents,
        "files": files,
        "links": items,
        "statuses": statuses,
        "documents in a file": linked,
        "files per filed document": f"{float(avg_files):.1f} on average, at most {max_files}",
        "documents per file": f"median {median_total}, at most {max_total}",
    }


# --- (a) the pages ------------------------------------------------------------------------


def personas() -> dict[str, Any]:
    from django.db.models import Count

    from govdoc.organizations.models import RoleAssignment, User
    from govdoc.organizations.roles import Role
    from govdoc.records.models import CaseFile

    specialists = RoleAssignment.objects.filter(role=Role.SPECIALIST).values("user_id")
    busiest = (
        CaseFile.objects.filter(owner_id__in=specialists)
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    unit = CaseFile.objects.values("unit_id").annotate(n=Count("id")).order_by("-n").first()
    assert unit is not None
    leader = (
        RoleAssignment.objects.filter(role=Role.UNIT_LEADER, unit_id=unit["unit_id"])
        .order_by("user_id")
        .first()
    )
    assert leader is not None
    return {
        "specialist": User.objects.get(pk=busiest["owner_id"]),
        "unit leader": User.objects.get(pk=leader.user_id),
        "agency leader": User.objects.get(username="lanhdao"),
        "archivist": User.objects.get(username="luutru"),
    }


def visible_count(user: Any, mine: bool) -> int:
    from govdoc.records.access import visible_case_files
    from govdoc.records.selectors import my_files

    files = my_files(user, user.agency_id) if mine else visible_case_files(user, user.agency_id)
    return files.count()


def scenarios(total: int, this_year: int) -> list[tuple[str, dict[str, str]]]:
    last_page = max(1, (total + 49) // 50)
    deep = min(last_page, 100)
    return [
        ("no filter, page 1", {}),
        (f"page {deep} (deep)", {"trang": str(deep)}),
        (f"year {this_year - 1}", {"nam": str(this_year - 1)}),
        ("status closed", {"trang_thai": "CLOSED"}),
        ('search "đất đai"', {"q": "đất đai"}),
        ('search "không có" (no match)', {"q": "xyzzy"}),
        (
            f"year {this_year - 2} + archived + page 5",
            {"nam": str(this_year - 2), "trang_thai": "ARCHIVED", "trang": "5"},
        ),
    ]


def timed(
    client: Any, url: str, params: dict[str, str], requests: int, cpu: list[float] | None = None
) -> list[float]:
    """Server times of `requests` requests; with `cpu`, each one's CPU time of this process
    too (Python: middleware, view, ORM, template — not PostgreSQL's), which a machine loaded
    by others inflates far less than the wall-clock time."""
    durations: list[float] = []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        durations.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, params, response.status_code)
    return durations


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


class Recorder:
    """Every statement of a request with its time and its SQL as run (for EXPLAIN)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import connection

        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            text = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.queries.append((elapsed, str(text)))


def measure_pages(requests: int, only: set[int] | None = None) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    this_year = timezone.localdate().year
    people = personas()
    results: list[dict[str, Any]] = []
    load = common.load_average()
    print(f"\n{requests} requests each, server time (request → response), load {load}:")
    print("  (SQL: statements of one request and their time; CPU: this process's, p50)")
    print(
        f"  {'persona':<14} {'page':<10} {'scenario':<34} {'p50':>8} {'p95':>8} {'SQL':>4} "
        f"{'SQL time':>9} {'CPU p50':>9}"
    )
    for persona, user in people.items():
        client = Client()
        client.force_login(user)
        for page, url, mine in (("my files", "/ho-so/cua-toi/", True), ("index", "/ho-so/", False)):
            total = visible_count(user, mine)
            print(f"  {persona} ({user.username}), {page}: {total} files")
            for _ in range(3):
                client.get(url)
            for number, (label, params) in enumerate(scenarios(total, this_year)):
                if only is not None and number not in only:
                    continue
                recorder = Recorder()
                with connection.execute_wrapper(recorder):
                    response = client.get(url, params)
                assert response.status_code == 200
                cpu: list[float] = []
                durations = timed(client, url, params, requests, cpu)
                p50 = common.percentile(durations, 0.5)
                p95 = common.percentile(durations, 0.95)
                queries = recorder.queries
                results.append(
                    {
                        "persona": persona,
                        "username": user.username,
                        "page": page,
                        "scenario": label,
                        "url": url,
                        "params": params,
                        "p50": p50,
                        "p95": p95,
                        "queries": queries,
                        "cpu p50": common.percentile(cpu, 0.5),
                        "load": common.load_average(),
                    }
                )
                flag = "" if p95 <= TARGET_P95 else "  MISSED"
                print(
                    f"  {'':<14} {page:<10} {label:<34} {p50 * 1000:6.1f}ms {p95 * 1000:6.1f}ms "
                    f"{len(queries):4d} {sum(t for t, _ in queries) * 1000:7.1f}ms "
                    f"{common.percentile(cpu, 0.5) * 1000:7.1f}ms{flag}",
                    flush=True,
                )
    worst = max(results, key=lambda r: r["p95"])
    print(
        f"  worst p95: {worst['p95'] * 1000:.1f} ms ({worst['persona']}, {worst['page']}, "
        f"{worst['scenario']}) — target ≤ {TARGET_P95 * 1000:.0f} ms; load {common.load_average()}"
    )
    return results


def show_slowest(results: list[dict[str, Any]], count: int) -> None:
    """The plans of the slowest statements of the slowest scenarios."""
    print("\nwhere the time of the slowest scenarios goes (statements of one request, ms):")
    seen: set[str] = set()
    for result in sorted(results, key=lambda r: -r["p95"])[:count]:
        print(
            f"\n  {result['persona']}, {result['page']}, {result['scenario']}: "
            f"p95 {result['p95'] * 1000:.1f} ms, SQL total "
            f"{sum(t for t, _ in result['queries']) * 1000:.1f} ms"
        )
        heavy = sorted(result["queries"], key=lambda q: -q[0])[:3]
        for seconds, sql in heavy:
            print(f"    {seconds * 1000:7.1f} ms  {sql[:160]}")
        if not heavy:
            continue
        seconds, sql = heavy[0]
        if sql in seen or seconds < 0.010:
            continue
        seen.add(sql)
        print("    plan of the slowest:")
        for line in explain(sql):
            print(f"      {line}")


# Indexes tried in the benchmark database only (created, measured, dropped here), as SQL:
# (label, statement). Empty: the candidates of the first run (the public archived files, the
# lists' order, trigram search) are now migrations 0004–0006 of the records app.
EXPERIMENT_INDEXES: tuple[tuple[str, str], ...] = ()


def experiments(results: list[dict[str, Any]], requests: int, count: int) -> None:
    """The slowest scenarios again with the candidate indexes (each added to the previous)."""
    from django.db import connection
    from django.test import Client

    from govdoc.organizations.models import User

    worst = sorted(results, key=lambda r: -r["p95"])[:count]
    print(f"\nexperiments (benchmark database only), {requests} requests per scenario:")
    created: list[str] = []
    try:
        for label, sql in EXPERIMENT_INDEXES:
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(sql)
                created.append(sql.split()[2])
                cursor.execute("ANALYZE records_casefile")
            print(f"  + {label}  (load {common.load_average()})")
            for result in worst:
                user = User.objects.get(username=result["username"])
                client = Client()
                client.force_login(user)
                client.get(result["url"], result["params"])
                durations = timed(client, result["url"], result["params"], requests)
                after = common.percentile(durations, 0.95)
                print(
                    f"    {result['persona']:<14} {result['page']:<9} {result['scenario']:<34}"
                    f" p95 {result['p95'] * 1000:6.1f} → {after * 1000:6.1f} ms"
                )
    finally:
        with connection.cursor() as cursor:
            for name in created:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


# --- (b) the export -----------------------------------------------------------------------


def make_pdf(pages: int, label: str, rng: random.Random) -> bytes:
    """A PDF of `pages` pages, each with a line of text and a grey 256×240 image of noise
    (≈60 KB uncompressed, as a scan's page is large); written as conftest.make_pdf does."""
    objects: list[bytes] = [b"", b""]  # catalog, pages: filled at the end
    kids = []
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for number in range(pages):
        image = rng.randbytes(256 * 240)
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 256 /Height 240 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length "
            + str(len(image)).encode()
            + b" >>\nstream\n"
            + image
            + b"\nendstream"
        )
        image_id = len(objects)
        text = f"{label} - trang {number + 1}/{pages}"
        content = (
            f"q 400 0 0 375 97 300 cm /Im1 Do Q BT /F1 12 Tf 72 760 Td ({text}) Tj ET"
        ).encode("latin-1")
        objects.append(
            b"<< /Length "
            + str(len(content)).encode()
            + b" >>\nstream\n"
            + content
            + b"\nendstream"
        )
        content_id = len(objects)
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image_id} 0 R >> >> >>"
        )
        objects.append(page.encode())
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {pages} >>"
    ).encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def export_file(count: int) -> Any:
    """A closed file of `count` new documents, each with its own stored PDF."""
    from django.db import transaction
    from django.utils import timezone

    from govdoc.core.text import fold
    from govdoc.documents.models import Document, DocumentFile, DocumentType
    from govdoc.documents.sniffing import PDF
    from govdoc.documents.storage import store_bytes
    from govdoc.organizations.models import User
    from govdoc.records.models import CaseFile, CaseFileItem

    # A new file each run: the stored files live in this process's temporary data directory.
    notation = f"XUAT{count}.{int(time.time()) % 10**8}"
    rng = random.Random(count)
    owner = User.objects.get(username="chuyenvien")
    agency_id = owner.agency_id
    assert agency_id is not None
    letter = DocumentType.objects.get(name="Công văn")
    year = timezone.localdate().year - 1
    start = dt.date(year, 1, 2)
    with transaction.atomic():
        documents = []
        for n in range(count):
            subject = f"Về việc triển khai nhiệm vụ số {n + 1} của hồ sơ xuất thử"
            documents.append(
                Document(
                    agency_id=agency_id,
                    direction="INCOMING",
                    document_type=letter,
                    code_number=str(n + 1),
                    code_notation="UBND-VP",
                    issued_date=start + dt.timedelta(days=n * 360 // count),
                    issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
                    subject=subject,
                    page_count=1 + n % 3,
                    search_text=fold(subject),
                )
            )
        Document.objects.bulk_create(documents)
        files = []
        for document in documents:
            data = make_pdf(document.page_count or 1, f"Van ban {document.code_number}", rng)
            stored = store_bytes(data=data, kind=PDF)
            files.append(
                DocumentFile(
                    document=document,
                    stored=stored,
                    role="MAIN",
                    name=f"van-ban-{document.code_number}.pdf",
                    added_by=owner,
                )
            )
        DocumentFile.objects.bulk_create(files)
        case_file = CaseFile.objects.create(
            agency_id=agency_id,
            year=year,
            notation=notation,
            code=f"000.00.00.G12.{year}.{notation}",
            title=f"Hồ sơ xuất thử {count} văn bản",
            owner=owner,
            unit_id=owner.unit_id,
            retention_years=10,
            start_date=start,
            end_date=documents[-1].issued_date,
            doc_total=count,
            page_total=sum(d.page_count or 0 for d in documents),
            status="CLOSED",
            opened_at=timezone.now(),
            closed_at=timezone.now(),
        )
        CaseFileItem.objects.bulk_create(
            [
                CaseFileItem(
                    case_file=case_file,
                    document=document,
                    ordinal=n,
                    added_by=owner,
                    added_at=timezone.now(),
                )
                for n, document in enumerate(documents, start=1)
            ]
        )
    return case_file


def measure_export(count: int) -> dict[str, Any]:
    """In a fresh process: time, tracemalloc peak and max RSS of the PDF export."""
    from pypdf import PdfReader

    from govdoc.documents.models import StoredFile
    from govdoc.records.models import CaseFileItem
    from govdoc.records.services.file_export import case_file_export

    case_file = export_file(count)
    stored = StoredFile.objects.filter(
        pk__in=CaseFileItem.objects.filter(case_file=case_file).values("document__files__stored_id")
    )
    source_bytes = sum(stored.values_list("size", flat=True))
    source_pages = case_file.page_total
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    export = case_file_export(case_file=case_file, kind="pdf", actor=case_file.owner)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reader = PdfReader(export.stream)
    pages = len(reader.pages)
    last = reader.pages[-1].extract_text() or ""
    size = export.size
    export.stream.close()
    # Again under tracemalloc (slower): the peak of Python allocations during the export.
    tracemalloc.start()
    traced_started = time.perf_counter()
    again = case_file_export(case_file=case_file, kind="pdf", actor=case_file.owner)
    traced_seconds = time.perf_counter() - traced_started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    again.stream.close()
    return {
        "documents": count,
        "source pages": source_pages,
        "source bytes": source_bytes,
        "seconds": seconds,
        "seconds under tracemalloc": traced_seconds,
        "tracemalloc peak": peak,
        "max RSS before (KiB)": rss_before,
        "max RSS after (KiB)": rss_after,
        "pages": pages,
        "front pages": pages - source_pages,
        "size": size,
        "last page says": " ".join(last.split())[-40:],
        "load": common.load_average(),
    }


def run_export(count: int) -> None:
    print(f"\nexport of one file of {count} documents as one PDF (fresh process):", flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--reuse", "--export-child", str(count)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit("export failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    mib = 1024 * 1024
    source = result["source bytes"]
    print(
        f"  documents {result['documents']}, their PDFs {source / mib:.1f} MiB, "
        f"{result['source pages']} pages"
    )
    print(
        f"  export: {result['seconds']:.1f} s ({result['seconds under tracemalloc']:.1f} s under "
        f"tracemalloc); output {result['size'] / mib:.1f} MiB, {result['pages']} pages "
        f"({result['front pages']} of cover and index); last page: …{result['last page says']!r}"
    )
    ok = (
        result["pages"] == result["source pages"] + result["front pages"]
        and result["front pages"] >= 2
    )
    print(f"  pages check: {'OK' if ok else 'WRONG'} (every document page + cover/index)")
    print(
        f"  tracemalloc peak {result['tracemalloc peak'] / mib:.1f} MiB; max RSS "
        f"{result['max RSS before (KiB)'] / 1024:.0f} MiB before → "
        f"{result['max RSS after (KiB)'] / 1024:.0f} MiB after "
        f"(sum of the documents' bytes {source / mib:.1f} MiB); load {result['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="work files at scale")
    parser.add_argument("--documents", type=int, default=600_000)
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=2_000_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--export-documents", type=int, default=500)
    parser.add_argument("--explain", type=int, default=4, help="plans of the N slowest")
    parser.add_argument(
        "--experiments", type=int, default=0, help="re-time the N slowest with the indexes"
    )
    parser.add_argument(
        "--scenarios", default="", help="only these scenarios (0-based numbers, e.g. 0,1,2,4)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--skip", default="", help="comma-separated: pages,experiments,export")
    parser.add_argument("--export-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    common.setup_django(DB_NAME, fresh=not args.reuse, migrate=not args.export_child)
    if args.export_child:
        print(json.dumps(measure_export(args.export_child)))
        return
    common.seed_organisation()

    from govdoc.records.models import CaseFile

    print("Work files at scale (PostgreSQL, Django test client, no network)")
    existing = CaseFile.objects.count()
    if existing < args.files:
        if existing:
            common.recreate_database(DB_NAME)
            raise SystemExit("partial data from an earlier run: database recreated, run again")
        print(f"generating (COPY), load {common.load_average()}…", flush=True)
        seconds = generate(
            documents=args.documents, files=args.files, items=args.items, people=args.people
        )
        print(f"  generated in {seconds:.0f} s")
    common.print_machine()
    for key, value in describe_data().items():
        print(f"  {key:<24} {value}")
    skip = set(filter(None, args.skip.split(",")))
    results: list[dict[str, Any]] = []
    if "pages" not in skip:
        only = {int(n) for n in args.scenarios.split(",")} if args.scenarios else None
        results = measure_pages(args.requests, only)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False))
        show_slowest(results, args.explain)
    elif RESULTS.exists():
        results = json.loads(RESULTS.read_text())  # the pages of the previous run
    if results and args.experiments and EXPERIMENT_INDEXES and "experiments" not in skip:
        experiments(results, args.requests, args.experiments)
    if "export" not in skip:
        run_export(args.export_documents)


if __name__ == "__main__":
    main()
