"""Write the number and the date of issue into a PDF that the competent person has already
signed, without breaking the signature (NĐ 30 Điều 15, DOMAIN §3.6, §4.2 step 4).

The number and date are given after signing, but a digital signature forbids changing the
page content afterwards. What an approval (or form-filling certification) signature does
allow is *filling in form fields that existed when it was signed* (pyHanko's diff policy:
form filling; a new annotation or a new text field after signing is a change it refuses).
So the work is done in two steps:

1. `prepare_number_fields(pdf)` — on the unsigned PDF, before the signer signs: two empty,
   read-only text fields ("SoVanBan", "NgayBanHanh") are put over the white placeholders
   `[SO]` and `[NGAY_BAN_HANH]` found in the text layer.
2. `write_number_and_date(signed, number=…, date_text=…)` — after signing: the fields get
   their value and an appearance stream, as an incremental update, drawn in Liberation
   Serif (Times New Roman's metrics, Vietnamese glyphs; a subset is embedded) at the
   placeholder's size and style — the number right-aligned against the "/" of the symbol,
   the date after "Hà Nội, ".

An unsigned PDF without the fields gets them created and filled in one go. A signed PDF
without them cannot be numbered in place: `NumberFieldsError` says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic as _generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from govdoc.outgoing.drafting.content import DATE_PLACEHOLDER, NUMBER_PLACEHOLDER, format_number
from govdoc.outgoing.drafting.pdf_font import (
    FontUnavailable,
    embed_font,
    find_serif_font,
    load_metrics,
)

generic: Any = _generic
"""pyHanko's PDF object model (its constructors are untyped)."""

NUMBER_FIELD = "SoVanBan"
DATE_FIELD = "NgayBanHanh"

NOT_PDF = "Tệp không phải PDF hợp lệ hoặc đã bị hỏng."
ENCRYPTED = "Không ghi được số vào tệp PDF đã mã hóa."
ALREADY_SIGNED = (
    "Văn bản đã được ký số: không thể thêm trường ghi số, ngày ban hành mà không làm mất "
    "hiệu lực chữ ký. Cần chuẩn bị các trường này trước khi trình ký."
)
NOT_PREPARED = (
    "Văn bản đã ký số nhưng chưa có trường ghi số, ngày ban hành (phải chuẩn bị trước khi "
    "ký): ghi thêm vào nội dung sẽ làm mất hiệu lực chữ ký."
)
ALREADY_WRITTEN = "Văn bản đã được ghi {what}: “{value}”."
EMPTY_NUMBER = "Vui lòng nhập số văn bản."
EMPTY_DATE = "Vui lòng nhập ngày ban hành."
TOO_LONG = "{what} không được dài quá {limit} ký tự."
NO_FONT = "Không có phông chữ để ghi số, ngày ban hành: {error}"

NUMBER_MAX = 11
"""CodeNumber, String 11 (NĐ 30 Phụ lục VI)."""
DATE_MAX = 60

READ_ONLY = 1
PRINT = 4

# Standard fonts named in the fields' /DA (and the form's /DR), by style; what is drawn is
# the embedded subset of the appearance stream, these only tell the style and the size.
DA_FONTS = {
    (False, False): ("/TiRo", "/Times-Roman"),
    (True, False): ("/TiBo", "/Times-Bold"),
    (False, True): ("/TiIt", "/Times-Italic"),
    (True, True): ("/TiBI", "/Times-BoldItalic"),
}
DA_PATTERN = re.compile(r"/(\w+)\s+([\d.]+)\s+Tf")


class NumberFieldsError(Exception):
    """The number and date cannot be written; the message is Vietnamese and safe to show."""


@dataclass(frozen=True)
class PlaceholderPosition:
    """Where a placeholder is drawn: page (from 0), start of its baseline (PDF points from the
    bottom-left corner), width, font size and style."""

    token: str
    page: int
    x: float
    y: float
    width: float
    size: float
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class NumberFieldsResult:
    pdf: bytes
    """The output, or the input unchanged when nothing could be done."""
    missing: tuple[str, ...] = ()
    """The placeholders that were not found (nothing written for them)."""


@dataclass(frozen=True)
class _FieldKind:
    name: str
    token: str
    tooltip: str
    right_aligned: bool


NUMBER = _FieldKind(NUMBER_FIELD, NUMBER_PLACEHOLDER, "Số văn bản", right_aligned=True)
DATE = _FieldKind(DATE_FIELD, DATE_PLACEHOLDER, "Ngày ban hành", right_aligned=False)
KINDS = (NUMBER, DATE)


