"""The handling section of an incoming document's page and of a task's page: the leader's
instructions, the assignments as a tree with their notes, opinions, requests for more time
and chase messages, the history of every step, and the action forms the person looking may
use. A bounded number of queries whatever the number of assignments; none for someone who
may see nothing of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest

from govdoc.assignments.access import visible_assignments
from govdoc.assignments.models import (
    Assignment,
    ChaseMessage,
    ExtensionRequest,
    HandlingHistory,
    Instruction,
    OpinionRequest,
    ProgressAttachment,
    ProgressNote,
    Task,
)
from govdoc.assignments.selectors import is_overdue
from govdoc.assignments.workflow import (
    ASSIGNMENT_TRANSITIONS,
    OPEN_STATUSES,
    AssignmentStatus,
    ExtensionStatus,
    HandlingRole,
    handler_actions,
)
from govdoc.core.dates import today, vn_date
from govdoc.documents.deadlines import default_due_date
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.panels import register_detail_panel
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.access import acting_for_ids, led_unit_ids, roles_in
from govdoc.organizations.models import Unit, User
from govdoc.organizations.roles import Role

TEMPLATE = "assignments/_handling_panel.html"
# What a failed action leaves in the session for the page it returns to: the values typed
# (to fill the form again) and the errors (shown next to it).
RETRY_KEY = "assignments.retry"
EXTRA_ROWS = 5
ASSIGNABLE = frozenset(
    {IncomingStatus.PRESENTED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS}
)

ACTION_LABELS: dict[str, str] = {
    "assign": "Cho ý kiến chỉ đạo và phân công",
    "sub_assign": "Phân công trong đơn vị",
    "task_create": "Giao việc",
    "progress": "Báo cáo tiến độ",
    "ask_opinion": "Xin ý kiến",
    "give_opinion": "Cho ý kiến",
    "request_extension": "Xin gia hạn",
    "approve_extension": "Đồng ý gia hạn",
    "refuse_extension": "Không đồng ý gia hạn",
    "return": "Trả lại người giao",
    "complete": "Hoàn thành",
    "read": "Đã đọc (nhận để biết)",
    "cancel": "Thu hồi việc đã giao",
    "reopen": "Giao lại việc bị trả lại",
    "chase": "Đôn đốc",
}


def subject_key(subject: IncomingDocument | Task) -> str:
    return f"{'incoming' if isinstance(subject, IncomingDocument) else 'task'}:{subject.pk}"


def person_name(person: Any) -> str:
    if person is None:
        return ""
    return str(getattr(person, "full_name", "") or person.get_username())


@dataclass
class Row:
    """One assignment of the tree and what the person looking may do with it."""

    assignment: Assignment
    depth: int
    overdue: bool
    actions: frozenset[str]
    notes: list[ProgressNote]
    opinions: list[OpinionRequest]
    extensions: list[ExtensionRequest]
    chases: list[ChaseMessage]
    pending_extension: ExtensionRequest | None
    decide_extension: bool
    sub_people: list[tuple[int, str]] = field(default_factory=list)
    sub_rows: list[dict[str, Any]] = field(default_factory=list)
    # Form name → values typed / errors of a failed attempt on this assignment.
    retry: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return int(self.assignment.pk)

    @property
    def id_prefix(self) -> str:
        return f"sub{self.assignment.pk}"


@dataclass(frozen=True)
class HistoryItem:
    at: dt.datetime
    actor: Any
    on_behalf_of: Any
    label: str
    detail: str
    note: str
    target: str


def _pop_retry(request: HttpRequest, subject: IncomingDocument | Task) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None or RETRY_KEY not in session:
        return None
    retry = session.pop(RETRY_KEY)
    if not isinstance(retry, dict) or retry.get("subject") != subject_key(subject):
        return None
    return retry


def _error_list(retry: dict[str, Any]) -> list[str]:
    errors = [str(m) for m in (retry.get("errors") or {}).values() if m]
    message = str(retry.get("message") or "")
    if message and message not in errors:
        errors.insert(0, message)
    return errors


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _rows_for_form(
    *, values: dict[str, Any] | None, first_role: str, due: dt.date | None
) -> list[dict[str, Any]]:
    """The assignee rows of a form: the ones typed in a failed attempt first (numbered as the
    service numbered them), then empty rows up to five."""
    rows: list[dict[str, Any]] = []
    if values:
        indexes = sorted(
            {
                int(key[3:-5])
                for key in values
                if key.startswith("row") and key.endswith("-role") and key[3:-5].isdigit()
            }
        )[:30]
        for index in indexes:
            prefix = f"row{index}-"
            unit = _as_int(values.get(prefix + "unit"))
            person = _as_int(values.get(prefix + "person"))
            note = str(values.get(prefix + "note", ""))
            if unit or person or note.strip():
                rows.append(
                    {
                        "role": str(values.get(prefix + "role", "")),
                        "unit": unit,
                        "person": person,
                        "due_date": str(values.get(prefix + "due_date", "")),
                        "note": note,
                    }
                )
    while len(rows) < EXTRA_ROWS:
        rows.append(
            {
                "role": first_role if not rows else HandlingRole.SUPPORT.value,
                "unit": None,
                "person": None,
                "due_date": vn_date(due),
                "note": "",
            }
        )
    for index, row in enumerate(rows):
        row["index"] = index
        row["number"] = index + 1
    return rows


def _subtree(unit_id: int, children: dict[int | None, list[int]]) -> set[int]:
    found: set[int] = set()
    pending = [unit_id]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(children.get(current, []))
    return found


def _tree(assignments: list[Assignment]) -> list[tuple[Assignment, int]]:
    """Parents before children, in assignment order; a child whose parent the person may not
    see starts its own branch."""
    present = {a.pk for a in assignments}
    children: dict[int | None, list[Assignment]] = {}
    for a in assignments:
        parent = a.parent_id if a.parent_id in present else None
        children.setdefault(parent, []).append(a)
    ordered: list[tuple[Assignment, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for a in children.get(parent_id, []):
            ordered.append((a, depth))
            walk(a.pk, depth + 1)

    walk(None, 0)
    return ordered


def _default_due(subject: IncomingDocument | Task) -> dt.date | None:
    """The deadline offered to the leader: the agency's default for the type and urgency,
    or the document's own deadline when that comes first."""
    now = today()
    if isinstance(subject, Task):
        return subject.due_date if subject.due_date and subject.due_date >= now else None
    document = subject.document
    rule_due = default_due_date(
        agency_id=subject.agency_id,
        document_type_id=document.document_type_id,
        priority=document.priority,
        start=now,
    )
    own = document.due_date if document.due_date and document.due_date >= now else None
    candidates = [d for d in (rule_due, own) if d is not None]
    return min(candidates) if candidates else None


