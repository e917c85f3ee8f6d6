"""The status answer for one step of a document received through the interconnection."""

from __future__ import annotations

from django.db import transaction

from govdoc.exchange.edxml.model import StatusCode
from govdoc.exchange.models import InboxPacket, OutboxPacket
from govdoc.exchange.packets import EVENT_CODES, status_packet_for
from govdoc.exchange.services.sending import status_packet_queue
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_workflow import Channel


def status_answer_queue(
    *, received_id: int, event: str, reason: str = "", staff: str = ""
) -> OutboxPacket | None:
    received = (
        ReceivedDocument.objects.select_related("agency")
        .filter(pk=received_id, channel=Channel.INTERCONNECT)
        .first()
    )
    code = EVENT_CODES.get(event)
    if received is None or code is None or not received.sender_organ_id:
        return None
    if (
        event == "withdrawn_confirmed"
        and InboxPacket.objects.filter(result_ref=f"recalled:{received.pk}").exists()
    ):
        # Taken back at the sender's request (13): "agreed" (15), not "revocation accepted".
        code = StatusCode.RECALL_ACCEPTED
    ref = f"status:received:{received.pk}:{event}"
    existing = OutboxPacket.objects.filter(subject_ref=ref).first()
    if existing is not None:
        return existing  # each step is answered once
    status = status_packet_for(received, code=code, description=reason, staff=staff)
    with transaction.atomic():
        return status_packet_queue(
            agency=received.agency,
            to_organ_id=received.sender_organ_id,
            status=status,
            subject_ref=ref,
        )
