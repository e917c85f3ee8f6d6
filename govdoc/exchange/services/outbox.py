"""The outbox: packets queued inside the transaction that decided to send them, then sent by
the worker. A worker claims packets with a compare-and-set (QUEUED → SENDING; a batch of due
packets in one statement, rows locked by another worker skipped), so two workers never send
the same packet; a temporary failure puts it back with an exponential
back-off; a permanent refusal is a typed end state an operator may retry."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core import sql_rows
from govdoc.core.errors import Forbidden, InvalidTransition
from govdoc.documents.sniffing import FileKind
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.exchange.models import OutboxPacket, PacketEvent
from govdoc.exchange.services.packet_events import packet_event
from govdoc.exchange.transports.base import (
    Outgoing,
    PermanentTransportError,
    TransportError,
    send_all,
)
from govdoc.exchange.transports.registry import transport_for
from govdoc.exchange.workflow import OutboxStatus, next_outbox_status
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role

XML = FileKind("xml", "XML", "application/xml", (".xml",))
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=6)
# A claim older than this belongs to a worker that died while sending.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
BATCH = 50


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … at most 6 hours."""
    delay: dt.timedelta = FIRST_DELAY * (2 ** max(0, attempts - 1))
    return min(delay, MAX_DELAY)


def outbox_enqueue(
    *,
    agency: Agency,
    kind: str,
    transport: str,
    to: Sequence[str],
    packet: bytes,
    subject_ref: str = "",
    document_identifier: str = "",
    priority: int = 0,
) -> OutboxPacket:
    """Queue a packet; call inside the transaction that decided to send it (nothing is lost:
    it is sent after commit, or not at all if the change rolled back)."""
    stored = store_bytes(data=packet, kind=XML)
    now = timezone.now()
    row = sql_rows.save_new(
        OutboxPacket(
            agency=agency,
            kind=kind,
            transport=transport,
            to_organ_ids=list(to),
            packet=stored,
            subject_ref=subject_ref[:100],
            document_identifier=document_identifier[:100],
            priority=priority,
            status=OutboxStatus.QUEUED,
            next_attempt_at=now,
            created_at=now,
        )
    )
    packet_event(row, "queue", "", OutboxStatus.QUEUED)
    return row


def _move(
    packet: OutboxPacket, action: str, *, where: dict[str, Any] | None = None, **changes: Any
) -> bool:
    """Compare-and-set on the status (and `where`): False when someone else moved it first."""
    target = next_outbox_status(packet.status, action)
    if target is None:
        return False
    if where:
        updated = OutboxPacket.objects.filter(pk=packet.pk, status=packet.status, **where).update(
            status=target, **changes
        )
    else:  # every send passes here: the statement built once
        updated = sql_rows.update(
            OutboxPacket,
            {"status": target, **changes},
            where={"id": packet.pk, "status": packet.status},
        )
    if updated != 1:
        return False
    before = packet.status
    packet.status = target
    for key, value in changes.items():
        setattr(packet, key, value)
    packet_event(packet, action, before, target, str(changes.get("last_error", "")))
    return True


def _claim(packet: OutboxPacket, *, worker: str, now: dt.datetime | None = None) -> bool:
    # Only a packet that is due: not one that another attempt has just put back to wait.
    return _move(
        packet,
        "claim",
        where={"next_attempt_at__lte": now or timezone.now()},
        claimed_at=timezone.now(),
        claimed_by=worker,
    )


def outbox_send_one(
    packet: OutboxPacket, *, worker: str | None = None, now: dt.datetime | None = None
) -> str:
    """Claim and send one packet if it is due; returns its status afterwards."""
    with transaction.atomic():
        if not _claim(packet, worker=worker or _worker_name(), now=now):
            return OutboxPacket.objects.values_list("status", flat=True).get(pk=packet.pk)
    return _send_claimed(packet)


def _send_claimed(packet: OutboxPacket) -> str:
    """Send a packet this worker has claimed (SENDING); returns its status afterwards."""
    try:
        outcome: str | TransportError = transport_for(packet.transport).send(
            sender_organ_id=packet.agency.organ_id,
            packet=open_stored(packet.packet),
            to=list(packet.to_organ_ids),
            kind=_kind(packet),
        )
    except TransportError as error:
        outcome = error
    with transaction.atomic():
        _record(packet, outcome)
    return packet.status


def _kind(packet: OutboxPacket) -> str:
    return "edoc" if packet.kind == "EDOC" else "status"


