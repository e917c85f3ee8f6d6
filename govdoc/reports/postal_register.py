"""The post book (Sổ gửi văn bản đi bưu điện, NĐ 30 Phụ lục IV): one line per copy of an
issued document sent by post — the day it went, the document, the recipient and its address,
the envelopes, the post's receipt number and the postage — read for an actor in one query.
Copies still waiting to be posted are listed last, so that none is forgotten."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.incoming.selectors import start_of_day
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import visible_outgoing
from govdoc.outgoing.models import Dispatch
from govdoc.outgoing.workflow import DispatchStatus, Method, OutgoingStatus
from govdoc.reports.outgoing_register import can_read_outgoing_register

TITLE = "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN"

COLUMNS: tuple[str, ...] = (
    "Ngày chuyển",
    "Số, ký hiệu văn bản",
    "Nơi nhận văn bản",
    "Số lượng bì",
    "Ký nhận, số biên lai",
    "Cước phí",
    "Ghi chú",
)

# One recipient, one envelope: a delivery is one copy sent to one address.
ENVELOPES = 1


@dataclass(frozen=True)
class PostalRow:
    dispatch_id: int
    outgoing_id: int
    sent_on: dt.date | None
    code: str
    issued_date: dt.date | None
    subject: str
    recipient: str
    address: str
    envelopes: int
    postal_receipt: str
    postage: str
    note: str
    waiting: bool

    @property
    def sent_text(self) -> str:
        return vn_date(self.sent_on)

    @property
    def document_text(self) -> str:
        return f"{self.code} ngày {vn_date(self.issued_date)}" if self.issued_date else self.code

    @property
    def recipient_text(self) -> str:
        return f"{self.recipient}, {self.address}" if self.address else self.recipient

    def cells(self) -> tuple[str, ...]:
        return (
            self.sent_text,
            self.document_text,
            self.recipient_text,
            str(self.envelopes),
            self.postal_receipt,
            self.postage,
            self.note,
        )


@dataclass(frozen=True)
class PostalRegister:
    agency_id: int
    agency_name: str
    parent_agency_name: str
    date_from: dt.date
    date_to: dt.date
    rows: tuple[PostalRow, ...]

    @property
    def title(self) -> str:
        return TITLE

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def waiting_count(self) -> int:
        return sum(1 for row in self.rows if row.waiting)

    @property
    def years_text(self) -> str:
        first, last = self.date_from.year, self.date_to.year
        return str(first) if first == last else f"{first}–{last}"

    @property
    def period_text(self) -> str:
        return f"Từ ngày {vn_date(self.date_from)} đến ngày {vn_date(self.date_to)}"

    @property
    def file_stem(self) -> str:
        return f"so-gui-buu-dien_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}"


def _note(dispatch: Dispatch) -> str:
    parts: list[str] = []
    if dispatch.status == DispatchStatus.QUEUED:
        parts.append("Chưa gửi")
    status = dispatch.outgoing.status
    if status == OutgoingStatus.REVOKED:
        parts.append("Văn bản đã bị thu hồi")
    elif status == OutgoingStatus.REPLACED:
        parts.append("Văn bản đã bị thay thế")
    if dispatch.reason:
        parts.append(dispatch.reason)
    return "; ".join(parts)


def _row(dispatch: Dispatch) -> PostalRow:
    document = dispatch.outgoing.document
    recipient = dispatch.recipient
    return PostalRow(
        dispatch_id=dispatch.pk,
        outgoing_id=dispatch.outgoing_id,
        sent_on=timezone.localdate(dispatch.sent_at) if dispatch.sent_at else None,
        code=document.code,
        issued_date=document.issued_date,
        subject=document.subject,
        recipient=recipient.name,
        address=recipient.address,
        envelopes=ENVELOPES,
        postal_receipt=dispatch.postal_receipt,
        postage=dispatch.postage,
        note=_note(dispatch),
        waiting=dispatch.status == DispatchStatus.QUEUED,
    )


def postal_register_rows(
    *, actor: Any, agency_id: int, date_from: dt.date, date_to: dt.date
) -> tuple[PostalRow, ...]:
    """Copies posted in [date_from, date_to] by the day they went, then those of documents
    issued in the period and not yet posted. Agency-wide readers only; others NotFound."""
    if not can_read_outgoing_register(actor, agency_id):
        raise NotFound()
    start, end = start_of_day(date_from), start_of_day(date_to + dt.timedelta(days=1))
    posted = Q(sent_at__gte=start, sent_at__lt=end)
    waiting = Q(
        sent_at__isnull=True,
        status=DispatchStatus.QUEUED,
        outgoing__issued_at__gte=start,
        outgoing__issued_at__lt=end,
    )
    queryset = (
        Dispatch.objects.filter(
            posted | waiting,
            method=Method.POST,
            outgoing__in=visible_outgoing(actor, agency_id).values("pk"),
        )
        .select_related("outgoing", "outgoing__document", "recipient")
        .order_by(F("sent_at").asc(nulls_last=True), "outgoing__year", "outgoing__number", "pk")
    )
    return tuple(_row(dispatch) for dispatch in queryset)


def postal_register_book(
    *, actor: Any, agency: Agency, date_from: dt.date, date_to: dt.date
) -> PostalRegister:
    rows = postal_register_rows(
        actor=actor, agency_id=agency.pk, date_from=date_from, date_to=date_to
    )
    parent = agency.parent
    return PostalRegister(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        date_from=date_from,
        date_to=date_to,
        rows=rows,
    )
