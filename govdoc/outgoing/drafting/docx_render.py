"""Render a draft as DOCX in the NĐ 30 layout (Phụ lục I) with python-docx.

A4 portrait, margins 20/20/30/15 mm (top/bottom/left/right), Times New Roman (LibreOffice
uses the metric-compatible Liberation Serif where it is missing), black. The header is a
borderless two-column table: agency names on the left, the national title on the right, then
the number line and the place/date line. The number and the date are only known after
signing, so the document carries white (invisible) placeholders `[SO]` and `[NGAY_BAN_HANH]`
where they will be written into the signed PDF (`number_fields`), and `[CHU_KY]` where the
signature image goes (`govdoc.signatures.pades`). Page numbers are centred in the top margin
from the second page on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from govdoc.outgoing.drafting.content import (
    ARTICLE,
    DATE_PLACEHOLDER,
    NUMBER_PLACEHOLDER,
    SIGNATURE_PLACEHOLDER,
    DraftContent,
    Urgency,
)
from govdoc.outgoing.drafting.templates import get_template

FONT = "Times New Roman"
VV_PREFIX = re.compile(r"^(v/v|về việc)\s*:?\s*", re.IGNORECASE)
"""A công văn's subject is printed after "V/v" (về việc): not twice."""
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
HEADER_DISTANCE = Mm(10)
TEXT_WIDTH = Mm(165)

HEADER_LEFT = Mm(75)
HEADER_RIGHT = Mm(95)
"""The header table is 170 mm wide, 2.5 mm into each margin, with 1 mm cell margins: room
for "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold 12: 88 mm) and for an agency name such as
"BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG" (71 mm) on one line each."""
HEADER_CELL_MARGIN = Mm(1)
SIGN_LEFT = Mm(80)
SIGN_RIGHT = Mm(85)
CELL_MARGIN = Cm(0.19)
"""Word's (and LibreOffice's) default left/right cell margin."""

BODY_SIZE = Pt(14)
BODY_INDENT = Cm(1.27)
BODY_SPACE_AFTER = Pt(6)
BODY_LINE_SPACING = 1.15

NO_SPACE = Pt(0)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BLACK = RGBColor(0, 0, 0)
RED = RGBColor(0xFF, 0, 0)

DATE_FILLER = "\u00a0" * 9
"""White no-break spaces after `[NGAY_BAN_HANH]`: with them the placeholder is about as wide
as "ngày 05 tháng 01 năm 2026" in italic 13 (116 + 29 pt, Liberation Serif metrics), so the
centred date line stays centred once the date is written."""

# Elements that follow w:pBdr in w:pPr, and w:bdr in w:rPr (the schema's order matters to Word).
PBDR_SUCCESSORS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
BDR_SUCCESSORS = (
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)

SIGNATURE_BOX_WIDTH = Pt(160)
"""`govdoc.signatures.pades.Appearance.width`'s default: `[CHU_KY]` starts where the box must
start for the box to be centred in the signature column."""


@dataclass(frozen=True)
class _Style:
    size: Length
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: RGBColor | None = None


def render_docx(template_code: str, content: DraftContent) -> bytes:
    """The draft as a DOCX file in the layout of the template (`templates.TEMPLATES`)."""
    template = get_template(template_code)
    document = Document()
    _set_up_page(document)
    _set_up_fonts(document)
    _header_table(document, template.code, content)
    if template.code == "cong_van":
        _kinh_gui(document, content)
    else:
        _title(document, content)
        if template.code == "quyet_dinh":
            _legal_bases(document, content)
        elif content.kinh_gui:
            _kinh_gui(document, content)
    if template.code == "giay_moi":
        _invitation(document, content)
    _body(document, content.numbered_body(), articles=template.code == "quyet_dinh")
    _signature_table(document, content)
    if content.circulation.strip():
        paragraph = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, before=Pt(12))
        run = _run(paragraph, content.circulation.strip().upper(), _Style(Pt(13), bold=True))
        _run_border(run, "000000")
    _page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Page and fonts --------------------------------------------------------------------------


def _set_up_page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    section.header_distance = HEADER_DISTANCE
    section.footer_distance = HEADER_DISTANCE
    section.different_first_page_header_footer = True


