"""Work queues, scoped to the actor inside the query: to handle, in progress, done, for
information, opinions asked of me and given, overdue, due soon, what I gave and what came
back, documents presented to me, requests for more time to decide — and their counters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from govdoc.assignments.access import given_by_me, mine, overseen
from govdoc.assignments.models import Assignment, ExtensionRequest, OpinionRequest
from govdoc.assignments.workflow import (
    OPEN_STATUSES,
    WORK_ROLES,
    AssignmentStatus,
    ExtensionStatus,
    HandlingRole,
)
from govdoc.core.calendar import add_working_days
from govdoc.core.dates import today
from govdoc.core.text import fold
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.access import acting_for_ids

# Working days ahead that count as "due soon".
DUE_SOON_WORKING_DAYS = 2

WORK = list(WORK_ROLES)
OPEN = list(OPEN_STATUSES)

QUEUES: dict[str, str] = {
    "cho-xu-ly": "Chờ xử lý",
    "dang-xu-ly": "Đang xử lý",
    "qua-han": "Quá hạn",
    "sap-den-han": "Sắp đến hạn",
    "de-biet": "Nhận để biết",
    "da-xu-ly": "Đã hoàn thành",
    "toi-giao": "Tôi đã giao",
    "tra-lai": "Bị trả lại",
    "don-vi": "Việc của đơn vị",
}

SORTS: dict[str, tuple[Any, ...]] = {
    "han": ("due_date", "-assigned_at"),
    "-han": ("-due_date", "-assigned_at"),
    # A row has a document or a task: their urgency in one key (NULLs sort differently on
    # PostgreSQL and SQLite).
    "khan": (
        Coalesce("incoming__document__priority", "task__priority").desc(),
        "due_date",
        "-assigned_at",
    ),
    "moi": ("-assigned_at", "-id"),
}


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    role: str = ""
    sort: str = "han"
    kind: str = ""  # "van-ban" (documents) or "cong-viec" (tasks)


def due_soon_until(day: dt.date | None = None) -> dt.date:
    return add_working_days(day or today(), DUE_SOON_WORKING_DAYS)


class _Scopes:
    """The actor's scopes (mine, given by me, overseen), each looked up once when first
    used: the counters build nine queues' conditions from them."""

    def __init__(self, actor: Any, agency_id: int) -> None:
        self.actor = actor
        self.agency_id = agency_id
        self.now = today()

    @cached_property
    def mine(self) -> Q:
        return mine(self.actor, self.agency_id)

    @cached_property
    def given(self) -> Q:
        return given_by_me(self.actor, self.agency_id)

    @cached_property
    def wide(self) -> Q | None:
        return overseen(self.actor, self.agency_id)

    @cached_property
    def soon(self) -> dt.date:
        return due_soon_until(self.now)


def queue_condition(
    actor: Any, agency_id: int, name: str, *, scopes: _Scopes | None = None
) -> Q | None:
    """The condition of one queue, or None for an unknown queue or nothing to see."""
    s = scopes or _Scopes(actor, agency_id)
    now = s.now
    work = Q(role__in=WORK)
    if name == "cho-xu-ly":
        return s.mine & work & Q(status=AssignmentStatus.NEW)
    if name == "dang-xu-ly":
        return s.mine & work & Q(status=AssignmentStatus.IN_PROGRESS)
    if name == "qua-han":
        return s.mine & work & Q(status__in=OPEN, due_date__lt=now)
    if name == "sap-den-han":
        return s.mine & work & Q(status__in=OPEN, due_date__gte=now, due_date__lte=s.soon)
    if name == "de-biet":
        return s.mine & Q(role=HandlingRole.INFO) & ~Q(status=AssignmentStatus.CANCELLED)
    if name == "da-xu-ly":
        return s.mine & work & Q(status=AssignmentStatus.COMPLETED)
    if name == "toi-giao":
        return s.given & work & Q(status__in=OPEN)
    if name == "tra-lai":
        return s.given & Q(status=AssignmentStatus.RETURNED)
    if name == "don-vi":
        return None if s.wide is None else s.wide & work & Q(status__in=OPEN)
    return None


