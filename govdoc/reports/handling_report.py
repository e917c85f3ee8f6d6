"""The report "Tình hình giải quyết văn bản đến" (NĐ 30 Phụ lục VI mục V): for a period, per
unit and per person, the lead assignments received, completed on time or late, in progress
and overdue, with the on-time rate. Counted inside the database (GROUP BY with conditional
counts): one aggregate query over both levels, whatever the number of assignments.

Also the drill-down (the assignments behind one number) and the leader's dashboard (this
month per unit, the overdue work and who is responsible for it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.core.calendar import working_days_late
from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports.count_lines import CountLine, CountTables, report_lines
from govdoc.reports.handling_scope import (
    DOCUMENTS,
    IN_PROGRESS,
    KINDS,
    LATE,
    MEASURES,
    ON_TIME,
    OPEN,
    OVERDUE,
    RECEIVED,
    TASKS,
    HandlingScope,
    counted,
    handling_scope,
    is_agency_leader,
    lead_work,
    measure_condition,
    person_level,
    this_month,
    unit_level,
)

TITLES = {
    DOCUMENTS: "TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN",
    TASKS: "TÌNH HÌNH THỰC HIỆN CÔNG VIỆC ĐƯỢC GIAO",
}
# Columns of the tables, after the name: the five measures and the rate.
COUNT_COLUMNS: tuple[str, ...] = (*MEASURES.values(), "Tỷ lệ đúng hạn")


@dataclass(frozen=True)
class HandlingCounts:
    received: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        """Completed on time / completed, in percent; None when nothing was completed."""
        if not self.completed:
            return None
        return 100.0 * self.on_time / self.completed

    @property
    def on_time_rate_text(self) -> str:
        rate = self.on_time_rate
        if rate is None:
            return "—"
        return f"{rate:.1f}".replace(".", ",") + "%"

    @property
    def summary_text(self) -> str:
        """The last column of the report's tables: the on-time rate."""
        return self.on_time_rate_text

    def value(self, measure: str) -> int:
        return {
            RECEIVED: self.received,
            ON_TIME: self.on_time,
            LATE: self.late,
            IN_PROGRESS: self.in_progress,
            OVERDUE: self.overdue,
        }[measure]

    def measures(self) -> tuple[tuple[str, int], ...]:
        """(slug, value) in the order of the columns, for links to the drill-down."""
        return tuple((slug, self.value(slug)) for slug in MEASURES)

    def __add__(self, other: HandlingCounts) -> HandlingCounts:
        return HandlingCounts(
            received=self.received + other.received,
            on_time=self.on_time + other.on_time,
            late=self.late + other.late,
            in_progress=self.in_progress + other.in_progress,
            overdue=self.overdue + other.overdue,
        )


# One line of a table: a unit (person_id None) or a person (with their unit).
HandlingLine = CountLine[HandlingCounts]


@dataclass(frozen=True)
class HandlingReport(CountTables[HandlingCounts]):
    agency_id: int
    agency_name: str
    parent_agency_name: str
    scope_label: str
    kind: str
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    units: tuple[HandlingLine, ...]
    people: tuple[HandlingLine, ...]
    unit_ids: tuple[int, ...] | None = None

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def period_text(self) -> str:
        return f"Từ ngày {vn_date(self.date_from)} đến ngày {vn_date(self.date_to)}"

    @property
    def as_of_text(self) -> str:
        return f"Số liệu tính đến ngày {vn_date(self.today)}"

    @property
    def unit_total(self) -> HandlingCounts:
        return sum((line.counts for line in self.units), HandlingCounts())

    @property
    def people_total(self) -> HandlingCounts:
        return sum((line.counts for line in self.people), HandlingCounts())

    @property
    def people_without_unit(self) -> tuple[HandlingLine, ...]:
        return self.people_of(None)

    @property
    def file_stem(self) -> str:
        stem = "tinh-hinh-giai-quyet" if self.kind == DOCUMENTS else "tinh-hinh-cong-viec"
        return f"{stem}_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}"


def _aggregates(today: dt.date) -> dict[str, Any]:
    return {
        "received": Count("pk"),
        "on_time": Count("pk", filter=measure_condition(ON_TIME, today)),
        "late": Count("pk", filter=measure_condition(LATE, today)),
        "in_progress": Count("pk", filter=measure_condition(IN_PROGRESS, today)),
        "overdue": Count("pk", filter=measure_condition(OVERDUE, today)),
    }


def _counts(row: Any) -> HandlingCounts:
    return HandlingCounts(
        received=int(row["received"]),
        on_time=int(row["on_time"]),
        late=int(row["late"]),
        in_progress=int(row["in_progress"]),
        overdue=int(row["overdue"]),
    )


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound()
    return kind


