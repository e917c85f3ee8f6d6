from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from govdoc.outgoing.drafting import pdf_convert
from govdoc.outgoing.drafting.pdf_convert import (
    ConversionError,
    check_docx,
    docx_to_pdf,
    soffice_available,
)
from govdoc.outgoing.drafting.templates import TEMPLATES
from govdoc.outgoing.drafting.tests.samples import SUBJECTS


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary directories of the conversion go here, to check they are removed."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    yield directory


def fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def minimal_docx(text: str) -> bytes:
    """A DOCX made by python-docx's own template: an "uploaded" document, not ours."""
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_converts_with_its_text_and_placeholders(
    code: str, pdf_files: Mapping[str, bytes]
) -> None:
    # given the template's DOCX converted by LibreOffice (once per session, fixture)
    pdf = pdf_files[code]
    reader = PdfReader(io.BytesIO(pdf))
    # then it is an A4 PDF
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # whose text has the national title with its diacritics, the type name and subject
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    if code == "cong_van":
        assert "V/v triển khai phần mềm quản lý văn bản" in text
    else:
        assert TEMPLATES[code].type_name.upper() in text
        assert SUBJECTS[code] in text
    # and the placeholders to fill after signing
    for placeholder in ("[SO]", "[NGAY_BAN_HANH]", "[CHU_KY]"):
        assert placeholder in text
    # and the fonts are Liberation Serif (Times New Roman's stand-in) or Times itself
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts and all("LiberationSerif" in f or "TimesNewRoman" in f for f in fonts)


def test_an_uploaded_docx_converts(private_tmp: Path) -> None:
    # given a DOCX that our renderer did not make
    data = minimal_docx("Dự thảo tải lên: Kế hoạch năm 2026")
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    # when converted, then its text is in the PDF
    pdf = docx_to_pdf(data)
    assert "Dự thảo tải lên: Kế hoạch năm 2026" in pdf_text(pdf)
    # and no temporary directory (profile, input, output) is left behind
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4 not a word document",
        b"PK\x03\x04 broken zip",
        "Chỉ là văn bản thuần".encode(),
    ],
)
def test_what_is_not_a_docx_is_refused_in_vietnamese(data: bytes) -> None:
    # given something that is not a DOCX, when converted, then ConversionError in Vietnamese
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf(data)
    assert caught.value.message in {
        "Tệp văn bản rỗng.",
        "Tệp không phải văn bản Word (DOCX) hợp lệ.",
    }


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    # given an OpenDocument-like or spreadsheet ZIP package
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
    with pytest.raises(ConversionError) as caught:
        check_docx(buffer.getvalue())
    assert caught.value.message == "Tệp không phải văn bản Word (DOCX) hợp lệ."


def test_too_large_is_refused() -> None:
    with pytest.raises(ConversionError) as caught:
        check_docx(minimal_docx("x"), max_bytes=100)
    assert caught.value.message == "Tệp văn bản quá lớn (tối đa 0 MB)."


def test_missing_soffice(tmp_path: Path) -> None:
    # given an soffice path that does not exist
    missing = str(tmp_path / "khong-co" / "soffice")
    # then it is not available, and converting says so in Vietnamese
    assert not soffice_available(missing)
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf(minimal_docx("x"), soffice=missing)
    assert (
        caught.value.message == "Không tìm thấy LibreOffice (soffice) để chuyển văn bản sang PDF."
    )


def test_soffice_failing(tmp_path: Path, private_tmp: Path) -> None:
    # given an soffice that fails (exit status 1, an error printed)
    soffice = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded"\nexit 1\n')
    # when converting, then ConversionError in Vietnamese, with soffice's output as detail
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf(minimal_docx("x"), soffice=soffice)
    assert caught.value.message == "LibreOffice không chuyển được văn bản sang PDF."
    assert "could not be loaded" in caught.value.detail
    assert list(private_tmp.iterdir()) == []


def test_soffice_succeeding_without_output(tmp_path: Path) -> None:
    # given an soffice that exits 0 but writes no PDF (what it does for unreadable files)
    soffice = fake_soffice(tmp_path, "exit 0\n")
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf(minimal_docx("x"), soffice=soffice)
    assert caught.value.message == "LibreOffice không chuyển được văn bản sang PDF."


def test_soffice_hanging_is_killed_at_the_timeout(tmp_path: Path, private_tmp: Path) -> None:
    # given an soffice that hangs (and starts a child, as soffice starts soffice.bin)
    pid_file = tmp_path / "pids"
    soffice = fake_soffice(
        tmp_path, f"sleep 60 &\necho $! >> {pid_file}\necho $$ >> {pid_file}\nwait\n"
    )
    started = time.monotonic()
    # when converting with a short timeout
    with pytest.raises(ConversionError) as caught:
        docx_to_pdf(minimal_docx("x"), soffice=soffice, timeout=1)
    # then it gives up in time, in Vietnamese, and the whole process group is gone
    assert time.monotonic() - started < 10
    assert caught.value.message == "Chuyển văn bản sang PDF quá thời gian cho phép (1 giây)."
    for pid in (int(line) for line in pid_file.read_text().split()):
        assert not _alive(pid)
    assert list(private_tmp.iterdir()) == []


def test_each_call_has_its_own_profile(tmp_path: Path) -> None:
    # given an soffice that records its arguments and writes a PDF where asked
    log = tmp_path / "args"
    soffice = fake_soffice(
        tmp_path,
        f'echo "$@" >> {log}\n'
        'out=""; prev=""\n'
        'for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done\n'
        'printf "%%PDF-1.4\\n" > "$out/van-ban.pdf"\n',
    )
    # when two documents are converted
    assert docx_to_pdf(minimal_docx("a"), soffice=soffice).startswith(b"%PDF-")
    assert docx_to_pdf(minimal_docx("b"), soffice=soffice).startswith(b"%PDF-")
    # then each run had a different private -env:UserInstallation profile, headless
    calls = log.read_text().splitlines()
    profiles = {a for call in calls for a in call.split() if a.startswith("-env:UserInstallation=")}
    assert len(calls) == 2 and len(profiles) == 2
    assert all(p.startswith("-env:UserInstallation=file:///") for p in profiles)
    assert all("--headless" in call and "--norestore" in call for call in calls)


def test_find_soffice_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soffice = fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setenv("GOVDOC_SOFFICE", soffice)
    assert pdf_convert.find_soffice() == soffice


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by its parent) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"
