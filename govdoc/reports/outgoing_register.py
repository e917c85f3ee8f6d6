"""The outgoing register (Sổ đăng ký văn bản đi, NĐ 30 Phụ lục IV): one line per number of a
book of the year — the outgoing book, or a legal documents' series — with the revoked,
replaced and corrected documents kept and marked in the note. Read for an actor in three
queries (the documents, their recipients, their changes), as frozen dataclasses that the
screen, the PDF and the workbook share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import AGENCY_WIDE_ROLES, visible_outgoing
from govdoc.outgoing.models import DraftRecipient, OutgoingChange, OutgoingDocument
from govdoc.outgoing.workflow import ChangeKind, OutgoingStatus
from govdoc.registers.models import BookKind, RegisterBook
from govdoc.registers.numbering import format_number

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
BOOK_KINDS = (BookKind.OUTGOING, BookKind.LEGAL)
DEFAULT_BOOK_NAME = "Sổ đăng ký văn bản đi"

# The ten columns of the paper book, in order (NĐ 30 Phụ lục IV).
COLUMNS: tuple[str, ...] = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)


@dataclass(frozen=True)
class OutgoingRegisterRow:
    """One line of the book. `received_by` is left for hand-writing on paper."""

    outgoing_id: int
    draft_id: int
    number: int
    code: str
    issued_date: dt.date | None
    type_name: str
    subject: str
    signer: str
    recipients: str
    keeping: str
    copies: int
    handed_over_on: dt.date | None
    note: str
    status: str
    received_by: str = ""
    priority: int = 0
    priority_label: str = ""

    @property
    def display_number(self) -> str:
        return format_number(self.number)

    @property
    def issued_date_text(self) -> str:
        return vn_date(self.issued_date)

    @property
    def handed_over_text(self) -> str:
        return vn_date(self.handed_over_on)

    @property
    def type_and_subject(self) -> str:
        return f"{self.type_name}: {self.subject}" if self.type_name else self.subject

    @property
    def frozen(self) -> bool:
        """Revoked or replaced: the line stays, struck through."""
        return self.status in (OutgoingStatus.REVOKED, OutgoingStatus.REPLACED)

    def cells(self) -> tuple[str, ...]:
        """The ten columns as text, in the book's order."""
        return (
            self.code,
            self.issued_date_text,
            self.type_and_subject,
            self.signer,
            self.recipients,
            self.keeping,
            str(self.copies),
            self.handed_over_text,
            self.received_by,
            self.note,
        )


@dataclass(frozen=True)
class OutgoingRegister:
    """One book of one year of one agency, ready to render."""

    agency_id: int
    agency_name: str
    parent_agency_name: str
    year: int
    book_id: int | None
    book_name: str
    rows: tuple[OutgoingRegisterRow, ...]

    @property
    def title(self) -> str:
        return TITLE

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def years_text(self) -> str:
        return str(self.year)

    @property
    def period_text(self) -> str:
        """Under the title: the year, and the book when it is a series of its own."""
        if self.series_name:
            return f"{self.series_name} — năm {self.year}"
        return f"Năm {self.year}"

    @property
    def series_name(self) -> str:
        """The book's name when it is not the outgoing book (a legal documents' series)."""
        return "" if self.book_name == DEFAULT_BOOK_NAME else self.book_name

    @property
    def numbers_text(self) -> str:
        if not self.rows:
            return ""
        return f"Từ số {self.rows[0].display_number} đến số {self.rows[-1].display_number}"

    @property
    def file_stem(self) -> str:
        suffix = f"_{self.book_id}" if self.book_id is not None else ""
        return f"so-van-ban-di_{self.year}{suffix}"


def can_read_outgoing_register(actor: Any, agency_id: int | None) -> bool:
    """The clerks and the agency's leaders, who see every issued document of the agency."""
    return has_role(actor, agency_id, *AGENCY_WIDE_ROLES)


def books_of(agency_id: int, year: int) -> list[RegisterBook]:
    """The year's outgoing book and legal series that exist, the outgoing book first."""
    books = RegisterBook.objects.filter(agency_id=agency_id, year=year, kind__in=BOOK_KINDS)
    return sorted(books, key=lambda b: (b.kind != BookKind.OUTGOING, b.series, b.pk))


