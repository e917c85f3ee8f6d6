"""Embed a subset of a TrueType font in a PDF being updated with pyHanko, to draw short
Vietnamese text (the number and the date) in an appearance stream.

pyHanko's own OpenType support needs HarfBuzz (`uharfbuzz`), which is not installed; it is not
needed here either: Vietnamese is written with precomposed letters (NFC) that Liberation Serif
maps one character to one glyph, and the texts are a few words long (no kerning, no
ligatures). The font goes in as a Type 0 / CIDFontType2 font with Identity-H encoding, glyph
ids as character codes, the widths of the glyphs used and a ToUnicode map, so the text can be
copied and extracted.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pyhanko.pdf_utils import generic as _generic

generic: Any = _generic
"""pyHanko's PDF object model (its constructors are untyped)."""

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
LIBERATION = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
DEJAVU = {
    (False, False): "DejaVuSerif.ttf",
    (True, False): "DejaVuSerif-Bold.ttf",
    (False, True): "DejaVuSerif-Italic.ttf",
    (True, True): "DejaVuSerif-BoldItalic.ttf",
}
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


COMMON_CHARS = "0123456789 /.-ngàyáthmăNT"


class FontUnavailable(Exception):
    """No usable font on the system, or the font lacks a character."""


def find_serif_font(*, bold: bool = False, italic: bool = False) -> Path | None:
    """Liberation Serif (Times New Roman's metrics, Vietnamese glyphs) in the wanted style,
    else DejaVu Serif, else None."""
    for directory in FONT_DIRS:
        path = directory / LIBERATION[(bold, italic)]
        if path.exists():
            return path
    path = DEJAVU_DIR / DEJAVU[(bold, italic)]
    return path if path.exists() else None


@dataclass(frozen=True)
class FontMetrics:
    """What is needed to lay text out: advance widths in 1/1000 em per character."""

    path: Path
    widths: dict[str, int]
    glyph_ids: dict[str, int]
    ascent: int
    descent: int

    def width(self, text: str, size: float) -> float:
        """Width of `text` in points at `size`."""
        return sum(self.widths[char] for char in _nfc(text)) * size / 1000

    def missing(self, text: str) -> str:
        """Characters of `text` the font cannot draw."""
        return "".join(sorted({c for c in _nfc(text) if c not in self.glyph_ids}))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=8)
def load_metrics(path: Path) -> FontMetrics:
    font = TTFont(str(path), lazy=True)
    try:
        upm = font["head"].unitsPerEm
        cmap: dict[int, str] = font.getBestCmap()
        hmtx = font["hmtx"]
        widths: dict[str, int] = {}
        glyph_ids: dict[str, int] = {}
        for code, name in cmap.items():
            char = chr(code)
            glyph_ids[char] = font.getGlyphID(name)
            widths[char] = round(hmtx[name][0] * 1000 / upm)
        hhea = font["hhea"]
        return FontMetrics(
            path=path,
            widths=widths,
            glyph_ids=glyph_ids,
            ascent=round(hhea.ascent * 1000 / upm),
            descent=round(hhea.descent * 1000 / upm),
        )
    finally:
        font.close()


@dataclass(frozen=True)
class EmbeddedFont:
    """A font added to the PDF: its reference, and how to encode text for a Tj operator."""

    reference: Any
    """pyHanko indirect object of the Type 0 font dictionary."""
    metrics: FontMetrics

    def encode(self, text: str) -> str:
        """`text` as a hexadecimal string of 2-byte glyph ids: "<0012003A>"."""
        return "<" + "".join(f"{self.metrics.glyph_ids[c]:04X}" for c in _nfc(text)) + ">"


