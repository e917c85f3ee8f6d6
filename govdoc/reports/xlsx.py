"""The registers and reports as Excel workbooks, set up to print like the paper books (A4
landscape, header rows repeated, a wide left margin to bind): the writer every workbook
shares — headings, header rows, bordered lines, the per-unit and per-person count tables,
the page set-up — and the incoming register."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from govdoc.reports.count_lines import CountLine
from govdoc.reports.incoming_register import COLUMNS, IncomingRegister

FONT_NAME = "Times New Roman"
# Column widths in characters, in the order of COLUMNS.
WIDTHS = (12, 8, 26, 18, 12, 50, 24, 12, 12, 22)
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 2
DATE_FORMAT = "dd/mm/yyyy"
# A number below 10 prints with a leading zero, and stays a number for sorting.
NUMBER_FORMAT = "00"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
GREY = PatternFill("solid", fgColor="F2F2F2")

Cell = str | int | float | dt.date | None
C = TypeVar("C")


def font(size: int = 11, **style: Any) -> Font:
    return Font(name=FONT_NAME, size=size, **style)


def new_sheet(title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    return workbook, sheet


def heading(sheet: Worksheet, row: int, text: str, *, width: int, size: int, bold: bool) -> None:
    """A title line across the first `width` columns (italic when not bold)."""
    sheet.merge_cells(f"A{row}:{get_column_letter(width)}{row}")
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = font(size, bold=bold, italic=not bold)
    cell.alignment = Alignment(horizontal="center", vertical="center")


def headings(sheet: Worksheet, lines: tuple[str, str, str], *, width: int) -> None:
    """The three title lines of a book or report: the agency, the title, the period."""
    agency, title, period = lines
    heading(sheet, 1, agency, width=width, size=12, bold=True)
    heading(sheet, 2, title, width=width, size=14, bold=True)
    heading(sheet, 3, period, width=width, size=12, bold=False)


def header(
    sheet: Worksheet, row: int, titles: tuple[str, ...], *, numbered: bool, height: int = 45
) -> None:
    """The column titles at `row`, and their numbers "(1)", "(2)"… below when `numbered`."""
    for index, title in enumerate(titles, start=1):
        head = sheet.cell(row=row, column=index, value=title)
        head.font = font(bold=True)
        head.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        head.border = BORDER
        if numbered:
            number = sheet.cell(row=row + 1, column=index, value=f"({index})")
            number.font = font(10, italic=True)
            number.alignment = Alignment(horizontal="center")
            number.border = BORDER
    sheet.row_dimensions[row].height = height


def line(
    sheet: Worksheet,
    row: int,
    values: tuple[Cell, ...],
    centered: set[int],
    formats: Mapping[int, str] | None = None,
) -> None:
    """One bordered line; dates print as dd/mm/yyyy, `formats` by column (from 1)."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = font()
        cell.border = BORDER
        cell.alignment = CENTER if column in centered else WRAP_TOP
        if formats and column in formats:
            cell.number_format = formats[column]
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT


def _count_row(
    sheet: Worksheet,
    row: int,
    number: int | str,
    item: CountLine[Any],
    summary: Callable[[Any], float | None],
    summary_format: str,
    *,
    bold: bool = False,
) -> None:
    cells: list[str | int | float] = [number, item.name]
    cells.extend(value for _slug, value in item.counts.measures())
    last = summary(item.counts)
    cells.append(last if last is not None else "—")
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = font(bold=bold)
        cell.border = BORDER
        cell.alignment = CENTER if column == 1 else WRAP_TOP
        if column == len(cells) and isinstance(value, float):
            cell.number_format = summary_format
            cell.alignment = Alignment(horizontal="right", vertical="top")


def count_table(
    sheet: Worksheet,
    start: int,
    title: str,
    columns: tuple[str, ...],
    lines: tuple[CountLine[C], ...],
    *,
    summary: Callable[[C], float | None],
    summary_format: str,
    total: CountLine[C] | None,
    group_by_unit: bool,
) -> int:
    """One table of a report from row `start` — STT, the name, the counts and the summary
    (the last column, `summary` of the counts) — with the persons grouped under their unit
    when `group_by_unit`; return the next free row."""
    sheet.cell(row=start, column=1, value=title).font = font(12, bold=True)
    header(sheet, start + 1, ("STT", *columns), numbered=False)
    row = start + 2
    unit_name: str | None = None
    for number, item in enumerate(lines, start=1):
        if group_by_unit and item.unit_name != unit_name:
            unit_name = item.unit_name
            sheet.merge_cells(f"A{row}:{get_column_letter(len(columns) + 1)}{row}")
            cell = sheet.cell(row=row, column=1, value=unit_name)
            cell.font = font(bold=True)
            cell.fill = GREY
            cell.border = BORDER
            row += 1
        _count_row(sheet, row, number, item, summary, summary_format)
        row += 1
    if not lines:
        sheet.cell(row=row, column=2, value="Không có số liệu.").font = font(italic=True)
        row += 1
    if total is not None:
        _count_row(sheet, row, "", total, summary, summary_format, bold=True)
        row += 1
    return row + 1


def print_setup(sheet: Worksheet, widths: tuple[int, ...], title_rows: str | None) -> None:
    """Column widths, then A4 landscape fitted to the width, `title_rows` on every page, a
    wide left margin to bind the printed pages, and "Trang x/y" at the foot."""
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
    # Inches: a wide left margin to bind the printed pages.
    sheet.page_margins.left = 1.18
    sheet.page_margins.right = 0.6
    sheet.page_margins.top = 0.7
    sheet.page_margins.bottom = 0.7
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "Trang &P/&N"
        footer.center.font = FONT_NAME


def saved(workbook: Workbook, title: str) -> bytes:
    workbook.properties.title = title
    workbook.properties.creator = "govdoc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def incoming_register_xlsx(book: IncomingRegister) -> bytes:
    workbook, sheet = new_sheet(f"Sổ VB đến {book.years_text}")
    headings(sheet, (book.agency_name.upper(), book.title, book.period_text), width=len(COLUMNS))
    sheet.row_dimensions[2].height = 22
    header(sheet, HEADER_ROW, COLUMNS, numbered=True, height=32)
    formats = {1: DATE_FORMAT, 2: NUMBER_FORMAT, 5: DATE_FORMAT, 8: DATE_FORMAT}
    for offset, row in enumerate(book.rows):
        at = FIRST_DATA_ROW + offset
        values: tuple[Cell, ...] = (
            row.arrival_date,
            row.arrival_number,
            row.issuer_name,
            row.code,
            row.issued_date,
            row.type_and_subject,
            row.recipient,
            row.handed_over_on,
            row.received_by,
            row.note,
        )
        line(sheet, at, values, {1, 2, 5, 8}, formats)
        sheet.cell(row=at, column=2).font = font(bold=True)
    # Header stays on screen while scrolling and on every printed page.
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    print_setup(sheet, WIDTHS, f"{HEADER_ROW}:{HEADER_ROW + 1}")
    return saved(workbook, f"{book.title} {book.years_text} — {book.agency_name}")
