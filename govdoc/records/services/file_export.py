"""Exports of work files (NĐ 30 Phụ lục VI F4.g; Phụ lục V):

- a whole file as one PDF: a cover, the index of its documents ("Mục lục văn bản"), then
  every document's files in DocOrdinal (date) order, each page numbered "Trang n/N" in its
  footer. The PDF is written object by object to a file (`PdfSink`): the objects of one
  source document at most are in memory at a time, however large the file is. A file that
  is not a PDF (DOCX, an image…) or cannot be read is represented by a page naming it;
- the same file as XML: the file's metadata and every document's (DOMAIN §3.4; the format is
  in docs/records-export.md), written element by element;
- "Mục lục văn bản trong hồ sơ" (one file's index) and "Mục lục hồ sơ" (the index of the
  files one may see) as PDF and Excel.

The files of an incoming document that its sender revoked or that was annulled are never
included (`govdoc.incoming.access.files_available`); its metadata stays, with a note.
Every export is journaled (`records.export`)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from lxml import etree
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

from govdoc.audit.services import audit_record
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import Direction, Document, DocumentFile, StoredFile
from govdoc.documents.sniffing import ALL_KINDS
from govdoc.documents.storage import stream_stored
from govdoc.incoming.access import files_available
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.models import Agency
from govdoc.outgoing.models import DraftRecipient
from govdoc.records.models import CaseFile, CaseFileItem
from govdoc.records.services.plan_export import FONT_NAME, XLSX_TYPE, counted
from govdoc.records.workflow import FileStatus

PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
XML_FORMAT_VERSION = "1.0"
ITEM_COLUMNS = (
    "STT",
    "Số và ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Tác giả văn bản",
    "Tờ/Trang số",
    "Ghi chú",
)
FILE_COLUMNS = (
    "STT",
    "Mã hồ sơ/Số ký hiệu",
    "Tiêu đề hồ sơ",
    "Thời gian bắt đầu–kết thúc",
    "Thời hạn bảo quản",
    "Số tờ/trang",
    "Ghi chú",
)
ITEM_WIDTHS = (6, 14, 13, 33, 15, 8, 11)
ITEM_CENTERED = (1, 3, 6)
# "Mục lục hồ sơ" is printed for at most this many files (a PDF of a whole agency's history
# is not useful and takes minutes); the sheet says when the list was cut.
MAX_INDEX_FILES = 5000
WITHHELD = {
    IncomingStatus.WITHDRAWN: "Văn bản đã bị nơi gửi thu hồi: tệp văn bản không được đưa vào.",
    IncomingStatus.ANNULLED: "Văn bản đã bị hủy đăng ký: tệp văn bản không được đưa vào.",
}
NO_FILE = "Văn bản không có tệp điện tử trong hệ thống."
KIND_LABELS = {kind.key: kind.label for kind in ALL_KINDS}


def _vn_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _iso_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def safe_name(text: str, *, fallback: str = "tep") -> str:
    """A name safe in any file system and archive: ASCII letters, digits, '.', '-', '_'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"-+\.", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", plain)).strip("-.")
    return cleaned[:120] or fallback


# -- what a file holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputerFile:
    """One computer file of a document as exported: the main file first, then attachments."""

    position: int
    name: str
    role: str
    kind: str
    content_type: str
    size: int
    sha256: str
    stored: StoredFile

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.upper() or "không rõ")


@dataclass(frozen=True)
class Recipient:
    organ_id: str
    name: str


@dataclass(frozen=True)
class FiledDocument:
    """A document of the file with what the exports need of it."""

    ordinal: int
    document: Document
    files: tuple[ComputerFile, ...]
    withheld: str = ""  # why its files are left out, or ""
    arrival_number: int | None = None
    arrival_date: dt.datetime | None = None
    to_places: str = ""
    recipients: tuple[Recipient, ...] = ()
    issued_amount: int | None = None

    @property
    def kind(self) -> str:
        if self.document.direction == Direction.INCOMING:
            return "incoming"
        if self.document.direction == Direction.OUTGOING:
            return "outgoing"
        return "other"


