"""The status answer for one step of a document received through the interconnection."""

from __future__ import annotations

from django.db import transaction

from govdoc.exchange.edxml.model import StatusCode
from govdoc.exchange.models import InboxPacket, OutboxPacket
from govdoc.exchange.packets import EVENT_CODES, status_packet_for
from govdoc.exchange.services.sending import status_packet_queue
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_workflow import Channel

REPEATABLE = frozenset({"update_accepted", "update_refused"})


def reason_key(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def status_answer_queue(
    *, received_id: int, event: str, reason: str = "", staff: str = ""
) -> OutboxPacket | None:
    received = (
        ReceivedDocument.objects.select_related("agency")
        .filter(pk=received_id, channel__in=(Channel.INTERCONNECT, Channel.LOCAL))
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
    if event in REPEATABLE:
        # An update may be answered more than once: one answer per packet answered.
        ref = f"{ref}:{reason_key(reason)}"
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
            transport="local" if received.channel == Channel.LOCAL else "",
        )
