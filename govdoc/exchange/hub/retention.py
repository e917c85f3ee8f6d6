"""Retention: how long the hub keeps packet bytes.

- A delivered packet (every recipient acknowledged done or fail) is kept
  GOVDOC_HUB_RETENTION_DAYS (30) after its last acknowledgement, then its bytes are removed.
- An undelivered packet is kept until it is delivered or GOVDOC_HUB_UNDELIVERED_DAYS (90)
  have passed since it was sent; then its open deliveries become `expired` (the sender sees
  it in `sent`) and its bytes are removed.

Rows are never deleted: the packet keeps its metadata (sender, kind, size, SHA-256, times,
deliveries) with `purged_at` set, as the trace. The row is marked first and committed, then
the file is removed; a file left behind by a crash between the two, or a staged upload left
by a killed worker, is swept on a later run once it is a day old.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govdoc.exchange.hub import conf
from govdoc.exchange.hub.models import OPEN_STATUSES, Delivery, DeliveryStatus, Packet
from govdoc.exchange.hub.storage import a_day_ago, packet_store

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class PurgeReport:
    delivered: int
    expired: int
    files_removed: int
    orphans_removed: int

    def as_dict(self) -> dict[str, int]:
        return {
            "delivered": self.delivered,
            "expired": self.expired,
            "files_removed": self.files_removed,
            "orphans_removed": self.orphans_removed,
        }


def _expire(packet_id: int, now: dt.datetime, days: int) -> str | None:
    """Give up on an undelivered packet; its storage name if this call did it."""
    with transaction.atomic():
        packet = (
            Packet.objects.select_for_update()
            .filter(pk=packet_id, purged_at__isnull=True, completed_at__isnull=True)
            .first()
        )
        if packet is None:
            return None
        Delivery.objects.filter(packet=packet, status__in=OPEN_STATUSES).update(
            status=DeliveryStatus.EXPIRED,
            acknowledged_at=now,
            reason=f"Quá {days} ngày mà cơ quan nhận chưa xác nhận: trạm đã xóa gói tin.",
        )
        Packet.objects.filter(pk=packet.pk).update(completed_at=now, changed_at=now, purged_at=now)
        return packet.storage_name


def _purge_delivered(packet_id: int, now: dt.datetime) -> str | None:
    with transaction.atomic():
        updated = Packet.objects.filter(
            pk=packet_id, purged_at__isnull=True, completed_at__isnull=False
        ).update(purged_at=now, changed_at=now)
        if not updated:
            return None
        return Packet.objects.values_list("storage_name", flat=True).get(pk=packet_id)


def purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Remove the bytes of packets past retention; with dry_run, only count them."""
    now = now or timezone.now()
    delivered_cutoff = now - dt.timedelta(days=conf.retention_days())
    undelivered_days = conf.undelivered_days()
    undelivered_cutoff = now - dt.timedelta(days=undelivered_days)
    kept = Packet.objects.filter(purged_at__isnull=True)
    delivered_ids = list(
        kept.filter(completed_at__lt=delivered_cutoff).values_list("pk", flat=True)
    )
    expired_ids = list(
        kept.filter(completed_at__isnull=True, created_at__lt=undelivered_cutoff).values_list(
            "pk", flat=True
        )
    )
    if dry_run:
        return PurgeReport(len(delivered_ids), len(expired_ids), 0, 0)

    store = packet_store()
    removed_names: list[str] = []
    delivered = expired = 0
    for packet_id in delivered_ids:
        name = _purge_delivered(packet_id, now)
        if name is not None:
            delivered += 1
            removed_names.append(name)
    for packet_id in expired_ids:
        name = _expire(packet_id, now, undelivered_days)
        if name is not None:
            expired += 1
            removed_names.append(name)
    files = 0
    for name in removed_names:
        try:
            store.delete(name)
            files += 1
        except OSError:
            logger.exception("hub purge: could not remove %s (swept later)", name)
    orphans = sweep(store_older_than=a_day_ago())
    return PurgeReport(delivered, expired, files, orphans)


def sweep(*, store_older_than: float) -> int:
    """Remove stored files no kept packet names (and stale staged uploads)."""
    store = packet_store()
    removed = store.sweep_staging(older_than=store_older_than)
    batch: list[str] = []

    def flush() -> int:
        live = set(
            Packet.objects.filter(storage_name__in=batch, purged_at__isnull=True).values_list(
                "storage_name", flat=True
            )
        )
        count = 0
        for name in batch:
            if name not in live:
                store.delete(name)
                count += 1
        batch.clear()
        return count

    for name in store.stored_names(older_than=store_older_than):
        batch.append(name)
        if len(batch) >= BATCH:
            removed += flush()
    if batch:
        removed += flush()
    return removed