def _related(instance: Any, name: str) -> Any:
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def filed_documents(case_file: CaseFile) -> list[FiledDocument]:
    """The file's documents in DocOrdinal order, with their files (metadata only)."""
    items = (
        CaseFileItem.objects.filter(case_file=case_file)
        .select_related(
            "document",
            "document__document_type",
            "document__incoming",
            "document__outgoing",
            "document__outgoing__draft",
        )
        .prefetch_related(
            Prefetch(
                "document__files",
                queryset=DocumentFile.objects.select_related("stored").order_by(
                    "-role", "position", "pk"
                ),
            ),
            Prefetch(
                "document__outgoing__draft__recipients",
                queryset=DraftRecipient.objects.select_related("agency").order_by("position", "pk"),
            ),
        )
        .order_by("ordinal", "pk")
    )
    result: list[FiledDocument] = []
    for item in items:
        document = item.document
        incoming = _related(document, "incoming")
        outgoing = _related(document, "outgoing")
        withheld = ""
        if incoming is not None:
            if not files_available(incoming):
                withheld = WITHHELD[IncomingStatus.WITHDRAWN]
            elif incoming.status == IncomingStatus.ANNULLED:
                withheld = WITHHELD[IncomingStatus.ANNULLED]
        files = tuple(
            ComputerFile(
                position=index,
                name=row.name,
                role=row.role,
                kind=row.stored.kind,
                content_type=row.stored.content_type,
                size=row.stored.size,
                sha256=row.stored.sha256,
                stored=row.stored,
            )
            for index, row in enumerate(document.files.all(), start=1)
        )
        recipients: tuple[Recipient, ...] = ()
        issued_amount = None
        if outgoing is not None:
            draft = outgoing.draft
            recipients = tuple(
                Recipient(organ_id=r.agency.organ_id if r.agency is not None else "", name=r.name)
                for r in draft.recipients.all()
            )
            issued_amount = draft.copies
        result.append(
            FiledDocument(
                ordinal=item.ordinal,
                document=document,
                files=() if withheld else files,
                withheld=withheld,
                arrival_number=incoming.arrival_number if incoming is not None else None,
                arrival_date=incoming.arrival_date if incoming is not None else None,
                to_places=incoming.to_places if incoming is not None else "",
                recipients=recipients,
                issued_amount=issued_amount,
            )
        )
    return result


# -- the index of a file's documents ----------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    ordinal: int
    code: str
    date: str
    title: str
    author: str
    pages: str
    note: str

    def values(self) -> tuple[int | str, ...]:
        return (self.ordinal, self.code, self.date, self.title, self.author, self.pages, self.note)


def _span(first: int, count: int) -> str:
    if count <= 0:
        return ""
    return str(first) if count == 1 else f"{first}–{first + count - 1}"


def item_rows(
    documents: Sequence[FiledDocument], *, spans: Sequence[tuple[int, int]] | None = None
) -> list[ItemRow]:
    """Rows of "Mục lục văn bản". `spans` (first page, page count) give where each document
    sits in an exported PDF; without them the pages follow the documents' page counts."""
    rows: list[ItemRow] = []
    next_page = 1
    for index, filed in enumerate(documents):
        document = filed.document
        if spans is not None:
            pages = _span(*spans[index])
        else:
            pages = _span(next_page, document.page_count or 0)
            next_page += document.page_count or 0
        notes = [document.description] if document.description else []
        if filed.withheld:
            notes.append(filed.withheld)
        if filed.arrival_number is not None:
            notes.append(f"Văn bản đến số {filed.arrival_number}")
        rows.append(
            ItemRow(
                ordinal=filed.ordinal,
                code=document.code,
                date=_vn_date(document.issued_date),
                title=f"{document.document_type.name}: {document.subject}",
                author=document.issuer_name,
                pages=pages,
                note="; ".join(notes),
            )
        )
    return rows


@dataclass(frozen=True)
class Cover:
    parent_name: str
    agency_name: str
    code: str
    notation: str
    title: str
    start: str
    end: str
    retention: str
    doc_total: int
    page_total: int
    owner: str
    unit: str
    rights: str
    language: str
    status: str
    exported_on: str


