"""The follow-up book and the handling report as Excel workbooks, set up to print (A4
landscape, header rows repeated, a wide left margin to bind)."""

from __future__ import annotations

from govdoc.reports import xlsx
from govdoc.reports.handling_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.handling_register import HandlingRegister
from govdoc.reports.handling_report import (
    COUNT_COLUMNS,
    HandlingCounts,
    HandlingLine,
    HandlingReport,
)

REGISTER_WIDTHS = (8, 52, 28, 12, 30, 16, 24)
REGISTER_HEADER_ROW = 5
REGISTER_FIRST_ROW = REGISTER_HEADER_ROW + 2
# The report: title rows, then the units' table, then the persons' table.
REPORT_HEADER_ROW = 5
REPORT_WIDTHS = (6, 36, 12, 13, 13, 13, 13, 12)
RATE_FORMAT = "0.0%"


def _agency_line(agency_name: str, scope_label: str) -> str:
    return agency_name.upper() + (f" — {scope_label}" if scope_label else "")


def handling_register_xlsx(book: HandlingRegister) -> bytes:
    workbook, sheet = xlsx.new_sheet(f"Sổ theo dõi {book.years_text}")
    xlsx.headings(
        sheet,
        (
            _agency_line(book.agency_name, book.scope_label),
            book.title,
            f"{book.period_text} · {book.as_of_text}",
        ),
        width=len(REGISTER_COLUMNS),
    )
    xlsx.header(sheet, REGISTER_HEADER_ROW, REGISTER_COLUMNS, numbered=True)
    formats = {1: xlsx.NUMBER_FORMAT, 4: xlsx.DATE_FORMAT}
    for offset, row in enumerate(book.rows):
        at = REGISTER_FIRST_ROW + offset
        values: tuple[xlsx.Cell, ...] = (
            row.arrival_number,
            row.document_cell,
            row.receiver,
            row.due_date,
            row.progress,
            row.reply_code,
            row.note,
        )
        xlsx.line(sheet, at, values, {1, 4}, formats)
        sheet.cell(row=at, column=1).font = xlsx.font(bold=True)
        if row.state in {"overdue", "late"}:
            sheet.cell(row=at, column=5).font = xlsx.font(bold=True)
    sheet.freeze_panes = f"A{REGISTER_FIRST_ROW}"
    xlsx.print_setup(sheet, REGISTER_WIDTHS, f"{REGISTER_HEADER_ROW}:{REGISTER_HEADER_ROW + 1}")
    return xlsx.saved(workbook, f"{book.title} {book.years_text} — {book.agency_name}")


def _rate(counts: HandlingCounts) -> float | None:
    rate = counts.on_time_rate
    return rate / 100 if rate is not None else None


def handling_report_xlsx(report: HandlingReport) -> bytes:
    workbook, sheet = xlsx.new_sheet("Tình hình giải quyết")
    xlsx.headings(
        sheet,
        (
            _agency_line(report.agency_name, report.scope_label),
            f"BÁO CÁO {report.title}",
            f"{report.period_text} · {report.as_of_text}",
        ),
        width=len(REPORT_WIDTHS),
    )
    after_units = xlsx.count_table(
        sheet,
        REPORT_HEADER_ROW,
        "I. Theo đơn vị",
        ("Đơn vị", *COUNT_COLUMNS),
        report.units,
        summary=_rate,
        summary_format=RATE_FORMAT,
        total=HandlingLine(name="Tổng cộng", counts=report.unit_total),
        group_by_unit=False,
    )
    xlsx.count_table(
        sheet,
        after_units,
        "II. Theo cá nhân",
        ("Họ và tên", *COUNT_COLUMNS),
        report.people,
        summary=_rate,
        summary_format=RATE_FORMAT,
        total=None,
        group_by_unit=True,
    )
    # Two tables with their own headers: no header row repeats on every page.
    xlsx.print_setup(sheet, REPORT_WIDTHS, None)
    return xlsx.saved(workbook, f"Báo cáo {report.title.lower()} — {report.agency_name}")
