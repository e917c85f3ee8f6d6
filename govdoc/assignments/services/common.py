"""What every handling step shares: the subject (document or task), its history row, its
journal event, checks of assignees and deadlines, and the notices sent after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from govdoc.assignments.models import Assignment, HandlingHistory, Task
from govdoc.assignments.workflow import (
    AssignmentStatus,
    HandlingRole,
    next_assignment_status,
    next_task_status,
)
from govdoc.audit.services import audit_record
from govdoc.core.calendar import is_working_day
from govdoc.core.dates import today, vn_date
from govdoc.core.errors import Conflict, InvalidTransition, ValidationFailed
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_set_handling_status
from govdoc.notifications.services import notify
from govdoc.organizations.access import acting_on_behalf_of, unit_leaders
from govdoc.organizations.models import Unit, User
from govdoc.organizations.roles import Role

NOTE_MAX = 1000
TEXT_MAX = 5000


@dataclass(frozen=True)
class AssigneeInput:
    """One line of an assignment: who, in which role, by when."""

    role: str
    unit_id: int | None = None
    person_id: int | None = None
    due_date: dt.date | None = None
    note: str = ""


def name_of(person: Any) -> str:
    if person is None:
        return ""
    return str(getattr(person, "full_name", "") or person.get_username())


def clean(text: str) -> str:
    return " ".join(text.split())


def require_text(text: str, *, field: str, message: str, limit: int = TEXT_MAX) -> str:
    value = text.strip()
    if not value:
        raise ValidationFailed(message, fields={field: message})
    if len(value) > limit:
        raise ValidationFailed("Nội dung quá dài.", fields={field: f"Tối đa {limit} ký tự."})
    return value


def check_due_date(day: dt.date | None, *, field: str = "due_date") -> dt.date:
    """A deadline is a working day, today or later."""
    if day is None:
        raise ValidationFailed(
            "Vui lòng nhập hạn xử lý.", fields={field: "Vui lòng nhập hạn xử lý (dd/mm/yyyy)."}
        )
    if day < today():
        raise ValidationFailed(
            "Hạn xử lý không thể trước ngày hôm nay.",
            fields={field: f"Hạn {vn_date(day)} đã qua; chọn từ hôm nay trở đi."},
        )
    if not is_working_day(day):
        raise ValidationFailed(
            "Hạn xử lý phải là ngày làm việc.",
            fields={field: f"Ngày {vn_date(day)} là ngày nghỉ; chọn một ngày làm việc."},
        )
    return day


def subject_of(assignment: Assignment) -> IncomingDocument | Task:
    if assignment.incoming_id is not None:
        assert assignment.incoming is not None
        return assignment.incoming
    assert assignment.task is not None
    return assignment.task


def subject_label(subject: IncomingDocument | Task) -> str:
    if isinstance(subject, IncomingDocument):
        return subject.document.subject
    return subject.title


def subject_url(subject: IncomingDocument | Task) -> str:
    if isinstance(subject, IncomingDocument):
        return reverse("incoming:detail", args=[subject.pk])
    return reverse("assignments:task_detail", args=[subject.pk])


def subject_priority(subject: IncomingDocument | Task) -> int:
    if isinstance(subject, IncomingDocument):
        return int(subject.document.priority)
    return int(subject.priority)


def subject_set_status(subject: IncomingDocument | Task, action: str) -> str | None:
    """Move the document's or task's own status for a step on its lead assignment."""
    if isinstance(subject, IncomingDocument):
        return incoming_set_handling_status(incoming=subject, action=action)
    target = next_task_status(subject.status, action)
    if target is None or target == subject.status:
        return None
    changes: dict[str, Any] = {"status": target}
    if target == "COMPLETED":
        changes["completed_at"] = timezone.now()
    updated = Task.objects.filter(pk=subject.pk, status=subject.status).update(**changes)
    if not updated:
        raise Conflict("Công việc vừa được người khác cập nhật, vui lòng tải lại trang.")
    for key, value in changes.items():
        setattr(subject, key, value)
    return target


def assignment_transition(assignment: Assignment, action: str, **changes: Any) -> tuple[str, str]:
    """Compare-and-set an assignment's status by the table; returns (old, new)."""
    target = next_assignment_status(assignment.status, action)
    if target is None:
        raise InvalidTransition(
            f"Không thực hiện được: phân công đang ở trạng thái "
            f"“{AssignmentStatus(assignment.status).label}”."
        )
    updated = Assignment.objects.filter(pk=assignment.pk, status=assignment.status).update(
        status=target, **changes
    )
    if not updated:
        raise Conflict("Phân công vừa được người khác cập nhật, vui lòng tải lại trang.")
    previous = assignment.status
    assignment.status = target
    for key, value in changes.items():
        setattr(assignment, key, value)
    return previous, target