def _person(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", ""))


def cover_of(case_file: CaseFile) -> Cover:
    agency = case_file.agency
    return Cover(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        agency_name=agency.name,
        code=case_file.code,
        notation=case_file.notation,
        title=case_file.title,
        start=_vn_date(case_file.start_date),
        end=_vn_date(case_file.end_date),
        retention=case_file.retention,
        doc_total=case_file.doc_total,
        page_total=case_file.page_total,
        owner=_person(case_file.owner),
        unit=case_file.unit.name if case_file.unit_id and case_file.unit else "",
        rights=case_file.rights,
        language=case_file.language,
        status=FileStatus(case_file.status).label,
        exported_on=timezone.localtime().strftime("%H:%M ngày %d/%m/%Y"),
    )


def loaded_case_file(case_file: CaseFile) -> CaseFile:
    return CaseFile.objects.select_related("agency", "agency__parent", "owner", "unit").get(
        pk=case_file.pk
    )


def _render_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    # Imported on use: WeasyPrint is slow to load (as in the reports).
    from weasyprint import HTML

    html = render_to_string(template, dict(context))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# -- a PDF written object by object -----------------------------------------------------------

_CATALOG, _PAGES, _FONT = 1, 2, 3
_FOOTER_FONT = "/GovdocFooter"
_FOOTER_SIZE = 9
_FOOTER_MARGIN = 16.0
# Helvetica advance widths (1/1000 em) of what the footer writes.
_HELVETICA = {" ": 278, "/": 278, "T": 611, "r": 333, "a": 556, "n": 556, "g": 556}
_SKIPPED_PAGE_KEYS = {"/Parent", "/Contents", "/Resources", "/B", "/Type"}


def _footer_width(text: str) -> float:
    return sum(_HELVETICA.get(ch, 556) for ch in text) * _FOOTER_SIZE / 1000


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
            f"{-_footer_width(text) / 2:.2f} 0 Td ({text}) Tj ET Q\n"
        ).encode("ascii")

    def add_pages(
        self,
        reader: PdfReader,
        indexes: Iterable[int],
        mapping: dict[tuple[int, int], int],
    ) -> int:
        """Copy the pages `indexes` of `reader`; returns how many were added."""
        wanted = list(indexes)
        pages = [reader.pages[i] for i in wanted]
        numbers: list[int] = []
        for page in pages:
            reference = page.indirect_reference
            number = self._allocate()
            if reference is not None:
                mapping[(reference.idnum, reference.generation)] = number
            numbers.append(number)
        for page, number in zip(pages, numbers, strict=True):
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


