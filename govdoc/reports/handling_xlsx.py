"""The follow-up book and the handling report as Excel workbooks, set up to print (A4
landscape, header rows repeated, a wide left margin to bind)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govdoc.reports.handling_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.handling_register import HandlingRegister
from govdoc.reports.handling_report import COUNT_COLUMNS, HandlingLine, HandlingReport
from govdoc.reports.xlsx import DATE_FORMAT, FONT_NAME, NUMBER_FORMAT

REGISTER_WIDTHS = (8, 52, 28, 12, 30, 16, 24)
REGISTER_HEADER_ROW = 5
REGISTER_FIRST_ROW = REGISTER_HEADER_ROW + 2
# The report: title rows, then the units' table, then the persons' table.
REPORT_HEADER_ROW = 5
REPORT_WIDTHS = (6, 36, 12, 13, 13, 13, 13, 12)
RATE_FORMAT = "0.0%"

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
_GREY = PatternFill("solid", fgColor="F2F2F2")


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


def handling_register_xlsx(book: HandlingRegister) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Sổ theo dõi {book.years_text}"
    width = len(REGISTER_COLUMNS)
    agency = book.agency_name.upper() + (f" — {book.scope_label}" if book.scope_label else "")
    _heading(sheet, 1, agency, width=width, size=12, bold=True)
    _heading(sheet, 2, book.title, width=width, size=14, bold=True)
    _heading(sheet, 3, f"{book.period_text} · {book.as_of_text}", width=width, size=12, bold=False)
    _header(sheet, REGISTER_HEADER_ROW, REGISTER_COLUMNS, numbered=True)
    body = Font(name=FONT_NAME, size=11)
    for offset, row in enumerate(book.rows):
        line = REGISTER_FIRST_ROW + offset
        values: tuple[str | int | dt.date | None, ...] = (
            row.arrival_number,
            row.document_cell,
            row.receiver,
            row.due_date,
            row.progress,
            row.reply_code,
            row.note,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.font = body
            cell.border = _BORDER
            cell.alignment = _CENTER if column in {1, 4} else _WRAP_TOP
        sheet.cell(row=line, column=1).number_format = NUMBER_FORMAT
        sheet.cell(row=line, column=1).font = Font(name=FONT_NAME, size=11, bold=True)
        sheet.cell(row=line, column=4).number_format = DATE_FORMAT
        if row.state in {"overdue", "late"}:
            sheet.cell(row=line, column=5).font = Font(name=FONT_NAME, size=11, bold=True)
    sheet.freeze_panes = f"A{REGISTER_FIRST_ROW}"
    _print_setup(sheet, REGISTER_WIDTHS, f"{REGISTER_HEADER_ROW}:{REGISTER_HEADER_ROW + 1}")
    return _save(workbook, f"{book.title} {book.years_text} — {book.agency_name}")


def _count_row(
    sheet: Worksheet, row: int, number: int | str, line: HandlingLine, *, bold: bool = False
) -> None:
    font = Font(name=FONT_NAME, size=11, bold=bold)
    cells: list[str | int | float] = [number, line.name]
    cells.extend(value for _slug, value in line.counts.measures())
    rate = line.counts.on_time_rate
    cells.append(rate / 100 if rate is not None else "—")
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = font
        cell.border = _BORDER
        cell.alignment = _CENTER if column == 1 else _WRAP_TOP
        if column == len(cells) and isinstance(value, float):
            cell.number_format = RATE_FORMAT
            cell.alignment = Alignment(horizontal="right", vertical="top")


def _table(
    sheet: Worksheet,
    start: int,
    title: str,
    name_title: str,
    lines: tuple[HandlingLine, ...],
    *,
    total: HandlingLine | None,
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


def handling_report_xlsx(report: HandlingReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tình hình giải quyết"
    width = len(REPORT_WIDTHS)
    agency = report.agency_name.upper() + (f" — {report.scope_label}" if report.scope_label else "")
    _heading(sheet, 1, agency, width=width, size=12, bold=True)
    _heading(sheet, 2, f"BÁO CÁO {report.title}", width=width, size=14, bold=True)
    _heading(
        sheet, 3, f"{report.period_text} · {report.as_of_text}", width=width, size=12, bold=False
    )
    total = HandlingLine(name="Tổng cộng", counts=report.unit_total)
    after_units = _table(
        sheet,
        REPORT_HEADER_ROW,
        "I. Theo đơn vị",
        "Đơn vị",
        report.units,
        total=total,
        group_by_unit=False,
    )
    _table(
        sheet,
        after_units,
        "II. Theo cá nhân",
        "Họ và tên",
        report.people,
        total=None,
        group_by_unit=True,
    )
    # Two tables with their own headers: no header row repeats on every page.
    _print_setup(sheet, REPORT_WIDTHS, None)
    return _save(workbook, f"Báo cáo {report.title.lower()} — {report.agency_name}")
