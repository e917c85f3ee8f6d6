"""The book "Sổ theo dõi giải quyết văn bản đến" (NĐ 30 Phụ lục IV): one line per incoming
document of the period with its lead handler, deadline, progress and the number of its
reply, read for an actor in three queries (the documents, their work assignments, the
issued replies), as frozen dataclasses that the screen, the PDF and the workbook share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import OPEN_STATUSES, AssignmentStatus, HandlingRole
from govdoc.core.calendar import working_days_late
from govdoc.core.dates import vn_date
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.selectors import start_of_day
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit
from govdoc.outgoing.models import OutgoingDocument
from govdoc.outgoing.workflow import OutgoingStatus
from govdoc.registers.numbering import format_number
from govdoc.reports.handling_scope import HandlingScope, handling_scope

TITLE = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"

# The seven columns of the paper book, in order (NĐ 30 Phụ lục IV).
COLUMNS: tuple[str, ...] = (
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
)

# Progress states, for styling: done on time, done late, overdue, being handled, waiting
# for the leader (not assigned yet), closed without handling.
DONE, DONE_LATE, OVERDUE, OPEN, WAITING, CLOSED = (
    "done",
    "late",
    "overdue",
    "open",
    "waiting",
    "closed",
)


@dataclass(frozen=True)
class HandlingRegisterRow:
    incoming_id: int
    arrival_year: int
    arrival_number: int
    arrival_date: dt.date
    type_name: str
    code: str
    issued_date: dt.date | None
    issuer_name: str
    subject: str
    priority: int
    priority_label: str
    receiver: str
    due_date: dt.date | None
    progress: str
    state: str
    completed_on: dt.date | None = None
    days_late: int = 0
    # The number and symbol of the issued replies (outgoing documents answering it).
    reply_code: str = ""
    note: str = ""

    @property
    def display_arrival_number(self) -> str:
        return format_number(self.arrival_number)

    @property
    def due_text(self) -> str:
        return vn_date(self.due_date)

    @property
    def document_text(self) -> str:
        """Type, number and symbol, date and issuer, as the paper book writes them."""
        parts = [self.type_name] if self.type_name else []
        parts.append(f"số {self.code}" if self.code else "không số")
        if self.issued_date:
            parts.append(f"ngày {vn_date(self.issued_date)}")
        text = " ".join(parts)
        return f"{text} của {self.issuer_name}" if self.issuer_name else text

    @property
    def document_cell(self) -> str:
        return f"{self.document_text}\nV/v: {self.subject}" if self.subject else self.document_text

    def cells(self) -> tuple[str, ...]:
        return (
            self.display_arrival_number,
            self.document_cell,
            self.receiver,
            self.due_text,
            self.progress,
            self.reply_code,
            self.note,
        )


@dataclass(frozen=True)
class HandlingRegister:
    agency_id: int
    agency_name: str
    parent_agency_name: str
    scope_label: str
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    rows: tuple[HandlingRegisterRow, ...]
    unit_ids: tuple[int, ...] | None = None

    @property
    def title(self) -> str:
        return TITLE

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def years_text(self) -> str:
        first, last = self.date_from.year, self.date_to.year
        return str(first) if first == last else f"{first}–{last}"

    @property
    def period_text(self) -> str:
        return f"Từ ngày {vn_date(self.date_from)} đến ngày {vn_date(self.date_to)}"

    @property
    def as_of_text(self) -> str:
        return f"Tiến độ tính đến ngày {vn_date(self.today)}"

    @property
    def file_stem(self) -> str:
        return f"so-theo-doi-giai-quyet_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}"

    def state_count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """1 January of the current year to today, like the register of arrivals."""
    day = today or timezone.localdate()
    return dt.date(day.year, 1, 1), day


def _scope_condition(scope: HandlingScope) -> Q:
    """Agency-wide readers follow every document; a unit leader those on which the unit
    or one of its people has work (lead or co-handling)."""
    if scope.unit_ids is None:
        return Q()
    work = Assignment.objects.filter(
        Q(assignee_unit_id__in=scope.unit_ids) | Q(assignee_person__unit_id__in=scope.unit_ids),
        agency_id=scope.agency_id,
        incoming__isnull=False,
        role__in=[HandlingRole.LEAD, HandlingRole.SUPPORT],
    ).exclude(status=AssignmentStatus.CANCELLED)
    return Q(pk__in=work.values("incoming_id"))


def _lead(assignments: list[Assignment], parent_id: int | None) -> Assignment | None:
    """The current lead at one level: the latest one not taken back."""
    leads = [a for a in assignments if a.parent_id == parent_id and a.role == HandlingRole.LEAD]
    return leads[-1] if leads else None


def _progress(
    incoming: IncomingDocument, lead: Assignment | None, today: dt.date
) -> tuple[str, str, dt.date | None, int]:
    """(text, state, completed on, working days late)."""
    if lead is None:
        if incoming.status == Status.REFUSED:
            reason = incoming.refusal_reason
            return (
                (f"Đã trả lại nơi gửi: {reason}" if reason else "Đã trả lại nơi gửi"),
                CLOSED,
                None,
                0,
            )
        return Status(incoming.status).label, WAITING, None, 0
    due = lead.due_date
    if lead.status == AssignmentStatus.COMPLETED:
        done = lead.completed_on or (
            timezone.localdate(lead.completed_at) if lead.completed_at else None
        )
        if lead.completed_late and due is not None and done is not None:
            late = working_days_late(due, done)
            text = f"Hoàn thành quá hạn {late} ngày làm việc, ngày {vn_date(done)}"
            return text, DONE_LATE, done, late
        return f"Hoàn thành đúng hạn, ngày {vn_date(done)}", DONE, done, 0
    if lead.status == AssignmentStatus.RETURNED:
        return f"Đã trả lại người giao: {lead.returned_reason}", WAITING, None, 0
    label = AssignmentStatus(lead.status).label
    if lead.status in OPEN_STATUSES and due is not None and due < today:
        late = working_days_late(due, today)
        return f"{label}, quá hạn {late} ngày làm việc", OVERDUE, None, late
    return label, OPEN, None, 0


def _receiver(top: Assignment | None, inner: Assignment | None) -> str:
    if top is None:
        return ""
    if inner is not None:
        return f"{top.assignee_label} ({inner.assignee_label})"
    return top.assignee_label


def _note(incoming: IncomingDocument, assignments: list[Assignment]) -> str:
    parts = []
    support = [
        a.assignee_label
        for a in assignments
        if a.parent_id is None and a.role == HandlingRole.SUPPORT
    ]
    if support:
        parts.append("Phối hợp: " + ", ".join(support))
    if incoming.notes:
        parts.append(incoming.notes)
    return "; ".join(parts)


def _reply_codes(incomings: QuerySet[IncomingDocument]) -> dict[int, str]:
    """The numbers of the issued replies to these documents, in one query: "05/BTNMT-ĐĐ",
    several in the order they were issued, a revoked one marked."""
    replies = (
        OutgoingDocument.objects.filter(
            draft__reply_to_id__in=incomings.order_by().values("pk"), issued_at__isnull=False
        )
        .order_by("issued_at", "pk")
        .values_list(
            "draft__reply_to_id", "document__code_number", "document__code_notation", "status"
        )
    )
    codes: dict[int, list[str]] = {}
    for incoming_id, number, notation, status in replies:
        code = f"{number}/{notation}" if number and notation else number or notation
        if status == OutgoingStatus.REVOKED:
            code = f"{code} (đã thu hồi)"
        codes.setdefault(int(incoming_id), []).append(code)
    return {pk: "; ".join(items) for pk, items in codes.items()}


def _row(incoming: IncomingDocument, today: dt.date, reply_code: str = "") -> HandlingRegisterRow:
    document = incoming.document
    assignments: list[Assignment] = getattr(incoming, "work", [])
    top = _lead(assignments, None)
    inner = _lead(assignments, top.pk) if top is not None else None
    progress, state, completed_on, days_late = _progress(incoming, top, today)
    return HandlingRegisterRow(
        incoming_id=incoming.pk,
        arrival_year=incoming.arrival_year,
        arrival_number=incoming.arrival_number,
        arrival_date=timezone.localdate(incoming.arrival_date),
        type_name=document.document_type.name,
        code=document.code,
        issued_date=document.issued_date,
        issuer_name=document.issuer_name,
        subject=document.subject,
        priority=int(document.priority),
        priority_label=document.get_priority_display() if document.priority else "",
        receiver=_receiver(top, inner),
        due_date=top.due_date if top is not None else document.due_date,
        progress=progress,
        state=state,
        completed_on=completed_on,
        days_late=days_late,
        reply_code=reply_code,
        note=_note(incoming, assignments),
    )


def handling_register_rows(
    *,
    actor: Any,
    agency_id: int,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
) -> tuple[HandlingRegisterRow, ...]:
    """The incoming documents of the period (annulled ones left out: nothing to handle),
    by arrival number, each with its lead, deadline and progress as of `today`, and the
    numbers of its issued replies."""
    scope = handling_scope(actor, agency_id)
    day = today or timezone.localdate()
    work = (
        Assignment.objects.filter(role__in=[HandlingRole.LEAD, HandlingRole.SUPPORT])
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("assignee_unit", "assignee_person")
        .order_by("assigned_at", "id")
    )
    queryset = (
        IncomingDocument.objects.filter(
            _scope_condition(scope),
            agency_id=agency_id,
            arrival_date__gte=start_of_day(date_from),
            arrival_date__lt=start_of_day(date_to + dt.timedelta(days=1)),
        )
        .exclude(status=Status.ANNULLED)
        .select_related("document", "document__document_type")
        .prefetch_related(Prefetch("assignments", queryset=work, to_attr="work"))
        .order_by("arrival_year", "arrival_number")
    )
    replies = _reply_codes(queryset)
    return tuple(_row(incoming, day, replies.get(incoming.pk, "")) for incoming in queryset)


def handling_register_book(
    *,
    actor: Any,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
) -> HandlingRegister:
    scope = handling_scope(actor, agency.pk)
    day = today or timezone.localdate()
    rows = handling_register_rows(
        actor=actor, agency_id=agency.pk, date_from=date_from, date_to=date_to, today=day
    )
    scope_label = ""
    if scope.unit_ids is not None:
        units = Unit.objects.filter(pk__in=scope.unit_ids)
        scope_label = ", ".join(u.name for u in units if u.parent_id not in scope.unit_ids)
    parent = agency.parent
    return HandlingRegister(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        scope_label=scope_label,
        date_from=date_from,
        date_to=date_to,
        today=day,
        rows=rows,
        unit_ids=scope.unit_ids,
    )
