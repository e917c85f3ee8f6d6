"""The incoming register as a PDF to print and bind (WeasyPrint, A4 landscape)."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from govdoc.reports.incoming_register import COLUMNS, IncomingRegister


def incoming_register_pdf(book: IncomingRegister) -> bytes:
    html = render_to_string(
        "reports/incoming_register_pdf.html", {"book": book, "columns": COLUMNS}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
