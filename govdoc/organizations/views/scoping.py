"""What an administrator reaches: the agencies, people, units and positions the screens
offer, and 404 for the rest."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from govdoc.core.errors import NotFound
from govdoc.organizations.access import administered_agencies, agency_for_admin, is_any_admin
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role


def require_any_admin(request: HttpRequest) -> None:
    if not is_any_admin(request.user):
        raise Http404()


def agency_or_404(request: HttpRequest, pk: int) -> Agency:
    try:
        return agency_for_admin(request.user, pk)
    except NotFound:
        raise Http404() from None


def work_agencies(user: Any) -> QuerySet[Agency]:
    """Administered agencies that work on this installation: where people, roles and
    delegations live (the others are directory entries)."""
    return administered_agencies(user).filter(is_hosted=True, is_active=True)


def parent_candidates(user: Any) -> QuerySet[Agency]:
    """Agencies a new or moved agency may sit under: those the user administers directly."""
    if user.is_superuser:
        return Agency.objects.all()
    ids = RoleAssignment.objects.filter(user=user, role=Role.ADMIN).values("agency_id")
    return Agency.objects.filter(pk__in=ids)


def descendant_ids(model: type[Agency] | type[Unit], pk: int) -> set[int]:
    found: set[int] = set()
    frontier = {pk}
    while frontier:
        frontier = (
            set(model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def visible_people(user: Any) -> QuerySet[User]:
    """People whose home agency the user administers, or who hold a role in one. Superuser
    accounts only for superusers (an agency administrator may not change them)."""
    agencies = administered_agencies(user).values("pk")
    people = User.objects.filter(Q(agency__in=agencies) | Q(roles__agency__in=agencies))
    if not user.is_superuser:
        people = people.filter(is_superuser=False)
    return people.distinct()


def person_or_404(request: HttpRequest, pk: int) -> User:
    person = visible_people(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404()
    return person


def units_for(agencies: QuerySet[Agency], *, keep: int | None = None) -> list[Unit]:
    return list(
        Unit.objects.filter(Q(agency__in=agencies, is_active=True) | Q(pk=keep or 0))
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def positions_for(agencies: QuerySet[Agency]) -> list[Position]:
    return list(
        Position.objects.filter(agency__in=agencies)
        .select_related("agency")
        .order_by("agency__name", "rank", "name")
    )
