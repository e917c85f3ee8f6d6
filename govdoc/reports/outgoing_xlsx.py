"""The outgoing books and report as Excel workbooks, set up to print like the paper books
(A4 landscape, header rows repeated, a wide left margin to bind)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govdoc.reports.outgoing_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.outgoing_register import OutgoingRegister
from govdoc.reports.outgoing_report import COUNT_COLUMNS, OutgoingLine, OutgoingReport
from govdoc.reports.postal_register import COLUMNS as POSTAL_COLUMNS
from govdoc.reports.postal_register import PostalRegister
from govdoc.reports.xlsx import DATE_FORMAT, FONT_NAME

HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 2
REGISTER_WIDTHS = (16, 12, 46, 18, 30, 20, 8, 12, 12, 26)
POSTAL_WIDTHS = (12, 26, 46, 9, 22, 12, 26)
REPORT_WIDTHS = (6, 34, 10, 11, 11, 11, 11, 11, 10, 13)
AVERAGE_FORMAT = "0.0"

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
_GREY = PatternFill("solid", fgColor="F2F2F2")

Cell = str | int | float | dt.date | None


def _heading(sheet: Worksheet, row: int, text: str, *, width: int, size: int, bold: bool) -> None:
    sheet.merge_cells(f"A{row}:{get_column_letter(width)}{row}")
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=not bold)
    cell.alignment = Alignment(horizontal="center", vertical="center")


def _header(sheet: Worksheet, row: int, titles: tuple[str, ...], *, numbered: bool) -> None:
    for index, title in enumerate(titles, start=1):
        head = sheet.cell(row=row, column=index, value=title)
        head.font = Font(name=FONT_NAME, size=11, bold=True)
        head.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        head.border = _BORDER
        if numbered:
            number = sheet.cell(row=row + 1, column=index, value=f"({index})")
            number.font = Font(name=FONT_NAME, size=10, italic=True)
            number.alignment = Alignment(horizontal="center")
            number.border = _BORDER
    sheet.row_dimensions[row].height = 45


def _line(sheet: Worksheet, row: int, values: tuple[Cell, ...], centered: set[int]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = Font(name=FONT_NAME, size=11)
        cell.border = _BORDER
        cell.alignment = _CENTER if column in centered else _WRAP_TOP
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT


def _print_setup(sheet: Worksheet, widths: tuple[int, ...], title_rows: str | None) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = 1.18
    sheet.page_margins.right = 0.6
    sheet.page_margins.top = 0.7
    sheet.page_margins.bottom = 0.7
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "Trang &P/&N"
        footer.center.font = FONT_NAME


def _save(workbook: Workbook, title: str) -> bytes:
    workbook.properties.title = title
    workbook.properties.creator = "govdoc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _book_sheet(
    title: str, agency: str, heading: str, sub: str, columns: tuple[str, ...]
) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    width = len(columns)
    _heading(sheet, 1, agency.upper(), width=width, size=12, bold=True)
    _heading(sheet, 2, heading, width=width, size=14, bold=True)
    _heading(sheet, 3, sub, width=width, size=12, bold=False)
    _header(sheet, HEADER_ROW, columns, numbered=True)
    sheet.freeze_panes = f"A{FIRST_ROW}"
    return workbook, sheet


def outgoing_register_xlsx(book: OutgoingRegister) -> bytes:
    workbook, sheet = _book_sheet(
        f"Sổ VB đi {book.year}", book.agency_name, book.title, book.period_text, REGISTER_COLUMNS
    )
    for offset, row in enumerate(book.rows):
        line = FIRST_ROW + offset
        values: tuple[Cell, ...] = (
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
        _line(sheet, line, values, {2, 7, 8})
        sheet.cell(row=line, column=1).font = Font(name=FONT_NAME, size=11, bold=True)
        if row.frozen:
            sheet.cell(row=line, column=3).font = Font(name=FONT_NAME, size=11, strike=True)
    _print_setup(sheet, REGISTER_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return _save(workbook, f"{book.title} {book.year} — {book.agency_name}")


def postal_register_xlsx(book: PostalRegister) -> bytes:
    workbook, sheet = _book_sheet(
        f"Sổ gửi bưu điện {book.years_text}",
        book.agency_name,
        book.title,
        book.period_text,
        POSTAL_COLUMNS,
    )
    for offset, row in enumerate(book.rows):
        values: tuple[Cell, ...] = (
            row.sent_on,
            row.document_text,
            row.recipient_text,
            row.envelopes,
            row.postal_receipt or None,
            row.postage or None,
            row.note or None,
        )
        _line(sheet, FIRST_ROW + offset, values, {1, 4})
    _print_setup(sheet, POSTAL_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return _save(workbook, f"{book.title} {book.years_text} — {book.agency_name}")


def _count_row(
    sheet: Worksheet, row: int, number: int | str, line: OutgoingLine, *, bold: bool = False
) -> None:
    font = Font(name=FONT_NAME, size=11, bold=bold)
    cells: list[str | int | float] = [number, line.name]
    cells.extend(value for _slug, value in line.counts.measures())
    average = line.counts.average_days
    cells.append(round(average, 1) if average is not None else "—")
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = font
        cell.border = _BORDER
        cell.alignment = _CENTER if column == 1 else _WRAP_TOP
        if column == len(cells) and isinstance(value, float):
            cell.number_format = AVERAGE_FORMAT
            cell.alignment = Alignment(horizontal="right", vertical="top")


def _table(
    sheet: Worksheet,
    start: int,
    title: str,
    name_title: str,
    lines: tuple[OutgoingLine, ...],
    *,
    total: OutgoingLine | None,
    group_by_unit: bool,
) -> int:
    """Write one table from row `start`; return the next free row."""
    sheet.cell(row=start, column=1, value=title).font = Font(name=FONT_NAME, size=12, bold=True)
    _header(sheet, start + 1, ("STT", name_title, *COUNT_COLUMNS), numbered=False)
    row = start + 2
    unit_name: str | None = None
    for number, line in enumerate(lines, start=1):
        if group_by_unit and line.unit_name != unit_name:
            unit_name = line.unit_name
            sheet.merge_cells(f"A{row}:{get_column_letter(len(REPORT_WIDTHS))}{row}")
            cell = sheet.cell(row=row, column=1, value=unit_name)
            cell.font = Font(name=FONT_NAME, size=11, bold=True)
            cell.fill = _GREY
            cell.border = _BORDER
            row += 1
        _count_row(sheet, row, number, line)
        row += 1
    if not lines:
        sheet.cell(row=row, column=2, value="Không có số liệu.").font = Font(
            name=FONT_NAME, size=11, italic=True
        )
        row += 1
    if total is not None:
        _count_row(sheet, row, "", total, bold=True)
        row += 1
    return row + 1


def outgoing_report_xlsx(report: OutgoingReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tình hình văn bản đi"
    width = len(REPORT_WIDTHS)
    agency = report.agency_name.upper() + (f" — {report.scope_label}" if report.scope_label else "")
    _heading(sheet, 1, agency, width=width, size=12, bold=True)
    _heading(sheet, 2, f"BÁO CÁO {report.title}", width=width, size=14, bold=True)
    _heading(
        sheet, 3, f"{report.period_text} · {report.as_of_text}", width=width, size=12, bold=False
    )
    total = OutgoingLine(name="Tổng cộng", counts=report.unit_total)
    after = _table(
        sheet,
        HEADER_ROW,
        "I. Theo đơn vị soạn thảo",
        "Đơn vị",
        report.units,
        total=total,
        group_by_unit=False,
    )
    _table(
        sheet,
        after,
        "II. Theo người soạn thảo",
        "Họ và tên",
        report.people,
        total=None,
        group_by_unit=True,
    )
    _print_setup(sheet, REPORT_WIDTHS, None)
    return _save(workbook, f"Báo cáo {report.title.lower()} — {report.agency_name}")
