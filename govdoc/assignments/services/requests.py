"""Requests around an assignment: opinions asked of others and given, and requests for
more time decided by the assigner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.assignments.models import Assignment, ExtensionRequest, OpinionRequest
from govdoc.assignments.services.common import (
    assignment_transition,
    check_due_date,
    for_assigner,
    for_handler,
    name_of,
    notice,
    recipients_of,
    record_step,
    require_text,
    subject_label,
    subject_of,
)
from govdoc.assignments.workflow import (
    OPEN_STATUSES,
    ExtensionStatus,
    HandlingRole,
    next_extension_status,
)
from govdoc.core.errors import Conflict, InvalidTransition, ValidationFailed
from govdoc.organizations.models import User


def opinion_ask(
    *, assignment: Assignment, asked_of_id: int | None, question: str, actor: Any
) -> OpinionRequest:
    """A handler asks a colleague of the agency for an opinion."""
    question = require_text(
        question, field="question", message="Vui lòng nhập nội dung xin ý kiến."
    )
    asked_of = (
        User.objects.filter(pk=asked_of_id, agency_id=assignment.agency_id, is_active=True).first()
        if asked_of_id is not None
        else None
    )
    if asked_of is None:
        raise ValidationFailed(
            "Chưa chọn người cho ý kiến.",
            fields={"asked_of": "Người được xin ý kiến phải thuộc cơ quan."},
        )
    if asked_of.pk == actor.pk:
        raise ValidationFailed(
            "Không tự xin ý kiến chính mình.", fields={"asked_of": "Chọn một người khác."}
        )
    if assignment.role == HandlingRole.INFO:
        raise InvalidTransition("Văn bản nhận để biết không xin ý kiến được.")
    subject = subject_of(assignment)
    with transaction.atomic():
        previous, target = assignment_transition(
            assignment, "ask_opinion", started_at=assignment.started_at or timezone.now()
        )
        opinion = OpinionRequest.objects.create(
            assignment=assignment,
            asked_by=actor,
            asked_of=asked_of,
            question=question,
            asked_at=timezone.now(),
        )
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_handler(actor, assignment),
            action="ask_opinion",
            from_status=previous,
            to_status=target,
            note=question,
            data={"opinion": opinion.pk, "asked_of": asked_of.pk, "name": name_of(asked_of)},
        )
        notice(
            recipients=[asked_of],
            subject=subject,
            kind="opinion.asked",
            title=f"{name_of(actor)} xin ý kiến: {subject_label(subject)[:200]}",
            body=question[:500],
        )
    return opinion


def opinion_answer(*, opinion: OpinionRequest, answer: str, actor: Any) -> OpinionRequest:
    """The person asked gives their opinion (once)."""
    answer = require_text(answer, field="answer", message="Vui lòng nhập ý kiến.")
    assignment = opinion.assignment
    subject = subject_of(assignment)
    with transaction.atomic():
        now = timezone.now()
        updated = OpinionRequest.objects.filter(pk=opinion.pk, answered_at__isnull=True).update(
            answer=answer, answered_at=now
        )
        if not updated:
            raise Conflict("Ý kiến đã được gửi trước đó.")
        opinion.answer, opinion.answered_at = answer, now
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=opinion.asked_of if opinion.asked_of_id != actor.pk else None,
            action="give_opinion",
            note=answer,
            data={"opinion": opinion.pk},
        )
        notice(
            recipients=[opinion.asked_by],
            subject=subject,
            kind="opinion.given",
            title=f"{name_of(actor)} đã cho ý kiến: {subject_label(subject)[:200]}",
            body=answer[:500],
        )
    return opinion


def extension_request(
    *, assignment: Assignment, requested_due: dt.date | None, reason: str, actor: Any
) -> ExtensionRequest:
    """A handler asks for more time; the assigner approves or refuses."""
    reason = require_text(reason, field="reason", message="Vui lòng ghi lý do gia hạn.", limit=1000)
    requested = check_due_date(requested_due, field="requested_due")
    if assignment.role == HandlingRole.INFO or assignment.due_date is None:
        raise InvalidTransition("Văn bản nhận để biết không có hạn xử lý.")
    if requested <= assignment.due_date:
        raise ValidationFailed(
            "Hạn đề nghị phải sau hạn hiện tại.",
            fields={"requested_due": f"Hạn hiện tại là {assignment.due_date:%d/%m/%Y}."},
        )
    if assignment.status not in OPEN_STATUSES:
        raise InvalidTransition("Phân công đã kết thúc, không xin gia hạn được.")
    subject = subject_of(assignment)
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                assignment=assignment,
                requested_by=actor,
                requested_at=timezone.now(),
                current_due=assignment.due_date,
                requested_due=requested,
                reason=reason,
            )
            record_step(
                subject=subject,
                assignment=assignment,
                actor=actor,
                on_behalf_of=for_handler(actor, assignment),
                action="request_extension",
                note=reason,
                data={"extension": extension.pk, "requested_due": requested.isoformat()},
            )
            notice(
                recipients=[assignment.on_behalf_of or assignment.assigned_by],
                subject=subject,
                kind="extension.requested",
                title=f"{name_of(actor)} xin gia hạn đến {requested:%d/%m/%Y}: "
                f"{subject_label(subject)[:160]}",
                body=reason,
            )
    except IntegrityError:
        raise Conflict(
            "Đã có một đề nghị gia hạn đang chờ quyết định.",
            fields={"requested_due": "Chờ người giao quyết định đề nghị trước."},
        ) from None
    return extension


def extension_decide(
    *, extension: ExtensionRequest, approve: bool, actor: Any, note: str = ""
) -> ExtensionRequest:
    """The assigner approves (the deadline moves) or refuses a request for more time."""
    note = " ".join(note.split())[:1000]
    if not approve and not note:
        raise ValidationFailed(
            "Vui lòng ghi lý do không đồng ý.", fields={"note": "Ghi lý do không đồng ý."}
        )
    action = "approve" if approve else "refuse"
    target = next_extension_status(extension.status, action)
    if target is None:
        raise InvalidTransition("Đề nghị gia hạn đã được quyết định.")
    assignment = extension.assignment
    subject = subject_of(assignment)
    with transaction.atomic():
        updated = ExtensionRequest.objects.filter(
            pk=extension.pk, status=ExtensionStatus.PENDING
        ).update(status=target, decided_by=actor, decided_at=timezone.now(), decision_note=note)
        if not updated:
            raise Conflict("Đề nghị gia hạn vừa được quyết định, vui lòng tải lại trang.")
        extension.status = target
        old_due = assignment.due_date
        if approve:
            Assignment.objects.filter(pk=assignment.pk).update(due_date=extension.requested_due)
            assignment.due_date = extension.requested_due
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_assigner(actor, assignment),
            action="approve_extension" if approve else "refuse_extension",
            note=note,
            data={
                "extension": extension.pk,
                "old_due": old_due.isoformat() if old_due else None,
                "new_due": assignment.due_date.isoformat() if assignment.due_date else None,
            },
        )
        notice(
            recipients=recipients_of(assignment),
            subject=subject,
            kind="extension.decided",
            title=(
                f"Đồng ý gia hạn đến {extension.requested_due:%d/%m/%Y}"
                if approve
                else "Không đồng ý gia hạn"
            )
            + f": {subject_label(subject)[:200]}",
            body=note,
        )
    return extension
