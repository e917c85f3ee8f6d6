"""The journal of a packet's status moves (append-only), for the inbox and the outbox alike."""

from __future__ import annotations

from django.utils import timezone

from govdoc.core import sql_rows
from govdoc.exchange.models import InboxPacket, OutboxPacket, PacketEvent


def packet_event(
    packet: InboxPacket | OutboxPacket, action: str, before: str, after: str, note: str = ""
) -> None:
    """One event row (written on every move of every packet: the INSERT built once)."""
    owner = {"inbox": packet} if isinstance(packet, InboxPacket) else {"outbox": packet}
    sql_rows.save_new(
        PacketEvent(
            **owner,
            at=timezone.now(),
            action=action,
            from_status=before,
            to_status=after,
            note=note[:1000],
        )
    )