# -- the whole file as one PDF ----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of pages of the export: a document's PDF file, or a page standing for a file
    (or a document) that cannot be shown."""

    document_index: int
    file: ComputerFile | None
    pages: int
    placeholder: int | None = None  # its page in the placeholders' PDF
    reason: str = ""


@dataclass(frozen=True)
class PdfResult:
    pages: int
    front_pages: int
    spans: tuple[tuple[int, int], ...]  # per document: first page, page count


def _open_pdf(handle: Any) -> PdfReader | None:
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


def _segments(documents: Sequence[FiledDocument]) -> tuple[list[Segment], list[dict[str, Any]]]:
    """What each document contributes, counted without keeping any file open; the pages to
    render for what is not a readable PDF."""
    segments: list[Segment] = []
    placeholders: list[dict[str, Any]] = []

    def stand_in(index: int, filed: FiledDocument, file: ComputerFile | None, why: str) -> None:
        placeholders.append(
            {
                "ordinal": filed.ordinal,
                "code": filed.document.code,
                "subject": filed.document.subject,
                "file": file,
                "reason": why,
            }
        )
        segments.append(Segment(index, file, 1, placeholder=len(placeholders) - 1, reason=why))

    for index, filed in enumerate(documents):
        if filed.withheld:
            stand_in(index, filed, None, filed.withheld)
            continue
        if not filed.files:
            stand_in(index, filed, None, NO_FILE)
            continue
        for file in filed.files:
            if file.kind != "pdf":
                stand_in(
                    index,
                    filed,
                    file,
                    f"Tệp {file.kind_label} không chuyển sang PDF: "
                    "tệp gốc có trong bản xuất XML và gói lưu trữ.",
                )
                continue
            with stream_stored(file.stored) as handle:
                reader = _open_pdf(handle)
                count = len(reader.pages) if reader is not None else 0
                if reader is not None:
                    release(reader)
            if reader is None:
                stand_in(index, filed, file, "Tệp PDF không đọc được (hỏng hoặc có mật khẩu).")
            else:
                segments.append(Segment(index, file, count))
    return segments, placeholders


def case_file_pdf(case_file: CaseFile, out: IO[bytes]) -> PdfResult:
    """Write the whole file as one PDF into `out` (a binary file open for writing)."""
    case_file = loaded_case_file(case_file)
    documents = filed_documents(case_file)
    segments, placeholders = _segments(documents)
    stand_ins: PdfReader | None = None
    if placeholders:
        data = _render_pdf(
            "records/export_placeholder.html",
            {"cover": cover_of(case_file), "pages": placeholders},
        )
        stand_ins = PdfReader(io.BytesIO(data))
        if len(stand_ins.pages) != len(placeholders):
            raise RuntimeError("each stand-in page must fit on one page")
    body_pages = [0] * len(documents)
    for segment in segments:
        body_pages[segment.document_index] += segment.pages

    def spans_after(front: int) -> tuple[tuple[int, int], ...]:
        spans: list[tuple[int, int]] = []
        first = front + 1
        for count in body_pages:
            spans.append((first, count))
            first += count
        return tuple(spans)

    cover = cover_of(case_file)
    front_pages = 2
    front: PdfReader | None = None
    for _attempt in range(4):
        # The index says on which page each document starts, which depends on how many
        # pages the cover and the index take: render until the count is stable.
        spans = spans_after(front_pages)
        data = _render_pdf(
            "records/export_file.html",
            {
                "cover": cover,
                "columns": ITEM_COLUMNS,
                "column_widths": ITEM_WIDTHS,
                "centered": ITEM_CENTERED,
                "rows": item_rows(documents, spans=spans),
            },
        )
        front = PdfReader(io.BytesIO(data))
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    assert front is not None
    spans = spans_after(front_pages)
    total = front_pages + sum(body_pages)
    sink = PdfSink(out, total_pages=total)
    sink.add_pages(front, range(front_pages), {})
    stand_in_mapping: dict[tuple[int, int], int] = {}
    for segment in segments:
        if segment.placeholder is not None:
            assert stand_ins is not None
            sink.add_pages(stand_ins, [segment.placeholder], stand_in_mapping)
            continue
        assert segment.file is not None
        with stream_stored(segment.file.stored) as handle:
            reader = _open_pdf(handle)
            if reader is None or len(reader.pages) != segment.pages:
                raise RuntimeError(f"stored file {segment.file.sha256} changed while exporting")
            try:
                sink.add_pages(reader, range(segment.pages), {})
            finally:
                release(reader)
    pages = sink.close(title=f"Hồ sơ {case_file.code}: {case_file.title}")
    return PdfResult(pages=pages, front_pages=front_pages, spans=spans)


# -- the whole file as XML --------------------------------------------------------------------


def _element(tag: str, text: object = "", **attributes: str) -> Any:
    element = etree.Element(tag, **attributes)
    if text is not None and text != "":
        element.text = str(text)
    return element


def _add(parent: Any, tag: str, text: object = "") -> Any:
    child = etree.SubElement(parent, tag)
    if text is not None and text != "":
        child.text = str(text)
    return child


def _file_code(parent: Any, case_file: CaseFile) -> None:
    code = _add(parent, "FileCode")
    _add(code, "OrganId", case_file.agency.organ_id)
    _add(code, "FileCatalog", case_file.year)
    _add(code, "FileNotation", case_file.notation)


def case_file_metadata(case_file: CaseFile) -> list[Any]:
    """The elements of the file's own metadata (NĐ 30 Phụ lục VI; DOMAIN §3.4)."""
    holder = etree.Element("holder")
    _file_code(holder, case_file)
    _add(holder, "Title", case_file.title)
    _add(holder, "Maintenance", case_file.retention)
    _add(holder, "Rights", case_file.rights)
    _add(holder, "Creator", case_file.creator)
    _add(holder, "Language", case_file.language)
    _add(holder, "StartDate", _iso_date(case_file.start_date))
    _add(holder, "EndDate", _iso_date(case_file.end_date))
    _add(holder, "DocTotal", case_file.doc_total)
    _add(holder, "PageTotal", case_file.page_total)
    _add(holder, "Description", case_file.description)
    return list(holder)


