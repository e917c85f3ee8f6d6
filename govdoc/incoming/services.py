"""Registration of incoming documents, edits of their metadata, annulment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_batch, audit_record
from govdoc.core.db import lock_for_transaction, reserve_id
from govdoc.core.errors import (
    Conflict,
    DuplicateSuspected,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
)
from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.documents.models import Direction, Document, FileRole, StoredFile
from govdoc.documents.pdf_info import pdf_page_count
from govdoc.documents.services import (
    document_apply_changes,
    files_attach,
    files_check,
    files_link,
    index_text,
)
from govdoc.documents.storage import open_stored
from govdoc.incoming import receipt_events
from govdoc.incoming.duplicates import find_duplicate
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument, IncomingHistory, ReceivedDocument
from govdoc.incoming.notices import notice_incoming
from govdoc.incoming.selectors import PRESENTABLE_ROLES
from govdoc.incoming.tasks import verify_incoming_signatures
from govdoc.incoming.validation import CheckedIncoming, check_incoming
from govdoc.incoming.workflow import EDITABLE_STATUSES, Status, next_status
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.registers.models import BookKind
from govdoc.registers.services import book_for, entry_annul, entry_set_target, number_allocate

REGISTRAR_ROLES = (Role.CLERK,)

# A file already stored, linked as it is: (stored file, role MAIN/ATTACHMENT, file name).
StoredItem = tuple[StoredFile, str, str]

WITHDRAWN_MESSAGE = "Văn bản đã bị nơi gửi thu hồi, không xử lý tiếp được."


def _require_clerk(actor: Any, agency: Agency) -> None:
    if not has_role(actor, agency.pk, *REGISTRAR_ROLES):
        raise Forbidden("Chỉ văn thư của cơ quan được đăng ký văn bản đến.")


def _history(
    incoming: IncomingDocument,
    *,
    actor: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """`actor` is None for a step the system takes on the sender's word."""
    IncomingHistory.objects.create(
        incoming=incoming,
        at=timezone.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note[:1000],
        data=data or {},
    )


def _check_all(
    data: IncomingInput, *, agency: Agency, stored_files: Sequence[StoredItem] | None = None
) -> CheckedIncoming:
    """Check metadata and files together, so every mistake is reported in one answer."""
    fields: dict[str, str] = {}
    message = ""
    checked: CheckedIncoming | None = None
    try:
        checked = check_incoming(data, agency=agency)
    except ValidationFailed as error:
        fields.update(error.fields)
        message = error.message
    try:
        if stored_files is None:
            files_check(main=data.main_file, attachments=list(data.attachments), required_main=True)
        elif [role for _, role, _ in stored_files].count(FileRole.MAIN) != 1:
            raise ValidationFailed(
                "Phải có đúng một tệp văn bản chính.",
                fields={"main_file": "Văn bản phải có đúng một tệp văn bản chính."},
            )
    except ValidationFailed as error:
        fields.update({k: v for k, v in error.fields.items() if k not in fields})
        message = message or error.message
    if checked is None or fields:
        raise ValidationFailed(message, fields=fields)
    return checked


def _duplicate_check(
    data: IncomingInput, *, agency: Agency, issuer_name: str
) -> IncomingDocument | None:
    """Inside the registration's transaction, with the document's number and symbol locked:
    two clerks registering the same document at the same moment are served one after the
    other, so the second is warned."""
    if data.code_number.strip() and data.code_notation.strip():
        key = f"{data.code_number.strip()}/{data.code_notation.strip()}".upper()
        lock_for_transaction(f"incoming-duplicate:{agency.pk}:{key}")
    if data.document_identifier.strip():
        lock_for_transaction(f"incoming-identifier:{agency.pk}:{data.document_identifier.strip()}")
    return find_duplicate(data, agency=agency, issuer_name=issuer_name)


