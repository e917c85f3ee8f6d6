"""The `local` transport: agencies hosted on this installation exchange edXML packets through
a mailbox in this database — delivery inside the issuance's transaction, status answers,
update, revocation refused, take-back — and the transport's own calls."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from govdoc.core.errors import InvalidTransition, ValidationFailed
from govdoc.exchange.edxml.build import build_document_packet
from govdoc.exchange.models import InboxPacket, LocalMail, OutboxPacket
from govdoc.exchange.packets import document_packet_for
from govdoc.exchange.services.inbox import inbox_poll
from govdoc.exchange.services.sending import dispatch_recall_request
from govdoc.exchange.transports.base import PermanentTransportError
from govdoc.exchange.transports.local import LocalTransport
from govdoc.exchange.workflow import InboxStatus, OutboxStatus
from govdoc.incoming.models import ReceivedDocument, ReceivedHistory
from govdoc.incoming.received_workflow import Channel, ReceivedStatus
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.models import OutgoingDocument
from govdoc.outgoing.tests.hosted_steps import (
    person_there,
    received_there,
    refuse_there,
    register_there,
    sender_changes,
)
from govdoc.outgoing.workflow import ChangeKind, DispatchStatus

pytestmark = pytest.mark.django_db


def test_a_document_to_an_agency_hosted_here_travels_as_a_packet_of_the_local_transport(
    other_agency: Agency, issue: Callable[..., OutgoingDocument]
) -> None:
    # when a document is issued to an agency hosted on this installation
    outgoing = issue()
    # then it left the outbox as an edXML packet of the local transport, sent
    (sent,) = OutboxPacket.objects.filter(transport="local", kind="EDOC")
    assert sent.status == OutboxStatus.SENT and sent.to_organ_ids == [other_agency.organ_id]
    assert sent.document_identifier == outgoing.document.document_identifier
    # and the other agency's mailbox row is acknowledged, its inbox packet applied
    mail = LocalMail.objects.get(recipient=other_agency, kind="edoc")
    assert mail.status == LocalMail.Status.DONE and mail.message_id == sent.external_id
    packet = InboxPacket.objects.get(agency=other_agency, kind="EDOC")
    assert packet.status == InboxStatus.APPLIED and packet.transport == "local"
    # and the document waits for its clerk, on the channel "same installation"
    received = ReceivedDocument.objects.get(agency=other_agency)
    assert received.channel == Channel.LOCAL
    assert received.external_ref == (
        f"edxml:{outgoing.agency.organ_id}:{outgoing.document.document_identifier}"
    )
    assert received.subject == outgoing.document.subject
    assert received.files.count() == outgoing.document.files.count()
    # and the arrival went back as a status packet (01): the sender sees "arrived"
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.ARRIVED and dispatch.received_ref == str(received.pk)
    assert OutboxPacket.objects.filter(
        transport="local", kind="STATUS", agency=other_agency, status=OutboxStatus.SENT
    ).exists()


def test_nothing_is_delivered_when_the_issuance_rolls_back(
    ministry: Agency, other_agency: Agency, issue: Callable[..., OutgoingDocument]
) -> None:
    # given the packet of an issued document, sent again inside a transaction that fails
    outgoing = issue()
    before = (LocalMail.objects.count(), ReceivedDocument.objects.count())
    transport = LocalTransport()
    data = build_document_packet(document_packet_for(outgoing, None))
    with pytest.raises(RuntimeError), transaction.atomic():
        transport.send(
            sender_organ_id=ministry.organ_id, packet=data, to=[other_agency.organ_id], kind="edoc"
        )
        inbox_poll(agency=other_agency, transport="local")
        raise RuntimeError("the issuance failed")
    # then nothing of it is left on either side
    assert (LocalMail.objects.count(), ReceivedDocument.objects.count()) == before


def test_the_transport_refuses_an_unknown_recipient_and_lists_what_waits(
    ministry: Agency, other_agency: Agency, issue: Callable[..., OutgoingDocument]
) -> None:
    transport = LocalTransport()
    with pytest.raises(PermanentTransportError) as error:
        transport.send(
            sender_organ_id=ministry.organ_id, packet=b"<x/>", to=["000.00.00.Z99"], kind="edoc"
        )
    assert error.value.code == "unknown_recipient" and "000.00.00.Z99" in str(error.value)
    assert not LocalMail.objects.exists()
    # a packet handed over waits, is fetched, acknowledged and shows in the sent list
    message = transport.send(
        sender_organ_id=ministry.organ_id, packet=b"<x/>", to=[other_agency.organ_id], kind="edoc"
    )
    (ref,) = transport.list_received(organ_id=other_agency.organ_id)
    assert ref.sender_organ_id == ministry.organ_id and ref.size == 4
    assert transport.get(organ_id=other_agency.organ_id, packet_id=ref.id) == b"<x/>"
    assert transport.list_received(organ_id=ministry.organ_id) == []
    transport.acknowledge(organ_id=other_agency.organ_id, packet_id=ref.id, done=False, reason="x")
    assert transport.list_received(organ_id=other_agency.organ_id) == []
    (sent,) = transport.list_sent(organ_id=ministry.organ_id)
    assert (sent.id, sent.status, sent.reason) == (message, "failed", "x")
    organs = {entry.organ_id for entry in transport.directory(organ_id=ministry.organ_id)}
    assert {ministry.organ_id, other_agency.organ_id} <= organs


def test_an_unsigned_local_packet_claiming_another_sender_is_refused(
    ministry: Agency, other_agency: Agency, issue: Callable[..., OutgoingDocument]
) -> None:
    # given a packet from the ministry handed over as if the other agency sent it
    outgoing = issue(recipients=())
    data = build_document_packet(
        dataclasses.replace(
            document_packet_for(outgoing, None),
            recipients=(),
        )
    )
    third = Agency.objects.create(organ_id="000.00.00.H42", name="Sở thứ ba", is_hosted=True)
    LocalTransport().send(
        sender_organ_id=other_agency.organ_id, packet=data, to=[third.organ_id], kind="edoc"
    )
    # when the third agency receives it
    inbox_poll(agency=third, transport="local")
    # then it is refused as a forged sender, nothing reaches its inbox
    packet = InboxPacket.objects.get(agency=third)
    assert packet.status == InboxStatus.REFUSED
    assert packet.reason_code == "signature:sender_mismatch"
    assert not ReceivedDocument.objects.filter(agency=third).exists()
    assert LocalMail.objects.get(recipient=third).status == LocalMail.Status.FAILED


def test_an_update_is_recorded_there_and_answered(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document the other agency has received
    outgoing = issue()
    received = received_there(other_agency)
    # when the sender updates it
    sender_changes(
        outgoing,
        kind=ChangeKind.UPDATE,
        reason="Đính chính thời hạn báo cáo",
        actor=personas["clerk"],
        capture=django_capture_on_commit_callbacks,
    )
    # then the update is on the other agency's copy's history, still waiting for its clerk
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WAITING
    update = ReceivedHistory.objects.get(received=received, action="sender_update")
    assert "Đính chính thời hạn báo cáo" in update.note
    # and the sender sees the update accepted (15), the delivery unchanged
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.ARRIVED
    assert dispatch.events.filter(reason="Đã nhận cập nhật").exists()


def test_an_update_changing_the_metadata_is_applied_while_it_waits(
    ministry: Agency, other_agency: Agency, issue: Callable[..., OutgoingDocument]
) -> None:
    from govdoc.exchange.edxml.model import Bussiness, BussinessDocType

    outgoing = issue()
    received = received_there(other_agency)
    base = document_packet_for(outgoing, outgoing.dispatches.get())
    updated = dataclasses.replace(
        base,
        subject="Về việc báo cáo tình hình (đính chính)",
        bussiness=Bussiness(
            doc_type=BussinessDocType.UPDATE,
            doc_reason="Sửa trích yếu",
            document_id=base.document_id,
        ),
    )
    LocalTransport().send(
        sender_organ_id=ministry.organ_id,
        packet=build_document_packet(updated),
        to=[other_agency.organ_id],
        kind="edoc",
    )
    inbox_poll(agency=other_agency, transport="local")
    received.refresh_from_db()
    assert received.subject == "Về việc báo cáo tình hình (đính chính)"
    history = ReceivedHistory.objects.get(received=received, action="sender_update")
    assert history.data["applied"] is True and "subject" in history.data["changes"]
    assert ReceivedDocument.objects.filter(agency=other_agency).count() == 1


def test_a_revocation_they_cannot_apply_is_not_read_as_a_refusal_of_the_document(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document the other agency registered, then annulled there
    outgoing = issue()
    incoming = register_there(
        received_there(other_agency),
        clerk=person_there(other_agency, "vt2"),
        capture=django_capture_on_commit_callbacks,
    )
    (dispatch,) = outgoing.dispatches.all()
    from govdoc.incoming.models import IncomingDocument

    IncomingDocument.objects.filter(pk=incoming.pk).update(status="ANNULLED")
    # when the sender revokes it
    sender_changes(
        outgoing,
        kind=ChangeKind.REVOKE,
        reason="Ban hành nhầm",
        actor=personas["clerk"],
        capture=django_capture_on_commit_callbacks,
    )
    # then their 02 is kept as "not revoked there", the delivery is not a refusal
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ACCEPTED
    assert dispatch.events.filter(reason__startswith="Không thu hồi được").exists()
    assert outgoing.draft.history.filter(action="withdraw_refused").exists()


def test_take_back_while_it_waits_and_refused_once_registered(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = issue()
    second = issue(subject="Về việc thứ hai")
    (waiting_dispatch,) = first.dispatches.all()
    (registered_dispatch,) = second.dispatches.all()
    register_there(
        received_there(other_agency, subject="Về việc thứ hai"),
        clerk=person_there(other_agency, "vt2"),
        capture=django_capture_on_commit_callbacks,
    )
    # a specialist may not ask, nor without a reason
    from govdoc.core.errors import Forbidden

    with pytest.raises(Forbidden):
        dispatch_recall_request(dispatch=waiting_dispatch, actor=personas["specialist"], reason="x")
    with pytest.raises(ValidationFailed):
        dispatch_recall_request(dispatch=waiting_dispatch, actor=personas["clerk"], reason=" ")
    # when the clerk asks for both back
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_recall_request(dispatch=waiting_dispatch, actor=personas["clerk"], reason="Nhầm")
        dispatch_recall_request(
            dispatch=registered_dispatch, actor=personas["clerk"], reason="Nhầm"
        )
    # then the waiting one is taken back (15), the registered one refused (16)
    waiting_dispatch.refresh_from_db()
    registered_dispatch.refresh_from_db()
    assert waiting_dispatch.status == DispatchStatus.WITHDRAWN
    assert (
        ReceivedDocument.objects.get(pk=int(waiting_dispatch.received_ref)).status
        == ReceivedStatus.WITHDRAWN
    )
    assert registered_dispatch.status == DispatchStatus.ACCEPTED
    assert registered_dispatch.events.filter(reason__startswith="Từ chối lấy lại").exists()
    # and a withdrawn delivery cannot be asked again
    with pytest.raises(InvalidTransition):
        dispatch_recall_request(dispatch=waiting_dispatch, actor=personas["clerk"], reason="Lại")


def test_a_refused_document_can_no_longer_be_asked_back(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    outgoing = issue()
    refuse_there(
        received_there(other_agency),
        clerk=person_there(other_agency, "vt2"),
        reason="Không đúng thẩm quyền",
        capture=django_capture_on_commit_callbacks,
    )
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.REFUSED
    count = OutboxPacket.objects.count()
    with pytest.raises(InvalidTransition):
        dispatch_recall_request(dispatch=dispatch, actor=personas["clerk"], reason="Nhầm")
    assert OutboxPacket.objects.count() == count
