"""Handling at scale: a person's work queue, the daily reminder sweep, the overdue report.

    .venv/bin/python benchmarks/bench_handling.py [--documents 300000] [--people 5000]
        [--units 50] [--requests 30] [--reuse]

Generates (bulk_create, not through the services) one agency — the demo ministry — with
`--units` units and `--people` people, `--documents` registered incoming documents over the
last 365 days and their handling: the leader's instruction, the lead unit's assignment and
its leader's assignment to a person in the unit, supporting units (some with a person),
readers for information — about 3.3 assignments a document, 1,000,000 for 300,000
documents — with statuses and deadlines as they are in an office: most work done (some of
it late), a share still open past its deadline, the recent work open or new. Then measures

(a) a person's queue page `/xu-ly/` (server time through Django's test client, and its SQL
    queries) for a specialist, a unit leader and the agency leader — or, when the page is not
    there yet, `selectors.queue(...)` for a page of 25 plus `queue_counts(...)`;
(b) the reminder sweep `reminders_send(day=...)` over all open assignments (target ≤ 60 s),
    then a second run of the same day (creates nothing);
(c) the leader's overdue report for a year: `govdoc.reports.handling_report` when it exists,
    else an SQL aggregation per unit written here.

`--reuse` keeps the database of a previous run (generation takes minutes); the day's
reminders are deleted before the sweep so that it is measured creating them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import random
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

DB_NAME = "govdoc_bench_handling"
BATCH = 2000
SEED = 300_000

EXTRA_UNIT_KINDS = ["Phòng", "Trung tâm", "Ban", "Viện", "Cục"]
EXTRA_UNIT_MATTERS = [
    "Quy hoạch",
    "Đo đạc bản đồ",
    "Địa chất",
    "Khí tượng thủy văn",
    "Biển và hải đảo",
    "Viễn thám",
    "Công nghệ thông tin",
    "Thông tin dữ liệu",
    "Truyền thông",
    "Thi đua khen thưởng",
    "Quản trị",
    "Lưu trữ",
    "Đa dạng sinh học",
    "Môi trường nông thôn",
    "Chất thải rắn",
    "Đánh giá tác động môi trường",
    "Kiểm tra",
    "Giải quyết khiếu nại",
    "Tài nguyên nước mặt",
    "Nước dưới đất",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hồng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh"]
GIVEN += ["Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm"]
GIVEN += ["Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]
INSTRUCTIONS = [
    "Giao đơn vị chủ trì nghiên cứu, đề xuất; báo cáo trước hạn.",
    "Đề nghị đơn vị chủ trì tham mưu văn bản trả lời.",
    "Giao chủ trì, phối hợp với các đơn vị liên quan xử lý theo quy định.",
    "Chuyển đơn vị nghiên cứu, tổng hợp, báo cáo Lãnh đạo Bộ.",
]


# --- generation ---------------------------------------------------------------------------


def last_working_day(calendar: Any, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def ensure_units(ministry: Any, count: int) -> list[Any]:
    from govdoc.organizations.models import Unit

    existing = list(Unit.objects.filter(agency=ministry, parent__isnull=True))
    missing = count - len(existing)
    new: list[Any] = []
    number = 0
    while len(new) < missing:
        kind = EXTRA_UNIT_KINDS[number % len(EXTRA_UNIT_KINDS)]
        matter = EXTRA_UNIT_MATTERS[(number // len(EXTRA_UNIT_KINDS)) % len(EXTRA_UNIT_MATTERS)]
        new.append(
            Unit(agency=ministry, name=f"{kind} {matter} {number + 1}", abbreviation=f"DV{number}")
        )
        number += 1
    Unit.objects.bulk_create(new)
    return list(Unit.objects.filter(agency=ministry, parent__isnull=True).order_by("pk"))


def ensure_people(ministry: Any, units: list[Any], count: int, rng: random.Random) -> None:
    """People up to `count` in the agency: two leaders per unit, four more agency leaders,
    specialists; every one with an e-mail address (reminders are mailed)."""
    from django.contrib.auth.hashers import make_password

    from govdoc.organizations.models import Position, RoleAssignment, User
    from govdoc.organizations.roles import Role

    existing = User.objects.filter(agency=ministry).count()
    missing = count - existing
    if missing <= 0:
        return
    password = make_password("bench-handling")
    specialist = Position.objects.get_or_create(agency=ministry, name="Chuyên viên")[0]
    head = Position.objects.get_or_create(agency=ministry, name="Trưởng đơn vị", rank=20)[0]
    weights = [rng.uniform(0.4, 1.6) for _ in units]
    people: list[Any] = []
    for number in range(missing):
        unit = units[number % len(units)] if number < 2 * len(units) else None
        if unit is None:
            unit = rng.choices(units, weights)[0]
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        username = f"cb{number:05d}"
        people.append(
            User(
                username=username,
                password=password,
                full_name=name,
                email=f"{username}@bench.gov.vn",
                agency=ministry,
                unit=unit,
                position=head if number < 2 * len(units) else specialist,
            )
        )
    User.objects.bulk_create(people, batch_size=BATCH)
    roles: list[Any] = []
    for number, person in enumerate(people):
        if number < 2 * len(units):
            roles.append(
                RoleAssignment(
                    user=person, agency=ministry, role=Role.UNIT_LEADER, unit=person.unit
                )
            )
        elif number < 2 * len(units) + 4:
            roles.append(RoleAssignment(user=person, agency=ministry, role=Role.AGENCY_LEADER))
        else:
            roles.append(RoleAssignment(user=person, agency=ministry, role=Role.SPECIALIST))
    RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
    User.objects.filter(agency=ministry, email="").update(email="demo@bench.gov.vn")


class Staff:
    """Who is who, for the generator: leaders, unit leaders and members, follow-up people."""

    def __init__(self, ministry: Any) -> None:
        from govdoc.organizations.models import RoleAssignment, User
        from govdoc.organizations.roles import Role

        self.agency_leaders: list[int] = list(
            RoleAssignment.objects.filter(agency=ministry, role=Role.AGENCY_LEADER)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        self.unit_leaders: dict[int, list[int]] = {}
        for unit_id, user_id in (
            RoleAssignment.objects.filter(agency=ministry, role=Role.UNIT_LEADER)
            .order_by("unit_id", "user_id")
            .values_list("unit_id", "user_id")
        ):
            self.unit_leaders.setdefault(unit_id, []).append(user_id)
        leaders = set(self.agency_leaders) | {p for ps in self.unit_leaders.values() for p in ps}
        self.members: dict[int, list[int]] = {}
        for unit_id, user_id in (
            User.objects.filter(agency=ministry, unit__isnull=False)
            .order_by("pk")
            .values_list("unit_id", "pk")
        ):
            if user_id not in leaders:
                self.members.setdefault(unit_id, []).append(user_id)
        self.units = [u for u in self.unit_leaders if self.members.get(u)]
        self.everyone = [p for ps in self.members.values() for p in ps]
        clerk = User.objects.get(username="vanthu")
        office = self.members.get(clerk.unit_id, []) if clerk.unit_id is not None else []
        self.follow_up = [clerk.pk, *office[:3]]


def arrival_moments(count: int, *, until: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    """`count` instants over the 365 days before `until`, in office hours, sorted."""
    from django.utils import timezone

    local_until = timezone.localtime(until)
    days: list[dt.date] = []
    day = local_until.date() - dt.timedelta(days=365)
    while day <= local_until.date():
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    moments: list[dt.datetime] = []
    while len(moments) < count:
        day = rng.choice(days)
        seconds = rng.randrange(7 * 3600 + 1800, 17 * 3600)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time())) + dt.timedelta(
            seconds=seconds
        )
        if moment < until:
            moments.append(moment)
    return sorted(moments)


class Family:
    """One document's assignments before insertion: top-level rows and their children."""

    def __init__(self) -> None:
        self.top: list[Any] = []
        self.children: list[tuple[int, Any]] = []  # (index in top, child)


