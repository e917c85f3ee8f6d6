"""Reads of the electronic inbox, scoped to the clerk inside the query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from govdoc.incoming.access import can_receive, visible_received
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_workflow import ReceivedStatus

BADGE_CAP = 99


def received_list(
    *, actor: Any, agency_id: int | None, status: str = ReceivedStatus.WAITING
) -> QuerySet[ReceivedDocument]:
    """The agency's received documents in one status (all when `status` is ""): urgent
    first among the waiting ones, then newest first."""
    queryset = visible_received(actor, agency_id)
    if status:
        queryset = queryset.filter(status=status)
    order: tuple[str, ...] = ("-received_at", "-id")
    if status == ReceivedStatus.WAITING:
        order = ("-priority", *order)
    return queryset.select_related("sender_agency", "document_type", "incoming").order_by(*order)


def received_counts(*, actor: Any, agency_id: int | None) -> dict[str, int]:
    """How many received documents the agency has in each status (one query)."""
    counts = {status: 0 for status in ReceivedStatus.values}
    rows = (
        visible_received(actor, agency_id)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    for status, total in rows:
        counts[status] = total
    return counts


def waiting_count(*, actor: Any, agency_id: int | None) -> int:
    return visible_received(actor, agency_id).filter(status=ReceivedStatus.WAITING).count()


class ReceivedBadge:
    """The navigation's counter of documents waiting for the clerk, counted by one query
    the first time a template shows it."""

    def __init__(self, user: Any, agency_id: int) -> None:
        self._user = user
        self._agency_id = agency_id

    @cached_property
    def count(self) -> int:
        return waiting_count(actor=self._user, agency_id=self._agency_id)

    @property
    def label(self) -> str:
        """ "" when none, "99+" beyond the cap."""
        count = self.count
        if not count:
            return ""
        return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)


def received_badge(request: HttpRequest) -> ReceivedBadge | None:
    """The counter for the clerk's navigation link, or None for anyone else (the link is
    not shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None or not can_receive(user, agency_id):
        return None
    badge: ReceivedBadge | None = getattr(request, "_govdoc_received_badge", None)
    if badge is None:
        badge = ReceivedBadge(user, agency_id)
        request._govdoc_received_badge = badge  # type: ignore[attr-defined]
    return badge
