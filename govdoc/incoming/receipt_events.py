"""What happened to a document another agency sent us, told to the sender's side.

Apps above this one register a listener (the outgoing app updates its per-recipient
dispatch status; the exchange app sends edXML status packets). Each listener is called once
per event, after the transaction that made the change commits — never for a change that
rolled back. A listener must be quick and must not raise: do network work in a task it
enqueues. An exception in one listener is logged and the others still run. A listener that
only writes to the database (e.g. queues a task with `enqueue_on_commit`) may ask to be
called inside the transaction instead (`in_transaction=True`): its writes commit or roll
back with the change, in a savepoint of their own so that its failure is logged, not fatal.

Events (`ReceiptEvent.event`), and the edXML status code they correspond to (DOMAIN §5.3):

- ``arrived``  (01) the document arrived, waiting for the clerk;
- ``accepted`` (03) the clerk registered it;
- ``refused``  (02) the clerk sent it back, with the reason;
- ``assigned`` (04), ``in_progress`` (05), ``completed`` (06) the incoming document it became
  moved to that handling status (each real change once);
- ``withdrawn_confirmed`` (15) the sender's revocation was applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from govdoc.incoming.models import ReceivedDocument

logger = logging.getLogger(__name__)

ARRIVED = "arrived"
ACCEPTED = "accepted"
REFUSED = "refused"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
WITHDRAWN_CONFIRMED = "withdrawn_confirmed"

EVENTS = (ARRIVED, ACCEPTED, REFUSED, ASSIGNED, IN_PROGRESS, COMPLETED, WITHDRAWN_CONFIRMED)


@dataclass(frozen=True)
class ReceiptEvent:
    received_id: int
    external_ref: str
    channel: str
    event: str
    reason: str
    at: dt.datetime
    actor_name: str


ReceiptListener = Callable[[ReceiptEvent], None]
_listeners: list[ReceiptListener] = []
_in_transaction: list[ReceiptListener] = []


def register_receipt_listener(listener: ReceiptListener, *, in_transaction: bool = False) -> None:
    """Call `listener(event)` after commit (or, with `in_transaction`, inside the transaction)
    for every receipt event (registered once, however often this is called with it — e.g.
    from an AppConfig.ready() run twice)."""
    chosen = _in_transaction if in_transaction else _listeners
    if listener not in chosen:
        chosen.append(listener)


def unregister_receipt_listener(listener: ReceiptListener) -> None:
    for chosen in (_listeners, _in_transaction):
        if listener in chosen:
            chosen.remove(listener)


def _dispatch(event: ReceiptEvent, listeners: list[ReceiptListener], *, savepoint: bool) -> None:
    for listener in list(listeners):
        try:
            if savepoint:
                with transaction.atomic():
                    listener(event)
            else:
                listener(event)
        except Exception:
            logger.exception(
                "receipt listener %r failed on %s of received document %s",
                listener,
                event.event,
                event.received_id,
            )


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "display_name", "") or actor.get_username())


def receipt_event_emit(
    *,
    received: ReceivedDocument,
    event: str,
    reason: str = "",
    actor: Any = None,
    actor_name: str = "",
) -> ReceiptEvent:
    """Queue the event for the listeners, to be told when the current transaction commits
    (at once outside a transaction)."""
    if event not in EVENTS:
        raise ValueError(f"unknown receipt event {event!r}")
    item = ReceiptEvent(
        received_id=int(received.pk),
        external_ref=received.external_ref,
        channel=received.channel,
        event=event,
        reason=reason,
        at=timezone.now(),
        actor_name=actor_name or _actor_name(actor),
    )
    if _in_transaction:
        _dispatch(item, _in_transaction, savepoint=True)
    if _listeners:
        transaction.on_commit(lambda: _dispatch(item, _listeners, savepoint=False))
    return item
