"""Receiving through the interconnection: fetch what waits for each hosted agency, keep the
bytes, then check and apply each packet — a document into the agency's electronic inbox, a
revocation to the document it revokes, a status answer to the delivery it answers — and
acknowledge it to the transport (done, or fail with the typed reason). Receiving is
idempotent: the same packet twice (same transport id, or the same bytes) is applied once."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.core import sql_rows
from govdoc.core.batch_memo import batch_memo, remembered
from govdoc.core.errors import DomainError
from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.documents.models import FileRole
from govdoc.documents.sniffing import sniff
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.exchange.edxml.errors import PacketError
from govdoc.exchange.edxml.hardened import Limits, check_size, check_tree
from govdoc.exchange.edxml.model import (
    BussinessDocType,
    DocumentPacket,
    StatusCode,
    StatusPacket,
)
from govdoc.exchange.edxml.parse import ParsedPacket, read_packet, read_tree
from govdoc.exchange.models import InboxPacket
from govdoc.exchange.services.outbox import XML
from govdoc.exchange.services.packet_events import packet_event
from govdoc.exchange.transports.base import (
    Acknowledgement,
    ReceivedRef,
    Transport,
    TransportError,
    acknowledge_all,
    get_all,
)
from govdoc.exchange.transports.local import NAME as LOCAL
from govdoc.exchange.transports.registry import transport_for
from govdoc.exchange.workflow import InboxStatus, PacketKind, next_inbox_status
from govdoc.exchange.xmldsig.errors import PacketSignatureError, SignatureProblem
from govdoc.exchange.xmldsig.verification import check_sender, verify_packet
from govdoc.incoming.inputs import ReceivedInput, ReceivedSender
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_services import (
    received_deliver,
    received_update,
    received_withdraw,
)
from govdoc.incoming.received_workflow import Channel
from govdoc.organizations.models import Agency
from govdoc.outgoing.models import Dispatch
from govdoc.outgoing.services.dispatching import notify_refused, record_status
from govdoc.outgoing.workflow import DispatchStatus, Method, OutgoingStatus
from govdoc.signatures.selectors import active_trust_anchors

logger = logging.getLogger(__name__)

STATUS_OF_CODE: dict[StatusCode, str] = {
    StatusCode.ARRIVED: DispatchStatus.ARRIVED,
    StatusCode.REFUSED: DispatchStatus.REFUSED,
    StatusCode.ACCEPTED: DispatchStatus.ACCEPTED,
    StatusCode.ASSIGNED: DispatchStatus.ASSIGNED,
    StatusCode.IN_PROGRESS: DispatchStatus.IN_PROGRESS,
    StatusCode.COMPLETED: DispatchStatus.COMPLETED,
}


@dataclass(frozen=True)
class Refusal(Exception):
    """A packet refused for good: `code` for programs, `message` in Vietnamese."""

    code: str
    message: str


def _move(packet: InboxPacket, action: str, **changes: object) -> bool:
    target = next_inbox_status(packet.status, action)
    if target is None:
        return False
    updated = sql_rows.update(
        InboxPacket, {"status": target, **changes}, where={"id": packet.pk, "status": packet.status}
    )
    if updated != 1:
        return False
    before = packet.status
    packet.status = target
    for key, value in changes.items():
        setattr(packet, key, value)
    packet_event(packet, action, before, target, str(changes.get("reason", "")))
    return True


BATCH = 50
"""Packets an applier claims and applies in one transaction (each in its own savepoint)."""


def inbox_poll(*, agency: Agency, transport: str, apply: bool = True, batch: int = BATCH) -> int:
    """Fetch and keep every packet waiting for `agency` (the bytes first: nothing received is
    lost), acknowledge those applied already, then — unless `apply` is False, when separate
    appliers (`inbox_apply_pending`) do it — check, apply and acknowledge the kept ones.
    Returns how many were new. A temporary transport failure stops this round's downloads
    (the next round goes on); what was kept is applied all the same."""
    try:
        channel = transport_for(transport)
        waiting = channel.list_received(organ_id=agency.organ_id)
    except TransportError as error:
        logger.warning("inbox %s/%s: %s", agency.organ_id, transport, error)
        return 0
    # One query for every listed id (not one per packet). With separate appliers, a packet
    # applied a moment ago is acknowledged by its applier right after its commit: the poll
    # acknowledges only those whose applier could not (left as "" here: nothing to do).
    recent = None if apply else timezone.now() - ACK_GRACE
    known = {
        external_id: (
            "" if recent is not None and applied_at is not None and applied_at > recent else status,
            reason,
        )
        for external_id, status, reason, applied_at in InboxPacket.objects.filter(
            agency=agency, transport=transport, external_id__in=[ref.id for ref in waiting]
        ).values_list("external_id", "status", "reason", "applied_at")
    }
    new = 0
    copies: dict[str, int] = {}  # listed id → the packet kept under another id (same bytes)
    for ref in waiting:
        status, reason = known.get(ref.id, ("", ""))
        if status in ENDED:
            # Applied or refused, but its acknowledgement has not reached the transport.
            _acknowledge(channel, agency.organ_id, ref.id, status, reason)
    for chunk in _download_chunks([ref for ref in waiting if ref.id not in known]):
        try:
            # Several in one call where the transport can (the hub's POST /packets/fetch).
            got = get_all(channel, organ_id=agency.organ_id, packet_ids=[r.id for r in chunk])
        except TransportError as error:
            logger.warning("inbox get %s…: %s", chunk[0].id, error)
            break
        pairs = [(ref, got[ref.id]) for ref in chunk if ref.id in got]  # others: gone, later
        kept_now = _keep_all(agency, transport, pairs)
        for (ref, _data), packet in zip(pairs, kept_now, strict=True):
            new += 1
            if packet.external_id == ref.id:
                continue
            # The same bytes came before under another id: acknowledged as that packet ends.
            if packet.status not in ENDED:
                copies[ref.id] = packet.pk
                continue
            _acknowledge(channel, agency.organ_id, ref.id, packet.status, packet.reason)
    if apply:
        while inbox_apply_pending(agency=agency, transport=transport, limit=batch):
            pass
    if copies:
        ends = {
            pk: (status, reason)
            for pk, status, reason in InboxPacket.objects.filter(
                pk__in=copies.values(), status__in=ENDED
            ).values_list("pk", "status", "reason")
        }
        for packet_id, pk in copies.items():
            if pk in ends:
                _acknowledge(channel, agency.organ_id, packet_id, *ends[pk])
    return new


ENDED = (InboxStatus.APPLIED, InboxStatus.REFUSED)
DOWNLOAD_ITEMS = 50
DOWNLOAD_BYTES = 8 * 1024 * 1024


def _download_chunks(refs: list[ReceivedRef]) -> list[list[ReceivedRef]]:
    """The packets to download, in listing order, in groups fetched together (≤ 50 packets,
    ≤ 8 MB by the sizes listed): the bytes of a group are in memory at once."""
    chunks: list[list[ReceivedRef]] = []
    total = 0
    for ref in refs:
        if chunks and len(chunks[-1]) < DOWNLOAD_ITEMS and total + ref.size <= DOWNLOAD_BYTES:
            chunks[-1].append(ref)
            total += ref.size
        else:
            chunks.append([ref])
            total = ref.size
    return chunks


ACK_GRACE = dt.timedelta(minutes=1)


def _acknowledge(
    channel: Transport, organ_id: str, packet_id: str, status: str, reason: str
) -> None:
    try:
        channel.acknowledge(
            organ_id=organ_id,
            packet_id=packet_id,
            done=status == InboxStatus.APPLIED,
            reason=reason,
        )
    except TransportError as error:
        # Acknowledged on a later poll (the packet stays listed until then).
        logger.warning("inbox ack %s: %s", packet_id, error)


def _keep_all(
    agency: Agency, transport: str, pairs: Sequence[tuple[ReceivedRef, bytes]]
) -> list[InboxPacket]:
    """The packets of one download kept in one transaction (one commit for the group); if
    one of them was kept already (the same bytes under another id, or another poller at the
    same moment), the group again packet by packet."""
    try:
        with transaction.atomic():
            return [_kept_row(agency, transport, ref, data) for ref, data in pairs]
    except IntegrityError:
        return [_keep(agency, transport, ref, data) for ref, data in pairs]


def _kept_row(agency: Agency, transport: str, ref: ReceivedRef, data: bytes) -> InboxPacket:
    stored = store_bytes(data=data, kind=XML)
    packet = sql_rows.save_new(
        InboxPacket(
            agency=agency,
            transport=transport,
            external_id=ref.id,
            sha256=hashlib.sha256(data).hexdigest(),
            packet=stored,
            sender_organ_id=ref.sender_organ_id[:13],
            received_at=timezone.now(),
        )
    )
    packet_event(packet, "receive", "", InboxStatus.RECEIVED, f"{len(data)} byte")
    return packet


def _keep(agency: Agency, transport: str, ref: ReceivedRef, data: bytes) -> InboxPacket:
    """The packet's bytes kept before anything else (so nothing is lost); the same bytes
    under another id are the same packet."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        with transaction.atomic():
            return _kept_row(agency, transport, ref, data)
    except IntegrityError:
        # The same bytes came before under another id (sent twice), or another poller kept
        # this one at the same moment: one packet.
        existing = InboxPacket.objects.get(agency=agency, sha256=digest)
        return existing


