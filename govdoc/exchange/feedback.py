"""Status answers, automatic (DOMAIN §5.4): for every document received through the
interconnection, each step here (arrived the same moment, registered, refused with the
reason, assigned, in progress, completed, a revocation applied) goes back to its sender as a
signed status packet, queued by a task after the step commits."""

from __future__ import annotations

from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.incoming import receipt_events
from govdoc.incoming.receipt_events import ReceiptEvent
from govdoc.incoming.received_workflow import Channel


def on_receipt(event: ReceiptEvent) -> None:
    if event.channel != Channel.INTERCONNECT:
        return
    from govdoc.exchange.tasks import send_status_answer

    enqueue_on_commit(
        send_status_answer, event.received_id, event.event, event.reason, event.actor_name
    )


def connect() -> None:
    receipt_events.register_receipt_listener(on_receipt)