def find_placeholders(
    pdf: bytes, tokens: Sequence[str] = (NUMBER_PLACEHOLDER, DATE_PLACEHOLDER)
) -> dict[str, PlaceholderPosition]:
    """The first place each token is drawn, from the PDF's text layer (pypdf). A token must
    be drawn in one text operation (as the templates draw their placeholders: one white run);
    text before it in the same operation is measured with Liberation Serif's metrics."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
    except Exception as error:
        raise NumberFieldsError(NOT_PDF) from error
    found: dict[str, PlaceholderPosition] = {}
    for index, page in enumerate(pages):

        def visit(
            chunk: str,
            cm: list[float],
            tm: list[float],
            font_dict: Any,
            font_size: float,
            index: int = index,
        ) -> None:
            for token in tokens:
                if token in found or token not in chunk:
                    continue
                base = str(font_dict.get("/BaseFont", "")) if font_dict else ""
                bold = "Bold" in base
                italic = "Italic" in base or "Oblique" in base
                scale = abs(tm[0] * cm[0]) or 1.0
                size = font_size * scale
                metrics = _metrics(bold=bold, italic=italic)
                offset = chunk.index(token)
                before = metrics.width(_known(chunk[:offset], metrics), size) if offset else 0.0
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] + before
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found[token] = PlaceholderPosition(
                    token=token,
                    page=index,
                    x=x,
                    y=y,
                    width=metrics.width(token, size),
                    size=size,
                    bold=bold,
                    italic=italic,
                )

        try:
            page.extract_text(visitor_text=visit)
        except Exception as error:  # pragma: no cover - pypdf failing on a broken page
            raise NumberFieldsError(NOT_PDF) from error
        if all(token in found for token in tokens):
            break
    return found


def prepare_number_fields(pdf: bytes) -> NumberFieldsResult:
    """Put empty read-only text fields over `[SO]` and `[NGAY_BAN_HANH]`, to be filled after
    signing. Do it before the document is signed (a signed PDF → NumberFieldsError). Fields
    already there are kept (running it twice changes nothing)."""
    writer = _open(pdf)
    if _signed(writer):
        raise NumberFieldsError(ALREADY_SIGNED)
    existing = _fields(writer)
    wanted = [kind for kind in KINDS if kind.name not in existing]
    positions = find_placeholders(pdf, [kind.token for kind in wanted]) if wanted else {}
    missing = tuple(kind.token for kind in wanted if kind.token not in positions)
    added = False
    for kind in wanted:
        position = positions.get(kind.token)
        if position is not None:
            _add_field(writer, kind, position)
            added = True
    if not added:
        return NumberFieldsResult(pdf=pdf, missing=missing)
    return NumberFieldsResult(pdf=_write(writer), missing=missing)


def write_number_and_date(pdf: bytes, *, number: str, date_text: str) -> NumberFieldsResult:
    """Write the number (e.g. "15"; one digit gets its leading zero) and the date text
    ("ngày 05 tháng 01 năm 2026", see `vietnamese_date_text`) over their placeholders, as an
    incremental update that keeps earlier signatures valid (form filling).

    Returns the new PDF and the placeholders not found (nothing is written for those).
    Raises NumberFieldsError for a bad value, a value already written, or a signed PDF whose
    fields were not prepared before signing (`prepare_number_fields`)."""
    number = format_number(number)
    date_text = " ".join(date_text.split())
    if not number:
        raise NumberFieldsError(EMPTY_NUMBER)
    if not date_text:
        raise NumberFieldsError(EMPTY_DATE)
    if len(number) > NUMBER_MAX:
        raise NumberFieldsError(TOO_LONG.format(what="Số văn bản", limit=NUMBER_MAX))
    if len(date_text) > DATE_MAX:
        raise NumberFieldsError(TOO_LONG.format(what="Ngày ban hành", limit=DATE_MAX))

    writer = _open(pdf)
    signed = _signed(writer)
    existing = _fields(writer)
    absent = [kind for kind in KINDS if kind.name not in existing]
    positions = find_placeholders(pdf, [kind.token for kind in absent]) if absent else {}
    missing: list[str] = []
    work: list[tuple[_FieldKind, Any, str]] = []
    for kind, text in ((NUMBER, number), (DATE, date_text)):
        if kind.name in existing:
            work.append((kind, existing[kind.name], text))
            continue
        position = positions.get(kind.token)
        if position is None:
            missing.append(kind.token)
        elif signed:
            raise NumberFieldsError(NOT_PREPARED)
        else:
            work.append((kind, _add_field(writer, kind, position), text))
    for kind, reference, _text in work:
        value = reference.get_object().get("/V")
        if value is not None and str(value).strip():
            what = "số văn bản" if kind is NUMBER else "ngày ban hành"
            raise NumberFieldsError(ALREADY_WRITTEN.format(what=what, value=str(value)))
    if not work:
        return NumberFieldsResult(pdf=pdf, missing=tuple(missing))
    for kind, reference, text in work:
        _fill(writer, reference, kind, text)
    return NumberFieldsResult(pdf=_write(writer), missing=tuple(missing))


def read_number_and_date(pdf: bytes) -> tuple[str | None, str | None]:
    """The values written in the number and date fields (None where not written)."""
    writer = _open(pdf)
    fields = _fields(writer)
    values: list[str | None] = []
    for kind in KINDS:
        reference = fields.get(kind.name)
        value = reference.get_object().get("/V") if reference is not None else None
        values.append(str(value) if value is not None and str(value) else None)
    return values[0], values[1]


# Internals -------------------------------------------------------------------------------


def _open(pdf: bytes) -> Any:
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise NumberFieldsError(NOT_PDF)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as error:
        raise NumberFieldsError(NOT_PDF) from error
    if writer.prev.encrypted:
        raise NumberFieldsError(ENCRYPTED)
    return writer


def _write(writer: Any) -> bytes:
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _signed(writer: Any) -> bool:
    try:
        return bool(writer.prev.embedded_signatures)
    except Exception as error:  # pragma: no cover - broken signature dictionaries
        raise NumberFieldsError(NOT_PDF) from error


def _fields(writer: Any) -> dict[str, Any]:
    """Our fields (top level of the form) by name: name → indirect reference."""
    try:
        form = writer.root["/AcroForm"]
        references = form["/Fields"]
    except KeyError:
        return {}
    found: dict[str, Any] = {}
    for reference in references:
        field = reference.get_object()
        name = str(field.get("/T", ""))
        if name in (NUMBER_FIELD, DATE_FIELD):
            found[name] = reference
    return found


def _metrics(*, bold: bool, italic: bool) -> Any:
    path = find_serif_font(bold=bold, italic=italic)
    if path is None:
        raise NumberFieldsError(NO_FONT.format(error="thiếu Liberation Serif"))
    return load_metrics(path)


def _known(text: str, metrics: Any) -> str:
    """`text` without the characters the font lacks (for measuring only)."""
    return "".join(c for c in text if c in metrics.widths)


def _field_rect(kind: _FieldKind, position: PlaceholderPosition, page_width: float) -> list[float]:
    """The field's box, fixed before signing (the value is not known yet): the number's box
    ends where `[SO]` ends (the number is right-aligned against the symbol); the date's box
    starts where `[NGAY_BAN_HANH]` starts and is wide enough for the longest date."""
    size = position.size
    y1 = position.y - 0.35 * size
    y2 = position.y + 1.1 * size
    if kind.right_aligned:
        x2 = position.x + position.width + 0.5
        x1 = max(x2 - max(6 * size, position.width + 2), 0.0)
    else:
        x1 = position.x - 0.5
        x2 = min(x1 + max(16 * size, position.width + 2), page_width - 2)
    return [round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)]


def _add_field(writer: Any, kind: _FieldKind, position: PlaceholderPosition) -> Any:
    """Create the empty read-only text field over a placeholder (unsigned documents only)."""
    page_ref, _resources = writer.find_page_for_modification(position.page)
    page = page_ref.get_object()
    media_box = [float(v) for v in page.get("/MediaBox", [0, 0, 595.28, 841.89])]
    rect = _field_rect(kind, position, media_box[2])
    da_name, base_font = DA_FONTS[(position.bold, position.italic)]
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    empty = _appearance_stream(width, height, b"/Tx BMC\nEMC\n", resources=None)
    field = generic.DictionaryObject(
        {
            _n("/Type"): _n("/Annot"),
            _n("/Subtype"): _n("/Widget"),
            _n("/FT"): _n("/Tx"),
            _n("/T"): generic.pdf_string(kind.name),
            _n("/TU"): generic.pdf_string(kind.tooltip),
            _n("/Ff"): generic.NumberObject(READ_ONLY),
            _n("/F"): generic.NumberObject(PRINT),
            _n("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            _n("/P"): page_ref,
            _n("/DA"): generic.pdf_string(f"{da_name} {_fmt(position.size)} Tf 0 g"),
            _n("/Q"): generic.NumberObject(2 if kind.right_aligned else 0),
            _n("/AP"): generic.DictionaryObject({_n("/N"): writer.add_object(empty)}),
        }
    )
    reference = writer.add_object(field)
    writer.register_annotation(page_ref, reference)

    root = writer.root
    if "/AcroForm" not in root:
        root[_n("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({_n("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    form = root["/AcroForm"]
    writer.update_container(form)
    if "/Fields" not in form:
        form[_n("/Fields")] = generic.ArrayObject()
    fields = form["/Fields"]
    writer.update_container(fields)
    fields.append(reference)
    if "/DR" not in form:
        form[_n("/DR")] = generic.DictionaryObject()
    resources = form["/DR"]
    writer.update_container(resources)
    if "/Font" not in resources:
        resources[_n("/Font")] = generic.DictionaryObject()
    fonts = resources["/Font"]
    writer.update_container(fonts)
    if da_name not in fonts:
        fonts[_n(da_name)] = writer.add_object(
            generic.DictionaryObject(
                {
                    _n("/Type"): _n("/Font"),
                    _n("/Subtype"): _n("/Type1"),
                    _n("/BaseFont"): _n(base_font),
                    _n("/Encoding"): _n("/WinAnsiEncoding"),
                }
            )
        )
    if "/DA" not in form:
        form[_n("/DA")] = generic.pdf_string("/TiRo 13 Tf 0 g")
    return reference


def _fill(writer: Any, reference: Any, kind: _FieldKind, text: str) -> None:
    """Set the field's value and draw it (new appearance stream with an embedded font)."""
    field = reference.get_object()
    rect = [float(v) for v in field["/Rect"]]
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    da = str(field.get("/DA", ""))
    match = DA_PATTERN.search(da)
    da_name = f"/{match.group(1)}" if match else "/TiRo"
    size = float(match.group(2)) if match else 13.0
    bold, italic = next(
        (style for style, (name, _base) in DA_FONTS.items() if name == da_name), (False, False)
    )
    path = find_serif_font(bold=bold, italic=italic)
    if path is None:
        raise NumberFieldsError(NO_FONT.format(error="thiếu Liberation Serif"))
    try:
        font = embed_font(writer, Path(path), text)
    except FontUnavailable as error:
        raise NumberFieldsError(NO_FONT.format(error=error)) from error
    baseline = 0.35 * size  # the box starts 0.35 em below the placeholder's baseline
    text_width = font.metrics.width(text, size)
    room = width - 1.0
    if text_width > room > 0:
        # Shrink rather than run over the neighbouring text ("Số:", the symbol).
        size = size * room / text_width
        text_width = font.metrics.width(text, size)
    x = width - 0.5 - text_width if kind.right_aligned else 0.5
    content = (
        f"/Tx BMC\nq\nBT\n/F1 {_fmt(size)} Tf\n0 g\n{_fmt(x)} {_fmt(baseline)} Td\n"
        f"{font.encode(text)} Tj\nET\nQ\nEMC\n"
    ).encode("ascii")
    resources = generic.DictionaryObject(
        {_n("/Font"): generic.DictionaryObject({_n("/F1"): font.reference})}
    )
    stream = _appearance_stream(width, height, content, resources=resources)
    field[_n("/V")] = generic.pdf_string(text)
    field[_n("/AP")] = generic.DictionaryObject({_n("/N"): writer.add_object(stream)})
    writer.mark_update(reference)


def _appearance_stream(width: float, height: float, content: bytes, *, resources: Any) -> Any:
    entries = {
        _n("/Type"): _n("/XObject"),
        _n("/Subtype"): _n("/Form"),
        _n("/BBox"): generic.ArrayObject(
            [
                generic.FloatObject(0),
                generic.FloatObject(0),
                generic.FloatObject(round(width, 2)),
                generic.FloatObject(round(height, 2)),
            ]
        ),
    }
    if resources is not None:
        entries[_n("/Resources")] = resources
    return generic.StreamObject(generic.DictionaryObject(entries), stream_data=content)


def _n(name: str) -> Any:
    return generic.NameObject(name)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
