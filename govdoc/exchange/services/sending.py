"""Outgoing documents as edXML packets. A delivery to an agency outside this installation
becomes a signed packet in the outbox (after the issuance commits, by a task: building and
signing stay out of the request's transaction). A delivery to an agency hosted on this
installation travels the same way through the `local` transport, inside the issuance's
transaction (ADR 0013): both mailboxes are in this database, so the document is delivered
if and only if it is issued. Revocations, updates and replacements follow the same paths."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.exchange.edxml.build import build_document_packet, build_status_packet
from govdoc.exchange.edxml.model import DocumentPacket, StatusPacket
from govdoc.exchange.models import OutboxPacket
from govdoc.exchange.services.accounts import signing_key
from govdoc.exchange.services.outbox import outbox_enqueue
from govdoc.exchange.workflow import PacketKind
from govdoc.exchange.xmldsig.signing import sign_packet
from govdoc.organizations.models import Agency
from govdoc.outgoing.models import Dispatch, OutgoingChange
from govdoc.outgoing.workflow import Method

LOCAL = "local"

NOT_CONFIGURED = (
    "Cơ quan chưa được cấu hình liên thông (mã truy cập và khóa ký gói tin): văn bản chờ gửi."
)


def default_transport() -> str:
    return str(getattr(settings, "GOVDOC_EXCHANGE_TRANSPORT", "hub") or "hub")


def transport_of(method: str) -> str:
    return LOCAL if method == Method.LOCAL else default_transport()


def signed(agency: Agency, transport: str, data: bytes) -> bytes | None:
    """The packet signed with the agency's packet key, or None when none is configured.
    On the `local` transport the installation itself vouches for the sender: the packet is
    signed when the agency has a key there, and goes unsigned otherwise."""
    key = signing_key(agency.pk, transport)
    if key is None:
        return data if transport == LOCAL else None
    return sign_packet(data, key=key.key, certificate=key.certificate, chain=key.chain)


def on_interconnect_dispatch(dispatch: Dispatch, actor: Any) -> None:
    """outgoing's dispatch handler (inside the issuance's transaction)."""
    from govdoc.exchange.tasks import prepare_dispatch_packet

    enqueue_on_commit(prepare_dispatch_packet, dispatch.pk, 0)


def on_interconnect_change(dispatch: Dispatch, change: OutgoingChange, actor: Any) -> None:
    from govdoc.exchange.tasks import prepare_dispatch_packet

    enqueue_on_commit(prepare_dispatch_packet, dispatch.pk, change.pk)


def on_local_dispatch(dispatch: Dispatch, actor: Any) -> None:
    """outgoing's handler for an agency hosted here: packet, send, receive, all at once."""
    from govdoc.exchange.services.local_delivery import local_send_now

    row = dispatch_packet_prepare(dispatch_id=dispatch.pk)
    if row is None:
        return
    local_send_now(row)
    recipient = dispatch.recipient.agency
    assert recipient is not None
    from govdoc.incoming.models import ReceivedDocument

    received = ReceivedDocument.objects.filter(
        agency=recipient,
        external_ref=(
            f"edxml:{dispatch.outgoing.agency.organ_id}:"
            f"{dispatch.outgoing.document.document_identifier}"
        ),
    ).first()
    if received is not None:
        Dispatch.objects.filter(pk=dispatch.pk).update(received_ref=str(received.pk))
        dispatch.received_ref = str(received.pk)


def on_local_change(dispatch: Dispatch, change: OutgoingChange, actor: Any) -> None:
    from govdoc.exchange.services.local_delivery import local_send_now

    row = dispatch_packet_prepare(dispatch_id=dispatch.pk, change_id=change.pk)
    if row is not None:
        local_send_now(row)


