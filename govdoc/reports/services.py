"""Exports of the registers. Reading is free of side effects, but each file handed out is
journaled: who took which part of the book, when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.reports.incoming_register import IncomingRegister, incoming_register_book
from govdoc.reports.pdf import incoming_register_pdf
from govdoc.reports.xlsx import incoming_register_xlsx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# WeasyPrint lays out a few dozen lines a second: past this a PDF would hold a web worker for
# minutes. Such books print by quarter or month (one volume each), or go to Excel.
PDF_MAX_ROWS = 2000


@dataclass(frozen=True)
class ExportedFile:
    name: str
    content_type: str
    data: bytes
    count: int


def _render(book: IncomingRegister, fmt: str) -> bytes:
    if fmt == "pdf":
        return incoming_register_pdf(book)
    return incoming_register_xlsx(book)


def incoming_register_export(
    *, agency: Agency, date_from: dt.date, date_to: dt.date, fmt: str, actor: Any
) -> ExportedFile:
    """Build the incoming register of the period as a PDF or a workbook and journal it."""
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(
            "Định dạng không hợp lệ: chọn pdf hoặc xlsx.",
            fields={"format": "Định dạng không hợp lệ."},
        )
    if date_from > date_to:
        raise ValidationFailed(
            "Khoảng thời gian không hợp lệ.",
            fields={"date_to": "“Đến ngày” phải bằng hoặc sau “Từ ngày”."},
        )
    book = incoming_register_book(actor=actor, agency=agency, date_from=date_from, date_to=date_to)
    if fmt == "pdf" and book.count > PDF_MAX_ROWS:
        raise ValidationFailed(
            f"Khoảng thời gian này có {book.count} văn bản, quá nhiều để tạo một tệp PDF "
            f"(tối đa {PDF_MAX_ROWS}). Hãy in sổ theo từng quý hoặc từng tháng, "
            "hoặc tải tệp Excel."
        )
    # Rendered before the transaction: a long PDF must not hold the database write lock.
    data = _render(book, fmt)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="incoming.export",
            target_type="reports.incoming_register",
            target_label=f"Sổ đăng ký văn bản đến — {book.period_text.lower()}",
            agency_id=agency.pk,
            data={
                "format": fmt,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "count": book.count,
            },
        )
    return ExportedFile(
        name=f"{book.file_stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        data=data,
        count=book.count,
    )
