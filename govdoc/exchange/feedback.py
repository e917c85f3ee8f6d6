"""Status answers, automatic (DOMAIN §5.4): for every document received as a packet (from
the interconnection, or from an agency hosted here through the `local` transport), each
step here (arrived the same moment, registered, refused with the reason, assigned, in
progress, completed, a revocation applied) goes back to its sender as a status packet,
queued by a task after the step commits."""

from __future__ import annotations

from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.incoming import receipt_events
from govdoc.incoming.receipt_events import ReceiptEvent
from govdoc.incoming.received_workflow import Channel


def on_receipt(event: ReceiptEvent) -> None:
    if event.channel not in (Channel.INTERCONNECT, Channel.LOCAL):
        return
    from govdoc.exchange.tasks import send_status_answer

    # A withdrawal is the sender's own doing (its revocation or take-back): the name that
    # comes with it is theirs, not one of our staff.
    staff = "" if event.event == receipt_events.WITHDRAWN_CONFIRMED else event.actor_name
    enqueue_on_commit(send_status_answer, event.received_id, event.event, event.reason, staff)


def connect() -> None:
    # It only queues a task (written with the change in the database queue): called inside
    # the transaction, not as one more commit after it.
    receipt_events.register_receipt_listener(on_receipt, in_transaction=True)