def _record(packet: OutboxPacket, outcome: str | TransportError) -> None:
    """What became of one sending attempt (call inside a transaction): SENT with the far
    side's id, FAILED for a refusal, or back to wait with an exponential back-off."""
    attempts = packet.attempts + 1
    if isinstance(outcome, PermanentTransportError):
        _move(packet, "fail", attempts=attempts, last_error=f"[{outcome.code}] {outcome}"[:1000])
    elif isinstance(outcome, TransportError):
        _move(
            packet,
            "retry",
            attempts=attempts,
            last_error=str(outcome)[:1000],
            next_attempt_at=timezone.now() + backoff(attempts),
            claimed_at=None,
            claimed_by="",
        )
    else:
        _move(
            packet,
            "sent",
            attempts=attempts,
            external_id=str(outcome)[:100],
            sent_at=timezone.now(),
            last_error="",
        )
        from govdoc.exchange.services.sent_hooks import packet_sent

        packet_sent(packet)


def _send_batch(packets: Sequence[OutboxPacket]) -> int:
    """Send claimed packets of one transport and sender together (`send_all`: the hub takes
    a batch in one call) and record every outcome in one transaction; how many were SENT."""
    first = packets[0]
    try:
        outcomes = send_all(
            transport_for(first.transport),
            sender_organ_id=first.agency.organ_id,
            packets=[
                Outgoing(packet=open_stored(p.packet), to=list(p.to_organ_ids), kind=_kind(p))
                for p in packets
            ],
        )
    except TransportError as error:
        outcomes = [error] * len(packets)
    with transaction.atomic():
        for packet, outcome in zip(packets, outcomes, strict=True):
            _record(packet, outcome)
    return sum(1 for p in packets if p.status == OutboxStatus.SENT)


def _claim_due(*, limit: int, moment: dt.datetime, worker: str) -> list[OutboxPacket]:
    """Claim up to `limit` due packets, urgent first, in one transaction: one SELECT (on
    PostgreSQL `FOR UPDATE SKIP LOCKED`: rows another worker is claiming are skipped), one
    compare-and-set UPDATE of them all (QUEUED → SENDING, by the transition table) and one
    INSERT of their events. On SQLite the transaction holds the write lock from its start,
    so what the SELECT found is still QUEUED when the UPDATE runs."""
    target = next_outbox_status(OutboxStatus.QUEUED, "claim")
    assert target is not None
    with transaction.atomic():
        rows = (
            OutboxPacket.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=moment)
            .select_related("agency", "packet")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("-priority", "next_attempt_at", "pk")[:limit]
        )
        due = list(rows)
        if not due:
            return []
        claimed_at = timezone.now()
        updated = OutboxPacket.objects.filter(
            pk__in=[p.pk for p in due], status=OutboxStatus.QUEUED
        ).update(status=target, claimed_at=claimed_at, claimed_by=worker)
        if updated != len(due):  # pragma: no cover - the rows are ours (locked / write lock)
            raise RuntimeError("outbox: claimed rows changed under their lock")
        for packet in due:
            packet.status, packet.claimed_at, packet.claimed_by = target, claimed_at, worker
        PacketEvent.objects.bulk_create(
            PacketEvent(
                outbox=packet,
                at=claimed_at,
                action="claim",
                from_status=OutboxStatus.QUEUED,
                to_status=target,
            )
            for packet in due
        )
    return due


def outbox_send_due(*, limit: int = BATCH, now: dt.datetime | None = None) -> int:
    """The worker's job: release expired claims, then claim the due packets (urgent first,
    a batch at once) and send them."""
    moment = now or timezone.now()
    for stale in OutboxPacket.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=moment - CLAIM_TIMEOUT
    ):
        with transaction.atomic():
            _move(stale, "expire", claimed_at=None, claimed_by="")
    groups: dict[tuple[str, int], list[OutboxPacket]] = {}
    for packet in _claim_due(limit=limit, moment=moment, worker=_worker_name()):
        groups.setdefault((packet.transport, packet.agency_id), []).append(packet)
    sent = 0
    for group in groups.values():
        # A batch's packets are read into memory together: groups of at most 8 MB.
        for chunk in _by_size(group, SEND_BYTES):
            sent += _send_batch(chunk)
    return sent


SEND_BYTES = 8 * 1024 * 1024


def _by_size(packets: Sequence[OutboxPacket], budget: int) -> list[list[OutboxPacket]]:
    chunks: list[list[OutboxPacket]] = []
    total = 0
    for packet in packets:
        size = packet.packet.size if packet.packet is not None else 0
        if chunks and total + size <= budget:
            chunks[-1].append(packet)
            total += size
        else:
            chunks.append([packet])
            total = size
    return chunks


def outbox_requeue(*, packet: OutboxPacket, actor: Any) -> OutboxPacket:
    """An operator sends a failed packet again."""
    if not has_role(actor, packet.agency_id, Role.ADMIN, Role.CLERK):
        raise Forbidden("Chỉ văn thư hoặc quản trị được gửi lại gói tin.")
    with transaction.atomic():
        if not _move(packet, "requeue", next_attempt_at=timezone.now(), attempts=0):
            raise InvalidTransition("Chỉ gửi lại được gói tin gửi không thành công.")
        audit_record(
            actor=actor,
            action="exchange.requeue",
            target=packet,
            agency_id=packet.agency_id,
            data={"packet": packet.pk},
        )
    return packet