def _done_on(
    calendar: Any, rng: random.Random, start: dt.date, due: dt.date, today: dt.date
) -> dt.date:
    """When finished work was finished: mostly by the deadline, 15 % late, never after today."""
    if rng.random() < 0.15:
        day = due + dt.timedelta(days=rng.randint(1, 12))
    else:
        span = max(0, (due - start).days)
        day = start + dt.timedelta(days=rng.randint(min(1, span), span)) if span else due
    day = min(max(day, start), today)
    return last_working_day(calendar, day) if day > start else day


def plan_family(
    *,
    incoming: Any,
    arrival: dt.datetime,
    staff: Staff,
    calendar: Any,
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
) -> tuple[Family, str, dt.datetime | None, int, int]:
    """The assignments of one document, with its status (incoming), completion time, the
    leader who assigned and the lead unit."""
    from django.utils import timezone

    from govdoc.assignments.models import Assignment

    local = timezone.localtime(arrival)
    start = local.date()
    lead_unit = rng.choice(staff.units)
    leader = rng.choice(staff.agency_leaders)
    on_behalf = None
    assigned_by = leader
    if rng.random() < 0.05 and len(staff.agency_leaders) > 1:
        on_behalf = staff.agency_leaders[0]
        assigned_by = rng.choice(staff.agency_leaders[1:])
    assigned_at = min(arrival + dt.timedelta(hours=rng.uniform(1, 20)), now)
    days = rng.choice([5, 7, 10, 10, 10, 15, 20])
    due = calendar.add_working_days(start, days)
    follow_up = rng.choice(staff.follow_up) if rng.random() < 0.2 else None
    roll = rng.random()
    if due < today:
        outcome = "done" if roll < 0.93 else ("open" if roll < 0.985 else "returned")
    else:
        outcome = "done" if roll < 0.2 else ("new" if roll < 0.5 else "open")
    family = Family()

    def row(**fields: Any) -> Any:
        base: dict[str, Any] = {
            "agency_id": incoming.agency_id,
            "incoming": incoming,
            "assigned_at": assigned_at,
        }
        base.update(fields)
        return Assignment(**base)

    def finish(a: Any, status: str, a_due: dt.date | None) -> Any:
        a.status = status
        if status in ("IN_PROGRESS", "COMPLETED"):
            a.started_at = a.assigned_at + dt.timedelta(hours=rng.uniform(2, 30))
            a.started_at = min(a.started_at, now)
        if status == "COMPLETED" and a_due is not None:
            day = _done_on(calendar, rng, start, a_due, today)
            a.completed_on = day
            a.completed_at = min(timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0))), now)
            a.completed_late = day > a_due
            a.result = "Đã xử lý, báo cáo kết quả."
        return a

    def status_of_work() -> str:
        if outcome == "done":
            return "COMPLETED"
        if outcome == "new":
            return "NEW"
        if outcome == "returned":
            return "CANCELLED"
        return "IN_PROGRESS" if rng.random() < 0.8 else "NEW"

    top_status = {"done": "COMPLETED", "new": "NEW", "open": "IN_PROGRESS"}.get(outcome, "RETURNED")
    lead = finish(
        row(
            role="LEAD",
            assignee_unit_id=lead_unit,
            assigned_by_id=assigned_by,
            on_behalf_of_id=on_behalf,
            due_date=due,
            follow_up_id=follow_up,
        ),
        top_status,
        due,
    )
    if top_status == "RETURNED":
        lead.returned_reason = "Không thuộc chức năng, nhiệm vụ của đơn vị."
    family.top.append(lead)
    unit_head = staff.unit_leaders[lead_unit][0]
    child_at = min(assigned_at + dt.timedelta(hours=rng.uniform(1, 24)), now)
    if outcome != "new":
        child_due = (
            due
            if rng.random() < 0.6
            else calendar.add_working_days(start, max(2, days - rng.randint(1, 3)))
        )
        person = rng.choice(staff.members[lead_unit])
        status = (
            status_of_work() if outcome != "open" else rng.choice(["IN_PROGRESS"] * 4 + ["NEW"])
        )
        if outcome == "returned":
            status = "CANCELLED"
        child = finish(
            row(
                role="LEAD",
                assignee_person_id=person,
                assigned_by_id=unit_head,
                assigned_at=child_at,
                due_date=child_due,
            ),
            status,
            child_due,
        )
        family.children.append((0, child))
    supports = 0 if rng.random() < 0.5 else (1 if rng.random() < 0.8 else 2)
    for other in rng.sample([u for u in staff.units if u != lead_unit], supports):
        status = status_of_work()
        if outcome == "open" and rng.random() < 0.4:
            status = "COMPLETED"
        support = finish(
            row(
                role="SUPPORT",
                assignee_unit_id=other,
                assigned_by_id=assigned_by,
                on_behalf_of_id=on_behalf,
                due_date=due,
                follow_up_id=follow_up,
            ),
            status,
            due,
        )
        family.top.append(support)
        if outcome != "new" and rng.random() < 0.5:
            child = finish(
                row(
                    role="SUPPORT",
                    assignee_person_id=rng.choice(staff.members[other]),
                    assigned_by_id=staff.unit_leaders[other][0],
                    assigned_at=child_at,
                    due_date=due,
                ),
                status,
                due,
            )
            family.children.append((len(family.top) - 1, child))
    if rng.random() < 0.43:
        reader = row(
            role="INFO",
            assignee_person_id=rng.choice(staff.everyone),
            assigned_by_id=assigned_by,
            on_behalf_of_id=on_behalf,
            status="NEW",
        )
        if rng.random() < 0.8:
            reader.read_at = min(assigned_at + dt.timedelta(hours=rng.uniform(1, 48)), now)
        family.top.append(reader)
    incoming_status = {
        "done": "COMPLETED",
        "new": "ASSIGNED",
        "open": "IN_PROGRESS",
        "returned": "PRESENTED",
    }[outcome]
    completed_at = lead.completed_at if outcome == "done" else None
    return family, incoming_status, completed_at, leader, lead_unit


