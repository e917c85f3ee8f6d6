"""What follows a packet's successful send (inside its transaction): the outgoing delivery
it carries is marked sent."""

from __future__ import annotations

from govdoc.exchange.models import OutboxPacket
from govdoc.outgoing.models import Dispatch
from govdoc.outgoing.services.dispatching import record_status
from govdoc.outgoing.workflow import DispatchStatus

DISPATCH_PREFIX = "outgoing-dispatch:"


def packet_sent(packet: OutboxPacket) -> None:
    if not packet.subject_ref.startswith(DISPATCH_PREFIX):
        return
    try:
        dispatch_id = int(packet.subject_ref[len(DISPATCH_PREFIX) :])
    except ValueError:
        return
    dispatch = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
    if dispatch is not None:
        by = "Gửi trong hệ thống" if packet.transport == "local" else "Trục liên thông"
        record_status(dispatch, DispatchStatus.SENT, by_name=by)