def incoming_register(
    *,
    agency: Agency,
    data: IncomingInput,
    actor: Any,
    arrived_at: dt.datetime | None = None,
    stored_files: Sequence[StoredItem] | None = None,
) -> IncomingDocument:
    """Register an incoming document: check everything, then in one transaction take the
    arrival number, write the metadata, files, history and audit event.

    `arrived_at` is for loading past registers in arrival order (demo data, migration from a
    previous system); people registering through the UI or API always get "now".
    `stored_files`: files already stored (an electronic document another agency sent),
    linked as they are instead of `data.main_file` and `data.attachments`.
    """
    _require_clerk(actor, agency)
    checked = _check_all(data, agency=agency, stored_files=stored_files)
    reason = " ".join(data.duplicate_reason.split())
    page_count = data.page_count
    if page_count is None and data.main_file is not None and data.main_file.data[:5] == b"%PDF-":
        page_count = pdf_page_count(data.main_file.data)
    if page_count is None and stored_files is not None:
        main = next(stored for stored, role, _ in stored_files if role == FileRole.MAIN)
        if main.kind == "pdf":
            page_count = pdf_page_count(open_stored(main))
    now = arrived_at or timezone.now()
    year = timezone.localdate(now).year
    book = book_for(agency=agency, year=year, kind=BookKind.INCOMING)
    with transaction.atomic():
        duplicate = _duplicate_check(data, agency=agency, issuer_name=checked.issuer_name)
        if duplicate is not None and not reason:
            raise DuplicateSuspected(
                f"Văn bản có thể trùng với văn bản đến số {duplicate.display_arrival_number}"
                f"/{duplicate.arrival_year} ({duplicate.document.code or 'không số'} — "
                f"{duplicate.document.issuer_name}). Nếu vẫn cần đăng ký, hãy ghi lý do.",
                fields={"duplicate_reason": "Văn bản có thể trùng: ghi lý do để vẫn đăng ký."},
            )
        document = Document(
            agency=agency,
            direction=Direction.INCOMING,
            document_type=checked.document_type,
            code_number=data.code_number.strip(),
            code_notation=data.code_notation.strip(),
            issued_date=data.issued_date,
            issuer=checked.issuer,
            issuer_name=checked.issuer_name,
            subject=" ".join(data.subject.split()),
            language=data.language or "Tiếng Việt",
            page_count=page_count,
            signer_name=data.signer_name.strip(),
            signer_position=data.signer_position.strip(),
            priority=data.priority,
            due_date=data.due_date,
            document_identifier=data.document_identifier.strip(),
        )
        index_text(document)
        document.save()
        if stored_files is not None:
            files_link(document=document, items=list(stored_files), actor=actor, is_new=True)
        else:
            files_attach(
                document=document,
                main=data.main_file,
                attachments=list(data.attachments),
                actor=actor,
                is_new=True,
            )
        incoming_id = reserve_id(IncomingDocument)
        # The number comes last: from here to the commit every other registration into the
        # book waits, so only the rows that need the number are written after it.
        with audit_batch():
            entry = number_allocate(
                book=book,
                actor=actor,
                target_type="incoming.incomingdocument",
                target_id="" if incoming_id is None else str(incoming_id),
                label=document.subject,
                priority=int(document.priority),
                given_at=now,
            )
            incoming = IncomingDocument.objects.create(
                id=incoming_id,
                document=document,
                agency=agency,
                register_entry=entry,
                arrival_number=entry.number,
                arrival_year=year,
                arrival_date=now,
                medium=data.medium,
                status=Status.REGISTERED,
                receiving_unit=checked.receiving_unit,
                receiving_person=checked.receiving_person,
                to_places=data.to_places.strip(),
                notes=data.notes.strip(),
                duplicate_of=duplicate if reason else None,
                duplicate_reason=reason if duplicate is not None else "",
                registered_by=actor,
            )
            if incoming_id is None:
                entry_set_target(entry=entry, target_id=str(incoming.pk))
            _history(
                incoming,
                actor=actor,
                action="register",
                to_status=Status.REGISTERED,
                data={"arrival_number": entry.number},
                note=f"Lý do đăng ký dù có thể trùng: {reason}" if duplicate is not None else "",
            )
            audit_record(
                actor=actor,
                action="incoming.register",
                target=incoming,
                agency_id=agency.pk,
                data={
                    "arrival_number": entry.number,
                    "year": year,
                    "duplicate_of": duplicate.pk if duplicate is not None else None,
                },
            )
        enqueue_on_commit(verify_incoming_signatures, incoming.pk, getattr(actor, "pk", None))
    return incoming


