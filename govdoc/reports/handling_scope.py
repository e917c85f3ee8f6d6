"""What the handling reports share: who reads them and over which units, the kinds of work
(incoming documents or tasks), the period, and the conditions that count an assignment as
received, completed on time or late, in progress or overdue — all as SQL conditions.

Only lead assignments (chủ trì) are counted: the unit's top-level assignment at the unit's
level, the persons' assignments (given by the leader or within the unit) at the persons'
level. "Received" counts the work that is or was being done (new, in progress, completed);
work sent back to the assigner or taken back is not the assignee's. So received = on time +
late + in progress + overdue. Overdue is computed from today and the due date, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import OPEN_STATUSES, AssignmentStatus, HandlingRole
from govdoc.core.errors import NotFound
from govdoc.incoming.access import AGENCY_WIDE_ROLES
from govdoc.incoming.selectors import start_of_day
from govdoc.organizations.access import led_unit_ids, roles_in, unit_subtree_ids
from govdoc.organizations.models import Unit
from govdoc.organizations.roles import Role

DOCUMENTS = "van-ban"
TASKS = "cong-viec"
KINDS: dict[str, str] = {DOCUMENTS: "Văn bản đến", TASKS: "Công việc được giao"}

COUNTED_STATUSES = [
    AssignmentStatus.NEW,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.COMPLETED,
]
OPEN = list(OPEN_STATUSES)

# The measures of the report, in the order of its columns (slug → Vietnamese heading).
RECEIVED = "nhan"
ON_TIME = "dung-han"
LATE = "tre-han"
IN_PROGRESS = "dang-xu-ly"
OVERDUE = "qua-han"
MEASURES: dict[str, str] = {
    RECEIVED: "Tổng số nhận",
    ON_TIME: "Hoàn thành đúng hạn",
    LATE: "Hoàn thành quá hạn",
    IN_PROGRESS: "Đang xử lý trong hạn",
    OVERDUE: "Quá hạn chưa hoàn thành",
}


@dataclass(frozen=True)
class HandlingScope:
    """The agency, and the units a unit leader oversees (None: the whole agency)."""

    agency_id: int
    unit_ids: tuple[int, ...] | None

    @property
    def agency_wide(self) -> bool:
        return self.unit_ids is None


def handling_scope(actor: Any, agency_id: int | None) -> HandlingScope:
    """Clerks, agency leaders and administrators read the agency's handling; unit leaders
    their units' (and the units below them); others nothing (NotFound)."""
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    roles = roles_in(actor, agency_id)
    if roles & AGENCY_WIDE_ROLES:
        return HandlingScope(agency_id=agency_id, unit_ids=None)
    led = led_unit_ids(actor, agency_id)
    if not led:
        raise NotFound()
    ids: set[int] = set()
    for unit in Unit.objects.filter(pk__in=led, agency_id=agency_id):
        ids.update(unit_subtree_ids(unit))
    if not ids:
        raise NotFound()
    return HandlingScope(agency_id=agency_id, unit_ids=tuple(sorted(ids)))


def can_read_handling(actor: Any, agency_id: int | None) -> bool:
    try:
        handling_scope(actor, agency_id)
    except NotFound:
        return False
    return True


def is_agency_leader(actor: Any, agency_id: int | None) -> bool:
    return Role.AGENCY_LEADER in roles_in(actor, agency_id)


def this_month(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first of the current month to today."""
    day = today or timezone.localdate()
    return day.replace(day=1), day


def this_year(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    day = today or timezone.localdate()
    return dt.date(day.year, 1, 1), day


def period_condition(kind: str, date_from: dt.date, date_to: dt.date) -> Q:
    """Documents by their arrival date, tasks by the day they were given, in local days."""
    start, end = start_of_day(date_from), start_of_day(date_to + dt.timedelta(days=1))
    if kind == TASKS:
        return Q(task__created_at__gte=start, task__created_at__lt=end)
    return Q(incoming__arrival_date__gte=start, incoming__arrival_date__lt=end)


def lead_work(scope: HandlingScope, kind: str, date_from: dt.date, date_to: dt.date) -> Q:
    """Lead assignments of the agency, of the kind and period, that count as received."""
    return Q(
        agency_id=scope.agency_id, role=HandlingRole.LEAD, status__in=COUNTED_STATUSES
    ) & period_condition(kind, date_from, date_to)


def unit_level(scope: HandlingScope, unit_id: int | None = None) -> Q:
    """The units' own assignments: the top-level assignment given to a unit."""
    condition = Q(parent__isnull=True, assignee_unit__isnull=False)
    if scope.unit_ids is not None:
        condition &= Q(assignee_unit_id__in=scope.unit_ids)
    if unit_id is not None:
        condition &= Q(assignee_unit_id=unit_id)
    return condition


def person_level(scope: HandlingScope, person_id: int | None = None) -> Q:
    """The persons' assignments, given by the leader or within a unit."""
    condition = Q(assignee_person__isnull=False)
    if scope.unit_ids is not None:
        condition &= Q(assignee_person__unit_id__in=scope.unit_ids)
    if person_id is not None:
        condition &= Q(assignee_person_id=person_id)
    return condition


def measure_condition(measure: str, today: dt.date) -> Q:
    """The condition of one measure on counted lead assignments."""
    if measure == ON_TIME:
        return Q(status=AssignmentStatus.COMPLETED) & ~Q(completed_late=True)
    if measure == LATE:
        return Q(status=AssignmentStatus.COMPLETED, completed_late=True)
    if measure == IN_PROGRESS:
        return Q(status__in=OPEN) & (Q(due_date__gte=today) | Q(due_date__isnull=True))
    if measure == OVERDUE:
        return Q(status__in=OPEN, due_date__lt=today)
    return Q()


def counted(condition: Q) -> QuerySet[Assignment]:
    # No default ordering: it would join the GROUP BY of every aggregate.
    return Assignment.objects.filter(condition).order_by()