def _set_up_fonts(document: DocxDocument) -> None:
    """Times New Roman everywhere: the document defaults (without the theme fonts, which
    would win over an explicit name) and the Normal style; Vietnamese as the language."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    r_pr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if r_pr_default is not None:
        r_pr = r_pr_default.find(qn("w:rPr"))
        if r_pr is not None:
            _set_fonts(r_pr)
            lang = r_pr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                r_pr.append(lang)
            lang.set(qn("w:val"), "vi-VN")
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    normal.font.color.rgb = BLACK
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _set_fonts(r_pr: object) -> None:
    fonts = r_pr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)  # type: ignore[attr-defined]
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


# Building blocks -------------------------------------------------------------------------


def _paragraph(
    container: DocxDocument | _Cell,
    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    *,
    before: Length = NO_SPACE,
    after: Length = NO_SPACE,
    line_spacing: float = 1.0,
    first_line: Length | None = None,
    left: Length | None = None,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()
    paragraph.alignment = alignment
    fmt = paragraph.paragraph_format
    fmt.space_before = before
    fmt.space_after = after
    fmt.line_spacing = line_spacing
    if first_line is not None:
        fmt.first_line_indent = first_line
    if left is not None:
        fmt.left_indent = left
    return paragraph


def _cell_paragraph(
    cell: _Cell,
    alignment: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    *,
    before: Length = NO_SPACE,
    after: Length = NO_SPACE,
    left: Length | None = None,
) -> Paragraph:
    """The cell's first (empty) paragraph the first time, then a new one."""
    first: Paragraph = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.text and not first.runs:
        first.alignment = alignment
        fmt = first.paragraph_format
        fmt.space_before = before
        fmt.space_after = after
        fmt.line_spacing = 1.0
        if left is not None:
            fmt.left_indent = left
        return first
    return _paragraph(cell, alignment, before=before, after=after, left=left)


def _run(paragraph: Paragraph, text: str, style: _Style) -> Run:
    run = paragraph.add_run(text)
    font = run.font
    font.name = FONT
    font.size = style.size
    font.bold = style.bold
    font.italic = style.italic
    font.underline = style.underline
    font.color.rgb = style.color or BLACK
    return run


def _placeholder(paragraph: Paragraph, token: str, style: _Style) -> Run:
    """A placeholder in white: invisible on the page, present in the PDF's text layer."""
    return _run(
        paragraph,
        token,
        _Style(style.size, bold=style.bold, italic=style.italic, color=WHITE),
    )


def _run_border(run: Run, color: str) -> None:
    """A frame around the run's text (character border)."""
    border = OxmlElement("w:bdr")
    border.set(qn("w:val"), "single")
    border.set(qn("w:sz"), "8")
    border.set(qn("w:space"), "1")
    border.set(qn("w:color"), color)
    run._r.get_or_add_rPr().insert_element_before(border, *BDR_SUCCESSORS)


def _short_rule(
    container: DocxDocument | _Cell, width: Length, total: Length, *, before: Length
) -> None:
    """A centred horizontal rule `width` long: the bottom border of an empty, tiny (2 pt)
    paragraph indented from both sides (under the agency name, the subject)."""
    side = Emu(max(int((total - width) / 2), 0))
    if isinstance(container, _Cell):
        paragraph = _cell_paragraph(container, before=before)
    else:
        paragraph = _paragraph(container, before=before)
    fmt = paragraph.paragraph_format
    fmt.left_indent = side
    fmt.right_indent = side
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    p_pr.insert_element_before(borders, *PBDR_SUCCESSORS)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.insert_element_before(mark, "w:sectPr", "w:pPrChange")


def _borderless_table(
    document: DocxDocument, widths: Iterable[Length], *, cell_margin: Length | None = None
) -> Table:
    """A table without borders, fixed column widths, centred in the text area."""
    widths = list(widths)
    table: Table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout (w:tblLayout)
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    if cell_margin is not None:
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), str(round(cell_margin / 635)))  # EMU → twips
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    return table


def _add_row(table: Table, widths: Iterable[Length]) -> list[_Cell]:
    row = table.add_row()  # type: ignore[no-untyped-call]
    cells = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = width
    return cells


# Sections of the document ----------------------------------------------------------------