def record_step(
    *,
    subject: IncomingDocument | Task,
    assignment: Assignment | None,
    actor: Any,
    on_behalf_of: Any,
    action: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> HandlingHistory:
    """The step's history row and its journal event (both names when acting for someone)."""
    is_incoming = isinstance(subject, IncomingDocument)
    row = HandlingHistory.objects.create(
        agency_id=subject.agency_id,
        incoming=subject if isinstance(subject, IncomingDocument) else None,
        task=subject if isinstance(subject, Task) else None,
        assignment=assignment,
        at=timezone.now(),
        actor=actor,
        on_behalf_of=on_behalf_of,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note[:2000],
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=f"handling.{action}",
        target=assignment if assignment is not None else subject,
        agency_id=subject.agency_id,
        on_behalf_of=name_of(on_behalf_of),
        data={
            "subject": f"{'incoming' if is_incoming else 'task'}:{subject.pk}",
            **(data or {}),
        },
    )
    return row


def for_handler(actor: Any, assignment: Assignment) -> Any:
    """Whose work the actor does by delegation (recorded with their own name): the person
    the assignment was given to, or the leader of its unit; None in their own right."""
    if assignment.assignee_person_id is not None and assignment.assignee_person_id != actor.pk:
        return assignment.assignee_person
    if assignment.assignee_unit_id is not None:
        return acting_on_behalf_of(actor, assignment.agency_id, Role.UNIT_LEADER)
    return None


def for_assigner(actor: Any, assignment: Assignment) -> Any:
    """Whom the actor acts for on the assigner's side (take back, give back, decide more
    time, chase): the assigner, when the actor holds their authority by delegation; None for
    the assigner themself or the follow-up person."""
    own = {assignment.assigned_by_id, assignment.on_behalf_of_id, assignment.follow_up_id}
    if actor.pk in own:
        return None
    return assignment.on_behalf_of or assignment.assigned_by


def recipients_of(assignment: Assignment) -> list[User]:
    """Who receives notices about an assignment: its person, or its unit's leaders."""
    if assignment.assignee_person_id is not None:
        assert assignment.assignee_person is not None
        return [assignment.assignee_person]
    assert assignment.assignee_unit_id is not None
    return list(unit_leaders([assignment.assignee_unit_id]))


def notice(
    *,
    recipients: list[User],
    subject: IncomingDocument | Task,
    kind: str,
    title: str,
    body: str = "",
    dedupe_key: str | None = None,
) -> None:
    urgent = subject_priority(subject) > 0
    notify(
        recipients=recipients,
        kind=kind,
        title=(("KHẨN — " if urgent else "") + title)[:300],
        body=body or subject_label(subject)[:500],
        url=subject_url(subject),
        agency_id=subject.agency_id,
        dedupe_key=dedupe_key,
    )


def resolve_assignees(
    lines: list[AssigneeInput],
    *,
    agency_id: int,
    allowed_unit_ids: list[int] | None = None,
    units_allowed: bool = True,
) -> list[tuple[AssigneeInput, Unit | None, User | None]]:
    """Check each line (one of unit or person, in the agency — or in `allowed_unit_ids`),
    reporting every mistake at once under `assignees`."""
    if not lines:
        raise ValidationFailed(
            "Chưa chọn đơn vị hoặc người xử lý.",
            fields={"assignees": "Chọn ít nhất một đơn vị hoặc cá nhân."},
        )
    errors: list[str] = []
    resolved: list[tuple[AssigneeInput, Unit | None, User | None]] = []
    unit_ids = [line.unit_id for line in lines if line.unit_id is not None]
    person_ids = [line.person_id for line in lines if line.person_id is not None]
    units = {
        u.pk: u for u in Unit.objects.filter(pk__in=unit_ids, agency_id=agency_id, is_active=True)
    }
    people_query = User.objects.filter(pk__in=person_ids, agency_id=agency_id, is_active=True)
    if allowed_unit_ids is not None:
        people_query = people_query.filter(unit_id__in=allowed_unit_ids)
    people = {p.pk: p for p in people_query}
    seen: set[tuple[str, int]] = set()
    for number, line in enumerate(lines, start=1):
        where = f"Dòng {number}: "
        if line.role not in HandlingRole.values:
            errors.append(where + "vai trò không hợp lệ.")
            continue
        if (line.unit_id is None) == (line.person_id is None):
            errors.append(where + "chọn một đơn vị hoặc một cá nhân.")
            continue
        unit = units.get(line.unit_id) if line.unit_id is not None else None
        person = people.get(line.person_id) if line.person_id is not None else None
        if line.unit_id is not None:
            if not units_allowed:
                errors.append(where + "chỉ giao được cho cá nhân trong đơn vị.")
                continue
            if unit is None:
                errors.append(where + "đơn vị không thuộc cơ quan.")
                continue
        if line.person_id is not None and person is None:
            errors.append(
                where
                + (
                    "người được giao không thuộc đơn vị."
                    if allowed_unit_ids is not None
                    else "người được giao không thuộc cơ quan."
                )
            )
            continue
        key = ("unit", line.unit_id) if unit is not None else ("person", line.person_id)
        if key in seen:
            errors.append(where + "trùng với một dòng khác.")
            continue
        seen.add(key)  # type: ignore[arg-type]
        if line.role != HandlingRole.INFO:
            try:
                check_due_date(line.due_date)
            except ValidationFailed as error:
                errors.append(where + next(iter(error.fields.values())))
                continue
        if len(line.note) > NOTE_MAX:
            errors.append(where + f"nội dung giao tối đa {NOTE_MAX} ký tự.")
            continue
        resolved.append((line, unit, person))
    leads = [line for line in lines if line.role == HandlingRole.LEAD]
    if len(leads) > 1:
        errors.append("Chỉ có một đơn vị hoặc cá nhân chủ trì.")
    if errors:
        raise ValidationFailed(
            "Thông tin phân công chưa hợp lệ.", fields={"assignees": " ".join(errors)}
        )
    return resolved


def open_lead_exists(*, parent: Assignment | None, subject: IncomingDocument | Task) -> bool:
    scope = Q(parent=parent) if parent is not None else Q(parent__isnull=True)
    if isinstance(subject, IncomingDocument):
        scope &= Q(incoming=subject)
    else:
        scope &= Q(task=subject)
    return Assignment.objects.filter(
        scope,
        role=HandlingRole.LEAD,
        status__in=[AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS],
    ).exists()
