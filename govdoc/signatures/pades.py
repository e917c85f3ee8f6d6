"""Apply a PAdES signature to a PDF with pyHanko (NĐ 30 Phụ lục I).

`sign_pdf` appends an incremental update, so an earlier signature (the competent person's)
stays valid when a later one (the agency's) is added. Without a timestamp service the result
is PAdES B-B; with `timestamp_url` it is B-T (the TSA's token on the signature value).

The visible signature sits in a `Box` (PDF points, origin bottom-left) given explicitly or
found on the page from a placeholder text such as "[CHU_KY]". It shows the signature image
(PNG, transparent background) when one is given, or else a text stamp with the signer's
name, position and the signing time (Vietnam time, ISO 8601).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import StaticStampStyle
from pypdf import PdfReader

from govdoc.signatures.revocation import Revocation
from govdoc.signatures.signer import Signer

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)
DEFAULT_PLACEHOLDER = "[CHU_KY]"


class PdfSigningError(Exception):
    """The PDF could not be signed; the message is Vietnamese and safe to show."""


@dataclass(frozen=True)
class Box:
    """A rectangle on a page: `page` counts from 0, coordinates in PDF points from the
    bottom-left corner."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Appearance:
    """How the signature looks. Give `box`, or `placeholder` to find on the document's pages
    (the box is then centred on the text, `width` × `height` points)."""

    box: Box | None = None
    placeholder: str | None = None
    width: float = 160
    height: float = 70
    image_png: bytes | None = None
    """The handwritten signature or the seal: PNG with transparent background."""
    signer_name: str = ""
    position: str = ""
    extra_lines: tuple[str, ...] = ()
    """Printed under the name in the text stamp (e.g. the number and symbol)."""


def find_text_box(pdf: bytes, text: str, *, width: float = 160, height: float = 70) -> Box | None:
    """The box of `width` × `height` centred on the first place `text` is drawn, or None.

    Works for text drawn in one show-text operation (as document templates put their
    placeholders); the coordinates are those of the text's start in user space."""
    reader = PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        found: list[tuple[float, float]] = []

        def visit(
            chunk: str,
            cm: list[float],
            tm: list[float],
            font_dict: Any,
            font_size: float,
            found: list[tuple[float, float]] = found,
        ) -> None:
            if not found and text in chunk:
                # Text position in user space = tm × cm.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((x, y))

        page.extract_text(visitor_text=visit)
        if found:
            x, y = found[0]
            return Box(index, x, y - height / 2, x + width, y + height / 2)
    return None


