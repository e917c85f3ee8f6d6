"""The whole-file PDF export with files that are not PDFs: a real DOCX, a spreadsheet and an
image come out as their own pages, in order, numbered and indexed with the rest; what
cannot be converted (damaged, timed out, an archive) keeps a page saying why; each file is
converted once per export and nothing converted is left on disk, also when the export
fails. The image conversion itself (frames, page sizes, transparency) is checked directly.

Tests that run LibreOffice are skipped where it is not installed."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document as WordDocument
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader

from govdoc.conftest import make_pdf
from govdoc.documents.models import DocumentType
from govdoc.documents.sniffing import DOCX, ODT, PNG, TIFF, XLSX, ZIP
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.drafting.pdf_convert import (
    ConversionError,
    check_office_file,
    find_soffice,
    soffice_available,
)
from govdoc.records.services import file_export, file_export_convert
from govdoc.records.services.file_export import case_file_pdf
from govdoc.records.services.file_export_convert import (
    IMAGE_DAMAGED,
    Conversions,
    image_to_pdf,
)
from govdoc.records.services.files import (
    FileInput,
    Retention,
    case_file_add_documents,
    case_file_open,
)
from govdoc.records.tests.file_helpers import handled
from govdoc.records.tests.test_file_export import (
    Scenario,
    attach,
    build_file,
    exported,
    read_pdf,
    within,
)

pytestmark = pytest.mark.django_db

needs_soffice = pytest.mark.skipif(not soffice_available(), reason="LibreOffice không có")


def calc_available() -> bool:
    """Whether LibreOffice has its spreadsheet module (Debian: libreoffice-calc-nogui)."""
    soffice = find_soffice()
    return soffice is not None and (Path(soffice).resolve().parent / "libsclo.so").exists()


needs_calc = pytest.mark.skipif(not calc_available(), reason="LibreOffice Calc không có")

DOCX_PAGE_1 = "Bảng giá đất ở đô thị năm 2026"
DOCX_PAGE_2 = "Phụ lục hai: đất nông nghiệp"
SHEET_TEXT = "Giá đất thương mại dịch vụ"
ODT_TEXT = "Biên bản họp hội đồng định giá đất"


def real_docx() -> bytes:
    """A two-page DOCX as Word writes it (python-docx), with Vietnamese text."""
    document = WordDocument()
    document.add_paragraph(DOCX_PAGE_1)
    document.add_paragraph(DOCX_PAGE_2).paragraph_format.page_break_before = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def real_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = SHEET_TEXT
    sheet["B1"] = 125000
    sheet.column_dimensions["A"].width = 40  # the whole text printed, not cut at the cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def real_odt() -> bytes:
    """A one-paragraph OpenDocument text, its parts written by hand."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            zipfile.ZipInfo("mimetype"), ODT.content_type, compress_type=zipfile.ZIP_STORED
        )
        package.writestr(
            "META-INF/manifest.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{manifest}"'
            ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
            f' manifest:media-type="{ODT.content_type}"/><manifest:file-entry'
            ' manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        package.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
            f'"{office}" xmlns:text="{text}" office:version="1.2"><office:body><office:text>'
            f"<text:p>{ODT_TEXT}</text:p></office:text></office:body></office:document-content>",
        )
    return buffer.getvalue()


