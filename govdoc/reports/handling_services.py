"""Exports of the handling reports: the follow-up book, the report and the handling form of
one document. Each file handed out is journaled: who took what, of which period, when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.reports import services as register_services
from govdoc.reports.handling_pdf import (
    handling_register_pdf,
    handling_report_pdf,
    handling_slip_pdf,
)
from govdoc.reports.handling_register import handling_register_book
from govdoc.reports.handling_report import handling_report
from govdoc.reports.handling_scope import DOCUMENTS, KINDS
from govdoc.reports.handling_slip import handling_slip
from govdoc.reports.handling_xlsx import handling_register_xlsx, handling_report_xlsx
from govdoc.reports.services import CONTENT_TYPES, ExportedFile


def _check(fmt: str, date_from: dt.date, date_to: dt.date) -> None:
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


def handling_register_export(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    fmt: str,
    actor: Any,
    today: dt.date | None = None,
) -> ExportedFile:
    """The follow-up book of the period as a PDF or a workbook, journaled."""
    _check(fmt, date_from, date_to)
    book = handling_register_book(
        actor=actor, agency=agency, date_from=date_from, date_to=date_to, today=today
    )
    limit = register_services.PDF_MAX_ROWS
    if fmt == "pdf" and book.count > limit:
        raise ValidationFailed(
            f"Khoảng thời gian này có {book.count} văn bản, quá nhiều để tạo một tệp PDF "
            f"(tối đa {limit}). Hãy in sổ theo từng quý hoặc từng tháng, hoặc tải tệp Excel."
        )
    # Rendered before the transaction: a long PDF must not hold the database write lock.
    data = handling_register_pdf(book) if fmt == "pdf" else handling_register_xlsx(book)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="handling_register.export",
            target_type="reports.handling_register",
            target_label=f"Sổ theo dõi giải quyết văn bản đến — {book.period_text.lower()}",
            agency_id=agency.pk,
            data={
                "format": fmt,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "count": book.count,
                "units": list(book.unit_ids) if book.unit_ids is not None else None,
            },
        )
    return ExportedFile(
        name=f"{book.file_stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        data=data,
        count=book.count,
    )


def handling_report_export(
    *,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    fmt: str,
    actor: Any,
    kind: str = DOCUMENTS,
    today: dt.date | None = None,
) -> ExportedFile:
    """The report of the period (documents or tasks) as a PDF or a workbook, journaled."""
    _check(fmt, date_from, date_to)
    if kind not in KINDS:
        raise ValidationFailed(
            "Loại báo cáo không hợp lệ.", fields={"kind": "Chọn văn bản đến hoặc công việc."}
        )
    report = handling_report(
        actor=actor, agency=agency, date_from=date_from, date_to=date_to, kind=kind, today=today
    )
    data = handling_report_pdf(report) if fmt == "pdf" else handling_report_xlsx(report)
    total = report.unit_total
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="handling_report.export",
            target_type="reports.handling_report",
            target_label=f"Báo cáo {report.title.lower()} — {report.period_text.lower()}",
            agency_id=agency.pk,
            data={
                "format": fmt,
                "kind": kind,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "as_of": report.today.isoformat(),
                "units": list(report.unit_ids) if report.unit_ids is not None else None,
                "received": total.received,
                "overdue": total.overdue,
            },
        )
    return ExportedFile(
        name=f"{report.file_stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        data=data,
        count=total.received,
    )


def handling_slip_export(*, incoming_id: int, actor: Any) -> ExportedFile:
    """The handling form of a document the actor may see, as a PDF, journaled."""
    slip = handling_slip(actor=actor, incoming_id=incoming_id)
    data = handling_slip_pdf(slip)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="handling_slip.export",
            target_type="incoming.incomingdocument",
            target_id=str(slip.incoming_id),
            target_label=(
                f"Phiếu giải quyết văn bản đến số {slip.display_arrival_number}/{slip.arrival_year}"
            ),
            agency_id=getattr(actor, "agency_id", None),
            data={
                "format": "pdf",
                "steps": len(slip.leader) + len(slip.unit) + len(slip.handler),
            },
        )
    return ExportedFile(
        name=f"{slip.file_stem}.pdf",
        content_type=CONTENT_TYPES["pdf"],
        data=data,
        count=1,
    )
