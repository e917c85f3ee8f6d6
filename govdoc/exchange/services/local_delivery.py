"""Packets between agencies hosted on this installation (the `local` transport): sent from
the outbox and received by each recipient's inbox in the caller's transaction, through the
same steps as any other transport (claim, send, keep, check, apply, acknowledge)."""

from __future__ import annotations

from govdoc.exchange.models import LocalMail, OutboxPacket
from govdoc.exchange.services.inbox import inbox_poll
from govdoc.exchange.services.outbox import outbox_send_one
from govdoc.exchange.transports.local import NAME as LOCAL
from govdoc.exchange.workflow import OutboxStatus
from govdoc.organizations.models import Agency


def local_send_now(packet: OutboxPacket) -> str:
    """Send one local packet and let its recipients receive it; returns the outbox status."""
    status = outbox_send_one(packet)
    if status == OutboxStatus.SENT:
        for agency in Agency.objects.filter(organ_id__in=packet.to_organ_ids, is_hosted=True):
            inbox_poll(agency=agency, transport=LOCAL)
    return status


def local_receive_waiting() -> int:
    """The worker's sweep: whatever still waits in a local mailbox (left by a failure after
    sending) is received now."""
    total = 0
    waiting = LocalMail.objects.filter(status=LocalMail.Status.WAITING).values("recipient")
    for agency in Agency.objects.filter(pk__in=waiting, is_hosted=True):
        total += inbox_poll(agency=agency, transport=LOCAL)
    return total
