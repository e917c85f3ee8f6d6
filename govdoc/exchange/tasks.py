"""Background work of the exchange app: take ids, call one service."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

SEND_DUE_JOB = "exchange.send_due"
POLL_JOB = "exchange.poll_inboxes"


@task()
def prepare_dispatch_packet(dispatch_id: int, change_id: int = 0) -> int | None:
    """Build, sign and queue the packet of one delivery through the interconnection."""
    from govdoc.exchange.services.sending import dispatch_packet_prepare

    row = dispatch_packet_prepare(dispatch_id=dispatch_id, change_id=change_id)
    return row.pk if row is not None else None


@task()
def send_packet(packet_id: int) -> str:
    """Send one queued packet now (the periodic sweep retries what fails)."""
    from govdoc.exchange.models import OutboxPacket
    from govdoc.exchange.services.outbox import outbox_send_one

    packet = OutboxPacket.objects.select_related("agency", "packet").filter(pk=packet_id).first()
    if packet is None:
        return "missing"
    if packet.transport == "local":
        from govdoc.exchange.services.local_delivery import local_send_now

        return local_send_now(packet)
    return outbox_send_one(packet)


@task()
def send_due(occurrence: str = "") -> int:
    from govdoc.exchange.services.outbox import outbox_send_due

    # Local packets it sends are received by the next poll (local_receive_waiting).
    return outbox_send_due()


@task()
def poll_inboxes(occurrence: str = "") -> int:
    """Fetch what waits for every hosted agency that has an account on a transport."""
    from govdoc.exchange.models import ExchangeAccount
    from govdoc.exchange.services.inbox import inbox_poll
    from govdoc.exchange.services.local_delivery import local_receive_waiting

    total = local_receive_waiting()
    for account in ExchangeAccount.objects.filter(
        is_active=True, agency__is_hosted=True
    ).select_related("agency"):
        total += inbox_poll(agency=account.agency, transport=account.transport)
    return total


@task()
def send_status_answer(
    received_id: int, event: str, reason: str = "", staff: str = ""
) -> int | None:
    """Answer the sender of a document received through the interconnection."""
    from govdoc.exchange.services.answers import status_answer_queue

    row = status_answer_queue(received_id=received_id, event=event, reason=reason, staff=staff)
    return row.pk if row is not None else None


def register_periodic_jobs() -> None:
    from django.conf import settings

    from govdoc.core.periodic import register_periodic

    seconds = float(getattr(settings, "GOVDOC_EXCHANGE_POLL_SECONDS", 30))
    register_periodic(SEND_DUE_JOB, task=send_due, every=dt.timedelta(seconds=seconds))
    register_periodic(POLL_JOB, task=poll_inboxes, every=dt.timedelta(seconds=seconds))