def generate(count: int, *, people: int, units: int) -> float:
    """The organisation, then `count` documents with their handling; returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from govdoc.assignments.models import Assignment, Instruction
    from govdoc.core.calendar import WorkingCalendar
    from govdoc.core.text import fold
    from govdoc.documents.models import Document, DocumentType, Priority
    from govdoc.incoming.models import IncomingDocument
    from govdoc.organizations.models import Agency, User
    from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry
    from govdoc.web import demo_data
    from govdoc.web.demo import demo_subject

    rng = random.Random(SEED)
    started = time.perf_counter()
    ministry = Agency.objects.get(organ_id=demo_data.MINISTRY.organ_id)
    unit_rows = ensure_units(ministry, units)
    ensure_people(ministry, unit_rows, people, rng)
    staff = Staff(ministry)
    print(
        f"  organisation: {len(unit_rows)} units, "
        f"{User.objects.filter(agency=ministry).count()} people "
        f"({time.perf_counter() - started:.1f} s)"
    )
    calendar = WorkingCalendar.from_db()
    now = timezone.now()
    today = timezone.localdate()
    clerk = User.objects.get(username="vanthu")
    types = {t.name: t for t in DocumentType.objects.all()}
    type_names = [name for name, _ in demo_data.TYPE_WEIGHTS]
    type_weights = [weight for _, weight in demo_data.TYPE_WEIGHTS]
    issuers = list(Agency.objects.filter(is_hosted=False))
    folded_issuer = {issuer.pk: fold(issuer.name) for issuer in issuers}
    places = {spec.organ_id: spec.place for spec in demo_data.DIRECTORY}
    # A pool of subjects (folded once): the generator's time goes to rows, not to words.
    pool: list[tuple[str, str, str]] = []
    for _ in range(3000):
        type_name = rng.choices(type_names, type_weights)[0]
        _unit_code, matters = rng.choices(demo_data.TOPICS, demo_data.TOPIC_WEIGHTS)[0]
        issuer = rng.choice(issuers)
        subject = demo_subject(
            type_name, rng.choice(matters), places.get(issuer.organ_id, ""), today, rng
        )
        pool.append((type_name, subject, fold(subject)))
    moments = arrival_moments(count, until=now, rng=rng)
    numbers: dict[int, int] = {}
    books: dict[int, Any] = {}
    assignments = 0
    for start in range(0, count, BATCH):
        chunk = moments[start : start + BATCH]
        documents: list[Any] = []
        entries: list[Any] = []
        years: list[int] = []
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
            issuer = issuers[rng.randrange(len(issuers))]
            type_name, subject, folded = pool[rng.randrange(len(pool))]
            document_type = types[type_name]
            code_number = str(rng.randrange(1, 9000))
            abbreviation = document_type.abbreviation
            notation = (
                f"{abbreviation}-{issuer.abbreviation}"
                if abbreviation
                else f"{issuer.abbreviation}-VP"
            )
            priority = Priority.NORMAL if rng.random() < 0.85 else Priority.URGENT
            if rng.random() < 0.02:
                priority = Priority.VERY_URGENT
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
                priority=priority,
            )
            document.search_text = (
                f"{code_number} {notation.lower()} {code_number}/{notation.lower()} "
                f"{folded_issuer[issuer.pk]} {folded}"
            )
            documents.append(document)
            entries.append(
                RegisterEntry(
                    book=books[year],
                    number=numbers[year],
                    given_at=moment,
                    given_by=clerk,
                    target_type="incoming.incomingdocument",
                    label=subject[:500],
                )
            )
            years.append(year)
        with transaction.atomic():
            Document.objects.bulk_create(documents)
            RegisterEntry.objects.bulk_create(entries)
            incomings = [
                IncomingDocument(
                    document=document,
                    agency=ministry,
                    register_entry=entry,
                    arrival_number=entry.number,
                    arrival_year=year,
                    arrival_date=moment,
                    medium="ELECTRONIC",
                    status="REGISTERED",
                    registered_by=clerk,
                )
                for document, entry, year, moment in zip(
                    documents, entries, years, chunk, strict=True
                )
            ]
            families: list[Family] = []
            instructions: list[Any] = []
            for incoming, moment in zip(incomings, chunk, strict=True):
                family, status, completed_at, leader, lead_unit = plan_family(
                    incoming=incoming,
                    arrival=moment,
                    staff=staff,
                    calendar=calendar,
                    rng=rng,
                    today=today,
                    now=now,
                )
                incoming.status = status
                incoming.completed_at = completed_at
                incoming.presented_to_id = leader
                incoming.presented_at = moment + dt.timedelta(minutes=rng.randint(10, 240))
                incoming.receiving_unit_id = lead_unit
                families.append(family)
            IncomingDocument.objects.bulk_create(incomings)
            for incoming, family in zip(incomings, families, strict=True):
                lead = family.top[0]
                instructions.append(
                    Instruction(
                        agency=ministry,
                        incoming=incoming,
                        text=rng.choice(INSTRUCTIONS),
                        given_by_id=lead.assigned_by_id,
                        on_behalf_of_id=lead.on_behalf_of_id,
                        given_at=lead.assigned_at,
                    )
                )
                for a in family.top:
                    a.incoming = incoming
            Instruction.objects.bulk_create(instructions)
            tops = [a for family in families for a in family.top]
            Assignment.objects.bulk_create(tops)
            children = []
            for family in families:
                for index, child in family.children:
                    child.parent = family.top[index]
                    child.incoming = family.top[index].incoming
                    children.append(child)
            Assignment.objects.bulk_create(children)
            assignments += len(tops) + len(children)
        print(
            f"  {min(start + BATCH, count)}/{count} documents, {assignments} assignments"
            f" ({time.perf_counter() - started:.0f} s)",
            end="\r",
            flush=True,
        )
    for year, book in books.items():
        RegisterBook.objects.filter(pk=book.pk).update(last_number=numbers[year])
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def describe_data() -> None:
    from django.db.models import Count, Q

    from govdoc.assignments.models import Assignment
    from govdoc.core.dates import today

    day = today()
    counts = Assignment.objects.aggregate(
        total=Count("pk"),
        work=Count("pk", filter=~Q(role="INFO")),
        open=Count("pk", filter=Q(status__in=["NEW", "IN_PROGRESS"]) & ~Q(role="INFO")),
        overdue=Count(
            "pk",
            filter=Q(status__in=["NEW", "IN_PROGRESS"], due_date__lt=day) & ~Q(role="INFO"),
        ),
        completed=Count("pk", filter=Q(status="COMPLETED")),
        late=Count("pk", filter=Q(status="COMPLETED", completed_late=True)),
    )
    print(
        f"  assignments   {counts['total']} ({counts['work']} of work: {counts['open']} open, "
        f"{counts['overdue']} of them overdue; {counts['completed']} completed, "
        f"{counts['late']} late)"
    )


# --- (a) the queue ----------------------------------------------------------------------------


def pick_actors() -> dict[str, Any]:
    """A specialist with much open work, the leader of the busiest unit, the agency leader."""
    from django.db.models import Count

    from govdoc.assignments.models import Assignment
    from govdoc.organizations.models import RoleAssignment, User
    from govdoc.organizations.roles import Role

    open_work = Assignment.objects.filter(status__in=["NEW", "IN_PROGRESS"]).exclude(role="INFO")
    busiest_person = (
        open_work.filter(assignee_person__isnull=False, assignee_person__username__startswith="cb")
        .values("assignee_person_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    busiest_unit = (
        open_work.filter(assignee_unit__isnull=False)
        .values("assignee_unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest_person and busiest_unit
    unit_head = RoleAssignment.objects.filter(
        role=Role.UNIT_LEADER, unit_id=busiest_unit["assignee_unit_id"]
    ).order_by("user_id")[0]
    return {
        "specialist": User.objects.get(pk=busiest_person["assignee_person_id"]),
        "unit leader": User.objects.get(pk=unit_head.user_id),
        "agency leader": User.objects.get(username="lanhdao"),
    }


def queue_page_url() -> str | None:
    """The queue page's path when the page exists (it is written by another engineer)."""
    from django.urls import NoReverseMatch, reverse

    for name in ("assignments:queue", "assignments:queues", "assignments:index"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def timed(run: Callable[[], Any], times: int) -> list[float]:
    durations: list[float] = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        durations.append(time.perf_counter() - started)
    return durations


def _page_runner(client: Any, url: str) -> Callable[[str], Any]:
    def run(name: str) -> Any:
        response = client.get(url, {"hang": name})
        assert response.status_code == 200, response.status_code
        return response

    return run


def _selector_runner(actor: Any, agency_id: int) -> Callable[[str], Any]:
    """What the page does without the template: a page of 25 and the counters."""
    from govdoc.assignments.selectors import QueueFilters, queue, queue_counts
    from govdoc.core.capped_pagination import capped_page

    def run(name: str) -> Any:
        rows = capped_page(
            queue(actor=actor, agency_id=agency_id, name=name, filters=QueueFilters()),
            number=1,
            per_page=25,
        )
        return rows, queue_counts(actor, agency_id)

    return run


def measure_queues(requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govdoc.assignments.selectors import queue_counts

    actors = pick_actors()
    url = queue_page_url()
    page_works = False
    if url is not None:
        # The page is another engineer's work in progress: an error means "not there yet".
        probe = Client(raise_request_exception=False)
        for actor in actors.values():
            probe.force_login(actor)
            status = probe.get(url).status_code
            page_works = status == 200
            if not page_works:
                print(f"  (the page answered {status} for {actor.username})")
                break
    if page_works:
        print(f"(a) the queue page {url} (Django test client, {requests} requests each)")
    else:
        print(
            "(a) the queue page /xu-ly/ is not there yet: measured selectors.queue(...) for a "
            f"page of 25 (capped_page) + queue_counts(...), {requests} times each"
        )
    for label, actor in actors.items():
        agency_id = actor.agency_id
        names = ["cho-xu-ly", "qua-han", "sap-den-han"]
        if label != "specialist":
            names += ["don-vi", "toi-giao"]
        run: Callable[[str], Any]
        if page_works and url is not None:
            client = Client()
            client.force_login(actor)
            for _ in range(3):
                client.get(url)
            run = _page_runner(client, url)
        else:
            run = _selector_runner(actor, agency_id)
        counts = queue_counts(actor, agency_id)
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        print(f"  {label} {actor.username} — counters: {shown}")
        for name in names:
            run(name)
            durations = timed(partial(run, name), requests)
            with CaptureQueriesContext(connection) as captured:
                run(name)
            print(
                f"    {name:<12} {common.summary_ms(durations)}; "
                f"{len(captured.captured_queries)} queries"
            )
        # Where the time goes: the counters alone.
        durations = timed(partial(queue_counts, actor, agency_id), requests)
        print(f"    {'counters':<12} {common.summary_ms(durations)} (queue_counts alone)")


# --- (b) the sweep ----------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure_sweep() -> None:
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from govdoc.assignments import reminders
    from govdoc.assignments.models import Assignment
    from govdoc.assignments.reminders import KINDS, Window, due_assignments, reminders_send
    from govdoc.core.calendar import current_calendar
    from govdoc.notifications.models import Notification
    from govdoc.organizations.models import Agency

    calendar = current_calendar()
    day = last_working_day(calendar, timezone.localdate())
    suffix = f":{day.isoformat()}"
    deleted, _ = Notification.objects.filter(kind__in=KINDS, dedupe_key__endswith=suffix).delete()
    DBTaskResult.objects.filter(task_path__endswith="send_notification_emails").delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    n = reminders.days_before()
    print(
        f"(b) the reminder sweep for {day:%d/%m/%Y} (N = {n} working days; "
        f"{deleted} reminders of that day deleted first)"
    )
    window = Window.of(day, n, calendar)
    agency_ids = list(Agency.objects.filter(is_hosted=True).values_list("pk", flat=True))
    started = time.perf_counter()
    selected = sum(sum(1 for _ in due_assignments(window, a)) for a in agency_ids)
    select_seconds = time.perf_counter() - started
    print(f"  selection alone: {selected} due or overdue assignments in {select_seconds:.2f} s")
    for label in ("first run", "second run (same day)"):
        counter = QueryCounter()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            sweep = reminders_send(day=day)
        seconds = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tasks = DBTaskResult.objects.filter(task_path__endswith="send_notification_emails").count()
        print(
            f"  {label}: {seconds:.1f} s (target ≤ 60 s) — due soon {sweep.due_soon}, today "
            f"{sweep.due_today}, overdue {sweep.overdue}; {sweep.notifications} notifications "
            f"created ({sweep.notifications / seconds:.0f}/s), {counter.count} queries, "
            f"{tasks} e-mail tasks queued in all; peak RSS {rss_after / 1024:.0f} MiB "
            f"(+{(rss_after - rss_before) / 1024:.0f})"
        )
    sql, params = (
        Assignment.objects.filter(
            window.condition(),
            agency_id=agency_ids[0],
            status__in=["NEW", "IN_PROGRESS"],
            role__in=["LEAD", "SUPPORT"],
        )
        .order_by()
        .values(*reminders._FIELDS)
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("  plan of the selection (one agency; the scan of the assignments and the totals):")
    for line in plan:
        if "assignments_assignment" in line or "Index Cond" in line or "Time:" in line:
            print(f"      {line.strip()}")


# --- (c) the overdue report -------------------------------------------------------------------


def overdue_report_sql(agency_id: int, year_start: dt.date, day: dt.date) -> list[tuple[Any, ...]]:
    """Per unit, for the work given in the year: total, completed on time, late, open and
    overdue, open and not yet due. The unit of a person's work is the person's unit."""
    from django.db import connection

    sql = """
        SELECT COALESCE(a.assignee_unit_id, u.unit_id) AS unit,
               COUNT(*) AS total,
               COUNT(*) FILTER (WHERE a.status = 'COMPLETED' AND NOT a.completed_late) AS on_time,
               COUNT(*) FILTER (WHERE a.status = 'COMPLETED' AND a.completed_late) AS late,
               COUNT(*) FILTER (WHERE a.status IN ('NEW', 'IN_PROGRESS') AND a.due_date < %s)
                   AS overdue,
               COUNT(*) FILTER (WHERE a.status IN ('NEW', 'IN_PROGRESS') AND a.due_date >= %s)
                   AS open
          FROM assignments_assignment a
          LEFT JOIN organizations_user u ON u.id = a.assignee_person_id
         WHERE a.agency_id = %s AND a.role IN ('LEAD', 'SUPPORT')
           AND a.assigned_at >= %s AND a.assigned_at < %s
         GROUP BY 1
         ORDER BY overdue DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, day, agency_id, year_start, day + dt.timedelta(days=1)])
        return list(cursor.fetchall())


def measure_report(requests: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from govdoc.core.capped_pagination import capped_page
    from govdoc.organizations.models import User

    leader = User.objects.get(username="lanhdao")
    agency = leader.agency
    assert agency is not None
    day = timezone.localdate()
    year_start = day - dt.timedelta(days=365)
    try:
        module: Any = importlib.import_module("govdoc.reports.handling_report")
    except ImportError:
        module = None
    if module is not None and hasattr(module, "handling_report"):
        print(
            "(c) the leader's report for a year: govdoc.reports.handling_report."
            f"handling_report{inspect.signature(module.handling_report)}"
        )
        calls: list[tuple[str, Callable[[], Any]]] = [
            (
                "handling_report, documents",
                lambda: module.handling_report(
                    actor=leader, agency=agency, date_from=year_start, date_to=day, today=day
                ),
            ),
        ]
        if hasattr(module, "overdue_leads"):
            calls.append(
                (
                    "overdue_leads, page of 25",
                    lambda: capped_page(
                        module.overdue_leads(actor=leader, agency_id=agency.pk, today=day),
                        number=1,
                        per_page=25,
                    ),
                )
            )
        for label, call in calls:
            try:
                result = call()
            except Exception as error:
                print(f"  {label}: failed ({type(error).__name__}: {error})")
                continue
            durations = timed(call, requests)
            with CaptureQueriesContext(connection) as captured:
                call()
            size = ""
            if hasattr(result, "units"):
                size = f"{len(result.units)} units, {len(result.people)} people; "
            print(
                f"  {label}: {size}{common.summary_ms(durations)}; "
                f"{len(captured.captured_queries)} queries"
            )
    else:
        print("(c) govdoc/reports/handling_report.py is not there yet")
    print("  for comparison, one SQL aggregation per unit written here (total, on time, late,")
    print("  overdue, open):")
    rows = overdue_report_sql(agency.pk, year_start, day)
    durations = timed(lambda: overdue_report_sql(agency.pk, year_start, day), requests)
    print(f"    {len(rows)} units; {common.summary_ms(durations)}")
    for row in rows[:2]:
        print(
            f"      unit {row[0]}: total {row[1]}, on time {row[2]}, late {row[3]}, "
            f"overdue {row[4]}, open {row[5]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="handling at scale")
    parser.add_argument("--documents", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: a,b,c")
    args = parser.parse_args()

    common.setup_django(DB_NAME, fresh=not args.reuse)
    common.seed_organisation()

    from govdoc.incoming.models import IncomingDocument

    print("Handling at scale, PostgreSQL")
    existing = IncomingDocument.objects.count()
    if existing < args.documents:
        if existing:
            common.recreate_database(DB_NAME)
            raise SystemExit("partial data from an earlier run: database recreated, run again")
        print(f"generating {args.documents} documents and their handling (bulk_create)…")
        seconds = generate(args.documents, people=args.people, units=args.units)
        print(f"  generated in {seconds:.0f} s")
    common.print_machine()
    print(f"  documents     {IncomingDocument.objects.count()}")
    describe_data()
    skip = set(args.skip.split(","))
    if "a" not in skip:
        print()
        measure_queues(args.requests)
    if "b" not in skip:
        print()
        measure_sweep()
    if "c" not in skip:
        print()
        measure_report(args.requests)


if __name__ == "__main__":
    main()