def _history_label(step: HandlingHistory) -> tuple[str, str]:
    data = step.data if isinstance(step.data, dict) else {}
    label = ACTION_LABELS.get(step.action, step.action)
    detail = ""
    if step.action == "ask_opinion" and data.get("name"):
        label = f"Xin ý kiến {data['name']}"
    elif step.action == "request_extension" and data.get("requested_due"):
        label = f"Xin gia hạn đến {_vn_iso(data['requested_due'])}"
    elif step.action == "approve_extension" and data.get("new_due"):
        label = f"Đồng ý gia hạn đến {_vn_iso(data['new_due'])}"
    elif step.action == "complete":
        label = "Hoàn thành trễ hạn" if data.get("late") else "Hoàn thành đúng hạn"
    elif step.action == "reopen" and data.get("due_date"):
        label = f"Giao lại việc bị trả lại, hạn {_vn_iso(data['due_date'])}"
    if step.action in {"assign", "sub_assign", "task_create"}:
        parts = []
        for line in data.get("assignments") or []:
            role = (
                HandlingRole(line["role"]).label if line.get("role") in HandlingRole.values else ""
            )
            due = f" (hạn {_vn_iso(line['due_date'])})" if line.get("due_date") else ""
            parts.append(f"{role}: {line.get('assignee', '')}{due}")
        detail = "; ".join(parts)
    return label, detail