def _header_table(document: DocxDocument, template_code: str, content: DraftContent) -> None:
    widths = (HEADER_LEFT, HEADER_RIGHT)
    table = _borderless_table(document, widths, cell_margin=HEADER_CELL_MARGIN)
    left, right = table.rows[0].cells
    issuer = content.issuer
    if issuer.parent_agency.strip():
        _run(_cell_paragraph(left), issuer.parent_agency.strip().upper(), _Style(Pt(12)))
    _run(_cell_paragraph(left), issuer.agency_name.strip().upper(), _Style(Pt(12), bold=True))
    _short_rule(left, Mm(25), Emu(HEADER_LEFT - 2 * HEADER_CELL_MARGIN), before=Pt(1))
    _run(_cell_paragraph(right), NATIONAL_TITLE, _Style(Pt(12), bold=True))
    _run(_cell_paragraph(right), MOTTO, _Style(Pt(13), bold=True, underline=True))

    left, right = _add_row(table, widths)
    number = _cell_paragraph(left, before=Pt(6))
    _run(number, "Số: ", _Style(Pt(13)))
    _placeholder(number, NUMBER_PLACEHOLDER, _Style(Pt(13)))
    _run(number, f"/{content.symbol}", _Style(Pt(13)))
    if template_code == "cong_van":
        subject = VV_PREFIX.sub("", content.subject.strip())
        _run(_cell_paragraph(left, before=Pt(3)), f"V/v {subject}", _Style(Pt(12)))
    if content.urgency is not Urgency.NORMAL:
        mark = _cell_paragraph(left, before=Pt(6))
        run = _run(mark, content.urgency.mark, _Style(Pt(13), bold=True, color=RED))
        _run_border(run, "FF0000")
    date = _cell_paragraph(right, before=Pt(6))
    italic = _Style(Pt(13), italic=True)
    _run(date, f"{content.place.strip()}, ", italic)
    _placeholder(date, DATE_PLACEHOLDER, italic)
    _placeholder(date, DATE_FILLER, italic)


def _title(document: DocxDocument, content: DraftContent) -> None:
    """Type name (upper bold 14) and subject (bold 14) with a short rule under it."""
    _run(
        _paragraph(document, before=Pt(18)),
        content.type_name.strip().upper(),
        _Style(BODY_SIZE, bold=True),
    )
    for line in content.subject.strip().splitlines() or [""]:
        _run(_paragraph(document), line.strip(), _Style(BODY_SIZE, bold=True))
    _short_rule(document, Mm(40), TEXT_WIDTH, before=Pt(1))


def _kinh_gui(document: DocxDocument, content: DraftContent) -> None:
    """ "Kính gửi:" (ô 9a) after the subject, 14 regular: one addressee on the line, several
    as a list aligned after the label."""
    lines = content.kinh_gui_lines()
    if not lines:
        return
    style = _Style(BODY_SIZE)
    if len(lines) == 1:
        paragraph = _paragraph(document, before=Pt(18), after=Pt(12))
        _run(paragraph, f"Kính gửi: {lines[0]}", style)
        return
    label_start = Cm(3.0)
    list_start = Cm(5.6)
    first = _paragraph(
        document,
        WD_ALIGN_PARAGRAPH.LEFT,
        before=Pt(18),
        left=list_start,
        first_line=Emu(label_start - list_start),
    )
    first.paragraph_format.tab_stops.add_tab_stop(list_start)
    _run(first, f"Kính gửi:\t{lines[0]}", style)
    for index, line in enumerate(lines[1:], 1):
        after = Pt(12) if index == len(lines) - 1 else Pt(0)
        _run(
            _paragraph(document, WD_ALIGN_PARAGRAPH.LEFT, left=list_start, after=after), line, style
        )


def _legal_bases(document: DocxDocument, content: DraftContent) -> None:
    """Quyết định: the issuing authority (upper bold), the bases (italic), "QUYẾT ĐỊNH:"."""
    authority = content.issuing_authority.strip()
    if authority:
        _run(
            _paragraph(document, before=Pt(12), after=Pt(6)),
            authority.upper(),
            _Style(BODY_SIZE, bold=True),
        )
    for basis in content.legal_bases:
        paragraph = _body_paragraph(document)
        _run(paragraph, basis.strip(), _Style(BODY_SIZE, italic=True))
    _run(
        _paragraph(document, before=Pt(6), after=Pt(6)),
        "QUYẾT ĐỊNH:",
        _Style(BODY_SIZE, bold=True),
    )