def incoming_update(
    *,
    incoming: IncomingDocument,
    data: IncomingInput,
    expected_version: int,
    actor: Any,
    reason: str = "",
) -> IncomingDocument:
    """Edit registered metadata: versioned (old and new values), refused if someone else
    changed the document since `expected_version` was read."""
    _require_clerk(actor, incoming.agency)
    if incoming.status == Status.WITHDRAWN:
        raise Conflict("Văn bản đã bị nơi gửi thu hồi, không sửa được thông tin.")
    if incoming.status not in EDITABLE_STATUSES:
        raise Conflict("Văn bản đã hủy đăng ký, không sửa được thông tin.")
    checked = check_incoming(data, agency=incoming.agency)
    document_changes: dict[str, Any] = {
        "document_type": checked.document_type,
        "issuer": checked.issuer,
        "issuer_name": checked.issuer_name,
        "code_number": data.code_number.strip(),
        "code_notation": data.code_notation.strip(),
        "issued_date": data.issued_date,
        "subject": " ".join(data.subject.split()),
        "signer_name": data.signer_name.strip(),
        "signer_position": data.signer_position.strip(),
        "priority": data.priority,
        "page_count": data.page_count,
        "due_date": data.due_date,
        "document_identifier": data.document_identifier.strip(),
    }
    registration_changes: dict[str, Any] = {
        "receiving_unit": checked.receiving_unit,
        "receiving_person": checked.receiving_person,
        "to_places": data.to_places.strip(),
        "notes": data.notes.strip(),
        "medium": data.medium,
    }
    changed = {k: v for k, v in registration_changes.items() if getattr(incoming, k) != v}
    with transaction.atomic():
        diff = document_apply_changes(
            document=incoming.document,
            changes=document_changes,
            expected_version=expected_version,
            actor=actor,
            reason=reason,
            also_changed={
                k: [getattr(getattr(incoming, k), "pk", getattr(incoming, k)), getattr(v, "pk", v)]
                for k, v in changed.items()
            },
        )
        if not diff:
            return incoming
        for key, value in changed.items():
            setattr(incoming, key, value)
        if changed:
            incoming.save(update_fields=list(changed))
        _history(incoming, actor=actor, action="update", note=reason, data={"changes": diff})
        audit_record(
            actor=actor,
            action="incoming.update",
            target=incoming,
            agency_id=incoming.agency_id,
            data={"changes": diff, "version": incoming.document.version},
        )
    return incoming


def incoming_annul(*, incoming: IncomingDocument, reason: str, actor: Any) -> IncomingDocument:
    """Annul a mistaken registration: the arrival number stays used, with the reason."""
    _require_clerk(actor, incoming.agency)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed(
            "Phải ghi lý do hủy đăng ký.", fields={"reason": "Vui lòng nhập lý do hủy."}
        )
    if incoming.status == Status.WITHDRAWN:
        raise InvalidTransition(WITHDRAWN_MESSAGE)
    target = next_status(incoming.status, "annul")
    if target is None:
        raise InvalidTransition("Văn bản này không thể hủy đăng ký ở trạng thái hiện tại.")
    with transaction.atomic():
        updated = IncomingDocument.objects.filter(pk=incoming.pk, status=incoming.status).update(
            status=target
        )
        if not updated:
            raise Conflict("Trạng thái văn bản vừa thay đổi, vui lòng tải lại trang.")
        previous = incoming.status
        incoming.status = target
        entry_annul(entry=incoming.register_entry, reason=reason, actor=actor)
        _history(
            incoming,
            actor=actor,
            action="annul",
            from_status=previous,
            to_status=target,
            note=reason,
        )
        audit_record(
            actor=actor,
            action="incoming.annul",
            target=incoming,
            agency_id=incoming.agency_id,
            data={"reason": reason, "arrival_number": incoming.arrival_number},
        )
    return incoming