def lead_counts(
    *, scope: HandlingScope, kind: str, date_from: dt.date, date_to: dt.date, today: dt.date
) -> tuple[dict[int, HandlingCounts], dict[int, HandlingCounts]]:
    """One GROUP BY query over both levels, one scan of the assignments: the counts of each
    unit's top-level lead assignments, and of each person's lead assignments."""
    rows = (
        counted(
            lead_work(scope, kind, date_from, date_to) & (unit_level(scope) | person_level(scope))
        )
        .values("assignee_unit_id", "assignee_person_id")
        .annotate(**_aggregates(today))
    )
    by_unit: dict[int, HandlingCounts] = {}
    by_person: dict[int, HandlingCounts] = {}
    for row in rows:
        if row["assignee_person_id"] is not None:
            by_person[int(row["assignee_person_id"])] = _counts(row)
        else:
            by_unit[int(row["assignee_unit_id"])] = _counts(row)
    return by_unit, by_person


def handling_report(
    *,
    actor: Any,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    kind: str = DOCUMENTS,
    today: dt.date | None = None,
) -> HandlingReport:
    """The report for the actor's scope (NotFound for those who may not read it): the
    agency's units and people for agency-wide readers, a unit leader's units and people.
    Documents by arrival date, tasks by the day they were given; overdue as of `today`."""
    check_kind(kind)
    scope = handling_scope(actor, agency.pk)
    day = today or timezone.localdate()
    by_unit, by_person = lead_counts(
        scope=scope, kind=kind, date_from=date_from, date_to=date_to, today=day
    )
    lines = report_lines(scope, by_unit, by_person, HandlingCounts())
    parent = agency.parent
    return HandlingReport(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        scope_label=lines.scope_label,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        today=day,
        units=lines.units,
        people=lines.people,
        unit_ids=scope.unit_ids,
    )


# -- the drill-down ------------------------------------------------------------------------


def _check_unit(scope: HandlingScope, unit_id: int) -> None:
    if scope.unit_ids is not None:
        if unit_id not in scope.unit_ids:
            raise NotFound()
    elif not Unit.objects.filter(pk=unit_id, agency_id=scope.agency_id).exists():
        raise NotFound()


def _check_person(scope: HandlingScope, person_id: int) -> None:
    people = User.objects.filter(pk=person_id, agency_id=scope.agency_id)
    if scope.unit_ids is not None:
        people = people.filter(unit_id__in=scope.unit_ids)
    if not people.exists():
        raise NotFound()


def handling_assignments(
    *,
    actor: Any,
    agency_id: int | None,
    date_from: dt.date,
    date_to: dt.date,
    kind: str = DOCUMENTS,
    measure: str = RECEIVED,
    unit_id: int | None = None,
    person_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Assignment]:
    """The assignments behind one number of the report: a unit's (unit_id), a person's
    (person_id), or every unit's (neither). NotFound outside the actor's scope."""
    check_kind(kind)
    if measure not in MEASURES:
        raise NotFound()
    scope = handling_scope(actor, agency_id)
    day = today or timezone.localdate()
    if person_id is not None:
        _check_person(scope, person_id)
        level = person_level(scope, person_id)
    else:
        if unit_id is not None:
            _check_unit(scope, unit_id)
        level = unit_level(scope, unit_id)
    condition = lead_work(scope, kind, date_from, date_to) & level
    condition &= measure_condition(measure, day)
    return (
        Assignment.objects.filter(condition)
        .select_related(
            "incoming",
            "incoming__document",
            "incoming__document__document_type",
            "task",
            "assignee_unit",
            "assignee_person",
        )
        .order_by("due_date", "incoming__arrival_year", "incoming__arrival_number", "id")
    )


# -- the leader's dashboard ----------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    assignment_id: int
    url: str
    label: str
    subject: str
    priority: int
    assignee: str
    responsible: str
    due_date: dt.date
    days_late: int

    @property
    def due_text(self) -> str:
        return vn_date(self.due_date)


@dataclass(frozen=True)
class HandlingDashboard:
    month_text: str
    per: str  # "unit" (agency leaders) or "person" (unit leaders)
    lines: tuple[HandlingLine, ...]
    overdue_count: int
    overdue: tuple[OverdueItem, ...] = field(default_factory=tuple)
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def chart(self) -> dict[str, Any]:
        """The chart's data (labels and one series per measure), for json_script."""
        return {
            "labels": [line.name for line in self.lines],
            "series": [
                {"label": MEASURES[ON_TIME], "data": [ln.counts.on_time for ln in self.lines]},
                {"label": MEASURES[LATE], "data": [ln.counts.late for ln in self.lines]},
                {
                    "label": MEASURES[IN_PROGRESS],
                    "data": [ln.counts.in_progress for ln in self.lines],
                },
                {"label": MEASURES[OVERDUE], "data": [ln.counts.overdue for ln in self.lines]},
            ],
        }


def _top_level_scope(scope: HandlingScope) -> Q:
    condition = Q(agency_id=scope.agency_id, parent__isnull=True, role=HandlingRole.LEAD)
    if scope.unit_ids is not None:
        condition &= Q(assignee_unit_id__in=scope.unit_ids) | Q(
            assignee_person__unit_id__in=scope.unit_ids
        )
    return condition