def document_element(
    case_file: CaseFile, filed: FiledDocument, *, paths: Mapping[tuple[int, int], str] | None
) -> Any:
    """One <Document>: fields 1–16 of the outgoing or incoming table, then its files."""
    document = filed.document
    element = _element("Document", kind=filed.kind)
    _file_code(element, case_file)
    _add(element, "DocOrdinal", filed.ordinal)
    _add(element, "TypeName", document.document_type.name)
    _add(element, "CodeNumber", document.code_number)
    _add(element, "CodeNotation", document.code_notation)
    _add(element, "IssuedDate", _iso_date(document.issued_date))
    _add(element, "OrganName", document.issuer_name)
    _add(element, "Subject", document.subject)
    _add(element, "Language", document.language)
    _add(element, "PageAmount", document.page_count if document.page_count is not None else "")
    _add(element, "Description", document.description)
    if filed.kind == "incoming":
        _add(element, "ArrivalDate", _iso_date(filed.arrival_date))
        _add(element, "ArrivalNumber", filed.arrival_number)
    signer = _add(element, "SignerInfo")
    _add(signer, "Position", document.signer_position)
    _add(signer, "FullName", document.signer_name)
    if filed.kind == "outgoing":
        for recipient in filed.recipients:
            to = _add(element, "To")
            _add(to, "OrganId", recipient.organ_id)
            _add(to, "OrganName", recipient.name)
    _add(element, "Priority", document.priority)
    if filed.kind == "outgoing":
        _add(element, "IssuedAmount", filed.issued_amount)
    if filed.kind == "incoming":
        _add(element, "ToPlaces", filed.to_places)
    _add(element, "DueDate", _iso_date(document.due_date))
    files = _add(element, "ComputerFiles")
    if filed.withheld:
        files.set("withheld", "true")
        _add(files, "Note", filed.withheld)
    for file in filed.files:
        entry = _add(files, "ComputerFile")
        entry.set("role", file.role)
        _add(entry, "Name", file.name)
        _add(entry, "Format", file.content_type)
        _add(entry, "Size", file.size)
        _add(entry, "Sha256", file.sha256)
        if paths is not None:
            _add(entry, "Path", paths.get((filed.ordinal, file.position), ""))
    return element


def write_case_file_xml(
    case_file: CaseFile,
    out: IO[bytes],
    *,
    documents: Sequence[FiledDocument] | None = None,
    paths: Mapping[tuple[int, int], str] | None = None,
) -> int:
    """Write the file's XML into `out`, one element at a time; returns the documents'
    count. `paths` (DocOrdinal, file position → path) name the files inside a package."""
    case_file = loaded_case_file(case_file)
    if documents is None:
        documents = filed_documents(case_file)
    exported = timezone.localtime().isoformat(timespec="seconds")
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            "CaseFileExport",
            version=XML_FORMAT_VERSION,
            generator="govdoc",
            exported=exported,
        ):
            xf.write("\n")
            with xf.element("CaseFile", code=case_file.code):
                xf.write("\n")
                for element in case_file_metadata(case_file):
                    xf.write(element, pretty_print=True)
                with xf.element("Documents", count=str(len(documents))):
                    xf.write("\n")
                    for filed in documents:
                        xf.write(document_element(case_file, filed, paths=paths), pretty_print=True)
                xf.write("\n")
            xf.write("\n")
    out.write(b"\n")
    return len(documents)


# -- "Mục lục văn bản" and "Mục lục hồ sơ" as PDF and Excel -----------------------------------


@dataclass(frozen=True)
class FileRow:
    ordinal: int
    code: str
    title: str
    span: str
    retention: str
    pages: int
    note: str

    def values(self) -> tuple[int | str, ...]:
        return (
            self.ordinal,
            self.code,
            self.title,
            self.span,
            self.retention,
            self.pages,
            self.note,
        )


@dataclass(frozen=True)
class IndexSheet:
    """One printed index: its heading, columns and rows."""

    parent_name: str
    agency_name: str
    title: str
    subtitle: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[Any, ...]
    closing: str
    widths: tuple[int, ...]
    column_widths: tuple[int, ...]  # percent, for the PDF
    centered: tuple[int, ...]  # columns (from 1) centred