def _note(outgoing: OutgoingDocument) -> str:
    parts: list[str] = []
    entry = outgoing.register_entry
    if entry.annulled_at is not None:
        parts.append(f"Số đã hủy: {entry.annul_reason}")
    if outgoing.issued_at is None:
        parts.append("Đã cấp số, chưa phát hành")
    changes: list[OutgoingChange] = getattr(outgoing, "change_rows", [])
    for change in changes:
        if change.kind == ChangeKind.REVOKE:
            parts.append(
                f"Đã thu hồi ngày {vn_date(timezone.localdate(change.at))}: {change.reason}"
            )
        elif change.kind == ChangeKind.REPLACE:
            code = change.replacement.document.code if change.replacement else ""
            parts.append(f"Bị thay thế bởi văn bản số {code}: {change.reason}")
        else:
            parts.append(f"Đính chính, cập nhật: {change.reason}")
    if outgoing.draft.description:
        parts.append(outgoing.draft.description)
    return "; ".join(parts)


def _row(outgoing: OutgoingDocument) -> OutgoingRegisterRow:
    document = outgoing.document
    draft = outgoing.draft
    recipients: list[DraftRecipient] = getattr(draft, "recipient_rows", [])
    unit = outgoing.keeping_unit
    return OutgoingRegisterRow(
        outgoing_id=outgoing.pk,
        draft_id=outgoing.draft_id,
        number=outgoing.number,
        code=document.code,
        issued_date=document.issued_date,
        type_name=document.document_type.name,
        subject=document.subject,
        signer=document.signer_name,
        recipients="; ".join(r.name for r in recipients),
        keeping=unit.name if unit is not None else "",
        copies=draft.copies,
        handed_over_on=timezone.localdate(outgoing.issued_at) if outgoing.issued_at else None,
        note=_note(outgoing),
        status=outgoing.status,
        priority=int(document.priority),
        priority_label=document.get_priority_display() if document.priority else "",
    )


def outgoing_register_rows(
    *, actor: Any, agency_id: int, book: RegisterBook | None
) -> tuple[OutgoingRegisterRow, ...]:
    """Every number of the book, by number. Agency-wide readers only; others NotFound."""
    if not can_read_outgoing_register(actor, agency_id):
        raise NotFound()
    if book is None:
        return ()
    changes = OutgoingChange.objects.select_related("replacement__document").order_by("at", "pk")
    queryset = (
        visible_outgoing(actor, agency_id)
        .filter(agency_id=agency_id, register_entry__book_id=book.pk)
        .select_related(
            "document", "document__document_type", "draft", "keeping_unit", "register_entry"
        )
        .prefetch_related(
            Prefetch(
                "draft__recipients",
                queryset=DraftRecipient.objects.order_by("position", "pk"),
                to_attr="recipient_rows",
            ),
            Prefetch("changes", queryset=changes, to_attr="change_rows"),
        )
        .order_by("number", "pk")
    )
    return tuple(_row(outgoing) for outgoing in queryset)


def default_year(today: dt.date | None = None) -> int:
    return (today or timezone.localdate()).year


def outgoing_register_book(
    *, actor: Any, agency: Agency, year: int, book_id: int | None = None
) -> OutgoingRegister:
    """The book `book_id` (one of the agency's outgoing books of the year), or the year's
    outgoing book by default; NotFound for a book that is not one of them."""
    if not can_read_outgoing_register(actor, agency.pk):
        raise NotFound()
    books = books_of(agency.pk, year)
    if book_id is not None:
        book = next((b for b in books if b.pk == book_id), None)
        if book is None:
            raise NotFound()
    else:
        book = next((b for b in books if b.kind == BookKind.OUTGOING), None)
    rows = outgoing_register_rows(actor=actor, agency_id=agency.pk, book=book)
    parent = agency.parent
    return OutgoingRegister(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        year=year,
        book_id=book.pk if book is not None else None,
        book_name=book.name if book is not None else DEFAULT_BOOK_NAME,
        rows=rows,
    )