def _search(queryset: QuerySet[Assignment], q: str) -> QuerySet[Assignment]:
    for token in fold(q).split():
        queryset = queryset.filter(
            Q(incoming__document__search_text__contains=token)
            | Q(task__search_text__contains=token)
        )
    return queryset


def queue(
    *, actor: Any, agency_id: int | None, name: str, filters: QueueFilters
) -> QuerySet[Assignment]:
    if agency_id is None:
        return Assignment.objects.none()
    condition = queue_condition(actor, agency_id, name)
    if condition is None:
        return Assignment.objects.none()
    queryset = Assignment.objects.filter(condition)
    if filters.role in HandlingRole.values:
        queryset = queryset.filter(role=filters.role)
    if filters.kind == "van-ban":
        queryset = queryset.filter(incoming__isnull=False)
    elif filters.kind == "cong-viec":
        queryset = queryset.filter(task__isnull=False)
    if filters.q.strip():
        queryset = _search(queryset, filters.q)
    order: tuple[Any, ...] = SORTS.get(filters.sort, SORTS["han"])
    if name == "de-biet":
        # Unread first.
        order = (F("read_at").asc(nulls_first=True), "-assigned_at")
    return queryset.select_related(
        "incoming",
        "incoming__document",
        "task",
        "assignee_unit",
        "assignee_person",
        "assigned_by",
    ).order_by(*order)


# Counters beyond the queues: new or overdue work counted once, documents presented to me,
# opinions asked of me, requests for more time to decide.
EXTRA_COUNTS = ("can-xu-ly", "trinh", "xin-y-kien", "gia-han")


def queue_counts(
    actor: Any, agency_id: int | None, *, only: Collection[str] | None = None
) -> dict[str, int]:
    """Every queue's counter in one query (unread for "for information"), plus the
    documents presented to me, opinions asked of me and requests to decide. `only`: just
    these counters (the navigation's total needs five, and no calendar)."""
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return {}
    wanted = set(only) if only is not None else {*QUEUES, *EXTRA_COUNTS}
    scopes = _Scopes(actor, agency_id)
    aggregates: dict[str, Any] = {}
    conditions: dict[str, Q] = {}
    for name in QUEUES:
        if name not in wanted:
            continue
        condition = queue_condition(actor, agency_id, name, scopes=scopes)
        if condition is None:
            continue
        if name == "de-biet":
            condition &= Q(read_at__isnull=True)
        conditions[name] = condition
        aggregates[name] = Count("pk", filter=condition)
    if "can-xu-ly" in wanted:
        # What asks for action, each item once: new work, or open work past its deadline.
        conditions["can-xu-ly"] = (
            scopes.mine
            & Q(role__in=WORK)
            & (Q(status=AssignmentStatus.NEW) | Q(status__in=OPEN, due_date__lt=scopes.now))
        )
        aggregates["can-xu-ly"] = Count("pk", filter=conditions["can-xu-ly"])
    # One query per scope, each narrowed to the statuses its counters need, so the indexes
    # on (person | unit | assigner | agency, status, due_date) serve them: a leader's "given
    # by me" and "the unit's work" never scan the agency's closed work.
    groups: list[tuple[Q, set[str]]] = [
        (scopes.mine, set(aggregates) - {"toi-giao", "tra-lai", "don-vi"}),
        (scopes.given & Q(status__in=OPEN, role__in=WORK), {"toi-giao"}),
        (scopes.given & Q(status=AssignmentStatus.RETURNED), {"tra-lai"}),
    ]
    if scopes.wide is not None:
        groups.append((scopes.wide & Q(status__in=OPEN, role__in=WORK), {"don-vi"}))
    counts: dict[str, int] = {}
    for scope, names in groups:
        names &= set(aggregates)
        if len(names) == 1:
            # A plain COUNT(*) (no FILTER clause naming other columns) lets PostgreSQL count
            # from the partial index of open work alone.
            (name,) = names
            counts[name] = Assignment.objects.filter(conditions[name]).count()
        elif names:
            counts.update(
                Assignment.objects.filter(scope).aggregate(
                    **{name: aggregates[name] for name in names}
                )
            )
    people = acting_for_ids(actor, agency_id) if wanted & {"trinh", "xin-y-kien", "gia-han"} else []
    if "trinh" in wanted:
        counts["trinh"] = IncomingDocument.objects.filter(
            agency_id=agency_id, status=IncomingStatus.PRESENTED, presented_to_id__in=people
        ).count()
    if "xin-y-kien" in wanted:
        counts["xin-y-kien"] = OpinionRequest.objects.filter(
            asked_of_id__in=people, assignment__agency_id=agency_id, answered_at__isnull=True
        ).count()
    if "gia-han" in wanted:
        counts["gia-han"] = ExtensionRequest.objects.filter(
            Q(assignment__assigned_by_id__in=people) | Q(assignment__on_behalf_of_id__in=people),
            assignment__agency_id=agency_id,
            status=ExtensionStatus.PENDING,
        ).count()
    return {key: int(value or 0) for key, value in counts.items()}


