"""The work queues (/xu-ly/): one tab per queue with its counter, the rows of the chosen
queue with their urgency and deadline in working days, filters and pages; and the counter
of the navigation's "Xử lý" link.

The counters come from one `queue_counts` call per request, shared by the navigation and the
tabs (`queue_badge`), computed only when a template shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone

from govdoc.assignments.forms.queue_forms import QueueFilterForm
from govdoc.assignments.models import Assignment, ExtensionRequest, OpinionRequest, Task
from govdoc.assignments.selectors import (
    QUEUES,
    QueueFilters,
    extensions_to_decide,
    opinions_asked_of_me,
    presented_to_me,
    queue,
    queue_counts,
)
from govdoc.assignments.workflow import OPEN_STATUSES, AssignmentStatus, HandlingRole
from govdoc.core.calendar import WorkingCalendar, current_calendar
from govdoc.core.capped_pagination import capped_page
from govdoc.core.dates import today
from govdoc.core.text import fold
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.access import roles_in
from govdoc.organizations.roles import Role

DEFAULT_QUEUE = "cho-xu-ly"
# Tabs beyond the assignment queues: (slug, label, key of its counter in queue_counts).
EXTRA_TABS: list[tuple[str, str, str | None]] = [
    ("trinh", "Trình tôi cho ý kiến", "trinh"),
    ("xin-y-kien", "Xin ý kiến tôi", "xin-y-kien"),
    ("y-kien-da-cho", "Ý kiến đã cho", None),
    ("gia-han", "Chờ quyết định gia hạn", "gia-han"),
]
TAB_SLUGS = [*QUEUES, *(slug for slug, _label, _key in EXTRA_TABS)]
LEADER_ONLY = frozenset({"don-vi"})
LEADER_ROLES = frozenset({Role.AGENCY_LEADER, Role.UNIT_LEADER})
# Queues of work I gave: the row names who has it, not who gave it.
GIVEN_QUEUES = frozenset({"toi-giao", "tra-lai", "don-vi"})
# The navigation's total: what asks for the person's action (see queue_counts).
ACTIONABLE = ("can-xu-ly", "trinh", "xin-y-kien", "gia-han", "de-biet")
BADGE_CAP = 99


# -- the counters ----------------------------------------------------------------------------


class QueueBadge:
    """The person's queue counters, counted the first time a template or the queue page asks
    for them: every counter for the queue page (whose navigation then reuses them), only the
    navigation's five elsewhere (one aggregate and three counts, no calendar)."""

    def __init__(self, user: Any, agency_id: int) -> None:
        self._user = user
        self._agency_id = agency_id
        self._counts: dict[str, int] | None = None
        self._complete = False

    @property
    def counts(self) -> dict[str, int]:
        """Every counter (the queue page's tabs)."""
        if not self._complete:
            self._counts = queue_counts(self._user, self._agency_id)
            self._complete = True
        assert self._counts is not None
        return self._counts

    @property
    def total(self) -> int:
        """New or overdue work (each once), documents presented to me, opinions asked of me,
        requests for more time to decide, unread documents for information."""
        if self._counts is None:
            self._counts = queue_counts(self._user, self._agency_id, only=ACTIONABLE)
        return sum(self._counts.get(key, 0) for key in ACTIONABLE)

    @property
    def label(self) -> str:
        """ "" when nothing waits, "99+" beyond the cap."""
        total = self.total
        if not total:
            return ""
        return f"{BADGE_CAP}+" if total > BADGE_CAP else str(total)


