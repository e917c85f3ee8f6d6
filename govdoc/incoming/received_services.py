"""The electronic inbox: documents other agencies send electronically arrive here, wait for
the clerk, and are registered (an incoming document with an arrival number) or sent back;
the sender may revoke them. Every step tells the sender's side (receipt_events).

Callers: the outgoing app delivers a dispatch to an agency on the same installation
(`received_deliver`, channel LOCAL) and revokes it (`received_withdraw`); the exchange app
will do the same for packets from the interconnection axis (channel INTERCONNECT).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core import sql_rows
from govdoc.core.batch_memo import remembered
from govdoc.core.db import lock_for_transaction
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import DocumentType, FileRole, Priority, StoredFile
from govdoc.incoming import receipt_events
from govdoc.incoming.inputs import IncomingInput, ReceivedInput, ReceivedSender
from govdoc.incoming.models import (
    IncomingDocument,
    ReceivedDocument,
    ReceivedFile,
    ReceivedHistory,
)
from govdoc.incoming.received_workflow import Channel, ReceivedStatus, next_received_status
from govdoc.incoming.services import StoredItem, incoming_register, incoming_withdraw
from govdoc.incoming.validation import check_not_secret
from govdoc.incoming.workflow import Medium, Status, next_status
from govdoc.notifications.services import notify
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role

REASON_MAX = 1000
EXTERNAL_REF_MAX = 200
NOT_CLERK = "Chỉ văn thư của cơ quan nhận được tiếp nhận hoặc trả lại văn bản điện tử đến."
STATUS_CHANGED = "Trạng thái văn bản vừa thay đổi, vui lòng tải lại trang."

# Apps above this one act when a registered document is revoked (e.g. the assignments app
# closing the open work on it): each is called inside the revocation's transaction with the
# incoming document (already WITHDRAWN) and the actor (None for the system).
WithdrawalHandler = Callable[[IncomingDocument, Any], None]
_withdrawal_handlers: list[WithdrawalHandler] = []


def register_withdrawal_handler(handler: WithdrawalHandler) -> None:
    if handler not in _withdrawal_handlers:
        _withdrawal_handlers.append(handler)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _name(person: Any) -> str:
    if person is None or not getattr(person, "is_authenticated", False):
        return ""
    return str(getattr(person, "full_name", "") or person.get_username())


def _history(
    received: ReceivedDocument,
    *,
    actor: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    actor_name: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    sql_rows.save_new(
        ReceivedHistory(
            received=received,
            at=timezone.now(),
            actor=actor if authenticated else None,
            actor_name=(actor_name or _name(actor))[:200],
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note[:1000],
            data=data or {},
        )
    )


def _clerks(agency_id: int) -> list[User]:
    return remembered(
        ("incoming.clerks", agency_id),
        lambda: list(
            User.objects.filter(
                is_active=True, roles__agency_id=agency_id, roles__role=Role.CLERK
            ).distinct()
        ),
    )


def _require_clerk(actor: Any, received: ReceivedDocument) -> None:
    if not has_role(actor, received.agency_id, Role.CLERK):
        raise Forbidden(NOT_CLERK)


def _require_reason(reason: str, *, message: str, field_message: str) -> str:
    reason = _clean(reason)
    if not reason:
        raise ValidationFailed(message, fields={"reason": field_message})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            "Lý do quá dài.", fields={"reason": f"Lý do tối đa {REASON_MAX} ký tự."}
        )
    return reason


def _compare_and_set(received: ReceivedDocument, action: str, **changes: Any) -> tuple[str, str]:
    """Compare-and-set the status by the transition table; returns (old, new)."""
    target = next_received_status(received.status, action)
    if target is None:
        raise InvalidTransition(
            f"Văn bản điện tử đang ở trạng thái “{ReceivedStatus(received.status).label}”, "
            "không thực hiện được thao tác này."
        )
    updated = ReceivedDocument.objects.filter(pk=received.pk, status=received.status).update(
        status=target, **changes
    )
    if not updated:
        raise Conflict(STATUS_CHANGED)
    previous = received.status
    received.status = target
    for key, value in changes.items():
        setattr(received, key, value)
    return previous, target


# -- arrival --------------------------------------------------------------------------------


def _sender_of(sender: Agency | ReceivedSender) -> tuple[Agency | None, str, str]:
    if isinstance(sender, Agency):
        return sender, sender.organ_id, sender.name
    agency = sender.agency
    organ_id = sender.organ_id.strip() or (agency.organ_id if agency is not None else "")
    name = _clean(sender.name) or (agency.name if agency is not None else "")
    return agency, organ_id, name


def _document_type(metadata: ReceivedInput) -> tuple[DocumentType | None, str]:
    """The type by id, else by name (case-insensitive); the name as sent is kept."""
    found: DocumentType | None = None
    type_id = metadata.document_type_id
    if type_id is not None:
        found = remembered(
            ("incoming.document_type", type_id),
            lambda: DocumentType.objects.filter(pk=type_id).first(),
        )
    name = _clean(metadata.document_type_name)
    if found is None and name:
        found = remembered(
            ("incoming.document_type_named", name.casefold()),
            lambda: DocumentType.objects.filter(name__iexact=name).first(),
        )
    return found, (name or (found.name if found is not None else ""))[:100]


_LIMITS: dict[str, tuple[int, str]] = {
    "subject": (2000, "Trích yếu"),
    "code_number": (50, "Số văn bản"),
    "code_notation": (100, "Ký hiệu"),
    "signer_name": (200, "Người ký"),
    "signer_position": (200, "Chức vụ người ký"),
    "document_identifier": (200, "Mã văn bản"),
    "to_places": (2000, "Nơi nhận"),
    "description": (2000, "Ghi chú"),
    "document_type_name": (100, "Loại văn bản"),
}


def _check_delivery(
    *,
    agency: Agency,
    channel: str,
    sender_name: str,
    sender_organ_id: str,
    metadata: ReceivedInput,
    files: Sequence[StoredItem],
    external_ref: str,
) -> None:
    check_not_secret(metadata.confidentiality)
    errors: dict[str, str] = {}
    if not agency.is_hosted:
        errors["agency"] = f"{agency.name} không dùng govdoc trên hệ thống này."
    if channel not in Channel.values:
        errors["channel"] = "Kênh nhận không hợp lệ."
    if not sender_name:
        errors["sender"] = "Thiếu tên cơ quan gửi."
    elif len(sender_name) > 200:
        errors["sender"] = "Tên cơ quan gửi tối đa 200 ký tự."
    if len(sender_organ_id) > 13:
        errors["sender"] = "Mã định danh cơ quan gửi tối đa 13 ký tự."
    if not external_ref:
        errors["external_ref"] = "Thiếu mã lần gửi."
    elif len(external_ref) > EXTERNAL_REF_MAX:
        errors["external_ref"] = f"Mã lần gửi tối đa {EXTERNAL_REF_MAX} ký tự."
    if not _clean(metadata.subject):
        errors["subject"] = "Thiếu trích yếu văn bản."
    for field, (limit, label) in _LIMITS.items():
        if len(_clean(getattr(metadata, field))) > limit:
            errors[field] = f"{label} tối đa {limit} ký tự."
    if metadata.priority not in Priority.values:
        errors["priority"] = "Độ khẩn không hợp lệ."
    if metadata.page_count is not None and not 1 <= metadata.page_count <= 999:
        errors["page_count"] = "Số trang phải từ 1 đến 999."
    roles = [role for _, role, _ in files]
    if any(role not in FileRole.values for role in roles):
        errors["files"] = "Vai trò của tệp không hợp lệ."
    elif roles.count(FileRole.MAIN) != 1:
        errors["files"] = "Văn bản điện tử phải có đúng một tệp văn bản chính."
    elif any(stored.pk is None for stored, _, _ in files):
        errors["files"] = "Tệp chưa được lưu."
    if errors:
        raise ValidationFailed("Văn bản điện tử gửi đến chưa hợp lệ.", fields=errors)


def _existing(agency: Agency, external_ref: str) -> ReceivedDocument | None:
    # Asked of every delivery and nearly always absent: the key first, in SQL (the ORM's
    # full-row SELECT costs ≈ 2.5 ms of CPU to build), the record only when there is one.
    found = sql_rows.rows(_existing_sql(), [agency.pk, external_ref])
    return ReceivedDocument.objects.get(pk=found[0][0]) if found else None


@functools.cache
def _existing_sql() -> str:
    return (
        f"SELECT {sql_rows.column(ReceivedDocument, 'id')} FROM {sql_rows.table(ReceivedDocument)}"
        f" WHERE {sql_rows.column(ReceivedDocument, 'agency_id')} = %s"
        f" AND {sql_rows.column(ReceivedDocument, 'external_ref')} = %s LIMIT 1"
    )


def received_deliver(
    *,
    agency: Agency,
    channel: str,
    sender: Agency | ReceivedSender,
    metadata: ReceivedInput,
    files: Sequence[tuple[StoredFile, str, str]],
    external_ref: str,
    actor: Any = None,
) -> ReceivedDocument:
    """An electronic document arrives for `agency`, to wait for its clerk.

    `files`: (stored file, role MAIN or ATTACHMENT, name) — exactly one MAIN; the sender's
    stored files are linked, not copied. `external_ref` names this delivery on the sender's
    side: delivering it again returns the document already received, unchanged, and tells
    no one again. `actor`: the person who sent it on this installation, if any.

    A secret document (metadata.confidentiality) is refused (ValidationFailed), as is a
    delivery without a subject, a main file or a reference. The agency's clerks are
    notified; the listeners hear "arrived" after commit.
    """
    external_ref = external_ref.strip()
    sender_agency, sender_organ_id, sender_name = _sender_of(sender)
    ordered = sorted(files, key=lambda item: item[1] != FileRole.MAIN)  # main file first
    with transaction.atomic():
        # Two deliveries of the same reference at once: the second waits, then finds it. One
        # look-up, under the lock (a delivery again returns the document already received,
        # before any check: what was accepted once is not refused the second time).
        if external_ref:
            lock_for_transaction(f"received:{agency.pk}:{external_ref}")
            existing = _existing(agency, external_ref)
            if existing is not None:
                return existing
        _check_delivery(
            agency=agency,
            channel=channel,
            sender_name=sender_name,
            sender_organ_id=sender_organ_id,
            metadata=metadata,
            files=files,
            external_ref=external_ref,
        )
        document_type, type_name = _document_type(metadata)
        # No savepoint around the INSERT: under the lock nobody else delivers this reference
        # (the unique constraint stays the last guard: a violation is an error, not a repeat).
        received = sql_rows.save_new(
            ReceivedDocument(
                agency=agency,
                channel=channel,
                sender_agency=sender_agency,
                sender_organ_id=sender_organ_id,
                sender_name=sender_name,
                document_type=document_type,
                document_type_name=type_name,
                code_number=metadata.code_number.strip(),
                code_notation=metadata.code_notation.strip(),
                issued_date=metadata.issued_date,
                subject=_clean(metadata.subject),
                signer_name=_clean(metadata.signer_name),
                signer_position=_clean(metadata.signer_position),
                priority=metadata.priority,
                due_date=metadata.due_date,
                document_identifier=metadata.document_identifier.strip(),
                page_count=metadata.page_count,
                to_places=metadata.to_places.strip(),
                description=metadata.description.strip(),
                external_ref=external_ref,
                received_at=timezone.now(),
                status=ReceivedStatus.WAITING,
            )
        )
        sql_rows.save_new_many(
            [
                ReceivedFile(
                    received=received,
                    stored=stored,
                    role=role,
                    name=(name.strip() or "tep")[:255],
                    position=position,
                )
                for position, (stored, role, name) in enumerate(ordered)
            ]
        )
        _history(
            received,
            actor=actor,
            action="deliver",
            to_status=ReceivedStatus.WAITING,
            actor_name=_name(actor) or sender_name,
            data={"channel": channel, "external_ref": external_ref, "files": len(ordered)},
        )
        audit_record(
            actor=actor,
            action="incoming.received",
            target=received,
            agency_id=agency.pk,
            data={
                "channel": channel,
                "external_ref": external_ref,
                "sender": sender_organ_id or sender_name,
                "files": [stored.sha256 for stored, _, _ in ordered],
            },
        )
        urgent = received.priority > Priority.NORMAL
        notify(
            recipients=_clerks(agency.pk),
            kind="incoming.received",
            title=(
                ("HỎA TỐC/KHẨN — " if urgent else "")
                + f"Văn bản điện tử đến chờ tiếp nhận: {received.subject[:200]}"
            ),
            body=f"{received.code or 'Không số'} của {sender_name}",
            url=reverse("incoming:received_detail", args=[received.pk]),
            agency_id=agency.pk,
            dedupe_key=f"incoming.received:{received.pk}",
        )
        receipt_events.receipt_event_emit(
            received=received, event=receipt_events.ARRIVED, actor=actor
        )
    return received


# -- the clerk's decision -------------------------------------------------------------------


def received_incoming_input(received: ReceivedDocument) -> IncomingInput:
    """The registration form's values from the document as it was sent (the clerk may
    correct them); medium electronic, the files come from the received document."""
    return IncomingInput(
        document_type_id=received.document_type_id,
        subject=received.subject,
        issued_date=received.issued_date,
        issuer_id=received.sender_agency_id,
        issuer_name=received.sender_name,
        code_number=received.code_number,
        code_notation=received.code_notation,
        signer_name=received.signer_name,
        signer_position=received.signer_position,
        priority=received.priority,
        page_count=received.page_count,
        due_date=received.due_date,
        to_places=received.to_places,
        medium=Medium.ELECTRONIC,
        document_identifier=received.document_identifier,
    )


def _stored_items(received: ReceivedDocument) -> list[StoredItem]:
    rows = ReceivedFile.objects.filter(received=received).select_related("stored")
    return [(row.stored, row.role, row.name) for row in rows.order_by("position", "id")]


def received_register(
    *, received: ReceivedDocument, data: IncomingInput | None = None, actor: Any
) -> IncomingDocument:
    """The receiving agency's clerk registers the document: an incoming document with the
    next arrival number, the metadata as sent (or as the clerk corrected it in `data`), the
    received files linked as they are (`data`'s files are ignored), medium electronic and
    the sender's document identifier kept. Everything or nothing: a refusal of the
    registration (invalid metadata, a suspected duplicate without a reason) leaves the
    document waiting. Listeners hear "accepted" after commit."""
    _require_clerk(actor, received)
    if next_received_status(received.status, "register") is None:
        raise InvalidTransition(
            f"Văn bản điện tử đang ở trạng thái “{ReceivedStatus(received.status).label}”, "
            "không vào sổ được."
        )
    base = data if data is not None else received_incoming_input(received)
    values = dataclasses.replace(
        base,
        medium=Medium.ELECTRONIC,
        document_identifier=received.document_identifier or base.document_identifier,
        main_file=None,
        attachments=(),
    )
    files = _stored_items(received)
    now = timezone.now()
    with transaction.atomic():
        # Two clerks at once: the second waits here, then finds it no longer waiting.
        locked = (
            ReceivedDocument.objects.select_for_update()
            .filter(pk=received.pk, status=ReceivedStatus.WAITING)
            .exists()
        )
        if not locked:
            raise Conflict(STATUS_CHANGED)
        incoming = incoming_register(
            agency=received.agency, data=values, actor=actor, stored_files=files
        )
        previous, target = _compare_and_set(
            received, "register", incoming=incoming, decided_by=actor, decided_at=now
        )
        _history(
            received,
            actor=actor,
            action="register",
            from_status=previous,
            to_status=target,
            data={
                "incoming": incoming.pk,
                "arrival_number": incoming.arrival_number,
                "arrival_year": incoming.arrival_year,
            },
        )
        audit_record(
            actor=actor,
            action="incoming.received.register",
            target=received,
            agency_id=received.agency_id,
            data={"incoming": incoming.pk, "arrival_number": incoming.arrival_number},
        )
        receipt_events.receipt_event_emit(
            received=received, event=receipt_events.ACCEPTED, actor=actor
        )
    return incoming


def received_refuse(*, received: ReceivedDocument, reason: str, actor: Any) -> ReceivedDocument:
    """The receiving agency's clerk sends the document back to its sender (wrong addressee,
    invalid, unreadable), with the reason the sender is told ("refused")."""
    _require_clerk(actor, received)
    reason = _require_reason(
        reason,
        message="Phải ghi lý do trả lại văn bản.",
        field_message="Vui lòng nhập lý do trả lại.",
    )
    with transaction.atomic():
        previous, target = _compare_and_set(
            received,
            "refuse",
            refusal_reason=reason,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        _history(
            received,
            actor=actor,
            action="refuse",
            from_status=previous,
            to_status=target,
            note=reason,
        )
        audit_record(
            actor=actor,
            action="incoming.received.refuse",
            target=received,
            agency_id=received.agency_id,
            data={"reason": reason},
        )
        receipt_events.receipt_event_emit(
            received=received, event=receipt_events.REFUSED, reason=reason, actor=actor
        )
    return received


# -- revocation by the sender ---------------------------------------------------------------


def received_withdraw(
    *,
    received: ReceivedDocument,
    reason: str,
    actor: Any = None,
    actor_name: str = "",
) -> ReceivedDocument:
    """The sender revoked the document (NĐ 30 Phụ lục VI F8.b-c; edXML revocation).

    Waiting: it becomes WITHDRAWN. Registered: it and its incoming document become WITHDRAWN
    (history and trace kept, files no longer shown to anyone) — refused with
    InvalidTransition when the incoming document is already final (completed, returned to
    the sender, annulled). Already withdrawn: returned unchanged (a revocation told twice
    is applied once). Refused by the clerk: InvalidTransition, there is nothing to revoke.

    `actor`: the sender's person on this installation; None for a revocation through the
    interconnection axis (`actor_name`: who asked, as the packet says). Listeners hear
    "withdrawn_confirmed" after commit.
    """
    if received.status == ReceivedStatus.WITHDRAWN:
        return received
    reason = _require_reason(
        reason,
        message="Phải ghi lý do thu hồi văn bản.",
        field_message="Vui lòng nhập lý do thu hồi.",
    )
    if received.status == ReceivedStatus.REFUSED:
        raise InvalidTransition("Văn bản đã được trả lại nơi gửi, không còn gì để thu hồi.")
    incoming: IncomingDocument | None = None
    if received.incoming_id is not None:
        incoming = IncomingDocument.objects.select_related("document").get(pk=received.incoming_id)
        if next_status(incoming.status, "withdraw") is None:
            raise InvalidTransition(
                f"Văn bản đến số {incoming.display_arrival_number}/{incoming.arrival_year} "
                f"đang ở trạng thái “{Status(incoming.status).label}”, "
                "không áp dụng được việc thu hồi."
            )
    who = actor_name or _name(actor) or received.sender_name
    with transaction.atomic():
        previous, target = _compare_and_set(
            received, "withdraw", withdrawal_reason=reason, withdrawn_at=timezone.now()
        )
        if incoming is not None:
            incoming_withdraw(incoming=incoming, reason=reason, actor=actor, actor_name=who)
            for handler in list(_withdrawal_handlers):
                handler(incoming, actor)
        _history(
            received,
            actor=actor,
            action="withdraw",
            from_status=previous,
            to_status=target,
            note=reason,
            actor_name=who,
            data={"incoming": incoming.pk if incoming is not None else None},
        )
        audit_record(
            actor=actor,
            action="incoming.received.withdraw",
            target=received,
            agency_id=received.agency_id,
            data={
                "reason": reason,
                "actor_name": who,
                "incoming": incoming.pk if incoming is not None else None,
            },
        )
        recipients: list[Any] = _clerks(received.agency_id)
        if incoming is not None:
            recipients += [incoming.presented_to, incoming.receiving_person]
        notify(
            recipients=recipients,
            kind="incoming.withdrawn",
            title=f"Nơi gửi đã thu hồi văn bản: {received.subject[:200]}",
            body=f"{received.code or 'Không số'} của {received.sender_name}. Lý do: {reason}",
            url=(
                reverse("incoming:detail", args=[incoming.pk])
                if incoming is not None
                else reverse("incoming:received_detail", args=[received.pk])
            ),
            agency_id=received.agency_id,
        )
        receipt_events.receipt_event_emit(
            received=received,
            event=receipt_events.WITHDRAWN_CONFIRMED,
            reason=reason,
            actor=actor,
            actor_name=who,
        )
    return received


# -- update by the sender -------------------------------------------------------------------

UPDATABLE = (
    "subject",
    "code_number",
    "code_notation",
    "issued_date",
    "signer_name",
    "signer_position",
    "priority",
    "due_date",
    "page_count",
    "to_places",
)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return str(value)


def received_update(
    *,
    received: ReceivedDocument,
    metadata: ReceivedInput,
    reason: str,
    actor_name: str,
    note: str = "",
) -> dict[str, list[str]]:
    """The sender updated a document it sent (edXML BussinessDocType 2). Waiting for the
    clerk: the metadata the sender changed are applied. Registered: the register entry is
    the clerk's (it is in the book), so the changes are recorded on the electronic copy and
    the clerk and handlers are told to adjust it. Refused or withdrawn: InvalidTransition
    (the sender is answered "refused"). Returns {field: [before, after]} of what differs."""
    if received.status in (ReceivedStatus.REFUSED, ReceivedStatus.WITHDRAWN):
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái “{ReceivedStatus(received.status).label}”, "
            "không cập nhật được."
        )
    reason = _clean(reason)[:REASON_MAX] or "Nơi gửi cập nhật văn bản."
    new_values = {
        "subject": _clean(metadata.subject),
        "code_number": metadata.code_number.strip(),
        "code_notation": metadata.code_notation.strip(),
        "issued_date": metadata.issued_date,
        "signer_name": _clean(metadata.signer_name),
        "signer_position": _clean(metadata.signer_position),
        "priority": metadata.priority,
        "due_date": metadata.due_date,
        "page_count": metadata.page_count,
        "to_places": metadata.to_places.strip(),
    }
    changes = {
        field: [_shown(getattr(received, field)), _shown(value)]
        for field, value in new_values.items()
        if value not in ("", None) and value != getattr(received, field)
    }
    applied = received.status == ReceivedStatus.WAITING and bool(changes)
    with transaction.atomic():
        if applied:
            updates = {field: new_values[field] for field in changes}
            if not ReceivedDocument.objects.filter(
                pk=received.pk, status=ReceivedStatus.WAITING
            ).update(**updates):
                raise Conflict(STATUS_CHANGED)
            for field, value in updates.items():
                setattr(received, field, value)
        lines = [
            f"{getattr(ReceivedDocument._meta.get_field(f), 'verbose_name', f)}: {a} → {b}"
            for f, (a, b) in changes.items()
        ]
        text = "; ".join([reason, *([note] if note else []), *lines])
        _history(
            received,
            actor=None,
            action="sender_update",
            note=text,
            actor_name=actor_name or received.sender_name,
            data={"changes": changes, "applied": applied},
        )
        audit_record(
            actor=None,
            action="incoming.received.sender_update",
            target=received,
            agency_id=received.agency_id,
            data={"changes": changes, "applied": applied, "reason": reason},
        )
        recipients: list[Any] = _clerks(received.agency_id)
        incoming: IncomingDocument | None = None
        if received.incoming_id is not None:
            incoming = IncomingDocument.objects.filter(pk=received.incoming_id).first()
            if incoming is not None:
                recipients += [incoming.presented_to, incoming.receiving_person]
        notify(
            recipients=[r for r in recipients if r is not None],
            kind="incoming.sender_change",
            title=f"Nơi gửi cập nhật văn bản: {received.subject[:200]}",
            body=(
                text[:500]
                if applied or not changes
                else f"{text[:400]} — đề nghị văn thư điều chỉnh thông tin văn bản đến."
            ),
            url=(
                reverse("incoming:detail", args=[incoming.pk])
                if incoming is not None
                else reverse("incoming:received_detail", args=[received.pk])
            ),
            agency_id=received.agency_id,
        )
    return changes
