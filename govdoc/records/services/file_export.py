"""Exports of work files (NĐ 30 Phụ lục VI F4.g; Phụ lục V):

- a whole file as one PDF: a cover, the index of its documents ("Mục lục văn bản"), then
  every document's files in DocOrdinal (date) order, each page numbered "Trang n/N" in its
  footer. The PDF is written object by object to a file (`file_export_pdf.PdfSink`): the
  objects of one source document at most are in memory at a time, however large the file
  is; the cover and the index are laid out once (WeasyPrint), their page numbers drawn in
  afterwards. A file that is not a PDF is converted to one on the way, one file at a time
  (`file_export_convert`: office documents through LibreOffice, images through Pillow), and
  its pages are numbered and indexed like the others; a file that cannot be converted or
  read (and a ZIP archive) is represented by a page naming it and saying why;
- the same file as XML: the file's metadata and every document's (DOMAIN §3.4; the format is
  in docs/records-export.md), written element by element;
- "Mục lục văn bản trong hồ sơ" (one file's index) and "Mục lục hồ sơ" (the index of the
  files one may see) as PDF and Excel.

The files of an incoming document that its sender revoked or that was annulled are never
included (`govdoc.incoming.access.files_available`); its metadata stays, with a note.
Every export is journaled (`records.export`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from lxml import etree
from pypdf import PdfReader

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
from govdoc.records.services.file_export_convert import Conversions
from govdoc.records.services.file_export_pdf import (
    Label,
    PdfSink,
    helvetica_width,
    labels_content,
    open_pdf,
    release,
)
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
UNREADABLE_PDF = "Tệp PDF không đọc được (hỏng hoặc có mật khẩu)."
ORIGINAL_ELSEWHERE = "Tệp gốc có trong bản xuất XML và gói lưu trữ."
NOT_CONVERTIBLE = "{What} không chuyển sang PDF: " + ORIGINAL_ELSEWHERE
NOT_CONVERTED = "Không chuyển được {what} sang PDF: {error} " + ORIGINAL_ELSEWHERE
CONVERTED_UNREADABLE = "Bản PDF chuyển từ {what} không đọc được. " + ORIGINAL_ELSEWHERE
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

    @property
    def what(self) -> str:
        """The file named by its kind inside a sentence: "tệp Word (DOCX)", "ảnh PNG",
        "tệp nén ZIP" (labels that already say "Tệp"/"Ảnh" are not prefixed again)."""
        label = self.kind_label
        if label.startswith(("Tệp ", "Ảnh ")):
            return label[0].lower() + label[1:]
        return f"tệp {label}"


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


def _render_document(template: str, context: Mapping[str, Any]) -> Any:
    """The laid-out WeasyPrint document (its pages, their anchors), not written yet."""
    from weasyprint import HTML

    return HTML(string=render_to_string(template, dict(context))).render()


def _render_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    # Imported on use: WeasyPrint is slow to load (as in the reports).
    from weasyprint import HTML

    html = render_to_string(template, dict(context))
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# -- the whole file as one PDF ----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of pages of the export: a document's PDF file (stored, or converted to
    `converted`), or a page standing for a file (or a document) that cannot be shown."""

    document_index: int
    file: ComputerFile | None
    pages: int
    placeholder: int | None = None  # its page in the placeholders' PDF
    reason: str = ""
    converted: Path | None = None


@dataclass(frozen=True)
class PdfResult:
    pages: int
    front_pages: int
    spans: tuple[tuple[int, int], ...]  # per document: first page, page count


def _page_count(handle: IO[bytes]) -> int | None:
    """The pages of the PDF in `handle` (closed here), or None when it cannot be read."""
    with handle:
        reader = open_pdf(handle)
        if reader is None:
            return None
        count = len(reader.pages)
        release(reader)
        return count


def _segments(
    documents: Sequence[FiledDocument], conversions: Conversions
) -> tuple[list[Segment], list[dict[str, Any]]]:
    """What each document contributes, counted without keeping any file open (a non-PDF
    file is converted here, into `conversions`); the pages to render for what cannot be
    shown."""
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
            what = file.what
            if file.kind == "pdf":
                count = _page_count(stream_stored(file.stored))
                if count is None:
                    stand_in(index, filed, file, UNREADABLE_PDF)
                else:
                    segments.append(Segment(index, file, count))
                continue
            if not conversions.convertible(file.kind):
                stand_in(
                    index, filed, file, NOT_CONVERTIBLE.format(What=what[0].upper() + what[1:])
                )
                continue
            converted = conversions.pdf_of(file.stored)
            if converted.path is None:
                why = NOT_CONVERTED.format(what=what, error=converted.error)
                stand_in(index, filed, file, why)
                continue
            count = _page_count(converted.path.open("rb"))
            if count is None:
                stand_in(index, filed, file, CONVERTED_UNREADABLE.format(what=what))
            else:
                segments.append(Segment(index, file, count, converted=converted.path))
    return segments, placeholders