def real_png(size: tuple[int, int] = (600, 400), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def image_sizes(page: Any) -> list[tuple[int, int]]:
    """The pixel sizes of the images drawn on a page."""
    objects = page["/Resources"].get("/XObject") or {}
    return [
        (int(xobject["/Width"]), int(xobject["/Height"]))
        for xobject in (ref.get_object() for ref in objects.values())
        if xobject.get("/Subtype") == "/Image"
    ]


@pytest.fixture
def scenario(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Scenario:
    return build_file(personas, ministry, doc_type)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary files and directories go here, to check that none is left behind."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    yield directory


@pytest.fixture
def fake_office(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """LibreOffice replaced by a converter that writes a one-page PDF: the sources it got."""
    calls: list[Path] = []

    def convert(source: Path, target: Path, **_options: Any) -> None:
        calls.append(source)
        target.write_bytes(make_pdf("Ban chuyen doi"))

    monkeypatch.setattr(file_export_convert, "office_to_pdf", convert)
    return calls


@needs_soffice
def test_a_docx_an_image_and_an_odt_come_out_as_their_pages(
    scenario: Scenario, personas: dict[str, User], private_tmp: Path
) -> None:
    # given the first document's main PDF followed by a real two-page DOCX, a PNG scan and
    # an OpenDocument text (the third document keeps its damaged DOCX)
    first = scenario.incoming[0]
    clerk = personas["clerk"]
    attach(first, real_docx(), "bang-gia.docx", DOCX, clerk)
    attach(first, real_png((1240, 1754)), "ban-chup.png", PNG, clerk)
    attach(first, real_odt(), "bien-ban.odt", ODT, clerk)
    # when the file is exported as one PDF
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    # then the first document brings 1 + 2 + 1 + 1 pages, in order, the others as before
    total = 2 + 5 + 3 + 2
    assert len(reader.pages) == total
    assert "Van ban thu nghiem" in pages[2]
    assert within(DOCX_PAGE_1, pages[3]) and DOCX_PAGE_2 not in pages[3]
    assert within(DOCX_PAGE_2, pages[4])
    assert image_sizes(reader.pages[5]) == [(1240, 1754)]
    assert within(ODT_TEXT, pages[6])
    assert "Van ban thu nghiem" in pages[7]
    # every page numbered, the converted ones included, and the index counts them
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text
    assert "3–7" in pages[1] and "8–10" in pages[1] and "11–12" in pages[1]
    # the damaged DOCX still has its page, saying why
    assert "bang-gia-dat.docx" in pages[11]
    assert within("Không chuyển được tệp Word (DOCX) sang PDF", pages[11])
    # and nothing converted is left on disk
    assert list(private_tmp.iterdir()) == []


@needs_calc
def test_a_spreadsheet_comes_out_as_its_pages(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given a spreadsheet under the first document
    attach(scenario.incoming[0], real_xlsx(), "bang-tinh.xlsx", XLSX, personas["clerk"])
    # when exported, then its sheet is a page after the main file
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    assert len(reader.pages) == 9
    assert within(SHEET_TEXT, pages[3]) and "Trang 4/9" in pages[3]


def test_office_files_are_checked_before_libreoffice(tmp_path: Path) -> None:
    # sound packages of each kind pass
    for kind, data in (("docx", real_docx()), ("xlsx", real_xlsx()), ("odt", real_odt())):
        path = tmp_path / f"tep.{kind}"
        path.write_bytes(data)
        check_office_file(path, kind=kind)
    # a package of another kind, a damaged one, a DOC without its signature are refused
    cases = (
        ("xlsx", real_docx(), "Tệp không phải bảng tính Excel (XLSX) hợp lệ."),
        ("odt", b"PK\x03\x04 hong", "Tệp không phải văn bản OpenDocument (ODT) hợp lệ."),
        ("doc", b"Day khong phai DOC", "Tệp không phải văn bản Word 97-2003 (DOC) hợp lệ."),
        ("docx", b"", "Tệp văn bản rỗng."),
    )
    for kind, data, message in cases:
        path = tmp_path / f"hong.{kind}"
        path.write_bytes(data)
        with pytest.raises(ConversionError) as caught:
            check_office_file(path, kind=kind)
        assert caught.value.message == message


def test_a_damaged_docx_keeps_a_page_saying_why(
    scenario: Scenario, personas: dict[str, User]
) -> None:
    # given the third document's DOCX, a ZIP with no Word document in it
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    # then its place is one page naming the file, its format and the reason
    assert len(reader.pages) == 8
    assert "bang-gia-dat.docx" in pages[7] and "Word (DOCX)" in pages[7]
    assert within(
        "Không chuyển được tệp Word (DOCX) sang PDF: "
        "Tệp không phải văn bản Word (DOCX) hợp lệ. "
        "Tệp gốc có trong bản xuất XML và gói lưu trữ.",
        pages[7],
    )
    assert "Trang 8/8" in pages[7]


def test_each_file_is_converted_once_and_removed_afterwards(
    scenario: Scenario, personas: dict[str, User], private_tmp: Path, fake_office: list[Path]
) -> None:
    # given the same DOCX under the first and the second document, and an archive
    data = real_docx()
    attach(scenario.incoming[0], data, "bang-gia.docx", DOCX, personas["clerk"])
    attach(scenario.incoming[1], data, "ban-sao.docx", DOCX, personas["clerk"])
    attach(scenario.incoming[1], b"PK\x05\x06" + b"\x00" * 18, "goi.zip", ZIP, personas["clerk"])
    # when exported
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    # then it was converted once, and its pages stand in both places
    assert len(fake_office) == 1 and fake_office[0].suffix == ".docx"
    assert len(reader.pages) == 2 + 2 + 5 + 2
    assert "Ban chuyen doi" in pages[3]
    assert "Ban chuyen doi" in pages[7]
    # the archive has a page saying it is not converted
    assert "goi.zip" in pages[8] and within("Tệp nén ZIP không chuyển sang PDF", pages[8])
    # and the converted PDF is gone
    assert list(private_tmp.iterdir()) == []


def test_conversions_are_removed_when_the_export_fails(
    scenario: Scenario,
    private_tmp: Path,
    fake_office: list[Path],
    personas: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a DOCX to convert, and the front failing after the conversion
    attach(scenario.incoming[0], real_docx(), "bang-gia.docx", DOCX, personas["clerk"])

    def broken(*_args: Any) -> Any:
        raise RuntimeError("front failed")

    monkeypatch.setattr(file_export, "_front", broken)
    # when exported, then the error goes through and no converted file is left
    with pytest.raises(RuntimeError, match="front failed"):
        case_file_pdf(scenario.case_file, io.BytesIO())
    assert len(fake_office) == 1
    assert list(private_tmp.iterdir()) == []


def test_a_conversion_that_hangs_is_stopped_and_explained(
    scenario: Scenario,
    personas: dict[str, User],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a LibreOffice that never finishes, and a one-second limit
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\nexec sleep 60\n")
    soffice.chmod(0o755)
    monkeypatch.setenv("GOVDOC_SOFFICE", str(soffice))
    monkeypatch.setattr(file_export_convert, "OFFICE_TIMEOUT", 1.0)
    attach(scenario.incoming[0], real_docx(), "bang-gia.docx", DOCX, personas["clerk"])
    # when exported, then the DOCX has a page saying the conversion took too long
    reader, pages = read_pdf(exported(scenario.case_file, "pdf", personas["specialist"]))
    assert len(reader.pages) == 9
    assert "bang-gia.docx" in pages[3]
    assert within("Không chuyển được tệp Word (DOCX) sang PDF", pages[3])
    assert within("quá thời gian cho phép (1 giây)", pages[3])


def test_an_image_only_file(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    # given a file whose only document is a two-frame TIFF scan (A4 portrait, then landscape)
    incoming = handled(personas, ministry, doc_type)
    buffer = io.BytesIO()
    frames = [Image.new("1", (2480, 3508), 1), Image.new("1", (3508, 2480), 0)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    attach(incoming, buffer.getvalue(), "ban-quet.tif", TIFF, personas["clerk"])
    case_file = case_file_open(
        actor=personas["specialist"],
        data=FileInput(title="Hồ sơ ảnh", notation="08.DD", retention=Retention(False, 5)),
    )
    case_file_add_documents(
        case_file=case_file, document_ids=[incoming.document_id], actor=personas["specialist"]
    )
    out = io.BytesIO()
    # when exported
    result = case_file_pdf(case_file, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    # then both frames are pages of A4 size, numbered
    assert result.pages == len(reader.pages) == 2 + 1 + 2
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    assert sizes[3:] == [(595, 842), (842, 595)]
    assert result.spans == ((3, 3),)
    assert "Trang 5/5" in (reader.pages[4].extract_text() or "")


def test_images_become_pages_that_fit_a4(tmp_path: Path) -> None:
    # a photo at 72 dpi, larger than A4, is shrunk to fit (landscape)
    photo = tmp_path / "anh.jpg"
    Image.new("RGB", (4000, 3000), "blue").save(photo, dpi=(72, 72))
    image_to_pdf(photo, tmp_path / "anh.pdf")
    page = PdfReader(tmp_path / "anh.pdf").pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width <= 842.5 and height <= 595.5 and abs(width / height - 4 / 3) < 0.01
    # a small image keeps its printed size; transparency is laid on white
    small = tmp_path / "con-dau.png"
    small.write_bytes(real_png((300, 150), mode="RGBA"))
    image_to_pdf(small, tmp_path / "con-dau.pdf")
    page = PdfReader(tmp_path / "con-dau.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (300, 150)
    assert image_sizes(page) == [(300, 150)]


def test_a_damaged_image_is_refused_in_vietnamese(tmp_path: Path) -> None:
    damaged = tmp_path / "hong.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    with pytest.raises(ConversionError) as caught:
        image_to_pdf(damaged, tmp_path / "hong.pdf")
    assert caught.value.message == IMAGE_DAMAGED


def test_conversions_make_no_directory_until_needed() -> None:
    with Conversions() as conversions:
        assert conversions.directory is None
        assert conversions.convertible("docx") and conversions.convertible("tiff")
        assert not conversions.convertible("zip") and not conversions.convertible("pdf")
