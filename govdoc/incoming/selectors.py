"""Reads of incoming documents, scoped to the actor inside the query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from govdoc.core.text import fold
from govdoc.incoming.access import visible_incoming
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.signature_checks import signature_failed
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role

PRESENTABLE_ROLES = (Role.AGENCY_LEADER,)

SORTS: dict[str, tuple[str, ...]] = {
    "-arrival": ("-arrival_date", "-arrival_number"),
    "arrival": ("arrival_date", "arrival_number"),
    "-priority": ("-document__priority", "-arrival_date", "-arrival_number"),
    "due": ("document__due_date", "-arrival_date"),
    "-issued": ("-document__issued_date", "-arrival_number"),
    "issued": ("document__issued_date", "arrival_number"),
}


@dataclass(frozen=True)
class IncomingFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    document_type_id: int | None = None
    issuer: str = ""
    priority: int | None = None
    status: str = ""
    unit_id: int | None = None
    q: str = ""
    sort: str = "-arrival"


def start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _tokens(text: str) -> list[str]:
    return [t for t in fold(text).split() if t]


def incoming_list(
    *, actor: Any, agency_id: int | None, filters: IncomingFilters
) -> QuerySet[IncomingDocument]:
    queryset = visible_incoming(actor, agency_id)
    # Bounds as local-midnight instants, so the index on arrival_date is used.
    if filters.date_from:
        queryset = queryset.filter(arrival_date__gte=start_of_day(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(
            arrival_date__lt=start_of_day(filters.date_to + dt.timedelta(days=1))
        )
    if filters.document_type_id:
        queryset = queryset.filter(document__document_type_id=filters.document_type_id)
    if filters.priority is not None:
        queryset = queryset.filter(document__priority=filters.priority)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.unit_id:
        queryset = queryset.filter(receiving_unit_id=filters.unit_id)
    if filters.issuer.strip():
        # Folded on both sides: "uy ban" finds "Ủy ban", the same on PostgreSQL and SQLite.
        queryset = queryset.filter(document__issuer_folded__contains=fold(filters.issuer))
    for token in _tokens(filters.q):
        queryset = queryset.filter(document__search_text__contains=token)
    order = SORTS.get(filters.sort, SORTS["-arrival"])
    return (
        queryset.select_related(
            "document", "document__document_type", "receiving_unit", "receiving_person"
        )
        # "Chữ ký lỗi": a file's latest signature check failed (a subquery, no query per row).
        .annotate(signature_failed=signature_failed())
        .order_by(*order)
    )


def presentable_leaders(agency: Agency) -> QuerySet[User]:
    """The agency's leaders a clerk presents documents to."""
    return (
        User.objects.filter(
            is_active=True, roles__agency=agency, roles__role__in=list(PRESENTABLE_ROLES)
        )
        .distinct()
        .order_by("full_name")
    )
