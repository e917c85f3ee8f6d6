"""The printable PDF of the incoming register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from govdoc.incoming.services import incoming_annul
from govdoc.organizations.models import Agency, User
from govdoc.reports.incoming_register import incoming_register_book
from govdoc.reports.pdf import incoming_register_pdf
from govdoc.reports.tests.conftest import Register

pytestmark = pytest.mark.django_db


def _text(reader: PdfReader) -> str:
    # Cells wrap, so words of one phrase may sit on different lines.
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_pdf_is_a4_landscape_with_cover_title_numbers_and_vietnamese_text(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given two documents of March 2025, the second annulled
    register(on=dt.date(2025, 3, 3), subject="Về việc thẩm định hồ sơ đất đai ở Đắk Lắk")
    second = register(on=dt.date(2025, 3, 4))
    incoming_annul(incoming=second, reason="Vào sổ nhầm", actor=personas["clerk"])
    book = incoming_register_book(
        actor=personas["clerk"],
        agency=ministry,
        date_from=dt.date(2025, 3, 1),
        date_to=dt.date(2025, 3, 31),
    )
    # when it is printed
    reader = PdfReader(io.BytesIO(incoming_register_pdf(book)))
    # then the pages are A4 landscape (842 × 595 pt)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    # and the cover names the agency in capitals, the title and the period
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in cover
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in cover
    assert "Năm: 2025" in cover and "Từ ngày 01/03/2025 đến ngày 31/03/2025" in cover
    assert "Từ số 01 đến số 02" in cover
    # and the table has the lines, diacritics intact, the annulled one with its reason
    text = _text(reader)
    assert "Về việc thẩm định hồ sơ đất đai ở Đắk Lắk" in text
    assert "01" in text and "03/03/2025" in text
    assert "Đã hủy: Vào sổ nhầm" in text
    assert "Trang 2/2" in text


def test_long_book_repeats_the_header_and_numbers_every_page(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given enough documents to fill several pages
    for _ in range(40):
        register(subject="Về việc báo cáo tình hình sử dụng đất năm 2024 " + "chi tiết " * 12)
    today = timezone.localdate()
    book = incoming_register_book(
        actor=personas["clerk"], agency=ministry, date_from=today, date_to=today
    )
    # when printed
    reader = PdfReader(io.BytesIO(incoming_register_pdf(book)))
    pages = len(reader.pages)
    # then every table page carries the column header and "Trang n/N"
    assert pages >= 4
    for number in range(2, pages + 1):
        text = " ".join(reader.pages[number - 1].extract_text().split())
        assert "Tên loại và trích yếu" in text
        assert f"Trang {number}/{pages}" in text
    assert "40" in _text(reader)


def test_empty_period_still_prints_a_book(ministry: Agency, personas: dict[str, User]) -> None:
    book = incoming_register_book(
        actor=personas["clerk"],
        agency=ministry,
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2020, 12, 31),
    )
    text = _text(PdfReader(io.BytesIO(incoming_register_pdf(book))))
    assert "Không có văn bản đến nào trong khoảng thời gian này." in text


def test_pdf_is_set_in_one_serif_with_every_vietnamese_glyph(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given a line full of Vietnamese letters (ư, ơ, ặ, ỗ…)
    register(subject="Về việc bổ sung hướng dẫn sử dụng đất ở vùng lũ, sạt lở")
    today = timezone.localdate()
    book = incoming_register_book(
        actor=personas["clerk"], agency=ministry, date_from=today, date_to=today
    )
    # when printed
    reader = PdfReader(io.BytesIO(incoming_register_pdf(book)))
    # then every font embedded is Times New Roman or Liberation Serif: no glyph fell back to
    # another face (Debian's fonts-liberation 1.x lacks Vietnamese; fonts-liberation2 has it)
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources.get_object()["/Font"].values():
            # "ABCDEF+Liberation-Serif-Bold" → "LiberationSerifBold"
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1].replace("-", ""))
    assert fonts, "no font embedded"
    strays = {f for f in fonts if not f.startswith(("TimesNewRoman", "LiberationSerif"))}
    assert not strays, f"glyphs set in {strays}: install fonts-liberation2"
