"""Reads of register books, scoped to the actor inside the query.

Clerks, agency leaders and administrators of an agency see its books; only administrators
manage them. Everyone else gets the same answer as for a book that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from govdoc.core.errors import NotFound
from govdoc.organizations.access import has_role, roles_in
from govdoc.organizations.models import Agency, Delegation, RoleAssignment
from govdoc.organizations.roles import Role
from govdoc.registers.models import RegisterBook, RegisterEntry

VIEW_ROLES = frozenset({Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN})


@dataclass(frozen=True)
class BookFilters:
    agency_id: int | None = None
    year: int | None = None
    kind: str = ""


def _authenticated(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _candidate_agency_ids(actor: Any) -> set[int]:
    """Agencies where the actor may hold a role: a handful of ids, checked one by one."""
    ids = set(RoleAssignment.objects.filter(user=actor).values_list("agency_id", flat=True))
    ids.update(
        Delegation.objects.filter(delegate=actor, revoked_at__isnull=True).values_list(
            "agency_id", flat=True
        )
    )
    home = getattr(actor, "agency_id", None)
    if home is not None:
        ids.add(home)
    return ids


def book_agency_ids(actor: Any) -> list[int]:
    """Agencies whose books the actor may read."""
    if not _authenticated(actor):
        return []
    if actor.is_superuser:
        return list(Agency.objects.filter(is_hosted=True).values_list("pk", flat=True))
    return sorted(i for i in _candidate_agency_ids(actor) if roles_in(actor, i) & VIEW_ROLES)


def managed_agency_ids(actor: Any) -> list[int]:
    """Agencies whose books the actor may create, rename, close and reopen."""
    return [i for i in book_agency_ids(actor) if has_role(actor, i, Role.ADMIN)]


def book_agencies(actor: Any) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=book_agency_ids(actor)).order_by("name")


def can_manage_books(actor: Any, agency_id: int | None) -> bool:
    return agency_id is not None and has_role(actor, agency_id, Role.ADMIN)


def visible_books(actor: Any, filters: BookFilters | None = None) -> QuerySet[RegisterBook]:
    """The books the actor may read, newest year first, then by kind and series."""
    filters = filters or BookFilters()
    queryset = RegisterBook.objects.filter(agency_id__in=book_agency_ids(actor))
    if filters.agency_id is not None:
        queryset = queryset.filter(agency_id=filters.agency_id)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return (
        queryset.select_related("agency")
        .annotate(annulled_count=Count("entries", filter=Q(entries__annulled_at__isnull=False)))
        .order_by("-year", "agency__name", "kind", "series")
    )


def book_years(actor: Any) -> list[int]:
    """Years for which the actor can see at least one book, newest first."""
    years = (
        RegisterBook.objects.filter(agency_id__in=book_agency_ids(actor))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(years)


def book_get(*, actor: Any, pk: int, manage: bool = False) -> RegisterBook:
    """One book the actor may read (or, with `manage`, administer); otherwise NotFound."""
    agency_ids = managed_agency_ids(actor) if manage else book_agency_ids(actor)
    try:
        return RegisterBook.objects.select_related("agency").get(pk=pk, agency_id__in=agency_ids)
    except RegisterBook.DoesNotExist:
        raise NotFound() from None


def book_entries(*, book: RegisterBook) -> QuerySet[RegisterEntry]:
    """Every number given in the book, in number order, annulled ones included."""
    return (
        RegisterEntry.objects.filter(book=book)
        .select_related("given_by", "annulled_by")
        .order_by("number")
    )
