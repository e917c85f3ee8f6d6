"""Working an assignment: progress notes, completion with a result, sending it back to the
assigner, reading for information, and chase messages from the follow-up person."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.assignments.models import (
    Assignment,
    ChaseMessage,
    ProgressAttachment,
    ProgressNote,
)
from govdoc.assignments.services.common import (
    assignment_transition,
    clean,
    for_assigner,
    for_handler,
    name_of,
    notice,
    recipients_of,
    record_step,
    require_text,
    subject_label,
    subject_of,
    subject_set_status,
)
from govdoc.assignments.workflow import OPEN_STATUSES, AssignmentStatus, HandlingRole
from govdoc.core.dates import today
from govdoc.core.errors import Conflict, InvalidTransition
from govdoc.documents.services import files_check
from govdoc.documents.storage import Upload, check_upload, store_bytes
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import User


def _assigners(assignment: Assignment) -> list[User]:
    people = [assignment.on_behalf_of or assignment.assigned_by]
    if assignment.follow_up is not None and assignment.follow_up not in people:
        people.append(assignment.follow_up)
    return [p for p in people if p is not None]


def _start_chain(assignment: Assignment) -> None:
    """The first progress on any assignment of the lead branch starts the ones above it
    and the document or task itself."""
    current: Assignment | None = assignment
    while current is not None:
        if current.status == AssignmentStatus.NEW:
            assignment_transition(current, "progress", started_at=timezone.now())
        if current.parent_id is None:
            if current.role == HandlingRole.LEAD:
                subject_set_status(subject_of(current), "start")
            return
        current = current.parent


def assignment_progress(
    *, assignment: Assignment, text: str, actor: Any, attachments: list[Upload] | None = None
) -> ProgressNote:
    """A handler reports progress, with attachments."""
    text = require_text(text, field="text", message="Vui lòng nhập nội dung tiến độ.")
    files = list(attachments or [])
    files_check(main=None, attachments=files, required_main=False)
    subject = subject_of(assignment)
    on_behalf_of = for_handler(actor, assignment)
    with transaction.atomic():
        previous = assignment.status
        if assignment.status not in OPEN_STATUSES:
            raise InvalidTransition("Phân công đã kết thúc, không báo cáo tiến độ được.")
        if assignment.status == AssignmentStatus.NEW:
            _start_chain(assignment)
        else:
            assignment_transition(assignment, "progress")
        note = ProgressNote.objects.create(
            assignment=assignment, author=actor, at=timezone.now(), text=text
        )
        for upload in files:
            stored = store_bytes(data=upload.data, kind=check_upload(upload, field="attachments"))
            ProgressAttachment.objects.create(note=note, stored=stored, name=upload.name[:255])
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="progress",
            from_status=previous,
            to_status=assignment.status,
            note=text,
            data={"note": note.pk, "files": [u.name for u in files]},
        )
        notice(
            recipients=_assigners(assignment),
            subject=subject,
            kind="assignment.progress",
            title=f"{name_of(actor)} báo cáo tiến độ: {subject_label(subject)[:200]}",
            body=text[:500],
        )
    return note


def assignment_complete(*, assignment: Assignment, result: str, actor: Any) -> Assignment:
    """The handler completes the assignment with a result. Completing the lead of a unit
    completes the unit's assignment too; the top lead completes the document or task."""
    result = require_text(result, field="result", message="Vui lòng nhập kết quả xử lý.")
    subject = subject_of(assignment)
    on_behalf_of = for_handler(actor, assignment)
    with transaction.atomic():
        if assignment.role == HandlingRole.INFO:
            raise InvalidTransition("Văn bản nhận để biết không cần hoàn thành.")
        open_lead_children = Assignment.objects.filter(
            parent=assignment, role=HandlingRole.LEAD, status__in=list(OPEN_STATUSES)
        )
        if open_lead_children.exists():
            raise Conflict(
                "Người chủ trì trong đơn vị chưa hoàn thành; hãy chờ hoặc thu hồi việc đã giao.",
            )
        previous = assignment.status
        completed = _complete_one(assignment, result)
        chain = [assignment.pk]
        # Up the lead branch: the unit's assignment completes with its lead.
        current = assignment
        while current.role == HandlingRole.LEAD and current.parent is not None:
            parent = current.parent
            if parent.status not in OPEN_STATUSES:
                break
            _complete_one(parent, result)
            chain.append(parent.pk)
            current = parent
        subject_done = current.role == HandlingRole.LEAD and current.parent_id is None
        if subject_done:
            subject_set_status(subject, "complete")
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="complete",
            from_status=previous,
            to_status=completed.status,
            note=result,
            data={
                "late": completed.completed_late,
                "completed": chain,
                "subject_completed": subject_done,
            },
        )
        notice(
            recipients=_assigners(assignment),
            subject=subject,
            kind="assignment.completed",
            title=f"{name_of(actor)} đã hoàn thành"
            + (" (trễ hạn)" if completed.completed_late else "")
            + f": {subject_label(subject)[:200]}",
            body=result[:500],
        )
    return assignment


