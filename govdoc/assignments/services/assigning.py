"""Giving work: the leader's instruction and assignment of an incoming document, a unit
leader's assignment within the unit, tasks without a document, taking work back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.assignments.models import Assignment, Instruction, Task
from govdoc.assignments.services.common import (
    AssigneeInput,
    assignment_transition,
    check_due_date,
    clean,
    for_assigner,
    name_of,
    notice,
    open_lead_exists,
    recipients_of,
    record_step,
    require_text,
    resolve_assignees,
    subject_label,
    subject_of,
    subject_set_status,
)
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole, TaskStatus
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.core.text import fold
from govdoc.documents.models import Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import next_status
from govdoc.organizations.access import (
    acting_on_behalf_of,
    has_role,
    led_unit_ids,
    unit_subtree_ids,
)
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role

INSTRUCTION_MAX = 3000


def _follow_up(person_id: int | None, agency_id: int) -> User | None:
    if person_id is None:
        return None
    person = User.objects.filter(pk=person_id, agency_id=agency_id, is_active=True).first()
    if person is None:
        raise ValidationFailed(
            "Người theo dõi không thuộc cơ quan.",
            fields={"follow_up": "Người theo dõi, đôn đốc phải thuộc cơ quan."},
        )
    return person


def _create_assignments(
    *,
    subject: IncomingDocument | Task,
    parent: Assignment | None,
    resolved: list[tuple[AssigneeInput, Unit | None, User | None]],
    actor: Any,
    on_behalf_of: Any,
    follow_up: User | None,
) -> list[Assignment]:
    now = timezone.now()
    created = [
        Assignment(
            agency_id=subject.agency_id,
            incoming=subject if isinstance(subject, IncomingDocument) else None,
            task=subject if isinstance(subject, Task) else None,
            parent=parent,
            role=line.role,
            assignee_unit=unit,
            assignee_person=person,
            assigned_by=actor,
            on_behalf_of=on_behalf_of,
            assigned_at=now,
            due_date=None if line.role == HandlingRole.INFO else line.due_date,
            follow_up=follow_up,
            note=clean(line.note),
        )
        for line, unit, person in resolved
    ]
    # One by one: the rows need their ids for the notices (bulk ids are PostgreSQL-only).
    for assignment in created:
        assignment.save()
    return created


def _describe(assignments: list[Assignment]) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "role": a.role,
            "assignee": a.assignee_label,
            "unit": a.assignee_unit_id,
            "person": a.assignee_person_id,
            "due_date": a.due_date.isoformat() if a.due_date else None,
        }
        for a in assignments
    ]


def _notify_assignees(
    assignments: list[Assignment], subject: IncomingDocument | Task, actor: Any
) -> None:
    label = subject_label(subject)[:200]
    for assignment in assignments:
        role = HandlingRole(assignment.role).label.lower()
        due = f", hạn {assignment.due_date:%d/%m/%Y}" if assignment.due_date else ""
        notice(
            recipients=recipients_of(assignment),
            subject=subject,
            kind=f"assignment.{assignment.role.lower()}",
            title=f"{name_of(actor)} giao {role}{due}: {label}",
        )


def incoming_assign(
    *,
    incoming: IncomingDocument,
    instruction: str,
    assignees: list[AssigneeInput],
    actor: Any,
    follow_up_id: int | None = None,
) -> list[Assignment]:
    """The leader's instruction and assignment: a lead, co-handlers and readers, each with
    its deadline. Later assignments add to the first (one open lead at a time)."""
    agency_id = incoming.agency_id
    if not has_role(actor, agency_id, Role.AGENCY_LEADER):
        raise Forbidden("Chỉ lãnh đạo cơ quan (hoặc người được ủy quyền) được phân công xử lý.")
    if next_status(incoming.status, "assign") is None:
        raise InvalidTransition(
            "Văn bản chưa được trình hoặc đã kết thúc xử lý, không phân công được."
        )
    on_behalf_of = acting_on_behalf_of(actor, agency_id, Role.AGENCY_LEADER)
    instruction = instruction.strip()
    if len(instruction) > INSTRUCTION_MAX:
        raise ValidationFailed(
            "Ý kiến chỉ đạo quá dài.",
            fields={"instruction": f"Ý kiến chỉ đạo tối đa {INSTRUCTION_MAX} ký tự."},
        )
    resolved = resolve_assignees(assignees, agency_id=agency_id)
    follow_up = _follow_up(follow_up_id, agency_id)
    with transaction.atomic():
        # Lock the document's row: two leaders assigning at once are served one after the other.
        locked = IncomingDocument.objects.select_for_update().get(pk=incoming.pk)
        if locked.status != incoming.status:
            raise Conflict("Văn bản vừa được người khác xử lý, vui lòng tải lại trang.")
        has_lead = any(line.role == HandlingRole.LEAD for line, _u, _p in resolved)
        lead_open = open_lead_exists(parent=None, subject=incoming)
        if has_lead and lead_open:
            raise Conflict(
                "Văn bản đã có đơn vị, cá nhân chủ trì đang xử lý.",
                fields={"assignees": "Đã có chủ trì; chỉ thêm phối hợp hoặc nhận để biết."},
            )
        if not has_lead and not lead_open:
            raise ValidationFailed(
                "Phải giao một đơn vị hoặc cá nhân chủ trì.",
                fields={"assignees": "Chọn một đơn vị hoặc cá nhân chủ trì."},
            )
        if has_lead:
            # A lead that sent the document back is replaced by the new one.
            Assignment.objects.filter(
                incoming=incoming,
                parent__isnull=True,
                role=HandlingRole.LEAD,
                status=AssignmentStatus.RETURNED,
            ).update(status=AssignmentStatus.CANCELLED)
        if instruction:
            Instruction.objects.create(
                agency_id=agency_id,
                incoming=incoming,
                text=instruction,
                given_by=actor,
                on_behalf_of=on_behalf_of,
                given_at=timezone.now(),
            )
        created = _create_assignments(
            subject=incoming,
            parent=None,
            resolved=resolved,
            actor=actor,
            on_behalf_of=on_behalf_of,
            follow_up=follow_up,
        )
        previous = incoming.status
        subject_set_status(incoming, "assign")
        record_step(
            subject=incoming,
            assignment=None,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="assign",
            from_status=previous,
            to_status=incoming.status,
            note=instruction,
            data={"assignments": _describe(created)},
        )
        _notify_assignees(created, incoming, actor)
    return created


def assignment_sub_assign(
    *, assignment: Assignment, assignees: list[AssigneeInput], actor: Any
) -> list[Assignment]:
    """A unit leader assigns the unit's work within the unit: a lead specialist,
    co-handlers, readers, with deadlines no later than the unit's own."""
    if assignment.assignee_unit_id is None or assignment.role == HandlingRole.INFO:
        raise InvalidTransition("Chỉ phân công tiếp được công việc giao cho đơn vị.")
    agency_id = assignment.agency_id
    if assignment.assignee_unit_id not in led_unit_ids(actor, agency_id):
        raise Forbidden("Chỉ lãnh đạo đơn vị được giao việc trong đơn vị.")
    assert assignment.assignee_unit is not None
    on_behalf_of = acting_on_behalf_of(actor, agency_id, Role.UNIT_LEADER)
    resolved = resolve_assignees(
        assignees,
        agency_id=agency_id,
        allowed_unit_ids=unit_subtree_ids(assignment.assignee_unit),
        units_allowed=False,
    )
    parent_due = assignment.due_date
    late = [
        line
        for line, _u, _p in resolved
        if line.due_date and parent_due and line.due_date > parent_due
    ]
    if late:
        raise ValidationFailed(
            "Hạn giao trong đơn vị không được sau hạn của đơn vị.",
            fields={"assignees": f"Hạn của đơn vị là {parent_due:%d/%m/%Y}."},
        )
    subject = subject_of(assignment)
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        has_lead = any(line.role == HandlingRole.LEAD for line, _u, _p in resolved)
        lead_open = open_lead_exists(parent=assignment, subject=subject)
        if has_lead and lead_open:
            raise Conflict(
                "Đơn vị đã giao cho một người chủ trì.",
                fields={"assignees": "Đã có người chủ trì; chỉ thêm phối hợp hoặc để biết."},
            )
        if assignment.role == HandlingRole.LEAD and not has_lead and not lead_open:
            raise ValidationFailed(
                "Phải giao một người chủ trì.",
                fields={"assignees": "Chọn một người chủ trì trong đơn vị."},
            )
        previous, target = assignment_transition(
            assignment, "sub_assign", started_at=assignment.started_at or timezone.now()
        )
        created = _create_assignments(
            subject=subject,
            parent=assignment,
            resolved=resolved,
            actor=actor,
            on_behalf_of=on_behalf_of,
            follow_up=assignment.follow_up,
        )
        if assignment.role == HandlingRole.LEAD and assignment.parent_id is None:
            subject_set_status(subject, "start")
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="sub_assign",
            from_status=previous,
            to_status=target,
            data={"assignments": _describe(created)},
        )
        _notify_assignees(created, subject, actor)
    return created


