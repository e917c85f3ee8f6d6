"""The incoming register (Sổ đăng ký văn bản đến, NĐ 30 Phụ lục IV): its rows, read for an
actor in one query, as frozen dataclasses that the screen, the PDF and the workbook share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.incoming.access import AGENCY_WIDE_ROLES, visible_incoming
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.selectors import start_of_day
from govdoc.incoming.workflow import Status
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.registers.numbering import format_number

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"

# The ten columns of the paper book, in order (NĐ 30 Phụ lục IV).
COLUMNS: tuple[str, ...] = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)


@dataclass(frozen=True)
class RegisterRow:
    """One line of the book. `handed_over_on` and `received_by` are empty until hand-over is
    recorded by the system; the printed book then leaves them for hand-writing."""

    incoming_id: int
    arrival_date: dt.date
    arrival_year: int
    arrival_number: int
    issuer_name: str
    code: str
    issued_date: dt.date | None
    type_name: str
    subject: str
    recipient: str
    note: str
    annulled: bool
    handed_over_on: dt.date | None = None
    received_by: str = ""
    priority: int = 0
    priority_label: str = ""

    @property
    def display_arrival_number(self) -> str:
        return format_number(self.arrival_number)

    @property
    def arrival_date_text(self) -> str:
        return vn_date(self.arrival_date)

    @property
    def issued_date_text(self) -> str:
        return vn_date(self.issued_date)

    @property
    def handed_over_text(self) -> str:
        return vn_date(self.handed_over_on)

    @property
    def type_and_subject(self) -> str:
        return f"{self.type_name}: {self.subject}" if self.type_name else self.subject

    def cells(self) -> tuple[str, ...]:
        """The ten columns as text, in the book's order."""
        return (
            self.arrival_date_text,
            self.display_arrival_number,
            self.issuer_name,
            self.code,
            self.issued_date_text,
            self.type_and_subject,
            self.recipient,
            self.handed_over_text,
            self.received_by,
            self.note,
        )


@dataclass(frozen=True)
class IncomingRegister:
    """The book for one agency and one period, ready to render."""

    agency_id: int
    agency_name: str
    parent_agency_name: str
    date_from: dt.date
    date_to: dt.date
    rows: tuple[RegisterRow, ...]

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
    def numbers_text(self) -> str:
        """'Từ số … đến số …' of the cover; within one year only, since numbers restart."""
        if not self.rows:
            return ""
        first, last = self.rows[0], self.rows[-1]
        if first.arrival_year != last.arrival_year:
            return ""
        return f"Từ số {first.display_arrival_number} đến số {last.display_arrival_number}"

    @property
    def file_stem(self) -> str:
        return f"so-van-ban-den_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}"


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """1 January of the current year to today."""
    day = today or timezone.localdate()
    return dt.date(day.year, 1, 1), day


def can_read_register(actor: Any, agency_id: int | None) -> bool:
    return has_role(actor, agency_id, *AGENCY_WIDE_ROLES)


def _recipient(incoming: IncomingDocument) -> str:
    parts = []
    if incoming.receiving_unit is not None:
        parts.append(incoming.receiving_unit.name)
    if incoming.receiving_person is not None:
        parts.append(incoming.receiving_person.display_name)
    return " – ".join(parts)


def _note(incoming: IncomingDocument) -> str:
    # An annulled line stays in the book: the number was used and the reason must show.
    parts = []
    if incoming.status == Status.ANNULLED:
        reason = incoming.register_entry.annul_reason
        parts.append(f"Đã hủy: {reason}" if reason else "Đã hủy")
    if incoming.notes:
        parts.append(incoming.notes)
    return "; ".join(parts)


def _row(incoming: IncomingDocument) -> RegisterRow:
    document = incoming.document
    return RegisterRow(
        incoming_id=incoming.pk,
        arrival_date=timezone.localdate(incoming.arrival_date),
        arrival_year=incoming.arrival_year,
        arrival_number=incoming.arrival_number,
        issuer_name=document.issuer_name,
        code=document.code,
        issued_date=document.issued_date,
        type_name=document.document_type.name,
        subject=document.subject,
        recipient=_recipient(incoming),
        note=_note(incoming),
        annulled=incoming.status == Status.ANNULLED,
        priority=int(document.priority),
        priority_label=document.get_priority_display() if document.priority else "",
    )


def incoming_register_rows(
    *, actor: Any, agency_id: int, date_from: dt.date, date_to: dt.date
) -> tuple[RegisterRow, ...]:
    """Every incoming document of the agency that arrived in [date_from, date_to], annulled
    ones included, by arrival number. Agency-wide readers only; others get NotFound."""
    if not can_read_register(actor, agency_id):
        raise NotFound()
    queryset = (
        visible_incoming(actor, agency_id)
        # Local-midnight bounds, so the (agency, arrival_date) index serves the range.
        .filter(
            arrival_date__gte=start_of_day(date_from),
            arrival_date__lt=start_of_day(date_to + dt.timedelta(days=1)),
        )
        .select_related(
            "document",
            "document__document_type",
            "register_entry",
            "receiving_unit",
            "receiving_person",
        )
        # Numbers restart each year: a range across New Year lists the old year first.
        .order_by("arrival_year", "arrival_number")
    )
    return tuple(_row(incoming) for incoming in queryset)


def incoming_register_book(
    *, actor: Any, agency: Agency, date_from: dt.date, date_to: dt.date
) -> IncomingRegister:
    rows = incoming_register_rows(
        actor=actor, agency_id=agency.pk, date_from=date_from, date_to=date_to
    )
    parent = agency.parent
    return IncomingRegister(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        date_from=date_from,
        date_to=date_to,
        rows=rows,
    )
