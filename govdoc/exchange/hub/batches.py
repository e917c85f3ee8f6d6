"""Sending and fetching several packets in one call (docs/hub.md "Batches", ADR 0017).

Each packet of a batch is the packet `services.packet_send` / `packet_fetch` would store or
serve, with the same checks and the same outcome; only the per-call costs (the request, the
authentication, the transaction and its commit, the statements) are paid once per batch.
A packet refused in a batch (unknown recipient, too large, not XML…) is answered with its
refusal without refusing the others; a body that does not match its manifest refuses the
whole call and stores nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.core import framed_body
from govdoc.core import sql_rows as rows
from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.exchange.hub import conf
from govdoc.exchange.hub.errors import Gone, PacketTooLarge
from govdoc.exchange.hub.models import Agency, Delivery, DeliveryStatus, Packet
from govdoc.exchange.hub.services import (
    _check_xml,
    _clean_kind,
    _insert_packet,
    _kept,
    _recipients,
    _size,
    insert_packets,
    visible_packets,
)
from govdoc.exchange.hub.storage import (
    Readable,
    StagedPacket,
    packet_name,
    packet_store,
    skip_bytes,
)

MAX_ITEMS = 50
"""Packets in one batch call (sending or fetching)."""


def _too_many(what: str) -> ValidationFailed:
    message = f"Mỗi lô {what} tối đa {MAX_ITEMS} gói tin."
    return ValidationFailed(message, fields={"items": message})


# -- sending ----------------------------------------------------------------------------


@dataclass(eq=False)
class SendItem:
    """One packet of a batch as its sender declared it, then what became of it."""

    kind: str | None
    to: str | None
    size: int
    packet: Packet | None = None
    created: bool = False
    error: DomainError | None = None
    staged: StagedPacket | None = field(default=None, repr=False)
    packet_uuid: uuid.UUID | None = None
    name: str = ""


def parse_send_manifest(manifest: dict[str, Any]) -> list[SendItem]:
    """The items of a sending batch's manifest: [{"type", "to", "size"}, …]. A malformed
    manifest refuses the whole call (its body cannot be read item by item)."""
    items = manifest["items"]
    if not items:
        message = "Lô gói tin trống."
        raise ValidationFailed(message, fields={"items": message})
    if len(items) > MAX_ITEMS:
        raise _too_many("gửi")
    parsed: list[SendItem] = []
    for item in items:
        size = framed_body.item_size(item)
        to = item.get("to")
        if isinstance(to, list):
            to = ",".join(str(code) for code in to)
        parsed.append(
            SendItem(
                kind=str(item["type"]) if item.get("type") is not None else None,
                to=str(to) if to is not None else None,
                size=size,
            )
        )
    return parsed


def _declared_error(item: SendItem, recipients: dict[str, Any]) -> DomainError | None:
    """What refuses one packet before its bytes are read (the same checks, in the same order,
    as `packet_send`); the recipients looked up once per distinct list in the batch."""
    cap = conf.max_packet_bytes()
    if item.size > cap:
        return PacketTooLarge(
            f"Gói tin {_size(item.size)} vượt quá giới hạn {_size(cap)} của trạm."
        )
    if item.size <= 0:
        return ValidationFailed("Gói tin rỗng.", fields={"body": "Gói tin rỗng."})
    try:
        _clean_kind(item.kind)
        key = item.to or ""
        if key not in recipients:
            try:
                recipients[key] = _recipients(item.to)
            except DomainError as error:
                recipients[key] = error
        found = recipients[key]
        if isinstance(found, DomainError):
            raise found
    except DomainError as error:
        return error
    return None


def packets_send_many(
    *,
    sender: Agency,
    items: Sequence[SendItem],
    body: Readable,
    on_written: Callable[[Sequence[SendItem]], None] | None = None,
) -> Sequence[SendItem]:
    """Store each packet of a batch as `packet_send` would: every packet's bytes durably
    first, then all the new packets and their deliveries in one transaction, in which
    `on_written` runs (the API journals each packet there). A repeat of bytes this sender has
    kept — or of an earlier packet of the same batch — answers that packet."""
    total = sum(item.size for item in items)
    if total > conf.max_batch_bytes():
        raise PacketTooLarge(
            f"Lô gói tin {_size(total)} vượt quá giới hạn {_size(conf.max_batch_bytes())} "
            "của một lô; gửi bớt gói tin trong mỗi lô."
        )
    recipients: dict[str, Any] = {}
    store = packet_store()
    try:
        for item in items:
            item.error = _declared_error(item, recipients)
            if item.error is not None:
                skip_bytes(body, item.size)  # the body goes on after them
                continue
            item.staged = store.stage(body, item.size)
            try:
                _check_xml(item.staged)
            except DomainError as error:
                item.error = error
        _write(sender, items, recipients, store, on_written)
    finally:
        for item in items:
            if item.staged is not None:
                store.discard(item.staged)
    return items


def _write(
    sender: Agency,
    items: Sequence[SendItem],
    recipients: dict[str, Any],
    store: Any,
    on_written: Callable[[Sequence[SendItem]], None] | None,
) -> None:
    first_of: dict[str, SendItem] = {}
    new: list[SendItem] = []
    for item in items:
        if item.error is not None or item.staged is None:
            continue
        if item.staged.sha256 in first_of:
            continue  # the same bytes twice in one batch: answered as the first (below)
        first_of[item.staged.sha256] = item
        item.packet_uuid = uuid.uuid4()
        item.name = packet_name(item.packet_uuid)
        store.commit(item.staged, item.name)
        new.append(item)
    try:
        try:
            _insert_all(sender, items, new, first_of, recipients, on_written, careful=False)
        except IntegrityError:
            # Another call kept some of the same bytes meanwhile: again, packet by packet.
            for item in new:
                item.packet, item.created = None, False
            _insert_all(sender, items, new, first_of, recipients, on_written, careful=True)
    except BaseException:
        for item in new:
            store.delete(item.name)
        raise
    for item in new:
        if not item.created:
            store.delete(item.name)


def _insert_all(
    sender: Agency,
    items: Sequence[SendItem],
    new: Sequence[SendItem],
    first_of: dict[str, SendItem],
    recipients: dict[str, Any],
    on_written: Callable[[Sequence[SendItem]], None] | None,
    *,
    careful: bool,
) -> None:
    """One transaction: the packets kept already answered, the others written (`careful`:
    each in a savepoint, a conflict answered by the packet that won it)."""
    with transaction.atomic():
        kept = _kept_many(sender, [item.staged.sha256 for item in new if item.staged])
        now = timezone.now()
        fresh: list[tuple[Packet, list[Agency]]] = []
        for item in new:
            assert item.staged is not None and item.packet_uuid is not None
            existing = kept.get(item.staged.sha256)
            if existing is not None:
                item.packet, item.created = existing, False
                continue
            packet = Packet(
                uuid=item.packet_uuid,
                sender=sender,
                kind=_clean_kind(item.kind),
                sha256=item.staged.sha256,
                size=item.staged.size,
                storage_name=item.name,
                created_at=now,
                changed_at=now,
            )
            if not careful:
                item.packet, item.created = packet, True
                fresh.append((packet, recipients[item.to or ""]))
                continue
            try:
                with transaction.atomic():
                    item.packet = _insert_packet(packet, recipients[item.to or ""])
                    item.created = True
            except IntegrityError:
                item.packet = _kept(sender, item.staged.sha256)
                if item.packet is None:  # pragma: no cover - the conflict's row is kept
                    raise
        insert_packets(fresh)  # all of them in two statements
        for item in items:
            if item.error is None and item.staged is not None and item not in new:
                first = first_of[item.staged.sha256]
                item.packet, item.created = first.packet, False
        if on_written is not None:
            on_written(items)


_KEPT = ("id", "uuid", "sender_id", "kind", "sha256", "size", "storage_name")


def _kept_many(sender: Agency, digests: Sequence[str]) -> dict[str, Packet]:
    """The packets this sender has kept with any of these SHA-256s, in one statement."""
    if not digests:
        return {}
    p = Packet
    placeholders = ", ".join(["%s"] * len(digests))
    found = rows.rows(
        f"SELECT {rows.columns(p, _KEPT)} FROM {rows.table(p)} "
        f"WHERE {rows.column(p, 'sender_id')} = %s AND {rows.column(p, 'purged_at')} IS NULL "
        f"AND {rows.column(p, 'sha256')} IN ({placeholders})",
        [sender.pk, *digests],
    )
    kept: dict[str, Packet] = {}
    for row in found:
        packet = rows.load(p, _KEPT, row)
        packet.sender = sender
        kept[packet.sha256] = packet
    return kept


# -- fetching ---------------------------------------------------------------------------


@dataclass(eq=False)
class FetchItem:
    """One packet asked for in a fetching batch, and what the answer carries for it."""

    packet_uuid: uuid.UUID
    packet: Packet | None = None
    handle: BinaryIO | None = None
    error: DomainError | None = None
    later: bool = False
    """Left out to keep the answer within its size: asked for again in a later call."""


def packets_fetch_many(*, agency: Agency, packet_uuids: Sequence[uuid.UUID]) -> list[FetchItem]:
    """The bytes of several packets for their sender or a recipient, as `packet_fetch` gives
    one: a packet the agency may not see is answered not found, a purged one gone. Packets
    beyond the answer's size (`GOVDOC_HUB_MAX_BATCH_BYTES`; the first always goes) are left
    for a later call. Call inside a transaction: each recipient's first download moves its
    delivery to fetched, under the packets' row locks taken in one order (their uuid)."""
    if not packet_uuids:
        message = "Danh sách gói tin trống."
        raise ValidationFailed(message, fields={"ids": message})
    if len(packet_uuids) > MAX_ITEMS:
        raise _too_many("tải về")
    items = [FetchItem(packet_uuid=u) for u in dict.fromkeys(packet_uuids)]
    found = visible_packets(agency, [item.packet_uuid for item in items])
    budget = conf.max_batch_bytes()
    total = 0
    store = packet_store()
    try:
        for item in items:
            packet = found.get(item.packet_uuid)
            if packet is None:
                item.error = NotFound()
                continue
            if packet.purged_at is not None:
                item.error = Gone(
                    "Gói tin đã hết thời hạn lưu giữ trên trạm và đã bị xóa nội dung "
                    f"({packet.purged_at:%d/%m/%Y})."
                )
                continue
            if total and total + packet.size > budget:
                item.later = True
                continue
            try:
                item.handle = store.open(packet.storage_name)
            except FileNotFoundError:
                item.error = Gone(
                    "Gói tin đã hết thời hạn lưu giữ trên trạm và đã bị xóa nội dung."
                )
                continue
            item.packet = packet
            total += packet.size
        _mark_fetched_many(agency, [item.packet for item in items if item.packet is not None])
    except BaseException:
        for item in items:
            if item.handle is not None:
                item.handle.close()
        raise
    return items