def task_create(
    *,
    agency: Agency,
    title: str,
    description: str,
    assignees: list[AssigneeInput],
    actor: Any,
    priority: int = Priority.NORMAL,
    due_date: dt.date | None = None,
    follow_up_id: int | None = None,
) -> Task:
    """A leader gives a task without a document to units or people."""
    agency_id = agency.pk
    is_agency_leader = has_role(actor, agency_id, Role.AGENCY_LEADER)
    led = led_unit_ids(actor, agency_id)
    if not is_agency_leader and not led:
        raise Forbidden("Chỉ lãnh đạo được giao việc.")
    role = Role.AGENCY_LEADER if is_agency_leader else Role.UNIT_LEADER
    on_behalf_of = acting_on_behalf_of(actor, agency_id, role)
    title = clean(title)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Vui lòng nhập tên công việc."
    elif len(title) > 500:
        errors["title"] = "Tên công việc tối đa 500 ký tự."
    if len(description) > 10000:
        errors["description"] = "Nội dung tối đa 10.000 ký tự."
    if priority not in Priority.values:
        errors["priority"] = "Độ khẩn không hợp lệ."
    if due_date is not None:
        try:
            check_due_date(due_date)
        except ValidationFailed as error:
            errors["due_date"] = next(iter(error.fields.values()))
    if errors:
        raise ValidationFailed("Thông tin công việc chưa hợp lệ.", fields=errors)
    allowed: list[int] | None = None
    if not is_agency_leader:
        allowed = [pk for unit in Unit.objects.filter(pk__in=led) for pk in unit_subtree_ids(unit)]
    lines = [
        line if line.due_date or line.role == HandlingRole.INFO else _with_due(line, due_date)
        for line in assignees
    ]
    resolved = resolve_assignees(
        lines, agency_id=agency_id, allowed_unit_ids=allowed, units_allowed=is_agency_leader
    )
    if not any(line.role == HandlingRole.LEAD for line, _u, _p in resolved):
        raise ValidationFailed(
            "Phải giao một đơn vị hoặc cá nhân chủ trì.",
            fields={"assignees": "Chọn một đơn vị hoặc cá nhân chủ trì."},
        )
    follow_up = _follow_up(follow_up_id, agency_id)
    with transaction.atomic():
        task = Task.objects.create(
            agency=agency,
            title=title,
            description=description.strip(),
            priority=priority,
            due_date=due_date,
            status=TaskStatus.ASSIGNED,
            created_by=actor,
            on_behalf_of=on_behalf_of,
            created_at=timezone.now(),
            search_text=fold(f"{title} {description}"),
        )
        created = _create_assignments(
            subject=task,
            parent=None,
            resolved=resolved,
            actor=actor,
            on_behalf_of=on_behalf_of,
            follow_up=follow_up,
        )
        record_step(
            subject=task,
            assignment=None,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="task_create",
            to_status=task.status,
            note=title,
            data={"assignments": _describe(created)},
        )
        _notify_assignees(created, task, actor)
    return task