def file_items_sheet(case_file: CaseFile) -> IndexSheet:
    case_file = loaded_case_file(case_file)
    documents = filed_documents(case_file)
    agency = case_file.agency
    span = " – ".join(
        x for x in (_vn_date(case_file.start_date), _vn_date(case_file.end_date)) if x
    )
    return IndexSheet(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        agency_name=agency.name,
        title="MỤC LỤC VĂN BẢN",
        subtitle=(
            f"Hồ sơ số {case_file.code}: {case_file.title}",
            f"Thời gian: {span or 'chưa xác định'} · Thời hạn bảo quản: {case_file.retention}",
        ),
        columns=ITEM_COLUMNS,
        rows=tuple(item_rows(documents)),
        closing=f"Hồ sơ gồm {counted(len(documents))} văn bản, "
        f"{counted(case_file.page_total)} trang.",
        widths=(6, 18, 12, 44, 24, 10, 20),
        column_widths=ITEM_WIDTHS,
        centered=ITEM_CENTERED,
    )


def file_index_sheet(
    files: QuerySet[CaseFile], *, agency: Agency | None, filters: Sequence[str] = ()
) -> IndexSheet:
    listed = list(files.order_by("-year", "notation", "pk")[: MAX_INDEX_FILES + 1])
    cut = len(listed) > MAX_INDEX_FILES
    listed = listed[:MAX_INDEX_FILES]
    rows = tuple(
        FileRow(
            ordinal=index,
            code=item.code,
            title=item.title,
            span=" – ".join(x for x in (_vn_date(item.start_date), _vn_date(item.end_date)) if x),
            retention=item.retention,
            pages=item.page_total,
            note=item.description,
        )
        for index, item in enumerate(listed, start=1)
    )
    closing = f"Mục lục này có {counted(len(rows))} hồ sơ."
    if cut:
        closing += f" Chỉ in {MAX_INDEX_FILES} hồ sơ đầu tiên: vui lòng lọc theo năm, trạng thái."
    return IndexSheet(
        parent_name=agency.parent.name if agency and agency.parent_id and agency.parent else "",
        agency_name=agency.name if agency is not None else "",
        title="MỤC LỤC HỒ SƠ",
        subtitle=tuple(filters),
        columns=FILE_COLUMNS,
        rows=rows,
        closing=closing,
        widths=(6, 28, 50, 24, 14, 10, 24),
        column_widths=(6, 20, 32, 14, 10, 7, 11),
        centered=(1, 4, 5, 6),
    )


def index_pdf(sheet: IndexSheet) -> bytes:
    return _render_pdf("records/export_index.html", {"sheet": sheet})


