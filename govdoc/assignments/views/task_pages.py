"""Screens of tasks without a document (giao việc): the list of tasks the person sees, the
form a leader gives a task with, and the task's page (with the handling panel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from govdoc.assignments.access import task_for, visible_assignments, visible_tasks
from govdoc.assignments.forms.task_forms import (
    TaskFilterForm,
    TaskForm,
    compact_rows,
    row_count,
    task_choices,
)
from govdoc.assignments.models import Task
from govdoc.assignments.panels import handling_context
from govdoc.assignments.services import task_create
from govdoc.assignments.views.queue_pages import Deadline, deadline_of
from govdoc.assignments.workflow import TaskStatus
from govdoc.audit.services import audit_record
from govdoc.core.calendar import current_calendar
from govdoc.core.capped_pagination import capped_page
from govdoc.core.dates import today
from govdoc.core.errors import DomainError, NotFound
from govdoc.core.text import fold
from govdoc.documents.deadlines import default_due_date
from govdoc.documents.models import Priority
from govdoc.organizations.access import has_role, led_unit_ids
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role

OPEN_TASK_STATUSES = frozenset({TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS})
TASK_SORTS: dict[str, tuple[Any, ...]] = {
    "moi": ("-created_at", "-id"),
    "han": (F("due_date").asc(nulls_last=True), "-created_at"),
    "khan": ("-priority", F("due_date").asc(nulls_last=True), "-created_at"),
}
TASK_STATUS_CSS: dict[str, str] = {
    TaskStatus.ASSIGNED: "text-bg-warning",
    TaskStatus.IN_PROGRESS: "text-bg-primary",
    TaskStatus.COMPLETED: "text-bg-success",
    TaskStatus.CANCELLED: "text-bg-secondary",
}
PER_PAGE = 25


def _giver(actor: Any, agency_id: int | None) -> tuple[bool, list[int]] | None:
    """(is an agency leader, units led) when the person may give tasks, else None."""
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return None
    agency_leader = has_role(actor, agency_id, Role.AGENCY_LEADER)
    led = led_unit_ids(actor, agency_id)
    if not agency_leader and not led:
        return None
    return agency_leader, led


def _apply_errors(form: Any, error: DomainError) -> None:
    """A service's refusal on the form: per field where it names one (rows under
    "assignees"), and its message on top."""
    for field, message in error.fields.items():
        if field == "assignees":
            form.assignee_errors.append(message)
        elif field in form.fields and field != "rows":
            form.add_error(field, message)
        elif message != error.message:
            form.add_error(None, message)
    form.add_error(None, error.message)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    deadline: Deadline | None
    status_css: str


def _search(rows: QuerySet[Task], q: str) -> QuerySet[Task]:
    for token in fold(q).split():
        rows = rows.filter(search_text__contains=token)
    return rows


@login_required
def task_list_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    agency_id: int | None = getattr(actor, "agency_id", None)
    form = TaskFilterForm(request.GET or None)
    cleaned = form.cleaned
    rows = _search(visible_tasks(actor, agency_id), cleaned.get("q") or "")
    if cleaned.get("status"):
        rows = rows.filter(status=cleaned["status"])
    rows = rows.select_related("created_by").order_by(
        *TASK_SORTS.get(cleaned.get("sort") or "moi", TASK_SORTS["moi"])
    )
    page = capped_page(rows, number=request.GET.get("trang"), per_page=PER_PAGE)
    day, calendar = today(), current_calendar()
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "assignments/task_list.html",
        {
            "form": form,
            "statuses": [("", "Mọi trạng thái"), *TaskStatus.choices],
            "sorts": form.fields["sort"].choices,  # type: ignore[attr-defined]
            "current": {
                "q": cleaned.get("q") or "",
                "status": cleaned.get("status") or "",
                "sort": cleaned.get("sort") or "moi",
            },
            "page": page,
            "rows": [
                TaskRow(
                    task=t,
                    deadline=deadline_of(
                        t.due_date,
                        is_open=t.status in OPEN_TASK_STATUSES,
                        day=day,
                        calendar=calendar,
                        completed_on=timezone.localdate(t.completed_at) if t.completed_at else None,
                    ),
                    status_css=TASK_STATUS_CSS.get(t.status, "text-bg-light border"),
                )
                for t in page.rows
            ],
            "query": query.urlencode(),
            "can_create": _giver(actor, agency_id) is not None,
        },
    )


@login_required
def task_create_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    agency: Agency | None = getattr(actor, "agency", None)
    giver = _giver(actor, agency.pk if agency is not None else None)
    if agency is None or giver is None:
        # Not allowed answers the same as not found.
        raise Http404()
    agency_leader, led = giver
    choices = task_choices(agency=agency, agency_leader=agency_leader, led=led)
    kwargs: dict[str, Any] = {
        "units": choices.units,
        "people": choices.people,
        "followers": choices.followers,
    }
    show_errors = True
    if request.method == "POST":
        adding = "add_row" in request.POST
        total = row_count(request.POST, add=adding)
        # Saving: the filled rows first, so that the service's line numbers are the rows'.
        data = request.POST.copy() if adding else compact_rows(request.POST, total)
        data["rows"] = str(total)
        form = TaskForm(data, row_total=total, **kwargs)
        # One more row: the form again as it was filled, without errors yet.
        show_errors = not adding
        if not adding and form.is_valid():
            cleaned = form.cleaned_data
            try:
                task = task_create(
                    agency=agency,
                    title=cleaned["title"],
                    description=cleaned.get("description") or "",
                    assignees=form.assignees(),
                    actor=actor,
                    priority=int(cleaned.get("priority") or Priority.NORMAL),
                    due_date=cleaned.get("due_date"),
                    follow_up_id=cleaned.get("follow_up"),
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã giao công việc “{task.title}”.")
                return redirect("assignments:task_detail", pk=task.pk)
    else:
        suggested = default_due_date(
            agency_id=agency.pk, document_type_id=None, priority=Priority.NORMAL, start=today()
        )
        form = TaskForm(initial={"due_date": suggested}, **kwargs)
    return render(
        request,
        "assignments/task_form.html",
        {
            "form": form,
            "show_errors": show_errors,
            "agency_leader": agency_leader,
            "priorities": Priority.choices,
        },
    )


@login_required
def task_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    try:
        task = task_for(actor, pk)
    except NotFound:
        raise Http404() from None
    with transaction.atomic():
        audit_record(actor=actor, action="task.view", target=task, agency_id=task.agency_id)
    # The handling panel: assignments, progress, actions (None: nothing for this person).
    handling = handling_context(request, task)
    assignments: list[Any] = []
    if handling is None:
        assignments = list(
            visible_assignments(actor, task.agency_id)
            .filter(task=task)
            .select_related("assignee_unit", "assignee_person", "assigned_by")
            .order_by("assigned_at", "id")
        )
    day, calendar = today(), current_calendar()
    return render(
        request,
        "assignments/task_detail.html",
        {
            "task": task,
            "creator": task.created_by,
            "on_behalf_of": task.on_behalf_of,
            "deadline": deadline_of(
                task.due_date,
                is_open=task.status in OPEN_TASK_STATUSES,
                day=day,
                calendar=calendar,
                completed_on=timezone.localdate(task.completed_at) if task.completed_at else None,
            ),
            "status_css": TASK_STATUS_CSS.get(task.status, "text-bg-light border"),
            "handling": handling,
            "assignments": assignments,
            "list_url": reverse("assignments:task_list"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("cong-viec/", task_list_view, name="task_list"),
    path("cong-viec/giao/", task_create_view, name="task_create"),
    path("cong-viec/<int:pk>/", task_detail_view, name="task_detail"),
]
