"""A PDF written object by object (the whole-file export of `file_export`): each source page
and the objects it uses are copied, renumbered, into the output file at once, so that memory
holds the objects of the source being read, never the whole output; every page gets
"Trang n/N" in its footer. Also the reading side: opening a stored PDF leniently and
releasing what a reader cached."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

_CATALOG, _PAGES, _FONT = 1, 2, 3
_FOOTER_FONT = "/GovdocFooter"
_FOOTER_SIZE = 9
_FOOTER_MARGIN = 16.0
# Helvetica advance widths (1/1000 em) of what the footer writes.
_HELVETICA = {" ": 278, "/": 278, "T": 611, "r": 333, "a": 556, "n": 556, "g": 556}
_SKIPPED_PAGE_KEYS = {"/Parent", "/Contents", "/Resources", "/B", "/Type"}


def helvetica_width(text: str, size: float = _FOOTER_SIZE) -> float:
    """The width in points of `text` in Helvetica at `size` (what the footer and the labels
    write: digits and the en dash are 556 wide, the default)."""
    return sum(_HELVETICA.get(ch, 556) for ch in text) * size / 1000


class PdfSink:
    """Writes a PDF to a binary file page by page: each source page and the objects it uses
    are copied (renumbered) and written at once, so that memory holds the objects of the
    source being read, never the whole output. Every page gets "Trang n/N" in its footer.

    The caller gives the total number of pages up front (the footer needs it), adds pages
    from readers (`add_pages`, one `mapping` per source: objects the pages of one source
    share are written once), then calls `close`."""

    def __init__(self, out: IO[bytes], *, total_pages: int) -> None:
        self.out = out
        self.total = total_pages
        self.kids: list[int] = []
        self._offsets: dict[int, int] = {}
        self._next = _FONT + 1
        self._queue: deque[tuple[int, Any]] = deque()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        self._write(_FONT, font)

    def _allocate(self) -> int:
        number = self._next
        self._next += 1
        return number

    def _write(self, number: int, value: Any) -> None:
        self._offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        value.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def _copy(self, value: Any, mapping: dict[tuple[int, int], int]) -> Any:
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            number = mapping.get(key)
            if number is None:
                target = value.get_object()
                if isinstance(target, DictionaryObject) and target.get("/Type") == "/Page":
                    # A page not taken (a link to another document's page): dropped.
                    return NullObject()
                number = self._allocate()
                mapping[key] = number
                self._queue.append((number, target))
            return IndirectObject(number, 0, None)
        if isinstance(value, StreamObject):
            stream = StreamObject()
            stream._data = value._data
            for key, item in value.items():
                if key != "/Length":
                    stream[NameObject(key)] = self._copy(item, mapping)
            return stream
        if isinstance(value, DictionaryObject):
            copied = DictionaryObject()
            for key, item in value.items():
                copied[NameObject(key)] = self._copy(item, mapping)
            return copied
        if isinstance(value, ArrayObject):
            return ArrayObject(self._copy(item, mapping) for item in value)
        return value

    def _drain(self, mapping: dict[tuple[int, int], int]) -> None:
        while self._queue:
            number, target = self._queue.popleft()
            self._write(number, self._copy(target, mapping))

    def _stream(self, data: bytes) -> IndirectObject:
        stream = StreamObject()
        stream._data = data
        number = self._allocate()
        self._write(number, stream)
        return IndirectObject(number, 0, None)

    def _footer(self, page: Any, text: str) -> bytes:
        box = page.cropbox
        left, bottom = float(box.left), float(box.bottom)
        right, top = float(box.right), float(box.top)
        middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        margin = _FOOTER_MARGIN
        matrix = {
            90: (0, 1, -1, 0, right - margin, middle_y),
            180: (-1, 0, 0, -1, middle_x, top - margin),
            270: (0, -1, 1, 0, left + margin, middle_y),
        }.get(rotate, (1, 0, 0, 1, middle_x, bottom + margin))
        cm = " ".join(f"{value:.2f}" for value in matrix)
        return (
            f"\nQ q {cm} cm BT {_FOOTER_FONT} {_FOOTER_SIZE} Tf "
            f"{-helvetica_width(text) / 2:.2f} 0 Td ({text}) Tj ET Q\n"
        ).encode("ascii")

    def add_pages(
        self,
        reader: PdfReader,
        indexes: Iterable[int],
        mapping: dict[tuple[int, int], int],
        *,
        overlays: Mapping[int, bytes] | None = None,
    ) -> int:
        """Copy the pages `indexes` of `reader`; returns how many were added. `overlays`
        (by page index of `reader`) is content drawn over a page, in its default user space
        (`labels_content`), with the footer's font."""
        wanted = list(indexes)
        pages = [reader.pages[i] for i in wanted]
        numbers: list[int] = []
        for page in pages:
            reference = page.indirect_reference
            number = self._allocate()
            if reference is not None:
                mapping[(reference.idnum, reference.generation)] = number
            numbers.append(number)
        for index, page, number in zip(wanted, pages, numbers, strict=True):
            self.kids.append(number)
            text = f"Trang {len(self.kids)}/{self.total}"
            copied = DictionaryObject()
            for key, item in page.items():
                if key not in _SKIPPED_PAGE_KEYS:
                    copied[NameObject(key)] = self._copy(item, mapping)
            copied[NameObject("/Type")] = NameObject("/Page")
            copied[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            resources_value = page.get("/Resources")
            resources = resources_value.get_object() if resources_value is not None else None
            new_resources = DictionaryObject()
            fonts = DictionaryObject()
            if isinstance(resources, DictionaryObject):
                for key, item in resources.items():
                    if key != "/Font":
                        new_resources[NameObject(key)] = self._copy(item, mapping)
                own_fonts = resources.get("/Font")
                if isinstance(own_fonts, IndirectObject):
                    own_fonts = own_fonts.get_object()
                if isinstance(own_fonts, DictionaryObject):
                    for key, item in own_fonts.items():
                        fonts[NameObject(key)] = self._copy(item, mapping)
            fonts[NameObject(_FOOTER_FONT)] = IndirectObject(_FONT, 0, None)
            new_resources[NameObject("/Font")] = fonts
            copied[NameObject("/Resources")] = new_resources
            contents: list[Any] = [self._stream(b"q\n")]
            raw = page.get("/Contents")
            target = raw.get_object() if isinstance(raw, IndirectObject) else raw
            parts = list(target) if isinstance(target, ArrayObject) else [raw]
            for part in parts:
                if isinstance(part, IndirectObject):
                    contents.append(self._copy(part, mapping))
                elif isinstance(part, StreamObject):
                    contents.append(self._stream(part._data))
            contents.append(self._stream(self._footer(page, text)))
            if overlays and index in overlays:
                contents.append(self._stream(overlays[index]))
            copied[NameObject("/Contents")] = ArrayObject(contents)
            self._write(number, copied)
            self._drain(mapping)
        return len(pages)

    def close(self, *, title: str) -> int:
        """Write the page tree, the catalog, the document information and the
        cross-reference table; returns the number of pages."""
        if len(self.kids) != self.total:
            raise RuntimeError(f"PDF has {len(self.kids)} pages, {self.total} announced")
        tree = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self.kids),
                NameObject("/Count"): NumberObject(len(self.kids)),
            }
        )
        self._write(_PAGES, tree)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
            }
        )
        self._write(_CATALOG, catalog)
        info_number = self._allocate()
        moment = timezone.localtime().strftime("D:%Y%m%d%H%M%S+07'00'")
        info = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(title),
                NameObject("/Producer"): TextStringObject("govdoc"),
                NameObject("/CreationDate"): TextStringObject(moment),
            }
        )
        self._write(info_number, info)
        start = self.out.tell()
        size = self._next
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self._offsets.get(number)
            lines.append(
                f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 00000 f \n"
            )
        lines.append(
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R /Info {info_number} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self.out.write("".join(lines).encode("ascii"))
        return len(self.kids)


# A CSS pixel (WeasyPrint's unit) in PDF points.
_PX = 0.75
# Where the baseline sits in a line of the front's 10pt serif (its half-leading and ascent),
# as a fraction of the line's height.
_BASELINE = 0.79


@dataclass(frozen=True)
class Label:
    """Lines of text to draw centred at `x`, the first one in the line box from `top` to
    `bottom` (CSS pixels from the page's top-left: a WeasyPrint anchor's box), each next one
    a line lower."""

    x: float
    top: float
    bottom: float
    lines: tuple[str, ...]


def _pdf_string(text: str) -> str:
    # Helvetica with WinAnsiEncoding: the en dash is byte 0x96.
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.replace("\u2013", "\\226")


def labels_content(labels: Sequence[Label], *, page_height: float, size: float) -> bytes:
    """A content stream drawing `labels` on a page `page_height` CSS pixels high, in the
    footer's font (Helvetica) at `size` points."""
    operations: list[str] = []
    for label in labels:
        line = (label.bottom - label.top) * _PX
        baseline = (page_height - label.top) * _PX - line * _BASELINE
        for number, text in enumerate(label.lines):
            x = label.x * _PX - helvetica_width(text, size) / 2
            y = baseline - number * line
            operations.append(
                f"BT {_FOOTER_FONT} {size:g} Tf {x:.2f} {y:.2f} Td ({_pdf_string(text)}) Tj ET"
            )
    return ("\nq 0 g\n" + "\n".join(operations) + "\nQ\n").encode("latin-1")


def open_pdf(handle: Any) -> PdfReader | None:
    """A reader of the PDF in `handle`, or None when it cannot be read (damaged, encrypted
    with a password, no page)."""
    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        if len(reader.pages) == 0:
            return None
        return reader
    except (PyPdfError, ValueError, KeyError, OSError, TypeError, AttributeError):
        return None


def release(reader: PdfReader) -> None:
    """Drop what a reader cached. Its objects point back to it (cycles), so without this a
    finished document's bytes wait for the cyclic garbage collector, and memory grows with
    the number of documents instead of staying at about one document's worth."""
    reader.resolved_objects.clear()
    reader.flattened_pages = None
