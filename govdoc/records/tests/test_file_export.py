"""A whole work file exported (NĐ 30 Phụ lục VI F4.g): the PDF read back with pypdf (cover,
index, documents in DocOrdinal order, every page numbered, pages = cover + index + the
documents' pages), the XML parsed back element by element, the indexes of one file and of
the files one sees read back (pypdf, openpyxl), withdrawn documents' files left out, and
each export journaled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import pytest
from django.utils.timezone import localtime, now
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_docx, make_pdf, make_png
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import DocumentFile, DocumentType, FileRole
from govdoc.documents.sniffing import DOCX, PDF, PNG
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.models import Agency, User
from govdoc.records.access import visible_case_files
from govdoc.records.models import CaseFile
from govdoc.records.services.file_export import (
    FILE_COLUMNS,
    ITEM_COLUMNS,
    WITHHELD,
    case_file_export,
    case_file_pdf,
    file_index_export,
    file_items_export,
    safe_name,
)
from govdoc.records.services.files import (
    FileInput,
    Retention,
    case_file_add_documents,
    case_file_open,
)
from govdoc.records.tests.file_helpers import handled

pytestmark = pytest.mark.django_db

SUBJECTS = (
    "Về việc giao đất cho dự án khu dân cư Bắc Thăng Long",
    "Về việc thu hồi đất nông nghiệp tại xã Đông Anh",
    "Về việc phê duyệt giá đất cụ thể năm 2026",
)
DATES = (dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 4, 1))


def pdf_pages(*texts: str) -> bytes:
    """A PDF with one page per text."""
    writer = PdfWriter()
    for text in texts:
        writer.add_page(PdfReader(io.BytesIO(make_pdf(text))).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach(incoming: IncomingDocument, data: bytes, name: str, kind: Any, user: User) -> None:
    DocumentFile.objects.create(
        document=incoming.document,
        stored=store_bytes(data=data, kind=kind),
        role=FileRole.ATTACHMENT,
        name=name,
        position=DocumentFile.objects.filter(document=incoming.document).count(),
        added_by=user,
    )


@dataclasses.dataclass
class Scenario:
    case_file: CaseFile
    incoming: list[IncomingDocument]
    # The pages each document brings: its PDF files' pages, one for a file not converted.
    pages: list[int]


def build_file(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Scenario:
    """Three incoming documents the specialist completed, added in the wrong order to their
    file: the second has a two-page PDF appendix, the third a damaged DOCX (a ZIP with no
    Word document in it: it cannot be converted to PDF)."""
    specialist = personas["specialist"]
    documents = [
        handled(personas, ministry, doc_type, subject=s, issued=d, number=str(15 + i))
        for i, (s, d) in enumerate(zip(SUBJECTS, DATES, strict=True))
    ]
    attach(
        documents[1],
        pdf_pages("Phu luc A trang 1", "Phu luc A trang 2"),
        "phu-luc-a.pdf",
        PDF,
        personas["clerk"],
    )
    attach(documents[2], make_docx(), "bang-gia-dat.docx", DOCX, personas["clerk"])
    case_file = case_file_open(
        actor=specialist,
        data=FileInput(
            title="Hồ sơ giao đất, thu hồi đất năm 2026",
            notation="01.DD",
            retention=Retention(permanent=False, years=20),
            description="Hồ sơ mẫu",
        ),
        year=2026,
    )
    case_file_add_documents(
        case_file=case_file,
        document_ids=[d.document_id for d in reversed(documents)],
        actor=specialist,
    )
    case_file.refresh_from_db()
    return Scenario(case_file=case_file, incoming=documents, pages=[1, 3, 2])


@pytest.fixture
def scenario(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Scenario:
    return build_file(personas, ministry, doc_type)


def flat(text: str) -> str:
    return " ".join(text.split())


def within(needle: str, text: str) -> bool:
    """`needle` in `text`, whatever the line breaks and spaces of the extracted text."""
    return "".join(needle.split()) in "".join(text.split())


def read_pdf(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [flat(page.extract_text() or "") for page in reader.pages]


def exported(case_file: CaseFile, kind: str, actor: User) -> bytes:
    export = case_file_export(case_file=case_file, kind=kind, actor=actor)
    with export.stream:
        data = export.stream.read()
    assert len(data) == export.size
    return data


def test_the_whole_file_as_one_pdf(scenario: Scenario, personas: dict[str, User]) -> None:
    # given a file of three documents
    case_file = scenario.case_file
    assert case_file.doc_total == 3
    # when the specialist exports it as PDF
    data = exported(case_file, "pdf", personas["specialist"])
    reader, pages = read_pdf(data)
    # then it is cover + index + every document's pages
    assert len(reader.pages) == 2 + sum(scenario.pages) == 8
    # and every page is numbered n/N in its footer
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/8" in text
    # the cover names the agency, the code, the title, the time span, the retention, the
    # counts and the owner
    cover = pages[0]
    for expected in (
        "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        "HỒ SƠ",
        case_file.code,
        "Hồ sơ giao đất, thu hồi đất năm 2026",
        "Từ ngày 02/03/2026 đến ngày 01/04/2026",
        "20 năm",
        f"{case_file.doc_total} văn bản, {case_file.page_total} trang",
        "Phạm Thị Chuyên",
    ):
        assert expected in cover, expected
    # the index has the columns of Phụ lục V and one row per document, in date order, with
    # the pages where each one sits in this PDF
    index = pages[1]
    assert "MỤC LỤC VĂN BẢN" in index
    for column in ITEM_COLUMNS:
        assert within(column, index), column
    positions = [index.find(subject) for subject in SUBJECTS]
    assert -1 not in positions and positions == sorted(positions)
    assert within("15/QĐ-STNMT", index) and "02/03/2026" in index
    assert within("Sở Tài nguyên và Môi trường Hà Nội", index)
    assert "4–6" in index and "7–8" in index
    # then the documents in DocOrdinal order: the first (1 page), the second with its
    # two-page appendix, the third with a page standing for its damaged DOCX file
    assert "Van ban thu nghiem" in pages[2]
    assert "Van ban thu nghiem" in pages[3]
    assert "Phu luc A trang 1" in pages[4] and "Phu luc A trang 2" in pages[5]
    assert "Van ban thu nghiem" in pages[6]
    assert "bang-gia-dat.docx" in pages[7] and "Word (DOCX)" in pages[7]
    # and the export is journaled
    event = AuditEvent.objects.get(action="records.export")
    assert event.target_id == str(case_file.pk)
    assert event.data["what"] == "file" and event.data["format"] == "pdf"
    assert event.data["pages"] == 8


def test_pdf_pages_keep_their_size_and_rotation(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given a landscape, rotated scan added to the first document
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    writer.add_blank_page(width=595, height=842).rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    attach(scenario.incoming[0], buffer.getvalue(), "ban-quet.pdf", PDF, personas["clerk"])
    out = io.BytesIO()
    # when exported
    result = case_file_pdf(scenario.case_file, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    # then the pages keep their boxes and rotation and are numbered as well
    assert result.pages == len(reader.pages) == 10
    landscape, rotated = reader.pages[3], reader.pages[4]
    assert (float(landscape.mediabox.width), float(landscape.mediabox.height)) == (842, 595)
    assert rotated.rotation == 90
    assert "Trang 4/10" in (landscape.extract_text() or "")
    assert "Trang 5/10" in flat(rotated.extract_text() or "")


def test_page_numbers_past_99_are_drawn_in_their_rows_of_the_index(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given a 120-page scan added to the first document: the others then start past page 100
    writer = PdfWriter()
    for _ in range(120):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    attach(scenario.incoming[0], buffer.getvalue(), "ban-quet.pdf", PDF, personas["clerk"])
    out = io.BytesIO()
    # when exported
    result = case_file_pdf(scenario.case_file, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    # then the front is still cover + one page of index, and the index gives each document's
    # pages in this PDF ("124–126" on two lines: it does not fit the column on one line, as
    # "3–123" does)
    assert result.front_pages == 2 and result.pages == len(reader.pages) == 2 + 121 + 3 + 2
    assert result.spans == ((3, 121), (124, 3), (127, 2))
    placed: list[tuple[str, float]] = []

    def seen(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            placed.append((text.strip(), cm[5] + tm[5] * cm[3]))

    reader.pages[1].extract_text(visitor_text=seen)
    texts = [text for text, _y in placed]
    for line in ("3–123", "124–", "126", "127–", "128"):
        assert line in texts, (line, texts)
    # and each number sits on its row's first line, next to the row's ordinal, the second
    # line below the first
    y = dict(placed)
    ordinals = [y_ for text, y_ in placed if text.split()[0] in {"1", "2", "3"}]
    for first, ordinal in zip(("3–123", "124–", "127–"), ordinals, strict=True):
        assert abs(y[first] - ordinal) < 1.5
    assert y["124–"] - 15 < y["126"] < y["124–"] - 8
    assert "Trang 128/128" in (reader.pages[-1].extract_text() or "")


def test_withdrawn_and_annulled_documents_files_are_never_included(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given the sender revoked the second document and the third was annulled
    second, third = scenario.incoming[1], scenario.incoming[2]
    IncomingDocument.objects.filter(pk=second.pk).update(
        status=IncomingStatus.WITHDRAWN, withdrawal_reason="Nơi gửi thu hồi", withdrawn_at=now()
    )
    IncomingDocument.objects.filter(pk=third.pk).update(status=IncomingStatus.ANNULLED)
    # when the file is exported
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    # then their files are left out, a page says why
    text = " ".join(pages)
    assert "Phu luc A" not in text and "bang-gia-dat.docx" not in text
    assert len(reader.pages) == 2 + 1 + 1 + 1
    assert within(WITHHELD[IncomingStatus.WITHDRAWN], pages[3])
    assert within(WITHHELD[IncomingStatus.ANNULLED], pages[4])
    # and the XML lists no file of theirs
    root = etree.fromstring(exported(scenario.case_file, "xml", personas["specialist"]))
    documents = root.findall("CaseFile/Documents/Document")
    assert [len(d.findall("ComputerFiles/ComputerFile")) for d in documents] == [1, 0, 0]
    assert documents[1].find("ComputerFiles").get("withheld") == "true"


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


def test_the_whole_file_as_xml(scenario: Scenario, personas: dict[str, User]) -> None:
    case_file = scenario.case_file
    # when exported as XML
    root = etree.fromstring(exported(case_file, "xml", personas["specialist"]))
    # then the file's metadata, element by element (DOMAIN §3.4)
    assert root.tag == "CaseFileExport" and root.get("version") == "1.0"
    file = root.find("CaseFile")
    assert file is not None and file.get("code") == case_file.code
    assert _text(file, "FileCode/OrganId") == "000.00.00.G12"
    assert _text(file, "FileCode/FileCatalog") == "2026"
    assert _text(file, "FileCode/FileNotation") == "01.DD"
    expected = {
        "Title": "Hồ sơ giao đất, thu hồi đất năm 2026",
        "Maintenance": "20 năm",
        "Rights": "Hạn chế",
        "Creator": "Phạm Thị Chuyên",
        "Language": "Tiếng Việt",
        "StartDate": "2026-03-02",
        "EndDate": "2026-04-01",
        "DocTotal": "3",
        "PageTotal": str(case_file.page_total),
        "Description": "Hồ sơ mẫu",
    }
    for tag, value in expected.items():
        assert _text(file, tag) == value, tag
    # and every document's, in DocOrdinal order
    documents = file.findall("Documents/Document")
    assert file.find("Documents").get("count") == "3"
    assert [_text(d, "DocOrdinal") for d in documents] == ["1", "2", "3"]
    assert [_text(d, "Subject") for d in documents] == list(SUBJECTS)
    first = documents[0]
    incoming = IncomingDocument.objects.get(pk=scenario.incoming[0].pk)
    assert first.get("kind") == "incoming"
    values = {
        "FileCode/OrganId": "000.00.00.G12",
        "FileCode/FileCatalog": "2026",
        "FileCode/FileNotation": "01.DD",
        "TypeName": "Quyết định (cá biệt)",
        "CodeNumber": "15",
        "CodeNotation": "QĐ-STNMT",
        "IssuedDate": "2026-03-02",
        "OrganName": "Sở Tài nguyên và Môi trường Hà Nội",
        "Language": "Tiếng Việt",
        "PageAmount": "1",
        "Description": "",
        "SignerInfo/Position": "Giám đốc",
        "SignerInfo/FullName": "Nguyễn Văn A",
        "Priority": "0",
        "DueDate": "",
        "ArrivalNumber": str(incoming.arrival_number),
        "ArrivalDate": _local_date(incoming.arrival_date),
        "ToPlaces": incoming.to_places,
    }
    for path, value in values.items():
        assert _text(first, path) == value, path
    # with its computer files: the main file, then attachments
    second_files = documents[1].findall("ComputerFiles/ComputerFile")
    assert [f.get("role") for f in second_files] == ["MAIN", "ATTACHMENT"]
    assert _text(second_files[1], "Name") == "phu-luc-a.pdf"
    assert _text(second_files[1], "Format") == "application/pdf"
    stored = DocumentFile.objects.get(name="phu-luc-a.pdf").stored
    assert _text(second_files[1], "Sha256") == stored.sha256
    assert _text(second_files[1], "Size") == str(stored.size)
    assert second_files[1].find("Path") is None
    # and the export is journaled
    assert AuditEvent.objects.get(action="records.export").data["format"] == "xml"


def _local_date(moment: dt.datetime) -> str:
    return localtime(moment).date().isoformat()


def test_the_index_of_one_file_as_pdf_and_excel(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    case_file = scenario.case_file
    # when "Mục lục văn bản trong hồ sơ" is printed
    export = file_items_export(case_file=case_file, kind="pdf", actor=personas["specialist"])
    _reader, pages = read_pdf(export.stream.read())
    text = " ".join(pages)
    # then the columns and the documents in order, with their pages counted from 1
    assert "MỤC LỤC VĂN BẢN" in text and case_file.code in text
    for column in ITEM_COLUMNS:
        assert within(column, text), column
    positions = [text.find(subject) for subject in SUBJECTS]
    assert -1 not in positions and positions == sorted(positions)
    assert "Trang 1/1" in text
    assert "Hồ sơ gồm 03 (ba) văn bản" in text
    # and as a workbook
    export = file_items_export(case_file=case_file, kind="xlsx", actor=personas["specialist"])
    sheet = load_workbook(io.BytesIO(export.stream.read())).active
    assert sheet is not None
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header] == ITEM_COLUMNS
    body = rows[header + 2 : header + 5]
    assert [row[0] for row in body] == [1, 2, 3]
    assert [row[1] for row in body] == ["15/QĐ-STNMT", "16/QĐ-STNMT", "17/QĐ-STNMT"]
    assert [row[2] for row in body] == ["02/03/2026", "09/03/2026", "01/04/2026"]
    assert body[0][3] == f"Quyết định (cá biệt): {SUBJECTS[0]}"
    assert body[0][4] == "Sở Tài nguyên và Môi trường Hà Nội"
    assert [row[5] for row in body] == ["1", "2", "3"]
    assert "Văn bản đến số" in str(body[0][6])
    events = AuditEvent.objects.filter(action="records.export").order_by("pk")
    assert [(e.data["what"], e.data["format"]) for e in events] == [
        ("items", "pdf"),
        ("items", "xlsx"),
    ]


def test_the_index_of_files_as_pdf_and_excel(scenario: Scenario, personas: dict[str, User]) -> None:
    # given a second file of another year
    other = case_file_open(
        actor=personas["specialist"],
        data=FileInput(
            title="Hồ sơ thanh tra đất đai",
            notation="02.DD",
            retention=Retention(permanent=True),
        ),
        year=2025,
    )
    files = visible_case_files(personas["specialist"], personas["specialist"].agency_id)
    # when the index of the files one sees is printed
    export = file_index_export(
        files=files,
        agency_id=personas["specialist"].agency_id,
        kind="pdf",
        actor=personas["specialist"],
    )
    _reader, pages = read_pdf(export.stream.read())
    text = " ".join(pages)
    assert "MỤC LỤC HỒ SƠ" in text and "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in text
    for column in FILE_COLUMNS:
        assert within(column, text), column
    assert scenario.case_file.code in text and other.code in text
    assert "02/03/2026 – 01/04/2026" in text and "Vĩnh viễn" in text
    assert "Mục lục này có 02 (hai) hồ sơ." in text
    # and filtered by year, as a workbook
    export = file_index_export(
        files=files.filter(year=2026),
        agency_id=personas["specialist"].agency_id,
        kind="xlsx",
        actor=personas["specialist"],
        filters={"Năm": "2026"},
    )
    sheet = load_workbook(io.BytesIO(export.stream.read())).active
    assert sheet is not None
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert "Năm: 2026" in [row[0] for row in rows]
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header] == FILE_COLUMNS
    assert rows[header + 2] == (
        1,
        scenario.case_file.code,
        "Hồ sơ giao đất, thu hồi đất năm 2026",
        "02/03/2026 – 01/04/2026",
        "20 năm",
        scenario.case_file.page_total,
        "Hồ sơ mẫu",
    )
    assert rows[header + 3][0] is None
    event = AuditEvent.objects.filter(action="records.export").order_by("-pk").first()
    assert event is not None and event.data["filters"] == {"Năm": "2026"}
    assert event.data["files"] == 1


def test_an_unknown_format_is_refused_and_not_journaled(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        case_file_export(case_file=scenario.case_file, kind="docx", actor=personas["specialist"])
    assert "format" in refused.value.fields
    assert not AuditEvent.objects.filter(action="records.export").exists()


def test_a_file_without_documents_and_an_image(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    # given an empty file: cover and index only
    empty = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ trống", notation="09.DD", retention=Retention(False, 5)),
    )
    reader, pages = read_pdf(exported(empty, "pdf", personas["specialist"]))
    assert len(reader.pages) == 2 and "Hồ sơ chưa có văn bản nào." in pages[1]
    # given a document whose main file is a damaged image: a page names it and says why
    incoming = handled(personas, ministry, doc_type)
    main = DocumentFile.objects.get(document=incoming.document, role=FileRole.MAIN)
    main.stored = store_bytes(data=make_png(), kind=PNG)
    main.name = "anh-chup.png"
    main.save()
    case_file_add_documents(
        case_file=empty, document_ids=[incoming.document_id], actor=personas["specialist"]
    )
    reader, pages = read_pdf(exported(empty, "pdf", personas["specialist"]))
    assert len(reader.pages) == 3
    assert "anh-chup.png" in pages[2] and "Ảnh PNG" in pages[2]
    assert "Không chuyển được ảnh PNG sang PDF: Ảnh hỏng" in pages[2]
    assert main.stored.sha256 in pages[2].replace(" ", "")
    assert open_stored(main.stored) == make_png()


def test_safe_names() -> None:
    assert safe_name("000.00.00.G12.2026.01.ĐĐ") == "000.00.00.G12.2026.01.DD"
    assert safe_name("Quyết định số 15 (bản ký).pdf") == "Quyet-dinh-so-15-ban-ky.pdf"
    assert safe_name("../..") == "tep"
