"""Exports of the outgoing books and report. Each file handed out is journaled: who took
which book or period, when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.reports import services as register_services
from govdoc.reports.outgoing_pdf import (
    outgoing_register_pdf,
    outgoing_report_pdf,
    postal_register_pdf,
)
from govdoc.reports.outgoing_register import outgoing_register_book
from govdoc.reports.outgoing_report import outgoing_report
from govdoc.reports.outgoing_xlsx import (
    outgoing_register_xlsx,
    outgoing_report_xlsx,
    postal_register_xlsx,
)
from govdoc.reports.postal_register import postal_register_book
from govdoc.reports.services import CONTENT_TYPES, ExportedFile


def _check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(
            "Định dạng không hợp lệ: chọn pdf hoặc xlsx.",
            fields={"format": "Định dạng không hợp lệ."},
        )


def _check_period(date_from: dt.date, date_to: dt.date) -> None:
    if date_from > date_to:
        raise ValidationFailed(
            "Khoảng thời gian không hợp lệ.",
            fields={"date_to": "“Đến ngày” phải bằng hoặc sau “Từ ngày”."},
        )


def _check_size(fmt: str, count: int, hint: str) -> None:
    limit = register_services.PDF_MAX_ROWS
    if fmt == "pdf" and count > limit:
        raise ValidationFailed(
            f"Sổ có {count} dòng, quá nhiều để tạo một tệp PDF (tối đa {limit}). {hint}"
        )


def outgoing_register_export(
    *, agency: Agency, year: int, fmt: str, actor: Any, book_id: int | None = None
) -> ExportedFile:
    """One outgoing book of the year as a PDF or a workbook, journaled."""
    _check_format(fmt)
    book = outgoing_register_book(actor=actor, agency=agency, year=year, book_id=book_id)
    _check_size(fmt, book.count, "Hãy tải tệp Excel.")
    # Rendered before the transaction: a long PDF must not hold the database write lock.
    data = outgoing_register_pdf(book) if fmt == "pdf" else outgoing_register_xlsx(book)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing_register.export",
            target_type="reports.outgoing_register",
            target_label=f"{book.book_name} năm {book.year}",
            agency_id=agency.pk,
            data={"format": fmt, "year": year, "book": book.book_id, "count": book.count},
        )
    return ExportedFile(
        name=f"{book.file_stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        data=data,
        count=book.count,
    )


def postal_register_export(
    *, agency: Agency, date_from: dt.date, date_to: dt.date, fmt: str, actor: Any
) -> ExportedFile:
    """The post book of the period as a PDF or a workbook, journaled."""
    _check_format(fmt)
    _check_period(date_from, date_to)
    book = postal_register_book(actor=actor, agency=agency, date_from=date_from, date_to=date_to)
    _check_size(fmt, book.count, "Hãy in sổ theo từng quý hoặc từng tháng, hoặc tải tệp Excel.")
    data = postal_register_pdf(book) if fmt == "pdf" else postal_register_xlsx(book)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="postal_register.export",
            target_type="reports.postal_register",
            target_label=f"Sổ gửi văn bản đi bưu điện — {book.period_text.lower()}",
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


def outgoing_report_export(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    fmt: str,
    actor: Any,
    today: dt.date | None = None,
) -> ExportedFile:
    """The report on outgoing documents of the period as a PDF or a workbook, journaled."""
    _check_format(fmt)
    _check_period(date_from, date_to)
    report = outgoing_report(
        actor=actor, agency=agency, date_from=date_from, date_to=date_to, today=today
    )
    data = outgoing_report_pdf(report) if fmt == "pdf" else outgoing_report_xlsx(report)
    total = report.unit_total
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing_report.export",
            target_type="reports.outgoing_report",
            target_label=f"Báo cáo {report.title.lower()} — {report.period_text.lower()}",
            agency_id=agency.pk,
            data={
                "format": fmt,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "as_of": report.today.isoformat(),
                "units": list(report.unit_ids) if report.unit_ids is not None else None,
                "created": total.created,
                "issued": total.issued,
            },
        )
    return ExportedFile(
        name=f"{report.file_stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        data=data,
        count=total.created,
    )
