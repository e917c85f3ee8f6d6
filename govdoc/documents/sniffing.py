"""File type detection from content (magic bytes and, for ZIP containers, their members).

The name a file arrives with is not trusted: a `.pdf` that is not a PDF is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx",
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODT = FileKind("odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
DOC = FileKind("doc", "Word 97-2003 (DOC)", "application/msword", (".doc",))
JPEG = FileKind("jpeg", "Ảnh JPEG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("png", "Ảnh PNG", "image/png", (".png",))
TIFF = FileKind("tiff", "Ảnh TIFF", "image/tiff", (".tif", ".tiff"))
ZIP = FileKind("zip", "Tệp nén ZIP", "application/zip", (".zip",))

ALL_KINDS = (PDF, DOCX, XLSX, ODT, DOC, JPEG, PNG, TIFF, ZIP)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ALL_KINDS for ext in kind.extensions)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == ODT.content_type:
                    return ODT
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
            return ZIP
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def sniff(data: bytes) -> FileKind | None:
    """The kind of file these bytes are, or None when it is not an accepted kind."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(_OLE_MAGIC):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def name_matches(kind: FileKind, name: str) -> bool:
    return extension_of(name) in kind.extensions
