"""The incoming register as an Excel workbook, set up to print like the paper book."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

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
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")


def _heading(sheet: Worksheet, row: int, text: str, *, size: int, bold: bool) -> None:
    last = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A{row}:{last}{row}")
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=not bold)
    cell.alignment = Alignment(horizontal="center", vertical="center")


def incoming_register_xlsx(book: IncomingRegister) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Sổ VB đến {book.years_text}"

    _heading(sheet, 1, book.agency_name.upper(), size=12, bold=True)
    _heading(sheet, 2, book.title, size=14, bold=True)
    _heading(sheet, 3, book.period_text, size=12, bold=False)
    sheet.row_dimensions[2].height = 22

    for index, (title, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        head = sheet.cell(row=HEADER_ROW, column=index, value=title)
        head.font = Font(name=FONT_NAME, size=11, bold=True)
        head.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        head.border = _BORDER
        number = sheet.cell(row=HEADER_ROW + 1, column=index, value=f"({index})")
        number.font = Font(name=FONT_NAME, size=10, italic=True)
        number.alignment = Alignment(horizontal="center")
        number.border = _BORDER
    sheet.row_dimensions[HEADER_ROW].height = 32

    body_font = Font(name=FONT_NAME, size=11)
    for offset, row in enumerate(book.rows):
        line = FIRST_DATA_ROW + offset
        values: tuple[str | int | dt.date | None, ...] = (
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
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.font = body_font
            cell.border = _BORDER
            cell.alignment = _WRAP_CENTER if column in {1, 2, 5, 8} else _WRAP_TOP
            if column in {1, 5, 8}:
                cell.number_format = DATE_FORMAT
            elif column == 2:
                cell.number_format = NUMBER_FORMAT
                cell.font = Font(name=FONT_NAME, size=11, bold=True)

    # Header stays on screen while scrolling and on every printed page.
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
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

    workbook.properties.title = f"{book.title} {book.years_text} — {book.agency_name}"
    workbook.properties.creator = "govdoc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