def inbox_apply_pending(
    *, agency: Agency | None = None, transport: str | None = None, limit: int = BATCH
) -> int:
    """An applier's round: claim up to `limit` kept RECEIVED packets (of `agency` on
    `transport`, when given) that no other applier holds, check and apply each, commit, then
    acknowledge each to its transport. Several appliers (processes) may run at once for one
    agency: on PostgreSQL each claims other rows (`SELECT … FOR UPDATE SKIP LOCKED`, held until
    its commit); on SQLite the transaction's write lock makes them take turns. Returns how
    many packets were claimed (0: nothing left to do)."""
    with transaction.atomic():
        claimed = _claim(agency=agency, transport=transport, limit=limit)
        if not claimed:
            return 0
        roots = _roots()  # once per batch, not per packet
        with batch_memo():  # the clerks, types and senders read once per batch too
            for packet in claimed:
                _apply_claimed(packet, authenticated_sender=packet.sender_organ_id, roots=roots)
    # The batch's acknowledgements, in one call per transport and agency where the
    # transport can (the hub's POST /acks).
    ends: dict[tuple[str, str], list[Acknowledgement]] = {}
    for packet in claimed:
        if packet.status in ENDED:
            ends.setdefault((packet.transport, packet.agency.organ_id), []).append(
                Acknowledgement(
                    packet_id=packet.external_id,
                    done=packet.status == InboxStatus.APPLIED,
                    reason=packet.reason,
                )
            )
    for (name, organ_id), acks in ends.items():
        try:
            acknowledge_all(transport_for(name), organ_id=organ_id, acks=acks)
        except TransportError as error:
            # Acknowledged on a later poll (the packets stay listed until then).
            logger.warning("inbox ack %s/%s: %s", organ_id, name, error)
    return len(claimed)