def _vn_iso(value: Any) -> str:
    try:
        return vn_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def handling_context(
    request: HttpRequest, subject: IncomingDocument | Task
) -> dict[str, Any] | None:
    """The panel's context for the person looking (who may see the subject: the page has
    checked it), or None when there is nothing for them."""
    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None or agency_id != subject.agency_id:
        return None
    is_incoming = isinstance(subject, IncomingDocument)
    if is_incoming and subject.status == IncomingStatus.REGISTERED:
        return None  # not presented yet: nobody handles it
    people = acting_for_ids(user, agency_id)
    led = set(led_unit_ids(user, agency_id))
    roles = roles_in(user, agency_id)
    retry = _pop_retry(request, subject)
    scope = Q(incoming=subject) if is_incoming else Q(task=subject)

    assignments = list(
        visible_assignments(user, agency_id)
        .filter(scope)
        .select_related(
            "assignee_unit", "assignee_person", "assigned_by", "on_behalf_of", "follow_up"
        )
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=ProgressNote.objects.select_related("author").prefetch_related(
                    Prefetch(
                        "attachments", queryset=ProgressAttachment.objects.select_related("stored")
                    )
                ),
            ),
            Prefetch(
                "opinions", queryset=OpinionRequest.objects.select_related("asked_by", "asked_of")
            ),
            Prefetch(
                "extensions",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
            ),
            Prefetch("chases", queryset=ChaseMessage.objects.select_related("sent_by")),
        )
        .order_by("assigned_at", "id")
    )
    visible_ids = [a.pk for a in assignments]
    by_id = {a.pk: a for a in assignments}

    instructions = list(
        Instruction.objects.filter(scope).select_related("given_by", "on_behalf_of")
    )
    steps = list(
        HandlingHistory.objects.filter(scope)
        .filter(Q(assignment__isnull=True) | Q(assignment_id__in=visible_ids))
        .select_related("actor", "on_behalf_of")
        .order_by("at", "id")
    )
    # Opinions asked of the person, also on assignments they do not otherwise see.
    opinion_scope = Q(assignment__incoming=subject) if is_incoming else Q(assignment__task=subject)
    my_opinions = list(
        OpinionRequest.objects.filter(
            opinion_scope, asked_of_id__in=people, answered_at__isnull=True
        ).select_related("asked_by", "asked_of", "assignment")
    )

    # What the person may do on each assignment (the same rules as access.py, applied to
    # the rows already fetched; each action's view checks again).
    rows: list[Row] = []
    for assignment, depth in _tree(assignments):
        mine = assignment.assignee_person_id in people or assignment.assignee_unit_id in led
        assigner = assignment.assigned_by_id in people or assignment.on_behalf_of_id in people
        extensions = list(assignment.extensions.all())
        pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
        actions: set[str] = set()
        if mine and assignment.role != HandlingRole.INFO:
            actions.update(handler_actions(assignment.status, assignment.role))
            if assignment.assignee_unit_id not in led:
                actions.discard("sub_assign")
            if pending is not None or assignment.due_date is None:
                actions.discard("request_extension")
        if (
            mine
            and assignment.role == HandlingRole.INFO
            and assignment.read_at is None
            and assignment.status != AssignmentStatus.CANCELLED
        ):
            actions.add("read")
        if assigner:
            if (assignment.status, "cancel") in ASSIGNMENT_TRANSITIONS:
                actions.add("cancel")
            if (assignment.status, "reopen") in ASSIGNMENT_TRANSITIONS:
                actions.add("reopen")
        if (
            (assigner or assignment.follow_up_id in people)
            and assignment.status in OPEN_STATUSES
            and assignment.role != HandlingRole.INFO
        ):
            actions.add("chase")
        row = Row(
            assignment=assignment,
            depth=depth,
            overdue=is_overdue(assignment),
            actions=frozenset(actions),
            notes=list(assignment.progress.all()),
            opinions=list(assignment.opinions.all()),
            extensions=extensions,
            chases=list(assignment.chases.all()),
            pending_extension=pending,
            decide_extension=assigner and pending is not None,
        )
        if retry and _as_int(retry.get("pk")) == assignment.pk and retry.get("form"):
            name = str(retry["form"])
            row.retry[name] = dict(retry.get("values") or {})
            row.errors[name] = _error_list(retry)
        rows.append(row)

    # The leader's instruction and assignment form.
    can_assign = is_incoming and Role.AGENCY_LEADER in roles and subject.status in ASSIGNABLE
    needs_people = can_assign or any(
        a in row.actions for row in rows for a in ("sub_assign", "ask_opinion")
    )
    sub_rows = [row for row in rows if "sub_assign" in row.actions]

    people_choices: list[tuple[int, str]] = []
    people_units: dict[int, int | None] = {}
    if needs_people:
        for pk, full_name, username, unit_id, unit_abbr in (
            User.objects.filter(agency_id=agency_id, is_active=True)
            .order_by("full_name", "username")
            .values_list("pk", "full_name", "username", "unit_id", "unit__abbreviation")
        ):
            label = full_name or username
            people_choices.append((pk, f"{label} ({unit_abbr})" if unit_abbr else label))
            people_units[pk] = unit_id
    unit_choices: list[tuple[int, str]] = []
    if can_assign or sub_rows:
        children: dict[int | None, list[int]] = {}
        for pk, name, parent_id, active in Unit.objects.filter(agency_id=agency_id).values_list(
            "pk", "name", "parent_id", "is_active"
        ):
            children.setdefault(parent_id, []).append(pk)
            if active:
                unit_choices.append((pk, name))
        unit_choices.sort(key=lambda item: item[1])
        for row in sub_rows:
            assert row.assignment.assignee_unit_id is not None
            inside = _subtree(row.assignment.assignee_unit_id, children)
            row.sub_people = [
                (pk, label) for pk, label in people_choices if people_units[pk] in inside
            ]
            lead_open = any(
                other.assignment.parent_id == row.pk
                and other.assignment.role == HandlingRole.LEAD
                and other.assignment.status in OPEN_STATUSES
                for other in rows
            )
            first = (
                HandlingRole.LEAD
                if row.assignment.role == HandlingRole.LEAD and not lead_open
                else HandlingRole.SUPPORT
            )
            row.sub_rows = _rows_for_form(
                values=row.retry.get("sub_assign"), first_role=first, due=row.assignment.due_date
            )

    assign: dict[str, Any] | None = None
    if can_assign:
        assert isinstance(subject, IncomingDocument)
        open_lead = next(
            (
                row.assignment
                for row in rows
                if row.assignment.parent_id is None
                and row.assignment.role == HandlingRole.LEAD
                and row.assignment.status in OPEN_STATUSES
            ),
            None,
        )
        mine_retry = retry if retry and retry.get("form") == "assign" else None
        values = dict(mine_retry.get("values") or {}) if mine_retry else {}
        assign = {
            "rows": _rows_for_form(
                values=values or None,
                first_role=HandlingRole.SUPPORT if open_lead else HandlingRole.LEAD,
                due=_default_due(subject),
            ),
            "instruction": values.get("instruction", ""),
            "follow_up": _as_int(values.get("follow_up")),
            "open_lead": open_lead,
            "errors": _error_list(mine_retry) if mine_retry else [],
            "presented_to_me": subject.presented_to_id in people,
            "open": subject.status == IncomingStatus.PRESENTED or mine_retry is not None,
        }

    opinion_retry = retry if retry and retry.get("form") == "answer" else None
    history = []
    for step in steps:
        label, detail = _history_label(step)
        target = ""
        if step.assignment_id is not None and step.assignment_id in by_id:
            target_assignment = by_id[step.assignment_id]
            target = (
                f"{HandlingRole(target_assignment.role).label}: {target_assignment.assignee_label}"
            )
        history.append(
            HistoryItem(
                at=step.at,
                actor=step.actor,
                on_behalf_of=step.on_behalf_of,
                label=label,
                detail=detail,
                note=step.note,
                target=target,
            )
        )

    if isinstance(subject, IncomingDocument):
        priority = int(subject.document.priority)
        priority_label = subject.document.get_priority_display()
    else:
        priority = int(subject.priority)
        priority_label = subject.get_priority_display()
    return {
        "template": TEMPLATE,
        "kind": "incoming" if is_incoming else "task",
        "subject": subject,
        "priority": priority,
        "priority_label": priority_label,
        "urgent": priority > 0,
        "instructions": instructions,
        "rows": rows,
        "history": history,
        "my_opinions": my_opinions,
        "opinion_retry": {
            "pk": _as_int(opinion_retry.get("pk")),
            "values": dict(opinion_retry.get("values") or {}),
            "errors": _error_list(opinion_retry),
        }
        if opinion_retry
        else None,
        "assign": assign,
        "people": [(pk, label) for pk, label in people_choices if pk != user.pk],
        "all_people": people_choices,
        "units": unit_choices,
        "roles": HandlingRole.choices,
    }


def _incoming_panel(request: HttpRequest, incoming: IncomingDocument) -> dict[str, Any] | None:
    return handling_context(request, incoming)


register_detail_panel(_incoming_panel)
