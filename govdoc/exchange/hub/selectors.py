"""Reads of the hub, scoped to the calling agency in the query itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Prefetch, QuerySet

from govdoc.exchange.hub.models import OPEN_STATUSES, Agency, Delivery, Packet

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    more: bool


def inbox(agency: Agency, *, limit: int = DEFAULT_LIMIT) -> Page[Delivery]:
    """Deliveries waiting for the agency (not yet acknowledged), oldest packet first."""
    rows = list(
        Delivery.objects.select_related("packet", "packet__sender")
        .filter(recipient=agency, status__in=OPEN_STATUSES, packet__purged_at__isnull=True)
        .order_by("packet__created_at", "packet__id")[: limit + 1]
    )
    return Page(items=rows[:limit], more=len(rows) > limit)


def sent(agency: Agency, *, since: dt.datetime | None, limit: int = DEFAULT_LIMIT) -> Page[Packet]:
    """Packets the agency sent that were created or changed (fetched, acknowledged, expired,
    purged) at or after `since`, in the order of that change, with their deliveries."""
    packets: QuerySet[Packet] = Packet.objects.filter(sender=agency)
    if since is not None:
        packets = packets.filter(changed_at__gte=since)
    deliveries = Delivery.objects.select_related("recipient").order_by("id")
    rows = list(
        packets.prefetch_related(Prefetch("deliveries", queryset=deliveries)).order_by(
            "changed_at", "id"
        )[: limit + 1]
    )
    return Page(items=rows[:limit], more=len(rows) > limit)


def directory(*, since: dt.datetime | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("parent").order_by("organ_id")
    if since is not None:
        agencies = agencies.filter(updated_at__gte=since)
    return agencies