def _mark_fetched_many(agency: Agency, packets: Sequence[Packet]) -> None:
    """Count each download of a recipient; the first (waiting) moves the delivery to fetched
    and stamps the packet's `changed_at`, under the packets' row locks (one statement takes
    them, in uuid order, as `packet_ack_many` does). At most four statements a batch."""
    mine = [x for x in packets if getattr(x, "delivery_status", None) is not None]
    if not mine:
        return
    d, p = Delivery, Packet
    status, count = rows.column(d, "status"), rows.column(d, "fetch_count")
    recipient, of_packet = rows.column(d, "recipient_id"), rows.column(d, "packet_id")
    waiting = [x.pk for x in mine if x.delivery_status == DeliveryStatus.WAITING]  # type: ignore[attr-defined]
    moved: set[int] = set()
    if waiting:
        marks = _marks(waiting)
        lock = rows.for_update()
        rows.rows(
            f"SELECT {rows.column(p, 'id')} FROM {rows.table(p)} "
            f"WHERE {rows.column(p, 'id')} IN ({marks}) ORDER BY {rows.column(p, 'uuid')}{lock}",
            waiting,
        )
        now = timezone.now()
        moved = {
            row[0]
            for row in rows.rows(
                f"UPDATE {rows.table(d)} SET {status} = %s, "
                f"{rows.column(d, 'fetched_at')} = %s, {count} = {count} + 1 "
                f"WHERE {recipient} = %s AND {of_packet} IN ({marks}) AND {status} = %s "
                f"RETURNING {of_packet}",
                [
                    DeliveryStatus.FETCHED.value,
                    rows.prep(d, "fetched_at", now),
                    agency.pk,
                    *waiting,
                    DeliveryStatus.WAITING.value,
                ],
            )
        }
        if moved:
            rows.execute(
                f"UPDATE {rows.table(p)} SET {rows.column(p, 'changed_at')} = %s "
                f"WHERE {rows.column(p, 'id')} IN ({_marks(moved)})",
                [rows.prep(p, "changed_at", now), *moved],
            )
    # Fetched before (or moved meanwhile by another call): only the count changes.
    again = [x.pk for x in mine if x.pk not in moved]
    if again:
        rows.execute(
            f"UPDATE {rows.table(d)} SET {count} = {count} + 1 "
            f"WHERE {recipient} = %s AND {of_packet} IN ({_marks(again)})",
            [agency.pk, *again],
        )


def _marks(values: Any) -> str:
    return ", ".join(["%s"] * len(values))
