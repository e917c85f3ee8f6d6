"""The outgoing books and report as Excel workbooks, set up to print like the paper books
(A4 landscape, header rows repeated, a wide left margin to bind)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from govdoc.reports import xlsx
from govdoc.reports.outgoing_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.outgoing_register import OutgoingRegister
from govdoc.reports.outgoing_report import (
    COUNT_COLUMNS,
    OutgoingCounts,
    OutgoingLine,
    OutgoingReport,
)
from govdoc.reports.postal_register import COLUMNS as POSTAL_COLUMNS
from govdoc.reports.postal_register import PostalRegister

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 2
REGISTER_WIDTHS = (16, 12, 46, 18, 30, 20, 8, 12, 12, 26)
POSTAL_WIDTHS = (12, 26, 46, 9, 22, 12, 26)
REPORT_WIDTHS = (6, 34, 10, 11, 11, 11, 11, 11, 10, 13)
AVERAGE_FORMAT = "0.0"


def _book_sheet(
    title: str, agency: str, heading: str, sub: str, columns: tuple[str, ...]
) -> tuple[Workbook, Worksheet]:
    workbook, sheet = xlsx.new_sheet(title)
    xlsx.headings(sheet, (agency.upper(), heading, sub), width=len(columns))
    xlsx.header(sheet, HEADER_ROW, columns, numbered=True)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    return workbook, sheet


def outgoing_register_xlsx(book: OutgoingRegister) -> bytes:
    workbook, sheet = _book_sheet(
        f"Sổ VB đi {book.year}", book.agency_name, book.title, book.period_text, REGISTER_COLUMNS
    )
    for offset, row in enumerate(book.rows):
        at = FIRST_ROW + offset
        values: tuple[xlsx.Cell, ...] = (
            row.code,
            row.issued_date,
            row.type_and_subject,
            row.signer,
            row.recipients,
            row.keeping,
            row.copies,
            row.handed_over_on,
            row.received_by or None,
            row.note or None,
        )
        xlsx.line(sheet, at, values, {2, 7, 8})
        sheet.cell(row=at, column=1).font = xlsx.font(bold=True)
        if row.frozen:
            sheet.cell(row=at, column=3).font = xlsx.font(strike=True)
    xlsx.print_setup(sheet, REGISTER_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return xlsx.saved(workbook, f"{book.title} {book.year} — {book.agency_name}")


def postal_register_xlsx(book: PostalRegister) -> bytes:
    workbook, sheet = _book_sheet(
        f"Sổ gửi bưu điện {book.years_text}",
        book.agency_name,
        book.title,
        book.period_text,
        POSTAL_COLUMNS,
    )
    for offset, row in enumerate(book.rows):
        values: tuple[xlsx.Cell, ...] = (
            row.sent_on,
            row.document_text,
            row.recipient_text,
            row.envelopes,
            row.postal_receipt or None,
            row.postage or None,
            row.note or None,
        )
        xlsx.line(sheet, FIRST_ROW + offset, values, {1, 4})
    xlsx.print_setup(sheet, POSTAL_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return xlsx.saved(workbook, f"{book.title} {book.years_text} — {book.agency_name}")


def _average(counts: OutgoingCounts) -> float | None:
    average = counts.average_days
    return round(average, 1) if average is not None else None


def outgoing_report_xlsx(report: OutgoingReport) -> bytes:
    workbook, sheet = xlsx.new_sheet("Tình hình văn bản đi")
    agency = report.agency_name.upper() + (f" — {report.scope_label}" if report.scope_label else "")
    xlsx.headings(
        sheet,
        (agency, f"BÁO CÁO {report.title}", f"{report.period_text} · {report.as_of_text}"),
        width=len(REPORT_WIDTHS),
    )
    after = xlsx.count_table(
        sheet,
        HEADER_ROW,
        "I. Theo đơn vị soạn thảo",
        ("Đơn vị", *COUNT_COLUMNS),
        report.units,
        summary=_average,
        summary_format=AVERAGE_FORMAT,
        total=OutgoingLine(name="Tổng cộng", counts=report.unit_total),
        group_by_unit=False,
    )
    xlsx.count_table(
        sheet,
        after,
        "II. Theo người soạn thảo",
        ("Họ và tên", *COUNT_COLUMNS),
        report.people,
        summary=_average,
        summary_format=AVERAGE_FORMAT,
        total=None,
        group_by_unit=True,
    )
    xlsx.print_setup(sheet, REPORT_WIDTHS, None)
    return xlsx.saved(workbook, f"Báo cáo {report.title.lower()} — {report.agency_name}")