def _transition(
    incoming: IncomingDocument, action: str, *, message: str, **changes: Any
) -> tuple[str, str]:
    """Compare-and-set the status by the transition table; returns (old, new)."""
    if incoming.status == Status.WITHDRAWN:
        raise InvalidTransition(WITHDRAWN_MESSAGE)
    target = next_status(incoming.status, action)
    if target is None:
        raise InvalidTransition(message)
    updated = IncomingDocument.objects.filter(pk=incoming.pk, status=incoming.status).update(
        status=target, **changes
    )
    if not updated:
        raise Conflict("Trạng thái văn bản vừa thay đổi, vui lòng tải lại trang.")
    previous = incoming.status
    incoming.status = target
    for key, value in changes.items():
        setattr(incoming, key, value)
    return previous, target


def incoming_present(
    *, incoming: IncomingDocument, leader: Any, actor: Any, note: str = ""
) -> IncomingDocument:
    """The clerk presents a registered document to a leader of the agency (again, to another
    leader, if needed). Urgent documents are flagged so the leader sees them first."""
    _require_clerk(actor, incoming.agency)
    note = " ".join(note.split())
    if leader is None or not has_role(leader, incoming.agency_id, *PRESENTABLE_ROLES):
        raise ValidationFailed(
            "Phải chọn lãnh đạo của cơ quan để trình.",
            fields={"leader": "Người được trình phải là lãnh đạo của cơ quan."},
        )
    if len(note) > 1000:
        raise ValidationFailed("Ghi chú quá dài.", fields={"note": "Ghi chú tối đa 1000 ký tự."})
    urgent = incoming.document.priority > 0
    now = timezone.now()
    with transaction.atomic():
        previous, target = _transition(
            incoming,
            "present",
            message="Văn bản ở trạng thái này không trình được.",
            presented_to=leader,
            presented_at=now,
        )
        _history(
            incoming,
            actor=actor,
            action="present",
            from_status=previous,
            to_status=target,
            note=note,
            data={"leader": leader.pk, "leader_name": _name(leader), "urgent": urgent},
        )
        audit_record(
            actor=actor,
            action="incoming.present",
            target=incoming,
            agency_id=incoming.agency_id,
            data={"leader": leader.pk, "urgent": urgent},
        )
        notice_incoming(
            recipients=[leader],
            incoming=incoming,
            kind="incoming.presented",
            title=(
                ("HỎA TỐC/KHẨN — " if urgent else "")
                + f"Văn bản đến trình xin ý kiến: {incoming.document.subject[:200]}"
            ),
        )
    return incoming


def incoming_refuse(*, incoming: IncomingDocument, reason: str, actor: Any) -> IncomingDocument:
    """The clerk sends a document back to its sender as refused (wrong addressee, invalid)."""
    _require_clerk(actor, incoming.agency)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed(
            "Phải ghi lý do trả lại văn bản.", fields={"reason": "Vui lòng nhập lý do trả lại."}
        )
    if len(reason) > 1000:
        raise ValidationFailed("Lý do quá dài.", fields={"reason": "Lý do tối đa 1000 ký tự."})
    with transaction.atomic():
        previous, target = _transition(
            incoming,
            "refuse",
            message="Văn bản đã được phân công xử lý, không trả lại nơi gửi được.",
            refusal_reason=reason,
        )
        _history(
            incoming,
            actor=actor,
            action="refuse",
            from_status=previous,
            to_status=target,
            note=reason,
        )
        audit_record(
            actor=actor,
            action="incoming.refuse",
            target=incoming,
            agency_id=incoming.agency_id,
            data={"reason": reason},
        )
        # Sent to us electronically: the sender is told it came back.
        received = _received_of(incoming)
        if received is not None:
            receipt_events.receipt_event_emit(
                received=received, event=receipt_events.REFUSED, reason=reason, actor=actor
            )
    return incoming