def _complete_one(assignment: Assignment, result: str) -> Assignment:
    done_on = today()
    late = bool(assignment.due_date and done_on > assignment.due_date)
    assignment_transition(
        assignment,
        "complete",
        completed_at=timezone.now(),
        completed_on=done_on,
        completed_late=late,
        result=result,
        started_at=assignment.started_at or timezone.now(),
    )
    return assignment


def assignment_return(*, assignment: Assignment, reason: str, actor: Any) -> Assignment:
    """The lead sends the work back to whoever assigned it, with a reason (wrong unit, not
    in its remit); the top lead's return puts the document back to the leader."""
    reason = require_text(reason, field="reason", message="Vui lòng ghi lý do trả lại.", limit=1000)
    if assignment.role != HandlingRole.LEAD:
        raise InvalidTransition("Chỉ đơn vị, cá nhân chủ trì được trả lại văn bản.")
    subject = subject_of(assignment)
    on_behalf_of = for_handler(actor, assignment)
    with transaction.atomic():
        previous, target = assignment_transition(assignment, "return", returned_reason=reason)
        if assignment.parent_id is None and isinstance(subject, IncomingDocument):
            subject_set_status(subject, "return")
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="return",
            from_status=previous,
            to_status=target,
            note=reason,
        )
        notice(
            recipients=_assigners(assignment)[:1],
            subject=subject,
            kind="assignment.returned",
            title=f"{name_of(actor)} trả lại việc giao: {subject_label(subject)[:200]}",
            body=reason,
        )
    return assignment


def assignment_mark_read(*, assignment: Assignment, actor: Any) -> Assignment:
    """A reader for information marks the document read (once)."""
    if assignment.role != HandlingRole.INFO:
        raise InvalidTransition("Chỉ văn bản nhận để biết mới đánh dấu đã đọc.")
    if assignment.read_at is not None:
        return assignment
    subject = subject_of(assignment)
    with transaction.atomic():
        now = timezone.now()
        updated = Assignment.objects.filter(pk=assignment.pk, read_at__isnull=True).update(
            read_at=now
        )
        if not updated:
            return assignment
        assignment.read_at = now
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_handler(actor, assignment),
            action="read",
        )
    return assignment


def chase_send(*, assignment: Assignment, text: str, actor: Any) -> ChaseMessage:
    """The follow-up person (or the assigner) chases the handlers of open work."""
    text = require_text(
        clean(text), field="text", message="Vui lòng nhập nội dung đôn đốc.", limit=1000
    )
    if assignment.status not in OPEN_STATUSES or assignment.role == HandlingRole.INFO:
        raise InvalidTransition("Chỉ đôn đốc được việc đang xử lý.")
    subject = subject_of(assignment)
    with transaction.atomic():
        message = ChaseMessage.objects.create(
            assignment=assignment, sent_by=actor, sent_at=timezone.now(), text=text
        )
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_assigner(actor, assignment),
            action="chase",
            note=text,
        )
        notice(
            recipients=recipients_of(assignment),
            subject=subject,
            kind="assignment.chase",
            title=f"Đôn đốc từ {name_of(actor)}: {subject_label(subject)[:200]}",
            body=text,
        )
    return message
