"""What the system can read from a PDF by itself (NĐ 30 Phụ lục VI F1.g: fill known metadata)."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)


def pdf_page_count(data: bytes) -> int | None:
    """The number of pages, or None when the PDF cannot be read (it is still stored)."""
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, OSError) as error:
        logger.info("page count unavailable: %s", error)
        return None
