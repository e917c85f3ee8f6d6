"""Who sees the interconnection's packets: the clerks and administrators of the agency that
sent or received them (an operator's page), and superusers for every agency."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govdoc.exchange.models import InboxPacket, OutboxPacket
from govdoc.organizations.models import RoleAssignment
from govdoc.organizations.roles import Role

OPERATOR_ROLES = (Role.ADMIN, Role.CLERK)


def _agencies_filter(actor: Any) -> Q | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    if getattr(actor, "is_superuser", False):
        return Q()
    agencies = RoleAssignment.objects.filter(user=actor, role__in=list(OPERATOR_ROLES)).values(
        "agency_id"
    )
    return Q(agency_id__in=agencies)


def visible_outbox(actor: Any) -> QuerySet[OutboxPacket]:
    condition = _agencies_filter(actor)
    if condition is None:
        return OutboxPacket.objects.none()
    return OutboxPacket.objects.filter(condition)


def visible_inbox(actor: Any) -> QuerySet[InboxPacket]:
    condition = _agencies_filter(actor)
    if condition is None:
        return InboxPacket.objects.none()
    return InboxPacket.objects.filter(condition)