def _with_due(line: AssigneeInput, due_date: dt.date | None) -> AssigneeInput:
    return AssigneeInput(
        role=line.role,
        unit_id=line.unit_id,
        person_id=line.person_id,
        due_date=due_date,
        note=line.note,
    )


def assignment_cancel(*, assignment: Assignment, reason: str, actor: Any) -> Assignment:
    """The assigner takes the work back (to give it to someone else)."""
    reason = require_text(reason, field="reason", message="Vui lòng ghi lý do thu hồi.", limit=1000)
    subject = subject_of(assignment)
    with transaction.atomic():
        previous, target = assignment_transition(assignment, "cancel")
        children = list(
            Assignment.objects.filter(
                parent=assignment,
                status__in=[
                    AssignmentStatus.NEW,
                    AssignmentStatus.IN_PROGRESS,
                    AssignmentStatus.RETURNED,
                ],
            )
        )
        Assignment.objects.filter(pk__in=[c.pk for c in children]).update(
            status=AssignmentStatus.CANCELLED
        )
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_assigner(actor, assignment),
            action="cancel",
            from_status=previous,
            to_status=target,
            note=reason,
            data={"children": [c.pk for c in children]},
        )
        notice(
            recipients=recipients_of(assignment),
            subject=subject,
            kind="assignment.cancelled",
            title=f"{name_of(actor)} đã thu hồi việc giao: {subject_label(subject)[:200]}",
            body=reason,
        )
    return assignment


def assignment_reopen(
    *, assignment: Assignment, actor: Any, due_date: dt.date | None = None, note: str = ""
) -> Assignment:
    """The assigner gives returned work back to the same assignee (a new deadline if set)."""
    new_due = check_due_date(due_date) if due_date is not None else assignment.due_date
    if new_due is not None and assignment.role != HandlingRole.INFO:
        check_due_date(new_due)
    subject = subject_of(assignment)
    with transaction.atomic():
        previous, target = assignment_transition(
            assignment, "reopen", due_date=new_due, returned_reason=""
        )
        if assignment.parent_id is None and assignment.role == HandlingRole.LEAD:
            subject_set_status(subject, "assign")
        record_step(
            subject=subject,
            assignment=assignment,
            actor=actor,
            on_behalf_of=for_assigner(actor, assignment),
            action="reopen",
            from_status=previous,
            to_status=target,
            note=clean(note)[:1000],
            data={"due_date": new_due.isoformat() if new_due else None},
        )
        notice(
            recipients=recipients_of(assignment),
            subject=subject,
            kind="assignment.reopened",
            title=f"{name_of(actor)} giao lại: {subject_label(subject)[:200]}",
        )
    return assignment
