from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from govdoc.conftest import make_pdf
from govdoc.outgoing.drafting.content import vietnamese_date_text
from govdoc.outgoing.drafting.number_fields import (
    DATE_FIELD,
    NUMBER_FIELD,
    NumberFieldsError,
    find_placeholders,
    prepare_number_fields,
    read_number_and_date,
    write_number_and_date,
)
from govdoc.signatures.pades import Appearance, sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

DATE_TEXT = vietnamese_date_text(dt.date(2026, 1, 5))


def sign_as_person(pdf: bytes, pki: TestPki, png: bytes, *, certify: bool = False) -> bytes:
    return sign_pdf(
        pdf=pdf,
        signer=Pkcs12Signer(pki.person.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=Appearance(placeholder="[CHU_KY]", image_png=png),
        certify=certify,
    )


def widget(pdf: bytes, name: str) -> DictionaryObject:
    reader = PdfReader(io.BytesIO(pdf))
    for annotation in reader.pages[0].get("/Annots", []):
        obj = annotation.get_object()
        if obj.get("/T") == name:
            return obj  # type: ignore[no-any-return]
    raise AssertionError(f"no field {name}")


def drawn_text(field: DictionaryObject) -> str:
    """The text its appearance stream draws, decoded through the font's ToUnicode map."""
    stream: Any = field["/AP"]["/N"].get_object()  # type: ignore[index]
    content = stream.get_data().decode("ascii")
    font: Any = stream["/Resources"]["/Font"]["/F1"].get_object()
    cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
    table = {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
    }
    (hex_text,) = re.findall(r"<([0-9A-F]+)> Tj", content)
    return "".join(table[int(hex_text[i : i + 4], 16)] for i in range(0, len(hex_text), 4))


@pytest.fixture(scope="module")
def prepared(pdf_files: Mapping[str, bytes]) -> bytes:
    result = prepare_number_fields(pdf_files["quyet_dinh"])
    assert result.missing == ()
    return result.pdf


def test_placeholders_are_found_where_they_are_drawn(pdf_files: Mapping[str, bytes]) -> None:
    # given a converted draft, when the placeholders are looked up
    found = find_placeholders(pdf_files["quyet_dinh"])
    number, date = found["[SO]"], found["[NGAY_BAN_HANH]"]
    # then both are on the first page, on the same line, in the 13 pt number/date line;
    # the date in italic, in the right half of the page
    assert number.page == date.page == 0
    assert number.y == pytest.approx(date.y)
    assert number.size == date.size == pytest.approx(13)
    assert date.italic and not number.italic
    assert number.x < 297 < date.x
    # and the width of "[SO]" is measured (Liberation Serif 13: about 25 pt)
    assert number.width == pytest.approx(25.3, abs=0.5)


def test_prepare_puts_empty_read_only_fields_over_the_placeholders(prepared: bytes) -> None:
    # then two empty read-only text fields are on the first page
    for name in (NUMBER_FIELD, DATE_FIELD):
        field = widget(prepared, name)
        assert str(field["/FT"]) == "/Tx"
        assert int(field["/Ff"]) & 1  # type: ignore[call-overload]
        assert "/V" not in field
    # and preparing again changes nothing
    again = prepare_number_fields(prepared)
    assert again.pdf == prepared and again.missing == ()


def test_writing_after_signing_keeps_the_signature_valid(
    prepared: bytes, pki: TestPki, signature_png: bytes
) -> None:
    # given a prepared draft signed by the competent person (approval signature)
    signed = sign_as_person(prepared, pki, signature_png)
    (before,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert before.valid
    # when the clerk writes the number and the date
    result = write_number_and_date(signed, number="5", date_text=DATE_TEXT)
    # then the file grew by an incremental update (the signed bytes untouched)
    assert result.missing == ()
    assert result.pdf.startswith(signed) and len(result.pdf) > len(signed)
    # and the person's signature is still intact, trusted and valid (only form filling)
    (after,) = verify_pdf(result.pdf, roots=[pki.root.asn1]).signatures
    assert after.intact and after.trusted and after.later_changes_allowed
    assert after.valid, after.problems
    assert not after.covers_whole_document
    # and the values are there: the number zero-padded, the date with its diacritics
    assert read_number_and_date(result.pdf) == ("05", "ngày 05 tháng 01 năm 2026")
    number, date = widget(result.pdf, NUMBER_FIELD), widget(result.pdf, DATE_FIELD)
    assert str(number["/V"]) == "05" and str(date["/V"]) == DATE_TEXT
    # and drawn by the appearance streams in an embedded Liberation Serif subset
    assert drawn_text(number) == "05"
    assert drawn_text(date) == "ngày 05 tháng 01 năm 2026"
    font: Any = date["/AP"]["/N"]["/Resources"]["/Font"]["/F1"]  # type: ignore[index]
    assert "LiberationSerif-Italic" in str(font["/BaseFont"])
    descendant = font["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]

    # when the agency then applies its signature (the next step of issuance)
    sealed = sign_pdf(
        pdf=result.pdf,
        signer=Pkcs12Signer(pki.agency.pkcs12, pki.password),
        field_name="CoQuan",
        reason="Ban hành",
        location="Hà Nội",
        appearance=None,
    )
    # then both signatures are valid
    report = verify_pdf(sealed, roots=[pki.root.asn1])
    assert report.all_valid and len(report.signatures) == 2


def test_writing_after_a_certifying_signature_keeps_it_valid(
    prepared: bytes, pki: TestPki, signature_png: bytes
) -> None:
    # given a draft certified by the signer (DocMDP: form filling and signing allowed)
    signed = sign_as_person(prepared, pki, signature_png, certify=True)
    # when the number and date are written, then the certification still holds
    result = write_number_and_date(signed, number="123", date_text=DATE_TEXT)
    (report,) = verify_pdf(result.pdf, roots=[pki.root.asn1]).signatures
    assert report.valid, report.problems
    assert read_number_and_date(result.pdf)[0] == "123"


def test_a_signed_pdf_that_was_not_prepared_is_refused(
    pdf_files: Mapping[str, bytes], pki: TestPki, signature_png: bytes
) -> None:
    # given a draft signed without the fields prepared
    signed = sign_as_person(pdf_files["to_trinh"], pki, signature_png)
    # when the number is written, then it is refused (new content would break the signature)
    with pytest.raises(NumberFieldsError) as caught:
        write_number_and_date(signed, number="15", date_text=DATE_TEXT)
    assert "chưa có trường ghi số" in str(caught.value)
    # and fields cannot be prepared any more either
    with pytest.raises(NumberFieldsError) as caught:
        prepare_number_fields(signed)
    assert "đã được ký số" in str(caught.value)


def test_an_unsigned_pdf_gets_its_fields_created_and_filled(
    pdf_files: Mapping[str, bytes],
) -> None:
    # given an unsigned, unprepared draft, when the number and date are written
    result = write_number_and_date(
        pdf_files["thong_bao"], number="1234", date_text="ngày 15 tháng 11 năm 2026"
    )
    # then both fields are created and filled
    assert result.missing == ()
    assert read_number_and_date(result.pdf) == ("1234", "ngày 15 tháng 11 năm 2026")


def test_writing_twice_is_refused(prepared: bytes) -> None:
    # given a draft whose number has been written
    written = write_number_and_date(prepared, number="15", date_text=DATE_TEXT).pdf
    # when it is written again, then it is refused: a given number stays
    with pytest.raises(NumberFieldsError) as caught:
        write_number_and_date(written, number="16", date_text=DATE_TEXT)
    assert str(caught.value) == "Văn bản đã được ghi số văn bản: “15”."


def test_missing_placeholders_are_reported() -> None:
    # given a PDF without placeholders (an uploaded document that does not use the template)
    pdf = make_pdf("Van ban khong co cho ghi so")
    # when writing, then nothing is written and both placeholders are reported missing
    result = write_number_and_date(pdf, number="15", date_text=DATE_TEXT)
    assert result.pdf == pdf
    assert result.missing == ("[SO]", "[NGAY_BAN_HANH]")
    assert prepare_number_fields(pdf).missing == ("[SO]", "[NGAY_BAN_HANH]")


def test_one_missing_placeholder_is_reported_and_the_other_written() -> None:
    # given a PDF with only "[SO]" (drawn in Helvetica by the test helper)
    pdf = make_pdf("So: [SO]/QD-BTNMT")
    result = write_number_and_date(pdf, number="15", date_text=DATE_TEXT)
    assert result.missing == ("[NGAY_BAN_HANH]",)
    assert read_number_and_date(result.pdf) == ("15", None)
    # and the number is placed where the placeholder starts, measured in its line
    found = find_placeholders(pdf)["[SO]"]
    assert found.x > 72 and found.y == pytest.approx(720)


@pytest.mark.parametrize(
    ("number", "date_text", "message"),
    [
        ("", DATE_TEXT, "Vui lòng nhập số văn bản."),
        ("15", "  ", "Vui lòng nhập ngày ban hành."),
        ("1" * 12, DATE_TEXT, "Số văn bản không được dài quá 11 ký tự."),
    ],
)
def test_bad_values_are_refused(prepared: bytes, number: str, date_text: str, message: str) -> None:
    with pytest.raises(NumberFieldsError) as caught:
        write_number_and_date(prepared, number=number, date_text=date_text)
    assert str(caught.value) == message


def test_not_a_pdf_is_refused() -> None:
    with pytest.raises(NumberFieldsError) as caught:
        write_number_and_date(b"not a pdf", number="1", date_text=DATE_TEXT)
    assert str(caught.value) == "Tệp không phải PDF hợp lệ hoặc đã bị hỏng."
