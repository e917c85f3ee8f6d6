"""Deadline reminders: the daily sweep over open work (nhắc hạn xử lý).

Every working day (core.calendar), at GOVDOC_REMINDER_TIME, the worker runs
``reminders_send(day=...)`` once (govdoc/core/periodic.py). For every open assignment of work
(LEAD or SUPPORT, status NEW or IN_PROGRESS) whose deadline is

- exactly GOVDOC_REMINDER_DAYS_BEFORE working days ahead: "sắp đến hạn";
- today: "đến hạn hôm nay";
- past: "quá hạn N ngày làm việc", from the first working day after the deadline and then
  every working day until the work is completed, returned or cancelled,

it notifies, in the app and by e-mail, the handler (the person; for a unit, the unit's
leaders) and the assigner (whose authority it was given with, else who gave it) — or, when
one is named, the person who follows up instead of the assigner. Each notification carries
the key (assignment, kind, day), so a second sweep of the same day creates nothing. One
audit event per sweep records the counts.

Scale: only the due and overdue rows are read, per agency through the index
``(agency, status, due_date)``, as plain values streamed with ``.iterator()``; people and
unit leaders are loaded once per batch that needs them, and each batch of assignments is
written by one ``notify_many`` in its own transaction (one SELECT per 1,000 keys, one INSERT,
one e-mail task per 200 notifications).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import OPEN_STATUSES, WORK_ROLES, HandlingRole
from govdoc.audit.services import audit_record
from govdoc.core.calendar import WorkingCalendar, current_calendar
from govdoc.core.dates import vn_date
from govdoc.core.urgency import Priority
from govdoc.notifications.services import Notice, notify_many
from govdoc.organizations.models import Agency, RoleAssignment, User
from govdoc.organizations.roles import Role

KIND_DUE_SOON = "assignment.due_soon"
KIND_DUE_TODAY = "assignment.due_today"
KIND_OVERDUE = "assignment.overdue"
KINDS = (KIND_DUE_SOON, KIND_DUE_TODAY, KIND_OVERDUE)

# Assignments handled per transaction (one notify_many each), and rows fetched per round
# trip of the server-side cursor.
BATCH = 1000
CHUNK = 2000

ROLE_LABELS = {HandlingRole.LEAD: "chủ trì", HandlingRole.SUPPORT: "phối hợp"}

_FIELDS = (
    "id",
    "agency_id",
    "incoming_id",
    "task_id",
    "role",
    "due_date",
    "assignee_person_id",
    "assignee_unit_id",
    "assigned_by_id",
    "on_behalf_of_id",
    "follow_up_id",
    "incoming__document__subject",
    "incoming__document__priority",
    "task__title",
    "task__priority",
    "assignee_unit__name",
    "assignee_person__full_name",
    "assignee_person__username",
)


def days_before() -> int:
    """GOVDOC_REMINDER_DAYS_BEFORE (working days; 0 or less: no advance reminder)."""
    return int(getattr(settings, "GOVDOC_REMINDER_DAYS_BEFORE", 2))


def overdue_every() -> int:
    return max(0, int(getattr(settings, "GOVDOC_REMINDER_OVERDUE_EVERY", 5)))


def dedupe_key(assignment_id: int, kind: str, day: dt.date) -> str:
    return f"reminder:{kind.rsplit('.', 1)[-1]}:{assignment_id}:{day.isoformat()}"


@dataclass(frozen=True, kw_only=True)
class ReminderSweep:
    """What one sweep did. Counts are of assignments reminded (``due_soon``, ``due_today``,
    ``overdue``) and of notifications created (0 on a second run of the same day)."""

    day: dt.date
    working_day: bool
    days_before: int
    due_soon: int = 0
    due_today: int = 0
    overdue: int = 0
    notifications: int = 0
    agencies: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "working_day": self.working_day,
            "days_before": self.days_before,
            "due_soon": self.due_soon,
            "due_today": self.due_today,
            "overdue": self.overdue,
            "notifications": self.notifications,
            "agencies": self.agencies,
        }


@dataclass(frozen=True)
class Window:
    """The deadlines reminded on ``day``: today, overdue (before today), and the due-soon
    range — the deadlines exactly ``n`` working days ahead, from the n-th working day up to
    (not including) the next one, so a deadline on a day off counts with the working day
    before it."""

    day: dt.date
    soon_first: dt.date | None
    soon_last: dt.date | None
    calendar: WorkingCalendar | None = None
    # Overdue work is reminded on its first working day late, then every this many working
    # days (0: only once), so that a late matter is chased without a notice every day.
    overdue_every: int = 0

    @classmethod
    def of(cls, day: dt.date, n: int, calendar: WorkingCalendar, overdue_every: int = 0) -> Window:
        if n <= 0:
            return cls(day, None, None, calendar, overdue_every)
        first = calendar.add_working_days(day, n)
        last = calendar.next_working_day(first) - dt.timedelta(days=1)
        return cls(day, first, last, calendar, overdue_every)

    def overdue_due(self, due: dt.date) -> bool:
        if self.calendar is None:
            return True
        late = self.calendar.working_days_late(due, self.day)
        if late <= 1:
            return True
        return self.overdue_every > 0 and (late - 1) % self.overdue_every == 0

    def condition(self) -> Q:
        condition = Q(due_date__lte=self.day)
        if self.soon_first is not None and self.soon_last is not None:
            condition |= Q(due_date__gte=self.soon_first, due_date__lte=self.soon_last)
        return condition

    def kind(self, due: dt.date) -> str | None:
        if due < self.day:
            return KIND_OVERDUE if self.overdue_due(due) else None
        if due == self.day:
            return KIND_DUE_TODAY
        if self.soon_first is not None and self.soon_last is not None:
            return KIND_DUE_SOON if self.soon_first <= due <= self.soon_last else None
        return None


def due_assignments(window: Window, agency_id: int) -> Iterator[dict[str, Any]]:
    """The open work of one agency reminded on the window's day, as plain values, streamed
    (a server-side cursor on PostgreSQL)."""
    rows: Iterator[dict[str, Any]] = (
        Assignment.objects.filter(
            window.condition(),
            agency_id=agency_id,
            status__in=list(OPEN_STATUSES),
            role__in=list(WORK_ROLES),
        )
        .order_by()
        .values(*_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    return rows


def _url_maker() -> tuple[str, str]:
    """Path templates of a document's and a task's page (``{}`` for the id): reversed once,
    not once per row."""
    sentinel = 987654321

    def template(name: str) -> str:
        try:
            return reverse(name, args=[sentinel]).replace(str(sentinel), "{}")
        except NoReverseMatch:
            return ""

    incoming = template("incoming:detail")
    task = template("assignments:task_detail")
    if not task:
        try:
            task = reverse("assignments:queue")
        except NoReverseMatch:
            task = ""
    return incoming, task


@dataclass
class _Directory:
    """People and unit leaders, loaded once for the whole sweep as batches need them."""

    people: dict[int, User] = field(default_factory=dict)
    leaders: dict[int, list[int]] = field(default_factory=dict)

    def load(self, rows: Sequence[dict[str, Any]]) -> None:
        units = {r["assignee_unit_id"] for r in rows if r["assignee_unit_id"] is not None}
        missing_units = units - self.leaders.keys()
        if missing_units:
            for unit_id in missing_units:
                self.leaders[unit_id] = []
            for unit_id, user_id in (
                RoleAssignment.objects.filter(
                    role=Role.UNIT_LEADER, unit_id__in=missing_units, user__is_active=True
                )
                .order_by("unit_id", "user_id")
                .values_list("unit_id", "user_id")
                .distinct()
            ):
                self.leaders[unit_id].append(user_id)
        wanted: set[int] = set()
        for row in rows:
            wanted.update(self._ids(row))
        missing = wanted - self.people.keys()
        if missing:
            for person in User.objects.filter(pk__in=missing).only(
                "id", "is_active", "email", "full_name", "username"
            ):
                self.people[person.pk] = person

    def _ids(self, row: dict[str, Any]) -> list[int]:
        ids = self.handler_ids(row)
        ids.extend(self.assigner_ids(row))
        return ids

    def handler_ids(self, row: dict[str, Any]) -> list[int]:
        if row["assignee_person_id"] is not None:
            return [row["assignee_person_id"]]
        return list(self.leaders.get(row["assignee_unit_id"], []))

    @staticmethod
    def assigner_ids(row: dict[str, Any]) -> list[int]:
        if row["follow_up_id"] is not None:
            return [row["follow_up_id"]]
        return [row["on_behalf_of_id"] or row["assigned_by_id"]]

    def users(self, ids: Sequence[int]) -> list[User]:
        return [self.people[pk] for pk in ids if pk in self.people]


def _texts(
    row: dict[str, Any], kind: str, window: Window, calendar: WorkingCalendar, n: int
) -> tuple[str, str, str]:
    """(title, the handler's body, the assigner's body) of one reminder."""
    if row["incoming_id"] is not None:
        label = row["incoming__document__subject"] or ""
        priority = row["incoming__document__priority"] or 0
    else:
        label = row["task__title"] or ""
        priority = row["task__priority"] or 0
    due = row["due_date"]
    if kind == KIND_DUE_SOON:
        head = f"Sắp đến hạn xử lý ({vn_date(due)})"
        when = f"Hạn xử lý {vn_date(due)}, còn {n} ngày làm việc."
    elif kind == KIND_DUE_TODAY:
        head = "Đến hạn xử lý hôm nay"
        when = f"Hôm nay ({vn_date(due)}) là hạn xử lý."
    else:
        late = calendar.working_days_late(due, window.day)
        head = f"Quá hạn {late} ngày làm việc"
        when = f"Hạn xử lý {vn_date(due)} đã quá {late} ngày làm việc."
    if priority:
        head = f"{Priority(priority).label.upper()} — {head}"
    role = ROLE_LABELS.get(row["role"], "")
    if row["assignee_unit_id"] is not None:
        assignee = row["assignee_unit__name"] or ""
    else:
        assignee = row["assignee_person__full_name"] or row["assignee_person__username"] or ""
    return (
        f"{head}: {label}",
        f"{when} Vai trò: {role}.",
        f"Giao cho {assignee} ({role}). {when}",
    )


def _notices(
    rows: Sequence[dict[str, Any]],
    *,
    window: Window,
    calendar: WorkingCalendar,
    n: int,
    directory: _Directory,
    urls: tuple[str, str],
    counts: dict[str, int],
) -> list[Notice]:
    directory.load(rows)
    notices: list[Notice] = []
    for row in rows:
        kind = window.kind(row["due_date"])
        if kind is None:
            continue
        counts[kind] += 1
        title, handler_body, assigner_body = _texts(row, kind, window, calendar, n)
        if row["incoming_id"] is not None:
            url = urls[0].format(row["incoming_id"])
        else:
            url = urls[1].format(row["task_id"])
        key = dedupe_key(row["id"], kind, window.day)
        handlers = directory.users(directory.handler_ids(row))
        handler_ids = {person.pk for person in handlers}
        # Someone who is both the handler and the assigner gets the handler's message.
        assigners = [
            person
            for person in directory.users(directory.assigner_ids(row))
            if person.pk not in handler_ids
        ]
        for people, body in ((handlers, handler_body), (assigners, assigner_body)):
            if people:
                notices.append(
                    Notice(
                        recipients=people,
                        kind=kind,
                        title=title,
                        body=body,
                        url=url,
                        agency_id=row["agency_id"],
                        dedupe_key=key,
                    )
                )
    return notices


def reminders_send(*, day: dt.date, n: int | None = None) -> ReminderSweep:
    """Send the day's deadline reminders (see the module's notes); nothing on a day off.

    ``n``: working days of the advance reminder (default GOVDOC_REMINDER_DAYS_BEFORE).
    Running it again for the same day creates no notification.
    """
    n = days_before() if n is None else n
    calendar = current_calendar()
    if not calendar.is_working_day(day):
        return ReminderSweep(day=day, working_day=False, days_before=n)
    window = Window.of(day, n, calendar, overdue_every())
    urls = _url_maker()
    directory = _Directory()
    counts = dict.fromkeys(KINDS, 0)
    created = 0
    agencies = list(
        Agency.objects.filter(is_hosted=True).order_by("pk").values_list("pk", flat=True)
    )

    def flush(rows: list[dict[str, Any]]) -> int:
        with transaction.atomic():
            notices = _notices(
                rows,
                window=window,
                calendar=calendar,
                n=n,
                directory=directory,
                urls=urls,
                counts=counts,
            )
            return len(notify_many(notices))

    for agency_id in agencies:
        batch: list[dict[str, Any]] = []
        for row in due_assignments(window, agency_id):
            batch.append(row)
            if len(batch) >= BATCH:
                created += flush(batch)
                batch = []
        if batch:
            created += flush(batch)

    sweep = ReminderSweep(
        day=day,
        working_day=True,
        days_before=n,
        due_soon=counts[KIND_DUE_SOON],
        due_today=counts[KIND_DUE_TODAY],
        overdue=counts[KIND_OVERDUE],
        notifications=created,
        agencies=len(agencies),
    )
    audit_record(
        actor=None,
        action="handling.reminders",
        target_type="assignments.reminders",
        target_id=day.isoformat(),
        target_label=f"Nhắc hạn xử lý ngày {vn_date(day)}",
        data=sweep.as_dict(),
    )
    return sweep