# The slots of the index's page numbers (their anchors' names), and the numbers' size.
_SLOT = "trang-"
PAGE_NUMBER_SIZE = 9
_HALF_SPACE = 10 * 0.25 / 2 / 0.75  # in CSS pixels
# The width of the "Tờ/Trang số" column's text, in points: its share (ITEM_WIDTHS) of the
# A4 page less the margins of export_style.html (210 − 30 − 15 mm), less the cell's padding.
_PAGES_COLUMN = (210 - 30 - 15) / 25.4 * 72 * ITEM_WIDTHS[5] / 100 - 2 * 1.2 / 25.4 * 72


def _two_lines(first: str, last: str) -> bool:
    return helvetica_width(f"{first}–{last}", PAGE_NUMBER_SIZE) > _PAGES_COLUMN


def _page_slot(index: int, count: int, digits: int) -> str:
    """The empty anchor of document `index`'s pages, and a no-break space for each line its
    numbers will take (two when "first–last" with `digits` digits each is too wide), so that
    the row has the height the numbers need whatever they turn out to be."""
    widest = "9" * digits
    lines = 2 if count > 1 and _two_lines(widest, widest) else 1
    spaces = mark_safe("&nbsp;<br>" * (lines - 1) + "&nbsp;")  # constant markup
    return format_html('<span id="{}{}"></span>{}', _SLOT, index, spaces)


def _page_labels(anchors: Mapping[str, Any], spans: Sequence[tuple[int, int]]) -> list[Label]:
    """The numbers to draw into the slots on one page of the front."""
    labels: list[Label] = []
    for name, box in anchors.items():
        if not name.startswith(_SLOT):
            continue
        first, count = spans[int(name[len(_SLOT) :])]
        if count <= 0:
            continue
        last = first + count - 1
        if count == 1:
            lines: tuple[str, ...] = (str(first),)
        elif _two_lines(str(first), str(last)):
            lines = (f"{first}–", str(last))
        else:
            lines = (f"{first}–{last}",)
        left, top, _right, bottom = box
        # The slot's anchor is where its line's no-break space starts: the centre is half
        # a space to the right (Liberation Serif's space is a quarter of its 10pt em).
        labels.append(Label(x=left + _HALF_SPACE, top=top, bottom=bottom, lines=lines))
    return labels


def _spans(front_pages: int, body_pages: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Where each document sits after the front: its first page and its page count."""
    spans: list[tuple[int, int]] = []
    first = front_pages + 1
    for count in body_pages:
        spans.append((first, count))
        first += count
    return tuple(spans)


def _front(
    case_file: CaseFile, documents: Sequence[FiledDocument], body_pages: Sequence[int]
) -> tuple[PdfReader, dict[int, bytes]]:
    """The cover and the index, rendered once, and per page of them the page numbers to
    draw over it.

    The index says on which page each document starts, which depends on how many pages the
    cover and the index take. So the front is laid out with an empty slot (an anchor) in
    each row's "Tờ/Trang số" cell, holding as many lines as its numbers will take; once its
    length is known, the numbers are drawn into the slots. (WeasyPrint's layout is dropped
    on return: it is not kept while the documents are copied.)"""
    reserve = len(str(2 + 2 * len(documents) + sum(body_pages)))
    document = _render_document(
        "records/export_file.html",
        {
            "cover": cover_of(case_file),
            "columns": ITEM_COLUMNS,
            "column_widths": ITEM_WIDTHS,
            "centered": ITEM_CENTERED,
            "rows": [
                dataclasses.replace(row, pages=_page_slot(index, body_pages[index], reserve))
                for index, row in enumerate(item_rows(documents))
            ],
        },
    )
    spans = _spans(len(document.pages), body_pages)
    overlays = {
        number: labels_content(labels, page_height=page.height, size=PAGE_NUMBER_SIZE)
        for number, page in enumerate(document.pages)
        if (labels := _page_labels(page.anchors, spans))
    }
    return PdfReader(io.BytesIO(document.write_pdf())), overlays


def case_file_pdf(case_file: CaseFile, out: IO[bytes]) -> PdfResult:
    """Write the whole file as one PDF into `out` (a binary file open for writing). The
    PDFs converted from its other files live until the end, also on error."""
    case_file = loaded_case_file(case_file)
    documents = filed_documents(case_file)
    with Conversions() as conversions:
        return _write_pdf(case_file, documents, conversions, out)


def _write_pdf(
    case_file: CaseFile,
    documents: Sequence[FiledDocument],
    conversions: Conversions,
    out: IO[bytes],
) -> PdfResult:
    segments, placeholders = _segments(documents, conversions)
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
    front, overlays = _front(case_file, documents, body_pages)
    front_pages = len(front.pages)
    spans = _spans(front_pages, body_pages)
    total = front_pages + sum(body_pages)
    sink = PdfSink(out, total_pages=total)
    sink.add_pages(front, range(front_pages), {}, overlays=overlays)
    stand_in_mapping: dict[tuple[int, int], int] = {}
    for segment in segments:
        if segment.placeholder is not None:
            assert stand_ins is not None
            sink.add_pages(stand_ins, [segment.placeholder], stand_in_mapping)
            continue
        assert segment.file is not None
        source = segment.converted
        with source.open("rb") if source else stream_stored(segment.file.stored) as handle:
            reader = open_pdf(handle)
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
