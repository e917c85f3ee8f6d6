"""The outgoing books and report as PDFs (WeasyPrint, A4 landscape) to print and bind: the
Sổ đăng ký văn bản đi, the Sổ gửi văn bản đi bưu điện and the report on outgoing documents."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from govdoc.reports.outgoing_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.outgoing_register import OutgoingRegister
from govdoc.reports.outgoing_report import COUNT_COLUMNS, OutgoingReport
from govdoc.reports.postal_register import COLUMNS as POSTAL_COLUMNS
from govdoc.reports.postal_register import PostalRegister


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported on use: WeasyPrint is slow to load (see pdf.py).
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return pdf


def outgoing_register_pdf(book: OutgoingRegister) -> bytes:
    return _pdf("reports/outgoing_register_pdf.html", {"book": book, "columns": REGISTER_COLUMNS})


def postal_register_pdf(book: PostalRegister) -> bytes:
    return _pdf("reports/postal_register_pdf.html", {"book": book, "columns": POSTAL_COLUMNS})


def outgoing_report_pdf(report: OutgoingReport) -> bytes:
    return _pdf(
        "reports/outgoing_report_pdf.html", {"report": report, "count_columns": COUNT_COLUMNS}
    )