def sign_pdf(
    *,
    pdf: bytes,
    signer: Signer,
    field_name: str,
    reason: str,
    location: str,
    appearance: Appearance | None,
    timestamp_url: str | None = None,
    certify: bool = False,
    reserve_fields: Sequence[tuple[str, Box]] = (),
    timestamper: timestamps.TimeStamper | None = None,
    revocation: Revocation | None = None,
) -> bytes:
    """The PDF with one more signature, appended as an incremental update.

    With `revocation` (the trust roots and the revocation data known for the signer's chain,
    e.g. from `revocation.check_signer`), the chain and its revocation data are embedded in
    the document (PAdES B-LT when timestamped): it can be validated later without reaching
    the CA.

    By default this is an approval signature: later signatures, new signature fields and
    form filling keep it valid. `certify=True` makes it a certification signature allowing
    only form filling and signing afterwards (DocMDP P=2); a certified PDF accepts no new
    *visible* signature field, so create the later signers' fields now with
    `reserve_fields` (name and box of each) and sign them later by `field_name`.
    If `field_name` is an existing empty field, its box is used and `appearance.box` /
    `placeholder` are ignored. `timestamper` overrides `timestamp_url` (tests pass
    pyHanko's in-process TSA)."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as error:
        raise PdfSigningError("Tệp không phải PDF hợp lệ hoặc đã bị hỏng.") from error
    if writer.prev.encrypted:
        raise PdfSigningError("Không ký được tệp PDF đã mã hóa.")
    if timestamper is None and timestamp_url:
        timestamper = timestamps.HTTPTimeStamper(timestamp_url)

    existing_box: Box | None = None
    for name, value, ref in fields.enumerate_sig_fields(writer, with_name=field_name):
        if value is not None:
            raise PdfSigningError(f"Trường chữ ký “{name}” đã được ký.")
        existing_box = _field_box(ref.get_object())
    for reserved_name, reserved_box in reserve_fields:
        fields.append_signature_field(writer, _field_spec(reserved_name, reserved_box))

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        embed_validation_info=revocation is not None,
        validation_context=revocation.context() if revocation is not None else None,
        use_pades_lta=False,
    )
    field_spec = None
    stamp_style = None
    if appearance is not None:
        box = existing_box or appearance.box
        if box is None:
            box = find_text_box(
                pdf,
                appearance.placeholder or DEFAULT_PLACEHOLDER,
                width=appearance.width,
                height=appearance.height,
            )
            if box is None:
                raise PdfSigningError("Không tìm thấy vị trí đặt chữ ký trong văn bản.")
        if existing_box is None:
            field_spec = _field_spec(field_name, box)
        stamp_style = StaticStampStyle(
            background=PdfImage(_appearance_image(appearance, signer, box)),
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(0, 0, 0, 0),
            ),
        )
    cms_signer = signer.pyhanko_signer()
    if not isinstance(cms_signer, signers.Signer):
        raise PdfSigningError("Nhà cung cấp chữ ký số không hợp lệ.")
    pdf_signer = signers.PdfSigner(
        meta,
        signer=cms_signer,
        timestamper=timestamper,
        stamp_style=stamp_style,
        new_field_spec=field_spec,
    )
    try:
        output = pdf_signer.sign_pdf(writer)
    except Exception as error:
        raise PdfSigningError(f"Không ký được tệp PDF: {error}") from error
    result: bytes = output.getvalue()
    return result


def _field_spec(name: str, box: Box) -> fields.SigFieldSpec:
    return fields.SigFieldSpec(
        sig_field_name=name,
        on_page=box.page,
        box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
    )


def _field_box(field: Any) -> Box:
    """The rectangle of an existing field (only its size matters: the field stays put)."""
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    return Box(0, x1, y1, x2, y2)


def _appearance_image(appearance: Appearance, signer: Signer, box: Box) -> Image.Image:
    if appearance.image_png is not None:
        try:
            image = Image.open(io.BytesIO(appearance.image_png))
            image.load()
        except Exception as error:
            raise PdfSigningError("Ảnh chữ ký không phải tệp PNG hợp lệ.") from error
        return image.convert("RGBA")
    name = appearance.signer_name or _common_name(signer)
    now = dt.datetime.now(VIETNAM).replace(microsecond=0)
    lines = [f"Ký bởi: {name}"]
    if appearance.position:
        lines.append(f"Chức vụ: {appearance.position}")
    lines.extend(appearance.extra_lines)
    lines.append(f"Thời gian ký: {now.isoformat()}")
    return render_text_stamp(lines, width=box.x2 - box.x1, height=box.y2 - box.y1)


def render_text_stamp(lines: list[str], *, width: float, height: float) -> Image.Image:
    """The text stamp as a transparent image, 4× the box size for sharpness (pyHanko's own
    text stamps need HarfBuzz for Vietnamese glyphs; Pillow does not)."""
    scale = 4
    size = (max(int(width * scale), 1), max(int(height * scale), 1))
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    font_size = 10 * scale
    font = _font(font_size)
    while font_size > 4 * scale and len(lines) * font_size * 1.2 > size[1]:
        font_size -= scale
        font = _font(font_size)
    y = scale * 2.0
    for line in lines:
        draw.text((scale * 2, y), line, fill=(0, 0, 0, 255), font=font)
        y += font_size * 1.2
    return image


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()  # pragma: no cover - no TrueType font on the system


def _common_name(signer: Signer) -> str:
    try:
        name = signer.certificate.subject.native.get("common_name", "")
    except Exception:  # pragma: no cover - unusual subject
        return ""
    return str(name)