def dispatch_packet_prepare(*, dispatch_id: int, change_id: int = 0) -> OutboxPacket | None:
    """Build, sign and queue the packet of one delivery (or of its change)."""
    from govdoc.exchange.packets import document_packet_for

    dispatch = (
        Dispatch.objects.select_related(
            "outgoing__document__document_type",
            "outgoing__agency",
            "outgoing__draft",
            "recipient__agency",
        )
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None or dispatch.recipient.agency is None:
        return None
    change = OutgoingChange.objects.filter(pk=change_id).first() if change_id else None
    ref = f"outgoing-dispatch:{dispatch.pk}" + (f":change:{change.pk}" if change else "")
    existing = OutboxPacket.objects.filter(subject_ref=ref).first()
    if existing is not None:
        return existing  # the task ran twice
    outgoing = dispatch.outgoing
    transport = transport_of(dispatch.method)
    packet: DocumentPacket = document_packet_for(outgoing, dispatch, change=change)
    data = signed(outgoing.agency, transport, build_document_packet(packet))
    with transaction.atomic():
        if data is None:
            locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            if locked.reason != NOT_CONFIGURED:
                Dispatch.objects.filter(pk=locked.pk).update(reason=NOT_CONFIGURED)
            return None
        row = outbox_enqueue(
            agency=outgoing.agency,
            kind=PacketKind.EDOC,
            transport=transport,
            to=[dispatch.recipient.agency.organ_id],
            packet=data,
            subject_ref=ref,
            document_identifier=outgoing.document.document_identifier,
            priority=int(outgoing.document.priority),
        )
        if transport != LOCAL:  # a local packet is sent by its caller, at once
            from govdoc.exchange.tasks import send_packet

            enqueue_on_commit(send_packet, row.pk)
    return row


def status_packet_queue(
    *,
    agency: Agency,
    to_organ_id: str,
    status: StatusPacket,
    subject_ref: str,
    transport: str = "",
) -> OutboxPacket | None:
    """Inside the caller's transaction: queue a signed status answer (None when the agency
    has no packet key yet — then nothing can be sent, and the reason is journaled)."""
    transport = transport or default_transport()
    data = signed(agency, transport, build_status_packet(status))
    if data is None:
        return None
    row = outbox_enqueue(
        agency=agency,
        kind=PacketKind.STATUS,
        transport=transport,
        to=[to_organ_id],
        packet=data,
        subject_ref=subject_ref,
        document_identifier=status.response_for.document_id,
        priority=1,
    )
    from govdoc.exchange.tasks import send_packet

    enqueue_on_commit(send_packet, row.pk)
    return row


# No take-back once the recipient has sent it back, or it is already withdrawn.
RECALL_CLOSED = frozenset({"REFUSED", "WITHDRAWN", "FAILED"})


def dispatch_recall_request(*, dispatch: Dispatch, actor: Any, reason: str) -> OutboxPacket:
    """Ask a recipient agency to give the document back (13): it agrees (15) while the
    document still waits for its clerk, refuses (16) once registered."""
    from govdoc.core.errors import Forbidden, InvalidTransition, ValidationFailed
    from govdoc.exchange.edxml.model import ResponseFor, StatusCode
    from govdoc.exchange.edxml.model import StatusPacket as Status
    from govdoc.exchange.packets import _now, organization
    from govdoc.organizations.access import has_role
    from govdoc.organizations.roles import Role
    from govdoc.outgoing.workflow import DispatchStatus

    outgoing = dispatch.outgoing
    if not has_role(actor, outgoing.agency_id, Role.CLERK, Role.AGENCY_LEADER):
        raise Forbidden("Chỉ văn thư hoặc lãnh đạo cơ quan được yêu cầu lấy lại văn bản.")
    if (
        dispatch.method not in (Method.INTERCONNECT, Method.LOCAL)
        or dispatch.recipient.agency is None
    ):
        raise InvalidTransition("Chỉ yêu cầu lấy lại được văn bản gửi điện tử cho cơ quan khác.")
    if dispatch.status in RECALL_CLOSED:
        raise InvalidTransition(
            f"Nơi nhận đang ở trạng thái “{DispatchStatus(dispatch.status).label}”: "
            "không yêu cầu lấy lại được."
        )
    text = " ".join(reason.split())
    if not text:
        raise ValidationFailed("Vui lòng ghi lý do.", fields={"reason": "Vui lòng ghi lý do."})
    document = outgoing.document
    status = Status(
        response_for=ResponseFor(
            organ_id=outgoing.agency.organ_id,
            code=document.code,
            promulgation_date=document.issued_date,
            document_id=document.document_identifier,
        ),
        sender=organization(outgoing.agency),
        status_code=StatusCode.RECALL_REQUESTED,
        timestamp=_now(),
        description=text[:1000],
    )
    with transaction.atomic():
        row = status_packet_queue(
            agency=outgoing.agency,
            to_organ_id=dispatch.recipient.agency.organ_id,
            status=status,
            subject_ref=f"recall:dispatch:{dispatch.pk}",
            transport=transport_of(dispatch.method),
        )
        if row is None:
            raise ValidationFailed(NOT_CONFIGURED)
        from govdoc.audit.services import audit_record

        audit_record(
            actor=actor,
            action="exchange.recall_request",
            target=dispatch,
            agency_id=outgoing.agency_id,
            data={"reason": text[:500]},
        )
    return row
