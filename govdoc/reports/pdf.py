"""The incoming register as a PDF to print and bind (WeasyPrint, A4 landscape)."""

from __future__ import annotations

from django.template.loader import render_to_string

from govdoc.reports.incoming_register import COLUMNS, IncomingRegister


def incoming_register_pdf(book: IncomingRegister) -> bytes:
    # Imported on use: WeasyPrint is slow to load and logs its set-up, which every
    # management command would otherwise pay for and print.
    from weasyprint import HTML

    html = render_to_string(
        "reports/incoming_register_pdf.html", {"book": book, "columns": COLUMNS}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