def overdue_leads(
    *, actor: Any, agency_id: int | None, today: dt.date | None = None
) -> QuerySet[Assignment]:
    """Open top-level lead assignments (documents and tasks) past their deadline in the
    actor's scope, the longest overdue first, with the open lead within the unit
    (`open_leads`). Served by the (agency, status, due_date) index."""
    scope = handling_scope(actor, agency_id)
    day = today or timezone.localdate()
    inner = Assignment.objects.filter(
        role=HandlingRole.LEAD, status__in=OPEN, assignee_person__isnull=False
    ).select_related("assignee_person")
    return (
        Assignment.objects.filter(_top_level_scope(scope), status__in=OPEN, due_date__lt=day)
        .select_related(
            "incoming",
            "incoming__document",
            "task",
            "assignee_unit",
            "assignee_person",
        )
        .prefetch_related(Prefetch("children", queryset=inner, to_attr="open_leads"))
        .order_by("due_date", "id")
    )


def task_url(pk: int) -> str:
    # The task pages belong to the assignments app's screens.
    try:
        return reverse("assignments:task_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _overdue_item(assignment: Assignment, day: dt.date) -> OverdueItem:
    assert assignment.due_date is not None
    leads: list[Assignment] = getattr(assignment, "open_leads", [])
    responsible = ", ".join(lead.assignee_label for lead in leads)
    if assignment.incoming is not None:
        incoming = assignment.incoming
        url = reverse("incoming:detail", args=[incoming.pk])
        label = f"Số đến {incoming.display_arrival_number}/{incoming.arrival_year}"
        subject = incoming.document.subject
        priority = int(incoming.document.priority)
    else:
        assert assignment.task is not None
        url = task_url(assignment.task.pk)
        label = "Công việc"
        subject = assignment.task.title
        priority = int(assignment.task.priority)
    return OverdueItem(
        assignment_id=assignment.pk,
        url=url,
        label=label,
        subject=subject,
        priority=priority,
        assignee=assignment.assignee_label,
        responsible=responsible,
        due_date=assignment.due_date,
        days_late=working_days_late(assignment.due_date, day),
    )


DASHBOARD_OVERDUE = 10


def handling_dashboard(
    *, actor: Any, agency: Agency | None, today: dt.date | None = None
) -> HandlingDashboard | None:
    """For agency leaders (per unit) and unit leaders (per person of their units): this
    month's documents by unit or person, and the overdue work with who is responsible.
    None for everyone else."""
    if agency is None:
        return None
    try:
        scope = handling_scope(actor, agency.pk)
    except NotFound:
        return None
    if scope.agency_wide and not is_agency_leader(actor, agency.pk):
        return None
    day = today or timezone.localdate()
    date_from, date_to = this_month(day)
    report = handling_report(
        actor=actor, agency=agency, date_from=date_from, date_to=date_to, today=day
    )
    lines = report.units if scope.agency_wide else report.people
    overdue = overdue_leads(actor=actor, agency_id=agency.pk, today=day)
    return HandlingDashboard(
        month_text=f"{day:%m/%Y}",
        per="unit" if scope.agency_wide else "person",
        lines=lines,
        overdue_count=overdue.count(),
        overdue=tuple(_overdue_item(a, day) for a in overdue[:DASHBOARD_OVERDUE]),
        date_from=date_from,
        date_to=date_to,
    )


# -- the rows of the drill-down ------------------------------------------------------------


@dataclass(frozen=True)
class HandlingListRow:
    assignment_id: int
    url: str
    label: str
    subject: str
    priority: int
    priority_label: str
    assignee: str
    due_date: dt.date | None
    status_label: str
    state: str  # "on_time", "late", "overdue", "open"
    completed_on: dt.date | None
    days_late: int

    @property
    def due_text(self) -> str:
        return vn_date(self.due_date)

    @property
    def completed_text(self) -> str:
        return vn_date(self.completed_on)


def handling_list_row(assignment: Assignment, today: dt.date) -> HandlingListRow:
    """One assignment of the drill-down, with its state as of `today`."""
    due = assignment.due_date
    days_late = 0
    if assignment.status == AssignmentStatus.COMPLETED:
        state = "late" if assignment.completed_late else "on_time"
        if assignment.completed_late and due is not None and assignment.completed_on is not None:
            days_late = working_days_late(due, assignment.completed_on)
    elif due is not None and due < today:
        state = "overdue"
        days_late = working_days_late(due, today)
    else:
        state = "open"
    if assignment.incoming is not None:
        incoming = assignment.incoming
        document = incoming.document
        url = reverse("incoming:detail", args=[incoming.pk])
        label = f"{incoming.display_arrival_number}/{incoming.arrival_year}"
        subject = f"{document.document_type.name}: {document.subject}"
        priority = int(document.priority)
        priority_label = document.get_priority_display() if priority else ""
    else:
        assert assignment.task is not None
        task = assignment.task
        url = task_url(task.pk)
        label = "Công việc"
        subject = task.title
        priority = int(task.priority)
        priority_label = task.get_priority_display() if priority else ""
    return HandlingListRow(
        assignment_id=assignment.pk,
        url=url,
        label=label,
        subject=subject,
        priority=priority,
        priority_label=priority_label,
        assignee=assignment.assignee_label,
        due_date=due,
        status_label=assignment.get_status_display(),
        state=state,
        completed_on=assignment.completed_on,
        days_late=days_late,
    )