def queue_badge(request: HttpRequest) -> QueueBadge | None:
    """The request's counters (the same object for the navigation and the page), or None
    for an anonymous person or one without an agency (no query at all)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return None
    badge: QueueBadge | None = getattr(request, "_govdoc_queue_badge", None)
    if badge is None:
        badge = QueueBadge(user, agency_id)
        request._govdoc_queue_badge = badge  # type: ignore[attr-defined]
    return badge


# -- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    text: str
    overdue: bool

    @property
    def css(self) -> str:
        return "text-danger fw-semibold" if self.overdue else ""


@dataclass(frozen=True)
class QueueRow:
    key: str  # "assignment-12", "incoming-3", "opinion-4", "extension-5"
    url: str
    kind: str  # "van-ban" or "cong-viec"
    priority: int
    priority_label: str
    number: str
    code: str
    title: str
    role: str
    who: str
    detail: str
    deadline: Deadline | None
    status: str
    status_css: str
    unread: bool = False


def deadline_of(
    due: dt.date | None,
    *,
    is_open: bool,
    day: dt.date,
    calendar: WorkingCalendar,
    completed_on: dt.date | None = None,
) -> Deadline | None:
    """The deadline and what is left of it in working days ("còn 2 ngày làm việc", "quá 3
    ngày làm việc"); for finished work, whether it was done on time."""
    if due is None:
        return None
    if not is_open:
        if completed_on is None:
            return Deadline(due, "", False)
        late = calendar.working_days_late(due, completed_on)
        return Deadline(
            due, f"hoàn thành trễ {late} ngày làm việc" if late else "hoàn thành đúng hạn", False
        )
    if due < day:
        return Deadline(due, f"quá {calendar.working_days_late(due, day)} ngày làm việc", True)
    if due == day:
        return Deadline(due, "đến hạn hôm nay", False)
    left = calendar.working_days_between(day, due)
    return Deadline(due, f"còn {left} ngày làm việc" if left > 0 else "đến hạn hôm nay", False)


class _Urls:
    """Detail URLs without one `reverse` per row."""

    MARK = "987654321"

    def __init__(self) -> None:
        self.incoming = reverse("incoming:detail", args=[int(self.MARK)])
        self.task = reverse("assignments:task_detail", args=[int(self.MARK)])

    def of(self, incoming_id: int | None, task_id: int | None) -> str:
        if incoming_id is not None:
            return self.incoming.replace(self.MARK, str(incoming_id))
        return self.task.replace(self.MARK, str(task_id))


def _subject_fields(incoming: IncomingDocument | None, task: Task | None) -> dict[str, Any]:
    if incoming is not None:
        document = incoming.document
        return {
            "kind": "van-ban",
            "priority": int(document.priority),
            "priority_label": document.get_priority_display(),
            "number": incoming.display_arrival_number,
            "code": document.code,
            "title": document.subject,
        }
    assert task is not None
    return {
        "kind": "cong-viec",
        "priority": int(task.priority),
        "priority_label": task.get_priority_display(),
        "number": "",
        "code": "",
        "title": task.title,
    }


STATUS_CSS: dict[str, str] = {
    AssignmentStatus.NEW: "text-bg-warning",
    AssignmentStatus.IN_PROGRESS: "text-bg-primary",
    AssignmentStatus.RETURNED: "text-bg-danger",
    AssignmentStatus.COMPLETED: "text-bg-success",
    AssignmentStatus.CANCELLED: "text-bg-secondary",
}


def _name(person: Any) -> str:
    return str(person.display_name) if person is not None else ""


def assignment_row(
    a: Assignment, *, name: str, urls: _Urls, day: dt.date, calendar: WorkingCalendar
) -> QueueRow:
    given = name in GIVEN_QUEUES
    who = a.assignee_label if given else _name(a.assigned_by)
    if not given and a.on_behalf_of_id is not None:
        who += f" (thay {_name(a.on_behalf_of)})"
    if a.role == HandlingRole.INFO:
        status, css = (
            ("Đã đọc", "text-bg-light border") if a.read_at else ("Chưa đọc", "text-bg-info")
        )
    else:
        status, css = a.get_status_display(), STATUS_CSS.get(a.status, "text-bg-light border")
    return QueueRow(
        key=f"assignment-{a.pk}",
        url=urls.of(a.incoming_id, a.task_id),
        **_subject_fields(a.incoming, a.task),
        role=a.get_role_display(),
        who=who,
        detail=a.returned_reason if a.status == AssignmentStatus.RETURNED else a.note,
        deadline=deadline_of(
            a.due_date,
            is_open=a.status in OPEN_STATUSES,
            day=day,
            calendar=calendar,
            completed_on=a.completed_on if a.status == AssignmentStatus.COMPLETED else None,
        ),
        status=status,
        status_css=css,
        unread=a.role == HandlingRole.INFO and a.read_at is None,
    )


def presented_row(
    incoming: IncomingDocument, *, actor: Any, urls: _Urls, day: dt.date, calendar: WorkingCalendar
) -> QueueRow:
    who = (
        f"Trình lúc {timezone.localtime(incoming.presented_at):%d/%m/%Y %H:%M}"
        if incoming.presented_at
        else ""
    )
    if incoming.presented_to_id not in (None, actor.pk):
        who += f" (trình {_name(incoming.presented_to)})"
    return QueueRow(
        key=f"incoming-{incoming.pk}",
        url=urls.of(incoming.pk, None),
        **_subject_fields(incoming, None),
        role="Cho ý kiến chỉ đạo",
        who=who,
        detail="",
        deadline=deadline_of(incoming.document.due_date, is_open=True, day=day, calendar=calendar),
        status=incoming.get_status_display(),
        status_css="text-bg-warning",
    )


def opinion_row(
    opinion: OpinionRequest, *, urls: _Urls, day: dt.date, calendar: WorkingCalendar
) -> QueueRow:
    a = opinion.assignment
    answered = opinion.answered_at is not None
    return QueueRow(
        key=f"opinion-{opinion.pk}",
        url=urls.of(a.incoming_id, a.task_id),
        **_subject_fields(a.incoming, a.task),
        role="Xin ý kiến",
        who=_name(opinion.asked_by),
        detail=(
            f"Hỏi: {opinion.question}" + (f" — Đã trả lời: {opinion.answer}" if answered else "")
        ),
        deadline=deadline_of(
            a.due_date,
            is_open=a.status in OPEN_STATUSES and not answered,
            day=day,
            calendar=calendar,
        ),
        status=(
            f"Đã cho ý kiến {timezone.localtime(opinion.answered_at):%d/%m/%Y}"
            if opinion.answered_at
            else "Chờ ý kiến"
        ),
        status_css="text-bg-success" if answered else "text-bg-warning",
    )


def extension_row(
    extension: ExtensionRequest, *, urls: _Urls, day: dt.date, calendar: WorkingCalendar
) -> QueueRow:
    a = extension.assignment
    return QueueRow(
        key=f"extension-{extension.pk}",
        url=urls.of(a.incoming_id, a.task_id),
        **_subject_fields(a.incoming, a.task),
        role=f"Gia hạn cho {a.assignee_label}",
        who=_name(extension.requested_by),
        detail=(
            f"Đề nghị gia hạn đến {extension.requested_due:%d/%m/%Y}"
            f" (hạn hiện tại {extension.current_due:%d/%m/%Y}): {extension.reason}"
        ),
        deadline=deadline_of(
            a.due_date, is_open=a.status in OPEN_STATUSES, day=day, calendar=calendar
        ),
        status=extension.get_status_display(),
        status_css="text-bg-warning",
    )


# -- the extra tabs' searches (folded like the selectors' queues) ----------------------------


def _tokens(q: str) -> list[str]:
    return fold(q).split()


def _presented(actor: Any, agency_id: int, filters: QueueFilters) -> QuerySet[IncomingDocument]:
    rows = presented_to_me(actor, agency_id)
    if filters.kind == "cong-viec":
        return rows.none()
    for token in _tokens(filters.q):
        rows = rows.filter(document__search_text__contains=token)
    return rows


def _about_assignment(rows: QuerySet[Any], filters: QueueFilters) -> QuerySet[Any]:
    if filters.kind == "van-ban":
        rows = rows.filter(assignment__incoming__isnull=False)
    elif filters.kind == "cong-viec":
        rows = rows.filter(assignment__task__isnull=False)
    for token in _tokens(filters.q):
        rows = rows.filter(
            Q(assignment__incoming__document__search_text__contains=token)
            | Q(assignment__task__search_text__contains=token)
        )
    return rows


# -- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    count: int | None
    url: str
    active: bool
    urgent: bool


def _tabs(counts: dict[str, int], current: str, leader: bool) -> list[Tab]:
    entries: list[tuple[str, str, str | None]] = [
        (slug, label, slug) for slug, label in QUEUES.items()
    ] + EXTRA_TABS
    return [
        Tab(
            slug=slug,
            label=label,
            count=counts.get(key, 0) if key else None,
            url=reverse("assignments:queue_tab", kwargs={"slug": slug}),
            active=slug == current,
            urgent=slug in {"qua-han", "trinh", "tra-lai"} and bool(counts.get(slug)),
        )
        for slug, label, key in entries
        if slug not in LEADER_ONLY or leader
    ]


@login_required
def queue_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    name = slug or request.GET.get("hang") or DEFAULT_QUEUE
    if name not in TAB_SLUGS:
        raise Http404()
    actor = request.user
    agency_id: int | None = getattr(actor, "agency_id", None)
    leader = bool(roles_in(actor, agency_id) & LEADER_ROLES)
    if name in LEADER_ONLY and not leader:
        raise Http404()
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    badge = queue_badge(request)
    counts = badge.counts if badge is not None else {}
    label = QUEUES.get(name) or next(lbl for s, lbl, _k in EXTRA_TABS if s == name)
    rows: list[QueueRow] = []
    page: Any = None
    if agency_id is not None:
        day = today()
        calendar = current_calendar()
        urls = _Urls()
        if name in QUEUES:
            page = capped_page(
                queue(actor=actor, agency_id=agency_id, name=name, filters=filters).select_related(
                    "on_behalf_of"
                ),
                number=request.GET.get("trang"),
                per_page=form.rows_per_page(),
            )
            rows = [
                assignment_row(a, name=name, urls=urls, day=day, calendar=calendar)
                for a in page.rows
            ]
        elif name == "trinh":
            page = capped_page(
                _presented(actor, agency_id, filters),
                number=request.GET.get("trang"),
                per_page=form.rows_per_page(),
            )
            rows = [
                presented_row(i, actor=actor, urls=urls, day=day, calendar=calendar)
                for i in page.rows
            ]
        elif name in {"xin-y-kien", "y-kien-da-cho"}:
            page = capped_page(
                _about_assignment(
                    opinions_asked_of_me(actor, agency_id, answered=name == "y-kien-da-cho"),
                    filters,
                ),
                number=request.GET.get("trang"),
                per_page=form.rows_per_page(),
            )
            rows = [opinion_row(o, urls=urls, day=day, calendar=calendar) for o in page.rows]
        else:
            page = capped_page(
                _about_assignment(extensions_to_decide(actor, agency_id), filters),
                number=request.GET.get("trang"),
                per_page=form.rows_per_page(),
            )
            rows = [extension_row(e, urls=urls, day=day, calendar=calendar) for e in page.rows]
    query = request.GET.copy()
    query.pop("trang", None)
    query.pop("hang", None)
    return render(
        request,
        "assignments/queue.html",
        {
            "queue_name": name,
            "queue_label": label,
            "tabs": _tabs(counts, name, leader),
            "form": form,
            "options": form.select_options(),
            "assignment_queue": name in QUEUES,
            "given_queue": name in GIVEN_QUEUES,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "has_agency": agency_id is not None,
            "filtered": bool(filters.q or filters.role or filters.kind),
        },
    )


urlpatterns: list[URLPattern] = [
    path("", queue_view, name="queue"),
    re_path(
        r"^(?P<slug>" + "|".join(TAB_SLUGS) + r")/$",
        queue_view,
        name="queue_tab",
    ),
]