def index_xlsx(sheet: IndexSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet.title.capitalize()[:31]
    width = len(sheet.columns)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")

    def font(size: int = 12, **style: Any) -> Font:
        return Font(name=FONT_NAME, size=size, **style)

    def line(row: int, text: str, *, size: int = 12, bold: bool = True) -> None:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = font(size, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    row = 1
    if sheet.parent_name:
        line(row, sheet.parent_name.upper(), bold=False)
        row += 1
    if sheet.agency_name:
        line(row, sheet.agency_name.upper())
        row += 1
    row += 1
    line(row, sheet.title, size=14)
    row += 1
    for text in sheet.subtitle:
        line(row, text, bold=False)
        row += 1
    row += 1
    header = row
    for column, text in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
        number = ws.cell(row=row + 1, column=column, value=f"({column})")
        number.font = font(10, italic=True)
        number.alignment = Alignment(horizontal="center")
        number.border = border
    ws.row_dimensions[row].height = 32
    row += 2
    for item in sheet.rows:
        for column, value in enumerate(item.values(), start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = font()
            cell.border = border
            cell.alignment = center if column in {1, 3, 5, 6} else wrap
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=sheet.closing).font = font()
    for index, size in enumerate(sheet.widths):
        ws.column_dimensions[chr(ord("A") + index)].width = size
    ws.freeze_panes = f"A{header + 2}"
    ws.print_title_rows = f"{header}:{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "Trang &P/&N"
        footer.center.font = FONT_NAME
    workbook.properties.title = sheet.title
    workbook.properties.creator = "govdoc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the exports as downloads, journaled ------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A finished export: its name and type, and a binary file positioned at its start
    (a temporary file, removed when closed)."""

    name: str
    content_type: str
    stream: IO[bytes]
    size: int


def spool() -> IO[bytes]:
    """A temporary file for an export (on disk, deleted when closed)."""
    return tempfile.TemporaryFile(prefix="govdoc-export-")


def _finished(out: IO[bytes], *, name: str, content_type: str) -> Export:
    size = out.tell()
    out.seek(0)
    return Export(name=name, content_type=content_type, stream=out, size=size)


def _from_bytes(data: bytes, *, name: str, content_type: str) -> Export:
    return Export(name=name, content_type=content_type, stream=io.BytesIO(data), size=len(data))


def journal_export(
    *,
    actor: Any,
    what: str,
    kind: str,
    agency_id: int | None,
    case_file: CaseFile | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """One journal row per download: who took which export of what."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="records.export",
            target=case_file,
            target_type="" if case_file is not None else "records.casefile",
            target_label="" if case_file is not None else "Mục lục hồ sơ",
            agency_id=agency_id,
            data={
                **({"code": case_file.code} if case_file is not None else {}),
                "what": what,
                "format": kind,
                **(data or {}),
            },
        )


def _refuse(kind: str, allowed: Sequence[str]) -> None:
    if kind not in allowed:
        message = f"Định dạng xuất là {' hoặc '.join(allowed)}."
        raise ValidationFailed(message, fields={"format": message})


def _stem(case_file: CaseFile) -> str:
    return f"ho-so-{safe_name(case_file.code)}"


def case_file_export(
    *, case_file: CaseFile, kind: str, actor: Any, data: Mapping[str, Any] | None = None
) -> Export:
    """The whole file as PDF (cover, index, documents) or XML (metadata), journaled."""
    _refuse(kind, ("pdf", "xml"))
    out = spool()
    try:
        if kind == "pdf":
            result = case_file_pdf(case_file, out)
            extra: dict[str, Any] = {"pages": result.pages}
        else:
            extra = {"documents": write_case_file_xml(case_file, out)}
    except BaseException:
        out.close()
        raise
    journal_export(
        actor=actor,
        what="file",
        kind=kind,
        agency_id=case_file.agency_id,
        case_file=case_file,
        data={**extra, **(data or {})},
    )
    return _finished(
        out, name=f"{_stem(case_file)}.{kind}", content_type=PDF_TYPE if kind == "pdf" else XML_TYPE
    )


def file_items_export(
    *, case_file: CaseFile, kind: str, actor: Any, data: Mapping[str, Any] | None = None
) -> Export:
    """ "Mục lục văn bản trong hồ sơ" as PDF or Excel, journaled."""
    _refuse(kind, ("pdf", "xlsx"))
    sheet = file_items_sheet(case_file)
    content = index_pdf(sheet) if kind == "pdf" else index_xlsx(sheet)
    journal_export(
        actor=actor,
        what="items",
        kind=kind,
        agency_id=case_file.agency_id,
        case_file=case_file,
        data=data,
    )
    return _from_bytes(
        content,
        name=f"muc-luc-van-ban-{safe_name(case_file.code)}.{kind}",
        content_type=PDF_TYPE if kind == "pdf" else XLSX_TYPE,
    )


def file_index_export(
    *,
    files: QuerySet[CaseFile],
    agency_id: int | None,
    kind: str,
    actor: Any,
    filters: Mapping[str, str] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Export:
    """ "Mục lục hồ sơ" of the files given (already scoped to the actor and filtered), as PDF
    or Excel, journaled with the filters."""
    _refuse(kind, ("pdf", "xlsx"))
    agency = (
        Agency.objects.select_related("parent").filter(pk=agency_id).first() if agency_id else None
    )
    filters = dict(filters or {})
    lines = [f"{label}: {value}" for label, value in filters.items() if value]
    sheet = file_index_sheet(files, agency=agency, filters=(" · ".join(lines),) if lines else ())
    content = index_pdf(sheet) if kind == "pdf" else index_xlsx(sheet)
    journal_export(
        actor=actor,
        what="index",
        kind=kind,
        agency_id=agency_id,
        data={"filters": filters, "files": len(sheet.rows), **(data or {})},
    )
    return _from_bytes(
        content,
        name=f"muc-luc-ho-so.{kind}",
        content_type=PDF_TYPE if kind == "pdf" else XLSX_TYPE,
    )
