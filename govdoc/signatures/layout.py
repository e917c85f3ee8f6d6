"""Where the agency's digital signature goes on a PDF (NĐ 30 Phụ lục I, cell 8 and §II.b).

* Main document: the image of the red seal, **at its real size**, placed to the left of the
  competent person's signature image so that it covers about one third of it, vertically
  centred on it (`seal_box`).
* Attachments in separate files and electronic copies: no seal image; a stamp at the **top
  right of the first page**, inside the page margins, with the number and symbol and the
  signing time (ISO 8601, Vietnam time), Times New Roman 10 pt, regular, black
  (`attachment_box`, `attachment_stamp_png`).

All boxes are PDF points with the origin at the bottom-left corner of the page.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from govdoc.signatures.pades import Box

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
DEFAULT_SEAL_DIAMETER_MM = 36.0
SEAL_OVERLAP = 1 / 3
"""The share of the signer's image (its width) that the seal covers."""

A4_WIDTH = 595.28
A4_HEIGHT = 841.89
RIGHT_MARGIN_MM = 20.0
"""NĐ 30 right margin is 15–20 mm: 20 keeps the stamp inside the text area for any of them."""
TOP_MARGIN_MM = 25.0
"""NĐ 30 top margin is 20–25 mm: 25 keeps the stamp inside the text area for any of them."""

STAMP_FONT_PT = 10.0
STAMP_LEADING_PT = 12.0
STAMP_LINES = 3
STAMP_PADDING_PT = 2.0
STAMP_WIDTH_PT = 190.0
"""Wide enough for "Thời gian ký: 2024-05-30T14:05:09+07:00" in 10 pt serif (≈ 174 pt)."""
STAMP_HEIGHT_PT = STAMP_LINES * STAMP_LEADING_PT + 2 * STAMP_PADDING_PT
STAMP_DPI = 300

FONT_FALLBACKS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
)


def mm_to_pt(mm: float) -> float:
    return mm / MM_PER_INCH * POINTS_PER_INCH


@dataclass(frozen=True)
class ImageSize:
    """The real size of an image, in PDF points."""

    width: float
    height: float


def png_real_size(
    png: bytes | None, *, default_diameter_mm: float = DEFAULT_SEAL_DIAMETER_MM
) -> ImageSize:
    """The printed size of a PNG from its pixel size and resolution (pHYs).

    Without a resolution (or without an image) the seal is taken to be
    `default_diameter_mm` across its larger side, keeping its proportions."""
    default = mm_to_pt(default_diameter_mm)
    if png is None:
        return ImageSize(default, default)
    with Image.open(io.BytesIO(png)) as image:
        width_px, height_px = image.size
        dpi = image.info.get("dpi")
    if width_px <= 0 or height_px <= 0:
        return ImageSize(default, default)
    if dpi and float(dpi[0]) > 1 and float(dpi[1]) > 1:
        return ImageSize(
            width_px / float(dpi[0]) * POINTS_PER_INCH,
            height_px / float(dpi[1]) * POINTS_PER_INCH,
        )
    scale = default / max(width_px, height_px)
    return ImageSize(width_px * scale, height_px * scale)


def seal_box(signer_box: Box, seal: ImageSize) -> Box:
    """The seal at its real size, to the left of the signer's image, covering one third of
    that image's width and vertically centred on it."""
    overlap = (signer_box.x2 - signer_box.x1) * SEAL_OVERLAP
    x2 = signer_box.x1 + overlap
    centre_y = (signer_box.y1 + signer_box.y2) / 2
    return Box(
        signer_box.page,
        x2 - seal.width,
        centre_y - seal.height / 2,
        x2,
        centre_y + seal.height / 2,
    )


def attachment_box(
    *,
    page_width: float = A4_WIDTH,
    page_height: float = A4_HEIGHT,
    right_margin_mm: float = RIGHT_MARGIN_MM,
    top_margin_mm: float = TOP_MARGIN_MM,
) -> Box:
    """The stamp's box at the top right of the first page, inside the margins, sized for
    three lines of 10 pt text."""
    x2 = page_width - mm_to_pt(right_margin_mm)
    y2 = page_height - mm_to_pt(top_margin_mm)
    return Box(0, x2 - STAMP_WIDTH_PT, y2 - STAMP_HEIGHT_PT, x2, y2)


def stamp_lines(number_symbol: str, signed_at: dt.datetime, *, agency: str = "") -> list[str]:
    """The three lines of the stamp: who, the number and symbol, when (ISO 8601, +07:00)."""
    if signed_at.tzinfo is None:
        raise ValueError("signed_at must carry a time zone")
    when = signed_at.astimezone(VIETNAM).replace(microsecond=0).isoformat()
    return [
        f"Ký bởi: {agency}" if agency else "Ký số của cơ quan, tổ chức",
        f"Số, ký hiệu: {number_symbol}",
        f"Thời gian ký: {when}",
    ]


def attachment_stamp_png(number_symbol: str, signed_at: dt.datetime, *, agency: str = "") -> bytes:
    """The stamp as a transparent PNG of `STAMP_WIDTH_PT` × `STAMP_HEIGHT_PT` at 300 dpi:
    black Times New Roman (or Liberation Serif, its metric twin) 10 pt, regular."""
    scale = STAMP_DPI / POINTS_PER_INCH
    size = (round(STAMP_WIDTH_PT * scale), round(STAMP_HEIGHT_PT * scale))
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    font = _stamp_font(round(STAMP_FONT_PT * scale))
    y = STAMP_PADDING_PT * scale
    for line in stamp_lines(number_symbol, signed_at, agency=agency):
        draw.text((STAMP_PADDING_PT * scale, y), line, fill=(0, 0, 0, 255), font=font)
        y += STAMP_LEADING_PT * scale
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(STAMP_DPI, STAMP_DPI))
    return buffer.getvalue()


@cache
def stamp_font_path() -> Path | None:
    """Times New Roman when fontconfig knows it, otherwise Liberation Serif."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(
                [fc_match, "--format=%{family}\n%{file}", "Times New Roman:style=Regular"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.splitlines()
        except (OSError, subprocess.SubprocessError):  # pragma: no cover - broken fontconfig
            found = []
        if len(found) == 2 and "times new roman" in found[0].lower() and Path(found[1]).exists():
            return Path(found[1])
    for path in FONT_FALLBACKS:
        if path.exists():
            return path
    return None  # pragma: no cover - no serif font on the system


def _stamp_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = stamp_font_path()
    if path is None:  # pragma: no cover - no serif font on the system
        return ImageFont.load_default()
    return ImageFont.truetype(str(path), size)
