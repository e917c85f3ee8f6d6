"""The Excel workbook of the incoming register."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govdoc.incoming.services import incoming_annul
from govdoc.organizations.models import Agency, User
from govdoc.reports.incoming_register import COLUMNS, incoming_register_book
from govdoc.reports.tests.conftest import Register
from govdoc.reports.xlsx import FIRST_DATA_ROW, HEADER_ROW, incoming_register_xlsx

pytestmark = pytest.mark.django_db


def test_workbook_has_heading_header_and_one_row_per_document(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given three documents of May 2025, the middle one annulled
    register(on=dt.date(2025, 5, 5), code_number="7", code_notation="UBND-KT")
    annulled = register(on=dt.date(2025, 5, 6))
    register(on=dt.date(2025, 5, 7))
    incoming_annul(incoming=annulled, reason="Văn bản gửi nhầm nơi", actor=personas["clerk"])
    book = incoming_register_book(
        actor=personas["clerk"],
        agency=ministry,
        date_from=dt.date(2025, 5, 1),
        date_to=dt.date(2025, 5, 31),
    )
    # when exported
    sheet = load_workbook(io.BytesIO(incoming_register_xlsx(book))).active
    assert sheet is not None
    # then the heading names the agency in capitals, the title and the period
    assert sheet["A1"].value == "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert sheet["A3"].value == "Từ ngày 01/05/2025 đến ngày 31/05/2025"
    # and the header row holds the ten columns, numbered below
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == list(COLUMNS)
    assert [c.value for c in sheet[HEADER_ROW + 1]] == [f"({n})" for n in range(1, 11)]
    # and one row per document, the annulled one included, nothing after
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW)]
    assert len(data) == 3
    assert [row[1] for row in data] == [1, 2, 3]
    assert sheet.cell(row=FIRST_DATA_ROW, column=2).number_format == "00"  # prints "01"
    first = data[0]
    assert first[0] == dt.datetime(2025, 5, 5)
    assert sheet.cell(row=FIRST_DATA_ROW, column=1).number_format == "dd/mm/yyyy"
    assert first[3] == "7/UBND-KT"
    assert first[5] == "Quyết định (cá biệt): Về việc giao đất đai cho dự án khu dân cư"
    assert first[7] is None and first[8] is None  # left for hand-writing
    assert data[1][9] == "Đã hủy: Văn bản gửi nhầm nơi"


def test_workbook_prints_landscape_a4_with_frozen_repeated_header(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    register()
    today = timezone.localdate()
    book = incoming_register_book(
        actor=personas["clerk"], agency=ministry, date_from=today, date_to=today
    )
    sheet = load_workbook(io.BytesIO(incoming_register_xlsx(book))).active
    assert sheet is not None
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.page_margins.left > sheet.page_margins.right  # room to bind
    assert sheet.column_dimensions["F"].width >= 40
    assert sheet.cell(row=FIRST_DATA_ROW, column=6).alignment.wrap_text is True
