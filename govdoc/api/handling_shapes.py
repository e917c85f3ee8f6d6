"""What the handling API answers: the JSON of assignments, progress, opinions, requests for
more time, history rows, documents and tasks, built from the rows the access rules and
selectors gave (times in local time, +07:00), and the actions the caller may take."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from govdoc.assignments.access import assignment_for, visible_assignments
from govdoc.assignments.models import (
    Assignment,
    ChaseMessage,
    ExtensionRequest,
    HandlingHistory,
    OpinionRequest,
    ProgressAttachment,
    ProgressNote,
    Task,
)
from govdoc.assignments.selectors import is_overdue
from govdoc.assignments.workflow import (
    OPEN_STATUSES,
    AssignmentStatus,
    ExtensionStatus,
    HandlingRole,
    TaskStatus,
    handler_actions,
    next_assignment_status,
)
from govdoc.core.errors import NotFound
from govdoc.documents.models import Priority
from govdoc.incoming.models import IncomingDocument, IncomingHistory
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.access import led_unit_ids

HISTORY_LABELS: dict[str, str] = {
    "register": "Vào sổ văn bản đến",
    "update": "Sửa thông tin",
    "annul": "Hủy đăng ký",
    "present": "Trình lãnh đạo",
    "refuse": "Trả lại nơi gửi",
    "assign": "Phân công xử lý",
    "sub_assign": "Phân công trong đơn vị",
    "task_create": "Giao việc",
    "progress": "Báo cáo tiến độ",
    "complete": "Hoàn thành",
    "return": "Trả lại người giao",
    "read": "Đã đọc",
    "chase": "Đôn đốc",
    "cancel": "Thu hồi việc giao",
    "reopen": "Giao lại",
    "ask_opinion": "Xin ý kiến",
    "give_opinion": "Cho ý kiến",
    "request_extension": "Xin gia hạn",
    "approve_extension": "Đồng ý gia hạn",
    "refuse_extension": "Không đồng ý gia hạn",
}

# A handler's action in the workflow table → the last segment of its API address.
API_ACTIONS: dict[str, str] = {
    "progress": "progress",
    "sub_assign": "sub-assign",
    "ask_opinion": "opinions",
    "request_extension": "extensions",
    "return": "return",
    "complete": "complete",
}


def local_time(value: Any) -> Any:
    return timezone.localtime(value) if value is not None else None


def person_out(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": getattr(user, "full_name", "") or user.get_username()}


def incoming_subject(incoming: IncomingDocument) -> dict[str, Any]:
    document = incoming.document
    return {
        "kind": "incoming",
        "id": incoming.pk,
        "title": document.subject,
        "arrival_number": incoming.display_arrival_number,
        "priority": document.priority,
        "priority_label": Priority(document.priority).label,
        "status": incoming.status,
        "status_label": IncomingStatus(incoming.status).label,
        "due_date": document.due_date,
    }


def task_subject(task: Task) -> dict[str, Any]:
    return {
        "kind": "task",
        "id": task.pk,
        "title": task.title,
        "priority": task.priority,
        "priority_label": Priority(task.priority).label,
        "status": task.status,
        "status_label": TaskStatus(task.status).label,
        "due_date": task.due_date,
    }


def subject_out(assignment: Assignment) -> dict[str, Any]:
    if assignment.incoming is not None:
        return incoming_subject(assignment.incoming)
    assert assignment.task is not None
    return task_subject(assignment.task)


def assignment_out(
    assignment: Assignment, *, subject: dict[str, Any] | None = None
) -> dict[str, Any]:
    unit = assignment.assignee_unit
    return {
        "id": assignment.pk,
        "subject": subject if subject is not None else subject_out(assignment),
        "parent_id": assignment.parent_id,
        "depth": getattr(assignment, "depth", 0),
        "role": assignment.role,
        "role_label": HandlingRole(assignment.role).label,
        "assignee_unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
        "assignee_person": person_out(assignment.assignee_person),
        "assignee_name": assignment.assignee_label,
        "assigned_by": person_out(assignment.assigned_by),
        "on_behalf_of": person_out(assignment.on_behalf_of),
        "assigned_at": local_time(assignment.assigned_at),
        "due_date": assignment.due_date,
        "overdue": is_overdue(assignment),
        "follow_up": person_out(assignment.follow_up),
        "note": assignment.note,
        "status": assignment.status,
        "status_label": AssignmentStatus(assignment.status).label,
        "started_at": local_time(assignment.started_at),
        "read_at": local_time(assignment.read_at),
        "completed_at": local_time(assignment.completed_at),
        "completed_on": assignment.completed_on,
        "completed_late": assignment.completed_late,
        "result": assignment.result,
        "returned_reason": assignment.returned_reason,
    }


def progress_out(
    request: HttpRequest, note: ProgressNote, files: list[ProgressAttachment]
) -> dict[str, Any]:
    def ref(item: ProgressAttachment) -> dict[str, Any]:
        url = reverse(
            "api:assignment_file",
            kwargs={"assignment_id": note.assignment_id, "file_id": item.pk},
        )
        return {
            "id": item.pk,
            "name": item.name,
            "size": item.stored.size,
            "sha256": item.stored.sha256,
            "content_type": item.stored.content_type,
            "download_url": request.build_absolute_uri(url),
        }

    return {
        "id": note.pk,
        "assignment_id": note.assignment_id,
        "author": person_out(note.author),
        "at": local_time(note.at),
        "text": note.text,
        "files": [ref(f) for f in files],
    }


def opinion_out(opinion: OpinionRequest) -> dict[str, Any]:
    return {
        "id": opinion.pk,
        "assignment_id": opinion.assignment_id,
        "asked_by": person_out(opinion.asked_by),
        "asked_of": person_out(opinion.asked_of),
        "question": opinion.question,
        "asked_at": local_time(opinion.asked_at),
        "answered": opinion.answered_at is not None,
        "answer": opinion.answer,
        "answered_at": local_time(opinion.answered_at),
    }


def extension_out(extension: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": extension.pk,
        "assignment_id": extension.assignment_id,
        "requested_by": person_out(extension.requested_by),
        "requested_at": local_time(extension.requested_at),
        "current_due": extension.current_due,
        "requested_due": extension.requested_due,
        "reason": extension.reason,
        "status": extension.status,
        "status_label": ExtensionStatus(extension.status).label,
        "decided_by": person_out(extension.decided_by),
        "decided_at": local_time(extension.decided_at),
        "decision_note": extension.decision_note,
    }


def chase_out(chase: ChaseMessage) -> dict[str, Any]:
    return {
        "id": chase.pk,
        "assignment_id": chase.assignment_id,
        "sent_by": person_out(chase.sent_by),
        "sent_at": local_time(chase.sent_at),
        "text": chase.text,
    }


def _status_label(status: str, choices: Any) -> str:
    return str(choices(status).label) if status in choices.values else status


def history_out(row: HandlingHistory | IncomingHistory) -> dict[str, Any]:
    """A step of the history; statuses are the assignment's when the step is on one,
    otherwise the document's (or the task's)."""
    assignment_id = getattr(row, "assignment_id", None)
    if assignment_id is not None:
        choices: Any = AssignmentStatus
    elif getattr(row, "task_id", None) is not None:
        choices = TaskStatus
    else:
        choices = IncomingStatus
    return {
        "at": local_time(row.at),
        "action": row.action,
        "action_label": HISTORY_LABELS.get(row.action, row.action),
        "actor": person_out(row.actor),
        "on_behalf_of": person_out(getattr(row, "on_behalf_of", None)),
        "assignment_id": assignment_id,
        "from_status": row.from_status,
        "from_status_label": _status_label(row.from_status, choices),
        "to_status": row.to_status,
        "to_status_label": _status_label(row.to_status, choices),
        "note": row.note,
        "data": row.data or {},
    }


def incoming_brief(incoming: IncomingDocument) -> dict[str, Any]:
    document = incoming.document
    return {
        "id": incoming.pk,
        "arrival_number": incoming.display_arrival_number,
        "subject": document.subject,
        "priority": document.priority,
        "priority_label": Priority(document.priority).label,
        "status": incoming.status,
        "status_label": IncomingStatus(incoming.status).label,
        "due_date": document.due_date,
        "presented_to": person_out(incoming.presented_to),
        "presented_at": local_time(incoming.presented_at),
        "refusal_reason": incoming.refusal_reason,
        "completed_at": local_time(incoming.completed_at),
    }


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "priority": task.priority,
        "priority_label": Priority(task.priority).label,
        "due_date": task.due_date,
        "status": task.status,
        "status_label": TaskStatus(task.status).label,
        "created_by": person_out(task.created_by),
        "on_behalf_of": person_out(task.on_behalf_of),
        "created_at": local_time(task.created_at),
        "completed_at": local_time(task.completed_at),
    }


def _as_tree(rows: list[Assignment]) -> list[Assignment]:
    children: dict[int | None, list[Assignment]] = {}
    known = {row.pk for row in rows}
    for row in rows:
        parent = row.parent_id if row.parent_id in known else None
        children.setdefault(parent, []).append(row)
    ordered: list[Assignment] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in children.get(parent_id, []):
            row.depth = depth  # type: ignore[attr-defined]
            ordered.append(row)
            walk(row.pk, depth + 1)

    walk(None, 0)
    return ordered


def files_by_note(notes: list[ProgressNote]) -> dict[int, list[ProgressAttachment]]:
    files: dict[int, list[ProgressAttachment]] = {}
    attachments = ProgressAttachment.objects.filter(note__in=[n.pk for n in notes])
    for item in attachments.select_related("stored"):
        files.setdefault(item.note_id, []).append(item)
    return files


def _may(actor: Any, pk: int, action: str) -> bool:
    try:
        assignment_for(actor, pk, action=action)
    except NotFound:
        return False
    return True


def assignment_actions(actor: Any, assignment: Assignment) -> list[str]:
    """What the caller may do on the assignment now (the address segments to POST to)."""
    actions: list[str] = []
    if assignment.role != HandlingRole.INFO and _may(actor, assignment.pk, "handle"):
        led = led_unit_ids(actor, assignment.agency_id)
        for action in handler_actions(assignment.status, assignment.role):
            if action == "sub_assign" and assignment.assignee_unit_id not in led:
                continue
            actions.append(API_ACTIONS[action])
    if (
        assignment.role == HandlingRole.INFO
        and assignment.read_at is None
        and assignment.status != AssignmentStatus.CANCELLED
        and _may(actor, assignment.pk, "read")
    ):
        actions.append("read")
    if (
        assignment.role != HandlingRole.INFO
        and assignment.status in OPEN_STATUSES
        and _may(actor, assignment.pk, "chase")
    ):
        actions.append("chase")
    if _may(actor, assignment.pk, "assigner"):
        for action in ("cancel", "reopen"):
            if next_assignment_status(assignment.status, action) is not None:
                actions.append(action)
    return actions


def assignment_detail(request: HttpRequest, actor: Any, assignment: Assignment) -> dict[str, Any]:
    notes = list(
        ProgressNote.objects.filter(assignment=assignment)
        .select_related("author")
        .order_by("at", "id")
    )
    files = files_by_note(notes)
    children = (
        visible_assignments(actor, assignment.agency_id)
        .filter(parent=assignment)
        .select_related(
            "incoming__document",
            "task",
            "assignee_unit",
            "assignee_person",
            "assigned_by",
            "on_behalf_of",
            "follow_up",
        )
        .order_by("assigned_at", "id")
    )
    return {
        **assignment_out(assignment),
        "actions": assignment_actions(actor, assignment),
        "children": [assignment_out(child) for child in children],
        "progress": [progress_out(request, n, files.get(n.pk, [])) for n in notes],
        "opinions": [
            opinion_out(o)
            for o in OpinionRequest.objects.filter(assignment=assignment).select_related(
                "asked_by", "asked_of"
            )
        ],
        "extensions": [
            extension_out(e)
            for e in ExtensionRequest.objects.filter(assignment=assignment).select_related(
                "requested_by", "decided_by"
            )
        ],
        "chases": [
            chase_out(c)
            for c in ChaseMessage.objects.filter(assignment=assignment).select_related("sent_by")
        ],
        "history": [
            history_out(h)
            for h in HandlingHistory.objects.filter(assignment=assignment).select_related(
                "actor", "on_behalf_of"
            )
        ],
    }


def task_detail(actor: Any, task: Task) -> dict[str, Any]:
    rows = (
        visible_assignments(actor, task.agency_id)
        .filter(task=task)
        .select_related(
            "assignee_unit", "assignee_person", "assigned_by", "on_behalf_of", "follow_up"
        )
        .order_by("assigned_at", "id")
    )
    subject = task_subject(task)
    history = HandlingHistory.objects.filter(task=task).select_related("actor", "on_behalf_of")
    return {
        **task_out(task),
        "assignments": [assignment_out(a, subject=subject) for a in _as_tree(list(rows))],
        "history": [history_out(h) for h in history],
    }