def presented_to_me(actor: Any, agency_id: int | None) -> QuerySet[IncomingDocument]:
    """Documents the clerk presented to me (or to the leader whose authority I hold):
    urgent first, then oldest first (they are due the same day)."""
    if agency_id is None:
        return IncomingDocument.objects.none()
    return (
        IncomingDocument.objects.filter(
            agency_id=agency_id,
            status=IncomingStatus.PRESENTED,
            presented_to_id__in=acting_for_ids(actor, agency_id),
        )
        .select_related("document", "document__document_type", "presented_to")
        .order_by("-document__priority", "presented_at")
    )


def opinions_asked_of_me(
    actor: Any, agency_id: int | None, *, answered: bool
) -> QuerySet[OpinionRequest]:
    if agency_id is None:
        return OpinionRequest.objects.none()
    return (
        OpinionRequest.objects.filter(
            asked_of_id__in=acting_for_ids(actor, agency_id),
            assignment__agency_id=agency_id,
            answered_at__isnull=not answered,
        )
        .select_related(
            "asked_by", "assignment", "assignment__incoming__document", "assignment__task"
        )
        .order_by("-answered_at" if answered else "asked_at")
    )


def extensions_to_decide(actor: Any, agency_id: int | None) -> QuerySet[ExtensionRequest]:
    if agency_id is None:
        return ExtensionRequest.objects.none()
    people = acting_for_ids(actor, agency_id)
    return (
        ExtensionRequest.objects.filter(
            Q(assignment__assigned_by_id__in=people) | Q(assignment__on_behalf_of_id__in=people),
            assignment__agency_id=agency_id,
            status=ExtensionStatus.PENDING,
        )
        .select_related(
            "requested_by",
            "assignment",
            "assignment__incoming__document",
            "assignment__task",
            "assignment__assignee_unit",
            "assignment__assignee_person",
        )
        .order_by("requested_at")
    )


def assignments_of_incoming(incoming: IncomingDocument) -> list[Assignment]:
    """The document's assignments, as a tree in assignment order (parents before children)."""
    rows = list(
        Assignment.objects.filter(incoming=incoming)
        .select_related("assignee_unit", "assignee_person", "assigned_by", "on_behalf_of")
        .prefetch_related("progress__author", "progress__attachments", "opinions__asked_of")
        .order_by("assigned_at", "id")
    )
    return _as_tree(rows)


def _as_tree(rows: list[Assignment]) -> list[Assignment]:
    children: dict[int | None, list[Assignment]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Assignment] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in children.get(parent_id, []):
            row.depth = depth  # type: ignore[attr-defined]
            ordered.append(row)
            walk(row.pk, depth + 1)

    walk(None, 0)
    return ordered


def is_overdue(assignment: Assignment, day: dt.date | None = None) -> bool:
    """Computed, never stored: open work past its deadline."""
    return bool(
        assignment.status in OPEN_STATUSES
        and assignment.due_date is not None
        and assignment.due_date < (day or today())
    )
