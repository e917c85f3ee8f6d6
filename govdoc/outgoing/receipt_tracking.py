"""The sender follows each recipient on the same installation: the receiving side's receipt
events (arrived, accepted, refused, assigned, in progress, completed, withdrawal confirmed)
move the matching delivery forward."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from govdoc.incoming import receipt_events
from govdoc.incoming.receipt_events import ReceiptEvent
from govdoc.notifications.services import notify
from govdoc.outgoing.models import Dispatch
from govdoc.outgoing.workflow import DispatchStatus

EVENT_STATUS: dict[str, str] = {
    receipt_events.ARRIVED: DispatchStatus.ARRIVED,
    receipt_events.ACCEPTED: DispatchStatus.ACCEPTED,
    receipt_events.REFUSED: DispatchStatus.REFUSED,
    receipt_events.ASSIGNED: DispatchStatus.ASSIGNED,
    receipt_events.IN_PROGRESS: DispatchStatus.IN_PROGRESS,
    receipt_events.COMPLETED: DispatchStatus.COMPLETED,
    receipt_events.WITHDRAWN_CONFIRMED: DispatchStatus.WITHDRAWN,
}
PREFIX = "outgoing-dispatch:"


def on_receipt(event: ReceiptEvent) -> None:
    if not event.external_ref.startswith(PREFIX):
        return
    status = EVENT_STATUS.get(event.event)
    if status is None:
        return
    try:
        dispatch_id = int(event.external_ref[len(PREFIX) :])
    except ValueError:
        return
    from govdoc.outgoing.services.dispatching import record_status

    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update()
            .select_related("outgoing", "outgoing__draft", "outgoing__document", "recipient")
            .filter(pk=dispatch_id)
            .first()
        )
        if dispatch is None:
            return
        moved = record_status(
            dispatch, status, reason=event.reason, by_name=event.actor_name, at=event.at
        )
        if moved and status == DispatchStatus.REFUSED:
            draft = dispatch.outgoing.draft
            notify(
                recipients=[draft.drafter],
                kind="outgoing.refused",
                title=(
                    f"{dispatch.recipient.name} trả lại văn bản {dispatch.outgoing.document.code}"
                ),
                body=event.reason[:500],
                url=reverse("outgoing:issued_detail", args=[dispatch.outgoing_id]),
                agency_id=dispatch.outgoing.agency_id,
            )


def connect() -> None:
    receipt_events.register_receipt_listener(on_receipt)
