"""Who may see which incoming documents. The rule is a query filter, so lists and single
fetches apply it inside SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from govdoc.core.errors import NotFound
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.access import acting_for_ids, led_unit_ids, roles_in
from govdoc.organizations.roles import Role

AGENCY_WIDE_ROLES = frozenset({Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN})

# Apps above this one add who else sees a document (e.g. the people assigned to handle it):
# each gives a condition on IncomingDocument for an actor in an agency, or None.
VisibilityRule = Callable[[Any, int], Q | None]
_extra_rules: list[VisibilityRule] = []


def register_visibility(rule: VisibilityRule) -> None:
    if rule not in _extra_rules:
        _extra_rules.append(rule)


def visible_filter(actor: Any, agency_id: int) -> Q | None:
    """The condition an incoming document of the agency must meet to be visible, or None
    when the actor sees nothing there."""
    roles = roles_in(actor, agency_id)
    if roles & AGENCY_WIDE_ROLES:
        return Q(agency_id=agency_id)
    people = acting_for_ids(actor, agency_id)
    condition = Q(receiving_person_id=actor.pk) | Q(presented_to_id__in=people)
    if Role.UNIT_LEADER in roles:
        condition |= Q(receiving_unit_id__in=led_unit_ids(actor, agency_id))
    for rule in _extra_rules:
        extra = rule(actor, agency_id)
        if extra is not None:
            condition |= extra
    return Q(agency_id=agency_id) & condition


def visible_incoming(actor: Any, agency_id: int | None) -> QuerySet[IncomingDocument]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return IncomingDocument.objects.none()
    condition = visible_filter(actor, agency_id)
    if condition is None:
        return IncomingDocument.objects.none()
    return IncomingDocument.objects.filter(condition)


def can_register(actor: Any, agency_id: int | None) -> bool:
    return Role.CLERK in roles_in(actor, agency_id)


def incoming_for(actor: Any, pk: int, *, action: str = "view") -> IncomingDocument:
    """Fetch one incoming document the actor may act on; otherwise NotFound (the same answer
    for "does not exist" and "not allowed")."""
    agency_id = getattr(actor, "agency_id", None)
    queryset = visible_incoming(actor, agency_id)
    if action in {"update", "annul", "present", "refuse"} and not can_register(actor, agency_id):
        raise NotFound()
    try:
        return queryset.select_related(
            "document",
            "document__document_type",
            "register_entry",
            "receiving_unit",
            "receiving_person",
        ).get(pk=pk)
    except IncomingDocument.DoesNotExist:
        raise NotFound() from None
