"""Who may see and act on assignments, tasks and the requests around them.

Every rule is a query condition, so queues and single fetches apply it inside SQL. "Not
found" and "not allowed" answer the same (NotFound).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govdoc.assignments.models import Assignment, ExtensionRequest, OpinionRequest, Task
from govdoc.assignments.workflow import HandlingRole
from govdoc.core.errors import NotFound
from govdoc.incoming.access import register_visibility
from govdoc.organizations.access import (
    acting_for_ids,
    led_unit_ids,
    led_unit_people_ids,
    roles_in,
)
from govdoc.organizations.roles import Role

AGENCY_WIDE_ROLES = frozenset({Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN})


def mine(actor: Any, agency_id: int) -> Q:
    """Assignments given to the person (or to someone whose authority they hold), or to a
    unit they lead."""
    # The agency is named on the people's side only (a person may move to another agency;
    # a unit never does): with it on the whole condition PostgreSQL walks the agency's open
    # work in deadline order instead of using the person's and the unit's indexes.
    condition = Q(agency_id=agency_id, assignee_person_id__in=acting_for_ids(actor, agency_id))
    units = led_unit_ids(actor, agency_id)
    if units:
        condition |= Q(assignee_unit_id__in=units)
    return condition


def given_by_me(actor: Any, agency_id: int) -> Q:
    people = acting_for_ids(actor, agency_id)
    return Q(agency_id=agency_id) & (
        Q(assigned_by_id__in=people) | Q(on_behalf_of_id__in=people) | Q(follow_up_id__in=people)
    )


def overseen(actor: Any, agency_id: int) -> Q | None:
    """What a leader oversees: the agency's work for agency leaders (and clerks, who follow
    the register), the unit's work — given to the unit or to its people — for unit leaders."""
    roles = roles_in(actor, agency_id)
    if roles & AGENCY_WIDE_ROLES:
        return Q(agency_id=agency_id)
    units = led_unit_ids(actor, agency_id)
    if not units:
        return None
    # The unit's people as a list of ids, not a join or a subquery: each side of the OR then
    # keeps its index (PostgreSQL ORs two index scans instead of filtering the agency's work).
    people = led_unit_people_ids(actor, agency_id)
    return Q(agency_id=agency_id) & (
        Q(assignee_unit_id__in=units) | Q(assignee_person_id__in=people)
    )


def visible_assignments(actor: Any, agency_id: int | None) -> QuerySet[Assignment]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return Assignment.objects.none()
    condition = mine(actor, agency_id) | given_by_me(actor, agency_id)
    wide = overseen(actor, agency_id)
    if wide is not None:
        condition |= wide
    # Everyone working on the same document or task sees the others' assignments.
    shared = Assignment.objects.filter(mine(actor, agency_id))
    condition |= Q(incoming_id__in=shared.filter(incoming__isnull=False).values("incoming_id"))
    condition |= Q(task_id__in=shared.filter(task__isnull=False).values("task_id"))
    return Assignment.objects.filter(condition)


def _incoming_through_assignments(actor: Any, agency_id: int) -> Q | None:
    """Incoming documents are visible to those assigned to them, who gave the assignment,
    or oversee it (registered with the incoming app's visibility)."""
    condition = mine(actor, agency_id) | given_by_me(actor, agency_id)
    wide = overseen(actor, agency_id)
    if wide is not None:
        condition |= wide
    opinions = OpinionRequest.objects.filter(
        asked_of_id__in=acting_for_ids(actor, agency_id), assignment__agency_id=agency_id
    )
    ids = Assignment.objects.filter(condition, incoming__isnull=False).values("incoming_id")
    asked = opinions.filter(assignment__incoming__isnull=False).values("assignment__incoming_id")
    return Q(pk__in=ids) | Q(pk__in=asked)


register_visibility(_incoming_through_assignments)


def visible_tasks(actor: Any, agency_id: int | None) -> QuerySet[Task]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return Task.objects.none()
    people = acting_for_ids(actor, agency_id)
    roles = roles_in(actor, agency_id)
    if roles & {Role.AGENCY_LEADER, Role.ADMIN}:
        return Task.objects.filter(agency_id=agency_id)
    through = visible_assignments(actor, agency_id).filter(task__isnull=False).values("task_id")
    return Task.objects.filter(
        Q(agency_id=agency_id)
        & (Q(created_by_id__in=people) | Q(on_behalf_of_id__in=people) | Q(pk__in=through))
    )


def task_for(actor: Any, pk: int) -> Task:
    try:
        return visible_tasks(actor, getattr(actor, "agency_id", None)).get(pk=pk)
    except Task.DoesNotExist:
        raise NotFound() from None


def _related() -> tuple[str, ...]:
    return (
        "incoming",
        "incoming__document",
        "task",
        "assignee_unit",
        "assignee_person",
        "assigned_by",
        "on_behalf_of",
        "follow_up",
        "parent",
    )


def assignment_for(actor: Any, pk: int, *, action: str = "view") -> Assignment:
    """One assignment the actor may take `action` on, or NotFound.

    view: anyone who sees it; handle: its handler (the person, whoever holds their
    authority, or a leader of its unit); assigner: who gave it (or holds their authority);
    chase: the assigner or the person named to follow up; read: a reader for information.
    """
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None:
        raise NotFound()
    queryset = visible_assignments(actor, agency_id)
    people = acting_for_ids(actor, agency_id)
    if action in {"handle", "read"}:
        queryset = queryset.filter(mine(actor, agency_id))
        if action == "handle":
            queryset = queryset.exclude(role=HandlingRole.INFO)
        else:
            queryset = queryset.filter(role=HandlingRole.INFO)
    elif action == "assigner":
        queryset = queryset.filter(Q(assigned_by_id__in=people) | Q(on_behalf_of_id__in=people))
    elif action == "chase":
        queryset = queryset.filter(
            Q(assigned_by_id__in=people)
            | Q(on_behalf_of_id__in=people)
            | Q(follow_up_id__in=people)
        )
    elif action != "view":
        raise NotFound()
    try:
        return queryset.select_related(*_related()).get(pk=pk)
    except Assignment.DoesNotExist:
        raise NotFound() from None


def opinion_for(actor: Any, pk: int) -> OpinionRequest:
    """An opinion request put to the actor (or to someone whose authority they hold)."""
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None:
        raise NotFound()
    try:
        return OpinionRequest.objects.select_related("assignment", "asked_by").get(
            pk=pk,
            asked_of_id__in=acting_for_ids(actor, agency_id),
            assignment__agency_id=agency_id,
        )
    except OpinionRequest.DoesNotExist:
        raise NotFound() from None


def extension_for(actor: Any, pk: int) -> ExtensionRequest:
    """A request for more time that the actor decides: they gave the assignment."""
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None:
        raise NotFound()
    people = acting_for_ids(actor, agency_id)
    try:
        return ExtensionRequest.objects.select_related("assignment").get(
            Q(assignment__assigned_by_id__in=people) | Q(assignment__on_behalf_of_id__in=people),
            pk=pk,
            assignment__agency_id=agency_id,
        )
    except ExtensionRequest.DoesNotExist:
        raise NotFound() from None
