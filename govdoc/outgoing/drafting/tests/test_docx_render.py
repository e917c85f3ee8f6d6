from __future__ import annotations

import io
from collections.abc import Iterator, Mapping

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from govdoc.core.errors import ValidationFailed
from govdoc.outgoing.drafting.docx_render import render_docx
from govdoc.outgoing.drafting.templates import TEMPLATES
from govdoc.outgoing.drafting.tests.samples import LONG_PARAGRAPH, SUBJECTS, content_for

WHITE = RGBColor(0xFF, 0xFF, 0xFF)
RED = RGBColor(0xFF, 0, 0)


def read(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph, body and table cells, in document order."""

    def walk(blocks: Iterator[Paragraph | Table]) -> Iterator[Paragraph]:
        for block in blocks:
            if isinstance(block, Paragraph):
                yield block
            else:
                for row in block.rows:
                    for cell in row.cells:
                        yield from walk(cell.iter_inner_content())

    yield from walk(document.iter_inner_content())


def paragraph(document: DocxDocument, text: str) -> Paragraph:
    """The first paragraph whose text starts with `text`."""
    for found in paragraphs(document):
        if found.text.startswith(text):
            return found
    raise AssertionError(f"no paragraph starts with {text!r}")


def run(found: Paragraph, text: str) -> Run:
    for candidate in found.runs:
        if candidate.text == text:
            return candidate
    raise AssertionError(f"no run {text!r} in {found.text!r}")


TOLERANCE = Mm(0.1)


def close(length: Length | None, expected: Length) -> bool:
    return length is not None and abs(length - expected) <= TOLERANCE


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_page_is_a4_portrait_with_nd30_margins(code: str, docx_files: Mapping[str, bytes]) -> None:
    # given a rendered draft, when it is read back with python-docx
    section = read(docx_files[code]).sections[0]
    # then it is A4 portrait with margins 20/20/30/15 mm
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
    assert close(section.top_margin, Mm(20)) and close(section.bottom_margin, Mm(20))
    assert close(section.left_margin, Mm(30)) and close(section.right_margin, Mm(15))
    # and the first page has its own (empty) header: page numbers from page 2, centred
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [e.text for e in number._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_fonts_are_times_new_roman(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    # then the Normal style and the document defaults name Times New Roman (no theme font)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None
    assert fonts.get(qn("w:asciiTheme")) is None
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {
        "Times New Roman"
    }
    # and every run says so too
    for found in paragraphs(document):
        for each in found.runs:
            assert each.font.name == "Times New Roman"


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_header_table(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    header = document.tables[0]
    # then the header is a borderless table of two columns
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.strip() == "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert right.splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    # the agency upper bold 12; the national title upper bold 12; the motto bold 13 underlined
    agency = run(paragraph(document, "BỘ TÀI NGUYÊN"), "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG")
    assert agency.font.bold and agency.font.size == Pt(12)
    title = run(paragraph(document, "CỘNG HÒA"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.font.bold and title.font.size == Pt(12)
    motto = run(paragraph(document, "Độc lập"), "Độc lập - Tự do - Hạnh phúc")
    assert motto.font.bold and motto.font.underline and motto.font.size == Pt(13)
    # and a short rule (a bordered empty paragraph) under the agency name
    rule = header.rows[0].cells[0].paragraphs[-1]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_number_and_date_placeholders_in_white(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    symbol = "BTNMT-VP" if code == "cong_van" else f"{TEMPLATES[code].type_code}-BTNMT"
    # then the number line is "Số: [SO]/<symbol>", 13 regular, the number a white placeholder
    number = paragraph(document, "Số: ")
    assert number.text == f"Số: [SO]/{symbol}"
    token = run(number, "[SO]")
    assert token.font.color.rgb == WHITE and token.font.size == Pt(13)
    assert run(number, f"/{symbol}").font.color.rgb == RGBColor(0, 0, 0)
    # and the date line "Hà Nội, [NGAY_BAN_HANH]" italic 13, the date a white placeholder
    date = paragraph(document, "Hà Nội, ")
    assert date.text.rstrip("\u00a0") == "Hà Nội, [NGAY_BAN_HANH]"
    assert all(r.font.italic and r.font.size == Pt(13) for r in date.runs)
    assert run(date, "[NGAY_BAN_HANH]").font.color.rgb == WHITE


@pytest.mark.parametrize("code", sorted(set(TEMPLATES) - {"cong_van"}))
def test_type_name_and_subject(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    # then the type name is upper bold 14 centred, and the subject bold 14 centred
    type_name = TEMPLATES[code].type_name.upper()
    found = paragraph(document, type_name)
    assert found.text == type_name
    assert found.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.bold and r.font.size == Pt(14) for r in found.runs)
    subject = paragraph(document, SUBJECTS[code])
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.bold and r.font.size == Pt(14) for r in subject.runs)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_body_paragraph_format(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    first_body = "Điều 1." if code == "quyet_dinh" else LONG_PARAGRAPH[:40]
    if code == "giay_moi":
        first_body = "Nội dung:"
    body = paragraph(document, first_body)
    # then 14, justified, first line indented 1.27 cm, 6 pt after, 1.15 line spacing
    fmt = body.paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert close(fmt.first_line_indent, Cm(1.27))
    assert fmt.space_after == Pt(6)
    assert fmt.line_spacing == pytest.approx(1.15)
    assert all(r.font.size == Pt(14) for r in body.runs)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_signature_block_and_recipients(code: str, docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files[code])
    block = document.tables[-1]
    left, right = block.rows[0].cells
    # then the right column has "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG" upper bold 14, the white
    # signature placeholder, then the name bold 14
    texts = [p.text for p in right.paragraphs]
    assert texts == ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "[CHU_KY]", "Nguyễn Văn An"]
    for p in right.paragraphs:
        (only,) = p.runs
        assert only.font.size == Pt(14)
        if p.text == "[CHU_KY]":
            assert only.font.color.rgb == WHITE
        else:
            assert only.font.bold
    # and the left column has "Nơi nhận:" 12 bold italic and the list in 11, ending with
    # the archive line
    lines = left.paragraphs
    assert lines[0].text == "Nơi nhận:"
    assert lines[0].runs[0].font.bold and lines[0].runs[0].font.italic
    assert lines[0].runs[0].font.size == Pt(12)
    assert [p.text for p in lines[1:]] == [
        "- Như trên;",
        "- Bộ trưởng (để báo cáo);",
        "- Lưu: VT, VP, PL.(300).",
    ]
    assert all(p.runs[0].font.size == Pt(11) for p in lines[1:])


def test_cong_van_has_vv_under_the_number_and_kinh_gui(docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files["cong_van"])
    header_left = document.tables[0].rows[1].cells[0]
    # then "V/v …" (12) is under the number, and there is no type name
    vv = header_left.paragraphs[1]
    assert vv.text == "V/v triển khai phần mềm quản lý văn bản"
    assert vv.runs[0].font.size == Pt(12)
    assert not any(p.text == "CÔNG VĂN" for p in paragraphs(document))
    # and "Kính gửi:" lists the addressees
    kinh_gui = paragraph(document, "Kính gửi:")
    assert kinh_gui.text == "Kính gửi:\t- Các Vụ, Cục thuộc Bộ;"
    assert paragraph(document, "- Văn phòng Bộ.").runs[0].font.size == Pt(14)


def test_quyet_dinh_has_authority_bases_and_bold_articles(
    docx_files: Mapping[str, bytes],
) -> None:
    document = read(docx_files["quyet_dinh"])
    texts = [p.text for p in paragraphs(document)]
    # then the issuing authority, the bases (italic), "QUYẾT ĐỊNH:", then the articles
    authority = texts.index("BỘ TRƯỞNG BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG")
    basis = next(i for i, t in enumerate(texts) if t.startswith("Căn cứ Nghị định"))
    decides = texts.index("QUYẾT ĐỊNH:")
    article = next(i for i, t in enumerate(texts) if t.startswith("Điều 1."))
    assert authority < basis < decides < article
    assert paragraph(document, "Căn cứ Nghị định").runs[0].font.italic
    first = paragraph(document, "Điều 1.")
    assert first.runs[0].text == "Điều 1." and first.runs[0].font.bold
    assert not first.runs[1].font.bold
    # and the urgency mark is framed, upper case, bold and red
    mark = paragraph(document, "THƯỢNG KHẨN").runs[0]
    assert mark.font.bold and mark.font.color.rgb == RED
    assert mark._r.get_or_add_rPr().find(qn("w:bdr")) is not None


def test_giay_moi_has_participants_time_and_place(docx_files: Mapping[str, bytes]) -> None:
    document = read(docx_files["giay_moi"])
    texts = [p.text for p in paragraphs(document)]
    assert "Bộ Tài nguyên và Môi trường trân trọng kính mời:" in texts
    assert "- Lãnh đạo các Vụ, Cục thuộc Bộ;" in texts
    assert "Thời gian: 08 giờ 00, thứ Hai, ngày 12 tháng 01 năm 2026" in texts
    place = paragraph(document, "Địa điểm: ")
    assert place.runs[0].font.bold and not place.runs[1].font.bold


def test_circulation_note_parent_agency_and_direct_signature() -> None:
    # given a draft with a parent agency, a circulation note and a signer signing directly
    content = content_for(
        "thong_bao",
        parent_agency="Ủy ban nhân dân tỉnh Lâm Đồng",
        agency_name="Sở Tài nguyên và Môi trường",
        circulation="Lưu hành nội bộ",
        signing_authority="",
        authority_title="",
        signer_position="Giám đốc",
    )
    document = read(render_docx("thong_bao", content))
    # then the parent agency is upper regular above the agency (upper bold)
    header_left = document.tables[0].rows[0].cells[0].paragraphs
    assert header_left[0].text == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert not header_left[0].runs[0].font.bold
    assert header_left[1].text == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    # and the note is framed bold upper case; the signature shows only the position
    note = paragraph(document, "LƯU HÀNH NỘI BỘ").runs[0]
    assert note.font.bold and note._r.get_or_add_rPr().find(qn("w:bdr")) is not None
    right = document.tables[-1].rows[0].cells[1]
    assert right.paragraphs[0].text == "GIÁM ĐỐC"


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        render_docx("khong_co", content_for("cong_van"))