def _invitation(document: DocxDocument, content: DraftContent) -> None:
    """Giấy mời: who invites whom, to what, when and where."""
    meeting = content.meeting
    if meeting is None:
        return
    style = _Style(BODY_SIZE)
    bold = _Style(BODY_SIZE, bold=True)
    _run(
        _body_paragraph(document, before=Pt(12)),
        f"{content.issuer.agency_name.strip()} trân trọng kính mời:",
        style,
    )
    participants = [p.strip().lstrip("-–+ ").rstrip(";.") for p in meeting.participants]
    for index, person in enumerate(participants):
        end = "." if index == len(participants) - 1 else ";"
        _run(_body_paragraph(document), f"- {person}{end}", style)
    time_line = _body_paragraph(document)
    _run(time_line, "Thời gian: ", bold)
    _run(time_line, meeting.time.strip(), style)
    place_line = _body_paragraph(document)
    _run(place_line, "Địa điểm: ", bold)
    _run(place_line, meeting.place.strip(), style)


def _body_paragraph(document: DocxDocument, *, before: Length = NO_SPACE) -> Paragraph:
    return _paragraph(
        document,
        WD_ALIGN_PARAGRAPH.JUSTIFY,
        before=before,
        after=BODY_SPACE_AFTER,
        line_spacing=BODY_LINE_SPACING,
        first_line=BODY_INDENT,
    )


def _body(document: DocxDocument, paragraphs: Iterable[str], *, articles: bool) -> None:
    """Body paragraphs: 14, justified, first line indented 1.27 cm, 6 pt after, 1.15 lines.
    In a quyết định, "Điều n." opens an article in bold."""
    style = _Style(BODY_SIZE)
    for index, text in enumerate(paragraphs):
        paragraph = _body_paragraph(document, before=Pt(6) if index == 0 else Pt(0))
        match = ARTICLE.match(text.strip()) if articles else None
        if match:
            _run(paragraph, match.group(1), _Style(BODY_SIZE, bold=True))
            if match.group(2):
                _run(paragraph, f" {match.group(2)}", style)
        else:
            _run(paragraph, text.strip(), style)


def _signature_table(document: DocxDocument, content: DraftContent) -> None:
    """Nơi nhận (ô 9b) on the left; authority, position, signature, name (ô 7) on the right."""
    widths = (SIGN_LEFT, SIGN_RIGHT)
    _paragraph(document, after=Pt(6))
    table = _borderless_table(document, widths)
    # The block stays on one page (never "Nơi nhận" on one page and the name on the next).
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    _run(
        _cell_paragraph(left, WD_ALIGN_PARAGRAPH.LEFT),
        "Nơi nhận:",
        _Style(Pt(12), bold=True, italic=True),
    )
    for line in content.recipient_lines():
        _run(_cell_paragraph(left, WD_ALIGN_PARAGRAPH.LEFT), line, _Style(Pt(11)))

    bold = _Style(BODY_SIZE, bold=True)
    for line in content.signature.title_lines():
        _run(_cell_paragraph(right), line, bold)
    column_text = Emu(SIGN_RIGHT - 2 * CELL_MARGIN)
    indent = Emu(max(int((column_text - SIGNATURE_BOX_WIDTH) / 2), 0))
    mark = _cell_paragraph(right, WD_ALIGN_PARAGRAPH.LEFT, before=Pt(30), after=Pt(30), left=indent)
    _placeholder(mark, SIGNATURE_PLACEHOLDER, _Style(BODY_SIZE))
    _run(_cell_paragraph(right), content.signature.name.strip(), bold)


def _page_numbers(document: DocxDocument) -> None:
    """PAGE field centred in the header, 14; the first page's header stays empty."""
    section = document.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style = _Style(BODY_SIZE)
    _field_char(_run(paragraph, "", style), "begin")
    instruction = _run(paragraph, "", style)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._r.append(text)
    _field_char(_run(paragraph, "", style), "separate")
    _run(paragraph, "2", style)
    _field_char(_run(paragraph, "", style), "end")
    first = section.first_page_header
    first.is_linked_to_previous = False
    if not first.paragraphs:
        first.add_paragraph()


def _field_char(run: Run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)
