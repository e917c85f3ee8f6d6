"""PDF pages for the computer files of a work file that are not PDFs, for the whole-file export
(`file_export.case_file_pdf`): office documents (DOCX, DOC, ODT, XLSX) through LibreOffice
(`govdoc.outgoing.drafting.pdf_convert`), images (JPEG, PNG, TIFF, every frame) through
Pillow.

Each file is converted on its own, file to file, into a private temporary directory, once per
export (keyed by its SHA-256: a file filed under two documents is converted once); the
export reads the result twice (to count its pages, then to copy them) and the directory is
removed when the export ends, also when it fails.

Converted PDFs are not kept between exports: a copy in the storage would outlive the
destruction of the file it was made from (disposal removes stored files) and would go stale
with the fonts and the LibreOffice version."""

from __future__ import annotations

import logging
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from govdoc.documents.models import StoredFile
from govdoc.documents.sniffing import ALL_KINDS
from govdoc.documents.storage import stream_stored
from govdoc.outgoing.drafting.pdf_convert import (
    OFFICE_KINDS,
    ConversionError,
    check_office_file,
    office_to_pdf,
)

logger = logging.getLogger(__name__)

IMAGE_KINDS = frozenset({"jpeg", "png", "tiff"})
CONVERTIBLE_KINDS = OFFICE_KINDS | IMAGE_KINDS
# A scan or a long spreadsheet can take LibreOffice a while; a hung one must not hold the
# export (the whole process group is killed).
OFFICE_TIMEOUT = 120.0
# Image pages fit A4 (in points, either way round); their own resolution when smaller.
A4 = (595.0, 842.0)
DEFAULT_DPI = 72.0
DPI_RANGE = (50.0, 4800.0)
# Pillow stores colour and grey pages as JPEG: high enough for small print in scans.
JPEG_QUALITY = 90
IMAGE_DAMAGED = "Ảnh hỏng hoặc không đọc được."
# Past the pixel count at which Pillow warns of a decompression bomb (≈ 89 M; an A4 page
# scanned at 600 dpi is ≈ 35 M).
IMAGE_TOO_LARGE = "Ảnh quá lớn để chuyển sang PDF."
_EXTENSIONS = {kind.key: kind.extensions[0] for kind in ALL_KINDS}


@dataclass(frozen=True)
class Converted:
    """The PDF made from a stored file, or why there is none (Vietnamese)."""

    path: Path | None
    error: str = ""


class Conversions:
    """The PDFs made from non-PDF files during one export, in a temporary directory made on
    the first conversion and removed by `close` (use it as a context manager)."""

    def __init__(self, *, timeout: float | None = None) -> None:
        self.timeout = OFFICE_TIMEOUT if timeout is None else timeout
        self.directory: Path | None = None
        self._done: dict[str, Converted] = {}
        self.converted = 0  # conversions run (not answered from the cache)

    def __enter__(self) -> Conversions:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
        self._done.clear()

    @staticmethod
    def convertible(kind: str) -> bool:
        return kind in CONVERTIBLE_KINDS

    def pdf_of(self, stored: StoredFile) -> Converted:
        """The PDF of `stored` (a kind in CONVERTIBLE_KINDS), converted on first request."""
        done = self._done.get(stored.sha256)
        if done is None:
            done = self._convert(stored)
            self._done[stored.sha256] = done
        return done

    def _convert(self, stored: StoredFile) -> Converted:
        if self.directory is None:
            self.directory = Path(tempfile.mkdtemp(prefix="govdoc-export-pdf-"))
        self.converted += 1
        source = self.directory / f"{stored.sha256}{_EXTENSIONS.get(stored.kind, '')}"
        target = self.directory / f"{stored.sha256}.pdf"
        try:
            with stream_stored(stored) as handle, source.open("wb") as copy:
                shutil.copyfileobj(handle, copy)
            if stored.kind in OFFICE_KINDS:
                check_office_file(source, kind=stored.kind)
                office_to_pdf(source, target, timeout=self.timeout)
            else:
                image_to_pdf(source, target)
        except ConversionError as error:
            logger.warning(
                "export: %s (%s) not converted to PDF: %s %s",
                stored.sha256,
                stored.kind,
                error.message,
                error.detail,
            )
            target.unlink(missing_ok=True)
            return Converted(None, error.message)
        finally:
            source.unlink(missing_ok=True)
        return Converted(target)


def image_to_pdf(source: Path, target: Path) -> None:
    """Write every frame of the image at `source` as a page of the PDF `target`, one frame
    in memory at a time (a multi-page TIFF scan is appended frame by frame). Raises
    ConversionError when the image cannot be read."""
    from PIL import Image, ImageSequence

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image)):
                    page = _printable(frame)
                    # Bilevel pages go in as CCITT G4 (lossless), which takes no quality.
                    quality = {} if page.mode == "1" else {"quality": JPEG_QUALITY}
                    page.save(
                        target,
                        "PDF",
                        append=number > 0,
                        dpi=_resolution(page, frame.info.get("dpi")),
                        **quality,
                    )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ConversionError(IMAGE_TOO_LARGE, detail=str(error)) from error
    except Exception as error:  # a damaged image can fail anywhere in Pillow's decoders
        raise ConversionError(IMAGE_DAMAGED, detail=repr(error)) from error


def _printable(frame: Any) -> Any:
    """The frame upright (EXIF orientation) in a mode Pillow's PDF writer stores compactly:
    transparency is laid on white, the rest made RGB."""
    from PIL import Image, ImageOps

    upright = ImageOps.exif_transpose(frame)
    if upright.mode in {"1", "L", "RGB", "CMYK"}:
        return upright
    if upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return upright.convert("RGB")


def _resolution(page: Any, dpi: Any) -> tuple[float, float]:
    """The resolution that gives the page its printed size (the image's own, or 72 dpi),
    raised so that the page fits A4."""
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        x = y = DEFAULT_DPI
    low, high = DPI_RANGE
    if not (low <= x <= high and low <= y <= high):
        x = y = DEFAULT_DPI
    width, height = page.width * 72 / x, page.height * 72 / y
    short, long = sorted((width, height))
    scale = max(1.0, short / A4[0], long / A4[1])
    return x * scale, y * scale
