"""The form "Phiếu giải quyết văn bản đến" (NĐ 30 Phụ lục IV) of one incoming document,
written from its handling history: (1) the agency leader's instruction, lead, co-handlers
and deadlines; (2) the unit leaders' assignments within their units; (3) the handlers'
proposals and results — each with its date and name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govdoc.assignments.models import HandlingHistory
from govdoc.assignments.workflow import HandlingRole
from govdoc.core.dates import vn_date
from govdoc.incoming.access import incoming_for
from govdoc.incoming.models import IncomingDocument
from govdoc.registers.numbering import format_number

TITLE = "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN"

# Steps of the history and the part of the form each goes to.
LEADER_STEPS = {"assign", "approve_extension", "refuse_extension", "cancel", "reopen"}
UNIT_STEPS = {"sub_assign", "approve_extension", "refuse_extension", "cancel", "reopen"}
HANDLER_STEPS = {"progress", "request_extension", "return", "complete"}
HEADINGS = {
    "assign": "Ý kiến chỉ đạo, phân công",
    "sub_assign": "Phân công trong đơn vị",
    "approve_extension": "Đồng ý gia hạn",
    "refuse_extension": "Không đồng ý gia hạn",
    "cancel": "Thu hồi việc đã giao",
    "reopen": "Giao lại",
    "progress": "Báo cáo tiến độ",
    "request_extension": "Đề nghị gia hạn",
    "return": "Trả lại người giao",
    "complete": "Kết quả giải quyết",
}


@dataclass(frozen=True)
class SlipLine:
    """One assignee of a step: role, unit or person, deadline."""

    role: str
    assignee: str
    due_date: dt.date | None

    @property
    def role_label(self) -> str:
        return HandlingRole(self.role).label if self.role in HandlingRole.values else self.role

    @property
    def due_text(self) -> str:
        return vn_date(self.due_date)


@dataclass(frozen=True)
class SlipEntry:
    at: dt.datetime
    action: str
    name: str
    on_behalf_of: str
    text: str
    # Whose assignment the step is on ("Vụ Đất đai", "Chủ trì: Phạm Thị Chuyên").
    about: str = ""
    lines: tuple[SlipLine, ...] = ()
    due_date: dt.date | None = None

    @property
    def heading(self) -> str:
        return HEADINGS.get(self.action, self.action)

    @property
    def date_text(self) -> str:
        return vn_date(timezone.localdate(self.at))

    @property
    def signed_text(self) -> str:
        """ "Ngày 01/12/2026 — Trần Văn Lãnh Đạo (thay Nguyễn Văn B)"."""
        who = self.name + (f" (thay {self.on_behalf_of})" if self.on_behalf_of else "")
        return f"Ngày {self.date_text} — {who}"

    def of_role(self, role: str) -> tuple[SlipLine, ...]:
        return tuple(line for line in self.lines if line.role == role)

    @property
    def leads(self) -> tuple[SlipLine, ...]:
        return self.of_role(HandlingRole.LEAD)

    @property
    def supports(self) -> tuple[SlipLine, ...]:
        return self.of_role(HandlingRole.SUPPORT)

    @property
    def readers(self) -> tuple[SlipLine, ...]:
        return self.of_role(HandlingRole.INFO)


@dataclass(frozen=True)
class HandlingSlip:
    incoming_id: int
    agency_name: str
    parent_agency_name: str
    arrival_number: int
    arrival_year: int
    arrival_at: dt.datetime
    issuer_name: str
    code: str
    issued_date: dt.date | None
    type_name: str
    subject: str
    priority_label: str
    status_label: str
    leader: tuple[SlipEntry, ...]
    unit: tuple[SlipEntry, ...]
    handler: tuple[SlipEntry, ...]

    @property
    def title(self) -> str:
        return TITLE

    @property
    def display_arrival_number(self) -> str:
        return format_number(self.arrival_number)

    @property
    def arrival_text(self) -> str:
        return timezone.localtime(self.arrival_at).strftime("%H:%M %d/%m/%Y")

    @property
    def issued_text(self) -> str:
        return vn_date(self.issued_date)

    @property
    def file_stem(self) -> str:
        return f"phieu-giai-quyet_{self.arrival_year}-{self.display_arrival_number}"


def _name(person: Any) -> str:
    if person is None:
        return ""
    return str(getattr(person, "display_name", "") or person.get_username())


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _lines(data: dict[str, Any]) -> tuple[SlipLine, ...]:
    return tuple(
        SlipLine(
            role=str(item.get("role", "")),
            assignee=str(item.get("assignee", "")),
            due_date=_date(item.get("due_date")),
        )
        for item in data.get("assignments", [])
        if isinstance(item, dict)
    )


def _entry(step: HandlingHistory) -> SlipEntry:
    assignment = step.assignment
    about = ""
    due: dt.date | None = None
    if assignment is not None:
        about = assignment.assignee_label
        if step.action in HANDLER_STEPS:
            about = f"{HandlingRole(assignment.role).label}: {about}"
    data = step.data if isinstance(step.data, dict) else {}
    if step.action in {"approve_extension", "refuse_extension"}:
        due = _date(data.get("new_due"))
    elif step.action == "request_extension":
        due = _date(data.get("requested_due"))
    elif step.action == "reopen":
        due = _date(data.get("due_date"))
    return SlipEntry(
        at=step.at,
        action=step.action,
        name=_name(step.actor),
        on_behalf_of=_name(step.on_behalf_of),
        text=step.note,
        about=about,
        lines=_lines(data),
        due_date=due,
    )


def handling_slip_of(incoming: IncomingDocument) -> HandlingSlip:
    """The form of a document already fetched for the actor (see `handling_slip`)."""
    steps = (
        HandlingHistory.objects.filter(incoming=incoming)
        .select_related(
            "actor",
            "on_behalf_of",
            "assignment",
            "assignment__assignee_unit",
            "assignment__assignee_person",
        )
        .order_by("at", "id")
    )
    leader: list[SlipEntry] = []
    unit: list[SlipEntry] = []
    handler: list[SlipEntry] = []
    for step in steps:
        top_level = step.assignment is None or step.assignment.parent_id is None
        if step.action in HANDLER_STEPS:
            handler.append(_entry(step))
        elif step.action == "assign" or (step.action in LEADER_STEPS and top_level):
            leader.append(_entry(step))
        elif step.action in UNIT_STEPS:
            unit.append(_entry(step))
    document = incoming.document
    agency = incoming.agency
    parent = agency.parent
    return HandlingSlip(
        incoming_id=incoming.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        arrival_number=incoming.arrival_number,
        arrival_year=incoming.arrival_year,
        arrival_at=incoming.arrival_date,
        issuer_name=document.issuer_name,
        code=document.code,
        issued_date=document.issued_date,
        type_name=document.document_type.name,
        subject=document.subject,
        priority_label=document.get_priority_display() if document.priority else "",
        status_label=incoming.get_status_display(),
        leader=tuple(leader),
        unit=tuple(unit),
        handler=tuple(handler),
    )


def handling_slip(*, actor: Any, incoming_id: int) -> HandlingSlip:
    """The form of a document the actor may see (`incoming_for`), else NotFound."""
    incoming = incoming_for(actor, incoming_id)
    return handling_slip_of(incoming)
