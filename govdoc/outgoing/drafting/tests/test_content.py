from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from govdoc.outgoing.drafting.content import (
    DraftContent,
    Issuer,
    Signature,
    SigningAuthority,
    Urgency,
    format_number,
    make_symbol,
    vietnamese_date_text,
)


def draft(**changes: object) -> DraftContent:
    base = DraftContent(
        issuer=Issuer("Bộ Tài nguyên và Môi trường", "BTNMT", "VP"),
        type_code="QĐ",
        type_name="Quyết định",
        symbol="QĐ-BTNMT",
        place="Hà Nội",
        subject="Về việc thành lập Tổ công tác",
        signature=Signature("Thứ trưởng", "Nguyễn Văn An", SigningAuthority.KT, "Bộ trưởng"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 15), "ngày 15 tháng 11 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_vietnamese_date_pads_days_below_ten_and_months_one_and_two(
    day: dt.date, text: str
) -> None:
    # given a date, when it is written Vietnamese style, then NĐ 30's zero-padding applies
    assert vietnamese_date_text(day) == text


def test_symbols_of_a_typed_document_and_of_a_cong_van() -> None:
    # given a type code, or none (công văn), when the symbol is made
    # then it is type-agency, or agency-drafting unit, upper case without spaces
    assert make_symbol(type_code="QĐ", agency_abbreviation="btnmt") == "QĐ-BTNMT"
    assert make_symbol(type_code="TTr", agency_abbreviation="BTNMT") == "TTr-BTNMT"
    assert make_symbol(type_code="", agency_abbreviation="BTNMT", unit_abbreviation="vp") == (
        "BTNMT-VP"
    )


def test_numbers_below_ten_take_a_leading_zero() -> None:
    assert format_number("5") == "05"
    assert format_number(7) == "07"
    assert format_number("15") == "15"
    assert format_number("123") == "123"


def test_number_and_date_lines_carry_placeholders() -> None:
    # given a draft, then its number and date lines hold the placeholders to fill later
    content = draft()
    assert content.number_line == "Số: [SO]/QĐ-BTNMT"
    assert content.date_line == "Hà Nội, [NGAY_BAN_HANH]"


def test_recipients_end_with_the_archive_line_and_the_drafter_mark() -> None:
    # given recipients typed with and without dashes and punctuation
    content = draft(
        recipients=("- Như Điều 3;", "Bộ trưởng (để b/c).", "Sở TN&MT các tỉnh, TP."),
        drafter_initials="PL",
        copies=300,
    )
    # when the list is printed, then the punctuation is normalised (abbreviations kept) and
    # the last line is added automatically, with the drafter's initials and the copies
    assert content.recipient_lines() == (
        "- Như Điều 3;",
        "- Bộ trưởng (để b/c);",
        "- Sở TN&MT các tỉnh, TP.;",
        "- Lưu: VT, VP, PL.(300).",
    )
    # and without a drafter mark the line is just "Lưu: VT, <unit>."
    assert draft().recipient_lines() == ("- Lưu: VT, VP.",)


def test_signature_lines_by_authority() -> None:
    # given a deputy signing for the minister, then "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG"
    assert draft().signature.title_lines() == ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")
    # given the minister signing directly, then only the position
    direct = Signature("Bộ trưởng", "Trần Văn B")
    assert direct.title_lines() == ("BỘ TRƯỞNG",)
    # given a collective, then "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"
    collective = Signature("Chủ tịch", "Lê Văn C", SigningAuthority.TM, "Ủy ban nhân dân")
    assert collective.title_lines() == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_kinh_gui_one_or_several() -> None:
    assert draft(kinh_gui=("Bộ Nội vụ",)).kinh_gui_lines() == ("Bộ Nội vụ.",)
    assert draft(kinh_gui=("Bộ Nội vụ", "Bộ Tư pháp;")).kinh_gui_lines() == (
        "- Bộ Nội vụ;",
        "- Bộ Tư pháp.",
    )


def test_quyet_dinh_articles_are_numbered_when_none_is() -> None:
    # given a quyết định whose paragraphs have no article numbers, then each is an article
    plain = draft(body=("Thành lập Tổ công tác.", "Quyết định có hiệu lực."))
    assert plain.numbered_body() == (
        "Điều 1. Thành lập Tổ công tác.",
        "Điều 2. Quyết định có hiệu lực.",
    )
    # given numbered articles with sub-paragraphs, then they are kept as given
    given = ("Điều 1. Thành lập.", "1. Tổ trưởng.", "Điều 2. Hiệu lực.")
    assert draft(body=given).numbered_body() == given
    # and other types are never numbered
    assert draft(type_code="TB", body=("Nội dung.",)).numbered_body() == ("Nội dung.",)


def test_urgency_mark_is_upper_case() -> None:
    assert Urgency.THUONG_KHAN.mark == "THƯỢNG KHẨN"
    assert Urgency.HOA_TOC.mark == "HỎA TỐC"
    assert Urgency.NORMAL.mark == ""