def embed_font(writer: Any, path: Path, text: str) -> EmbeddedFont:
    """Add to `writer` (a pyHanko PDF writer) the subset of the font at `path` that draws
    `text`; FontUnavailable when a character is not in the font."""
    metrics = load_metrics(path)
    text = _nfc(text)
    lacking = metrics.missing(text)
    if lacking:
        raise FontUnavailable(f"Phông chữ {path.name} không có các ký tự: {lacking}")
    # Digits and the date's words always go in: one subset per style serves every number
    # and date (cached), and the glyphs add little.
    chars = sorted(set(text) | (set(COMMON_CHARS) & set(metrics.glyph_ids)))
    font_file = _subset(path, tuple(chars))
    tag = _subset_tag(path, chars)

    font = TTFont(io.BytesIO(font_file))
    upm = font["head"].unitsPerEm
    head = font["head"]
    base_name = _postscript_name(font, path)
    italic_angle = float(font["post"].italicAngle)
    cap_height = getattr(font["OS/2"], "sCapHeight", 0) or round(metrics.ascent * upm / 1000)
    flags = 2 | 32 | (64 if italic_angle else 0)  # serif, nonsymbolic, italic
    font.close()

    name = generic.NameObject(f"/{tag}+{base_name}")

    def scaled(value: float) -> generic.NumberObject:
        return generic.NumberObject(round(value * 1000 / upm))

    file_stream = generic.StreamObject(
        generic.DictionaryObject(
            {generic.NameObject("/Length1"): generic.NumberObject(len(font_file))}
        ),
        stream_data=font_file,
    )
    file_stream.compress()
    descriptor = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/FontDescriptor"),
            generic.NameObject("/FontName"): name,
            generic.NameObject("/Flags"): generic.NumberObject(flags),
            generic.NameObject("/FontBBox"): generic.ArrayObject(
                [scaled(head.xMin), scaled(head.yMin), scaled(head.xMax), scaled(head.yMax)]
            ),
            generic.NameObject("/ItalicAngle"): generic.FloatObject(italic_angle),
            generic.NameObject("/Ascent"): generic.NumberObject(metrics.ascent),
            generic.NameObject("/Descent"): generic.NumberObject(metrics.descent),
            generic.NameObject("/CapHeight"): scaled(cap_height),
            generic.NameObject("/StemV"): generic.NumberObject(80),
            generic.NameObject("/FontFile2"): writer.add_object(file_stream),
        }
    )
    widths = generic.ArrayObject()
    for char in chars:
        widths.append(generic.NumberObject(metrics.glyph_ids[char]))
        widths.append(generic.ArrayObject([generic.NumberObject(metrics.widths[char])]))
    cid_font = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/CIDFontType2"),
            generic.NameObject("/BaseFont"): name,
            generic.NameObject("/CIDSystemInfo"): generic.DictionaryObject(
                {
                    generic.NameObject("/Registry"): generic.pdf_string("Adobe"),
                    generic.NameObject("/Ordering"): generic.pdf_string("Identity"),
                    generic.NameObject("/Supplement"): generic.NumberObject(0),
                }
            ),
            generic.NameObject("/FontDescriptor"): writer.add_object(descriptor),
            generic.NameObject("/DW"): generic.NumberObject(1000),
            generic.NameObject("/W"): widths,
            generic.NameObject("/CIDToGIDMap"): generic.NameObject("/Identity"),
        }
    )
    to_unicode = generic.StreamObject(stream_data=_to_unicode_cmap(metrics, chars))
    to_unicode.compress()
    type0 = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/Type0"),
            generic.NameObject("/BaseFont"): name,
            generic.NameObject("/Encoding"): generic.NameObject("/Identity-H"),
            generic.NameObject("/DescendantFonts"): generic.ArrayObject(
                [writer.add_object(cid_font)]
            ),
            generic.NameObject("/ToUnicode"): writer.add_object(to_unicode),
        }
    )
    return EmbeddedFont(reference=writer.add_object(type0), metrics=metrics)


@lru_cache(maxsize=64)
def _subset(path: Path, chars: tuple[str, ...]) -> bytes:
    """The font reduced to the glyphs of `chars`, glyph ids kept (CIDToGIDMap Identity).
    Cached: dates and numbers use few distinct character sets."""
    options = subset.Options()
    options.retain_gids = True
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG", "FFTM"]
    font = TTFont(str(path))
    try:
        for table in ("GSUB", "GPOS", "GDEF", "kern", "DSIG", "FFTM"):
            if table in font:
                del font[table]  # unused here; decoding them is most of the subsetting time
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        return buffer.getvalue()
    finally:
        font.close()


def _subset_tag(path: Path, chars: list[str]) -> str:
    digest = hashlib.sha256((path.name + "".join(chars)).encode("utf-8")).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _postscript_name(font: Any, path: Path) -> str:
    name = font["name"].getDebugName(6) if "name" in font else None
    cleaned = "".join(c for c in (name or path.stem) if c.isalnum() or c in "-_")
    return cleaned or "Font"


def _to_unicode_cmap(metrics: FontMetrics, chars: list[str]) -> bytes:
    blocks = []
    for start in range(0, len(chars), 100):  # at most 100 entries a block
        block = chars[start : start + 100]
        entries = "\n".join(
            f"<{metrics.glyph_ids[c]:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c in block
        )
        blocks.append(f"{len(block)} beginbfchar\n{entries}\nendbfchar\n")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "".join(blocks) + "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n"
    )
    return cmap.encode("ascii")