# The handling statuses the sender of an electronic document is told about.
_HANDLING_EVENTS = {
    Status.ASSIGNED: receipt_events.ASSIGNED,
    Status.IN_PROGRESS: receipt_events.IN_PROGRESS,
    Status.COMPLETED: receipt_events.COMPLETED,
}


def _received_of(incoming: IncomingDocument) -> ReceivedDocument | None:
    """The electronic document this one was registered from, if any."""
    return ReceivedDocument.objects.filter(incoming_id=incoming.pk).first()


def incoming_set_handling_status(
    *, incoming: IncomingDocument, action: str, actor: Any = None
) -> str | None:
    """Move the document's status for a handling step taken by the assignments app, which
    writes that step's history row and audit event. Returns the new status, or None when
    the step does not change it (e.g. progress on a document already in progress).

    A document another agency sent electronically tells its sender of each real change to
    assigned, in progress or completed (receipt_events), after commit."""
    if incoming.status == Status.WITHDRAWN:
        raise InvalidTransition(WITHDRAWN_MESSAGE)
    target = next_status(incoming.status, action)
    if target is None:
        if action == "start" and incoming.status != Status.ASSIGNED:
            return None
        raise InvalidTransition("Văn bản ở trạng thái này không thực hiện được thao tác.")
    if target == incoming.status:
        return None
    changes: dict[str, Any] = {}
    if target == Status.COMPLETED:
        changes["completed_at"] = timezone.now()
    if action == "return":
        changes["presented_at"] = timezone.now()
    _transition(incoming, action, message="", **changes)
    event = _HANDLING_EVENTS.get(Status(target))
    if event is not None:
        received = _received_of(incoming)
        if received is not None:
            receipt_events.receipt_event_emit(received=received, event=event, actor=actor)
    return target


def incoming_withdraw(
    *, incoming: IncomingDocument, reason: str, actor: Any = None, actor_name: str = ""
) -> IncomingDocument:
    """The sender revoked the document: it becomes WITHDRAWN (the record and its history
    stay; its files are no longer shown to anyone). Called inside the revocation's
    transaction by received_services.received_withdraw; `actor` is None when the
    revocation came through the interconnection axis (`actor_name` then says who)."""
    reason = " ".join(reason.split())[:1000]
    if not reason:
        raise ValidationFailed(
            "Phải ghi lý do thu hồi.", fields={"reason": "Vui lòng nhập lý do thu hồi."}
        )
    now = timezone.now()
    with transaction.atomic():
        previous, target = _transition(
            incoming,
            "withdraw",
            message=(
                f"Văn bản đến số {incoming.display_arrival_number}/{incoming.arrival_year} "
                f"đang ở trạng thái “{Status(incoming.status).label}”, "
                "không áp dụng được việc thu hồi."
            ),
            withdrawal_reason=reason,
            withdrawn_at=now,
        )
        who = actor_name or (_name(actor) if actor is not None else "")
        _history(
            incoming,
            actor=actor,
            action="withdraw",
            from_status=previous,
            to_status=target,
            note=reason,
            data={"actor_name": who} if who else {},
        )
        audit_record(
            actor=actor,
            action="incoming.withdraw",
            target=incoming,
            agency_id=incoming.agency_id,
            data={"reason": reason, "actor_name": who},
        )
    return incoming


def _name(person: Any) -> str:
    return str(getattr(person, "full_name", "") or person.get_username())