def _claim(*, agency: Agency | None, transport: str | None, limit: int) -> list[InboxPacket]:
    """Kept packets waiting to be applied, row-locked by this transaction until it ends;
    rows another applier holds are skipped (PostgreSQL). Call inside a transaction."""
    rows = InboxPacket.objects.filter(status=InboxStatus.RECEIVED)
    if agency is not None:
        rows = rows.filter(agency=agency)
    if transport is not None:
        rows = rows.filter(transport=transport)
    return list(
        rows.select_related("agency", "packet")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")[:limit]
    )


def inbox_apply(packet: InboxPacket, *, authenticated_sender: str) -> InboxPacket:
    """Check and apply one kept packet; a refusal is a typed end state, not an error. A packet
    another applier holds, or no longer RECEIVED, is returned as it stands."""
    with transaction.atomic():
        locked = (
            InboxPacket.objects.filter(pk=packet.pk, status=InboxStatus.RECEIVED)
            .select_related("agency", "packet")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if locked is not None:
            _apply_claimed(locked, authenticated_sender=authenticated_sender, roots=_roots())
    if locked is None:
        packet.refresh_from_db()
        return packet
    for field in ("status", "kind", "reason_code", "reason", "result_ref", "applied_at"):
        setattr(packet, field, getattr(locked, field))
    packet.document_identifier = locked.document_identifier
    return packet


def _apply_claimed(
    packet: InboxPacket, *, authenticated_sender: str, roots: list[x509.Certificate]
) -> None:
    """Apply one packet this transaction holds: the changes in a savepoint, so that a refusal
    leaves none of them, only the refusal."""
    assert packet.packet is not None
    data = open_stored(packet.packet)
    try:
        parsed = _checked(packet, data, authenticated_sender, roots)
        with transaction.atomic():
            if isinstance(parsed.packet, StatusPacket):
                result = _apply_status(packet, parsed.packet)
                kind = PacketKind.STATUS
            else:
                result = _apply_document(packet, parsed.packet)
                kind = PacketKind.EDOC
            _move(
                packet,
                "apply",
                kind=kind,
                result_ref=result[:100],
                applied_at=timezone.now(),
                document_identifier=_document_id(parsed.packet)[:100],
            )
    except PacketError as error:
        _refuse(packet, error.code, error.message)
    except PacketSignatureError as error:
        _refuse(packet, f"signature:{error.reason}", error.message_vi)
    except Refusal as error:
        _refuse(packet, error.code, error.message)
    except DomainError as error:
        _refuse(packet, error.code, error.message)


def _checked(
    packet: InboxPacket,
    data: bytes,
    authenticated_sender: str,
    roots: list[x509.Certificate] | None = None,
) -> ParsedPacket:
    """The packet read from what its signature covers, its sender checked. On the `local`
    transport an unsigned packet is accepted: the installation wrote the sender itself."""
    try:
        verified = verify_packet(
            data,
            trust_roots=_roots() if roots is None else roots,
            allow_sha1=bool(getattr(settings, "GOVDOC_EDXML_ALLOW_SHA1", False)),
        )
    except PacketSignatureError as error:
        if packet.transport != LOCAL or error.reason != SignatureProblem.NO_SIGNATURE:
            raise
        parsed = read_packet(data)
        if parsed.packet.sender.organ_id != authenticated_sender:
            raise PacketSignatureError(SignatureProblem.SENDER_MISMATCH) from None
        return parsed
    # Only what the signature covers is read (a comment slipped in is not): the tree the
    # check verified, under this installation's caps, without parsing the bytes again.
    limits = Limits.from_settings()
    if verified.signed_root is not None:
        check_size(len(verified.signed_xml), limits)
        check_tree(verified.signed_root, limits)
        parsed = read_tree(verified.signed_root, limits=limits)
    else:
        parsed = read_packet(verified.signed_xml, limits=limits)
    check_sender(
        verified,
        authenticated_organ_id=authenticated_sender,
        packet_from_organ_id=parsed.packet.sender.organ_id,
    )
    return parsed


def _refuse(packet: InboxPacket, code: str, message: str) -> None:
    with transaction.atomic():
        _move(packet, "refuse", reason_code=code[:40], reason=message[:1000])


def _document_id(packet: DocumentPacket | StatusPacket) -> str:
    if isinstance(packet, StatusPacket):
        return packet.response_for.document_id
    return packet.document_id


def _roots() -> list[x509.Certificate]:
    return [
        x509.load_der_x509_certificate(bytes(anchor.certificate_der))
        for anchor in active_trust_anchors()
    ]


def _apply_document(packet: InboxPacket, document: DocumentPacket) -> str:
    agency = packet.agency
    recipients = {org.organ_id for org in document.recipients}
    if recipients and agency.organ_id not in recipients:
        raise Refusal("not_addressed", f"Gói tin không gửi cho {agency.name}.")
    sender = document.sender
    if document.bussiness.doc_type in (BussinessDocType.REVOKE, BussinessDocType.REPLACE):
        return _apply_revocation(agency, document)
    if document.bussiness.doc_type == BussinessDocType.UPDATE:
        return _apply_update(agency, document)
    known = remembered(
        ("organizations.agency", sender.organ_id),
        lambda: Agency.objects.filter(organ_id=sender.organ_id).first(),
    )
    files = []
    for index, attachment in enumerate(document.attachments):
        kind = sniff(attachment.data)
        if kind is None:
            raise Refusal(
                "unknown_file_type", f"Tệp {attachment.name} không thuộc định dạng được chấp nhận."
            )
        stored = store_bytes(data=attachment.data, kind=kind)
        files.append(
            (stored, FileRole.MAIN if index == 0 else FileRole.ATTACHMENT, attachment.name)
        )
    received = received_deliver(
        agency=agency,
        channel=Channel.LOCAL if packet.transport == LOCAL else Channel.INTERCONNECT,
        sender=known
        if known is not None
        else ReceivedSender(organ_id=sender.organ_id, name=sender.organ_name),
        metadata=_metadata(document),
        files=files,
        external_ref=_ref(document.sender.organ_id, document.document_id),
    )
    return f"received:{received.pk}"


def _ref(sender_organ_id: str, document_id: str) -> str:
    return f"edxml:{sender_organ_id}:{document_id}"


def _metadata(document: DocumentPacket) -> ReceivedInput:
    return ReceivedInput(
        subject=document.subject,
        issued_date=document.promulgation_info.promulgation_date,
        code_number=document.code.code_number,
        code_notation=document.code.code_notation,
        document_type_name=document.document_type.type_name,
        signer_name=document.signer_info.full_name,
        signer_position=document.signer_info.position,
        priority=min(int(document.other_info.priority), 4),
        due_date=document.due_date,
        document_identifier=document.document_id,
        page_count=document.other_info.page_amount,
        to_places="; ".join(document.to_places)[:1000],
    )


def _apply_revocation(agency: Agency, document: DocumentPacket) -> str:
    ref = _ref(document.sender.organ_id, document.bussiness.document_id or document.document_id)
    received = ReceivedDocument.objects.filter(agency=agency, external_ref=ref).first()
    if received is None:
        raise Refusal("unknown_document", "Không có văn bản nào như vậy để thu hồi.")
    reason = document.bussiness.doc_reason or "Nơi gửi thu hồi văn bản."
    try:
        received_withdraw(received=received, reason=reason, actor_name=document.sender.organ_name)
    except DomainError as error:
        # The revocation cannot be applied here (sent back already…): refused, with why (02).
        from govdoc.exchange.tasks import send_status_answer

        enqueue_on_commit(send_status_answer, received.pk, "refused", error.message)
        return f"withdraw_refused:{received.pk}"
    return f"withdrawn:{received.pk}"


def _apply_update(agency: Agency, document: DocumentPacket) -> str:
    """The sender updated a document it sent (2): the changes are applied (waiting for our
    clerk) or recorded for the clerk (registered) and answered 15; impossible — refused or
    withdrawn here — answered 16 with why."""
    from govdoc.exchange.tasks import send_status_answer

    target = document.bussiness.document_id or document.document_id
    received = ReceivedDocument.objects.filter(
        agency=agency, external_ref=_ref(document.sender.organ_id, target)
    ).first()
    if received is None:
        raise Refusal("unknown_document", "Không có văn bản nào như vậy để cập nhật.")
    reason = document.bussiness.doc_reason or "Nơi gửi cập nhật văn bản."
    note = ""
    if document.bussiness.replacement_info:
        note = "Văn bản sửa đổi: " + ", ".join(
            item.document_id for item in document.bussiness.replacement_info
        )
    try:
        received_update(
            received=received,
            metadata=_metadata(document),
            reason=reason,
            actor_name=document.sender.organ_name,
            note=note,
        )
    except DomainError as error:
        enqueue_on_commit(send_status_answer, received.pk, "update_refused", error.message)
        return f"update_refused:{received.pk}"
    enqueue_on_commit(send_status_answer, received.pk, "update_accepted", reason)
    return f"updated:{received.pk}"


def _apply_recall(agency: Agency, status: StatusPacket) -> str:
    """The sender asks to take its document back (13): granted (15) while it still waits
    for our clerk — it is withdrawn — refused (16) once registered."""
    from govdoc.exchange.tasks import send_status_answer
    from govdoc.incoming.received_workflow import ReceivedStatus

    ref = _ref(status.sender.organ_id, status.response_for.document_id)
    received = ReceivedDocument.objects.filter(agency=agency, external_ref=ref).first()
    if received is None:
        raise Refusal("unknown_document", "Không có văn bản nào như vậy để lấy lại.")
    if received.status == ReceivedStatus.WAITING:
        # Its "withdrawn" step is answered 15, not 03 (services/answers.py).
        received_withdraw(
            received=received,
            reason=status.description or "Nơi gửi lấy lại văn bản.",
            actor_name=status.sender.organ_name,
        )
        return f"recalled:{received.pk}"
    enqueue_on_commit(
        send_status_answer,
        received.pk,
        "recall_refused",
        "Văn bản đã được vào sổ, không lấy lại được; đề nghị thu hồi.",
    )
    return f"recall_refused:{received.pk}"


def _apply_status(packet: InboxPacket, status: StatusPacket) -> str:
    """A recipient's answer to a document we sent: the delivery moves forward; or the
    sender's request to take a document back."""
    agency = packet.agency
    if status.status_code == StatusCode.RECALL_REQUESTED:
        return _apply_recall(agency, status)
    dispatch = (
        Dispatch.objects.select_for_update()
        .select_related("outgoing__draft", "outgoing__document", "recipient")
        .filter(
            outgoing__agency=agency,
            outgoing__document__document_identifier=status.response_for.document_id,
            recipient__agency__organ_id=status.sender.organ_id,
            method=Method.LOCAL if packet.transport == LOCAL else Method.INTERCONNECT,
        )
        .first()
    )
    if dispatch is None:
        raise Refusal("unknown_document", "Trạng thái trả lời một văn bản không có ở đây.")
    by = status.sender.organ_name[:150]
    code = status.status_code
    target = STATUS_OF_CODE.get(code)
    changed = dispatch.outgoing.status in (OutgoingStatus.REVOKED, OutgoingStatus.REPLACED)
    if code in (StatusCode.RECALL_ACCEPTED, StatusCode.RECALL_REFUSED):
        if _answers_update(dispatch):
            agreed = code == StatusCode.RECALL_ACCEPTED
            _note(
                dispatch,
                ("Đã nhận cập nhật" if agreed else "Từ chối cập nhật: ")
                + ("" if agreed else status.description),
                by,
            )
            return f"dispatch:{dispatch.pk}"
        if code == StatusCode.RECALL_REFUSED:
            _note(dispatch, f"Từ chối lấy lại: {status.description}", by)
            return f"dispatch:{dispatch.pk}"
        target = DispatchStatus.WITHDRAWN
    elif code == StatusCode.ACCEPTED and changed:
        # 03 is also "the revocation is accepted" (DOMAIN §5.3): their copy is withdrawn.
        target = DispatchStatus.WITHDRAWN
    elif code == StatusCode.REFUSED and changed and dispatch.status != DispatchStatus.QUEUED:
        # 02 is also "the revocation is refused": the document stays with them.
        _note(dispatch, f"Không thu hồi được: {status.description}", by)
        from govdoc.outgoing.services.common import history

        history(
            dispatch.outgoing.draft,
            actor=None,
            action="withdraw_refused",
            note=f"{dispatch.recipient.name}: {status.description}",
        )
        return f"dispatch:{dispatch.pk}"
    if target is not None:
        moved = record_status(
            dispatch,
            target,
            reason=status.description if code == StatusCode.REFUSED else "",
            by_name=by,
        )
        if moved and target == DispatchStatus.REFUSED:
            notify_refused(dispatch, status.description)
    return f"dispatch:{dispatch.pk}"


def _answers_update(dispatch: Dispatch) -> bool:
    """15/16 answer both a take-back request and an update: the later of the two asked."""
    from govdoc.exchange.models import OutboxPacket
    from govdoc.outgoing.models import OutgoingChange
    from govdoc.outgoing.workflow import ChangeKind

    update = (
        OutgoingChange.objects.filter(outgoing_id=dispatch.outgoing_id, kind=ChangeKind.UPDATE)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if update is None:
        return False
    recall = (
        OutboxPacket.objects.filter(subject_ref=f"recall:dispatch:{dispatch.pk}")
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return recall is None or update > recall


def _note(dispatch: Dispatch, text: str, by: str) -> None:
    """An answer that does not move the delivery, kept in its history."""
    from govdoc.outgoing.models import DispatchEvent

    DispatchEvent.objects.create(
        dispatch=dispatch,
        at=timezone.now(),
        status=dispatch.status,
        reason=text[:1000],
        by_name=by,
    )


def inbox_retry(*, packet: InboxPacket, actor: object) -> InboxPacket:
    """An operator applies a refused packet again (e.g. after adding the sender's root to
    the trust store)."""
    from govdoc.audit.services import audit_record
    from govdoc.core.errors import Forbidden, InvalidTransition
    from govdoc.organizations.access import has_role
    from govdoc.organizations.roles import Role

    if not (
        getattr(actor, "is_superuser", False)
        or has_role(actor, packet.agency_id, Role.ADMIN, Role.CLERK)
    ):
        raise Forbidden("Chỉ văn thư hoặc quản trị được xử lý lại gói tin.")
    with transaction.atomic():
        if not _move(packet, "retry", reason_code="", reason=""):
            raise InvalidTransition("Chỉ xử lý lại được gói tin đã bị từ chối.")
        audit_record(
            actor=actor,
            action="exchange.inbox_retry",
            target=packet,
            agency_id=packet.agency_id,
            data={"packet": packet.pk},
        )
    return inbox_apply(packet, authenticated_sender=packet.sender_organ_id)
