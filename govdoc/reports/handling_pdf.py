"""The handling reports as PDFs (WeasyPrint): the follow-up book and the report in A4
landscape, to print and bind; the handling form of one document in A4 portrait."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from govdoc.reports.handling_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.handling_register import HandlingRegister
from govdoc.reports.handling_report import COUNT_COLUMNS, HandlingReport
from govdoc.reports.handling_slip import HandlingSlip


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported on use: WeasyPrint is slow to load (see pdf.py).
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return pdf


def handling_register_pdf(book: HandlingRegister) -> bytes:
    return _pdf("reports/handling_register_pdf.html", {"book": book, "columns": REGISTER_COLUMNS})


def handling_report_pdf(report: HandlingReport) -> bytes:
    return _pdf(
        "reports/handling_report_pdf.html", {"report": report, "count_columns": COUNT_COLUMNS}
    )


def handling_slip_pdf(slip: HandlingSlip) -> bytes:
    return _pdf("reports/handling_slip_pdf.html", {"slip": slip})
