"""Office documents → PDF with LibreOffice headless: generated drafts and uploaded DOCX files
(`docx_to_pdf`), and the DOCX, DOC, ODT and XLSX files of a work file exported as one PDF
(`check_office_file`, then `office_to_pdf`, file to file).

Each call runs its own `soffice` with a private user profile (`-env:UserInstallation`) in a
temporary directory, so conversions running at the same time (several workers, threads) never
share or lock a profile; the directory is removed afterwards, also on failure or timeout
(the whole process group is killed). The input is checked first (a DOCX is a ZIP package with
a Word main document; size and unpacked size are capped), because LibreOffice would happily
"convert" any file as plain text.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from typing import IO

DEFAULT_SOFFICE = "soffice"
FALLBACK_PATHS = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
MAX_DOCX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NO_SOFFICE = "Không tìm thấy LibreOffice (soffice) để chuyển văn bản sang PDF."
TIMEOUT = "Chuyển văn bản sang PDF quá thời gian cho phép ({seconds:g} giây)."
FAILED = "LibreOffice không chuyển được văn bản sang PDF."
NOT_DOCX = "Tệp không phải văn bản Word (DOCX) hợp lệ."
# What each kind LibreOffice is given must look like (keys of govdoc.documents.sniffing).
NOT_VALID = {
    "docx": NOT_DOCX,
    "doc": "Tệp không phải văn bản Word 97-2003 (DOC) hợp lệ.",
    "odt": "Tệp không phải văn bản OpenDocument (ODT) hợp lệ.",
    "xlsx": "Tệp không phải bảng tính Excel (XLSX) hợp lệ.",
}
OFFICE_KINDS = frozenset(NOT_VALID)
TOO_LARGE = "Tệp văn bản quá lớn (tối đa {limit} MB)."
EMPTY = "Tệp văn bản rỗng."


class ConversionError(Exception):
    """The document could not be converted; the message is Vietnamese and safe to show."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        """What LibreOffice printed, for the logs (not for users)."""


def find_soffice(soffice: str | None = None) -> str | None:
    """The path of the soffice executable: `soffice` (a path or a name on PATH), the
    `GOVDOC_SOFFICE` environment variable, then `soffice` on PATH and the usual places."""
    for candidate in (soffice, os.environ.get("GOVDOC_SOFFICE"), DEFAULT_SOFFICE):
        if not candidate:
            continue
        found = shutil.which(candidate)
        if found:
            return found
        if soffice is not None and candidate == soffice:
            return None  # an explicit choice that does not exist: do not guess another
    for path in FALLBACK_PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


def soffice_available(soffice: str | None = None) -> bool:
    """Whether LibreOffice can be run (found and executable); does not start it."""
    return find_soffice(soffice) is not None


def check_docx(data: bytes, *, max_bytes: int = MAX_DOCX_BYTES) -> None:
    """Refuse what is not a DOCX package (type sniffed from the content, not the name), or
    too large packed or unpacked (zip bombs)."""
    if not data:
        raise ConversionError(EMPTY)
    if len(data) > max_bytes:
        raise ConversionError(TOO_LARGE.format(limit=max_bytes // (1024 * 1024)))
    _check_package(BytesIO(data), kind="docx", max_bytes=max_bytes)


def check_office_file(path: Path, *, kind: str, max_bytes: int = MAX_DOCX_BYTES) -> None:
    """Refuse the file at `path` unless it looks like a sound document of `kind` (one of
    OFFICE_KINDS), from its content, without reading it into memory: a damaged one would
    come out of LibreOffice as pages of garbage text."""
    size = path.stat().st_size
    if size == 0:
        raise ConversionError(EMPTY)
    if size > max_bytes:
        raise ConversionError(TOO_LARGE.format(limit=max_bytes // (1024 * 1024)))
    with path.open("rb") as handle:
        if kind == "doc":
            if handle.read(len(OLE_MAGIC)) != OLE_MAGIC:
                raise ConversionError(NOT_VALID[kind])
            return
        _check_package(handle, kind=kind, max_bytes=max_bytes)


def _check_package(source: IO[bytes], *, kind: str, max_bytes: int) -> None:
    """A ZIP package (DOCX, XLSX, ODT) that opens, is not a zip bomb, and declares its kind's
    main part (OOXML) or media type (OpenDocument)."""
    not_valid = NOT_VALID[kind]
    if source.read(4) != b"PK\x03\x04":
        raise ConversionError(not_valid)
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise ConversionError(TOO_LARGE.format(limit=max_bytes // (1024 * 1024)))
            if kind == "odt":
                found = "mimetype" in names and package.read("mimetype").strip() == ODT_MIMETYPE
            elif "[Content_Types].xml" in names:
                types = package.read("[Content_Types].xml").decode("utf-8", "replace")
                found = (DOCX_MAIN if kind == "docx" else XLSX_MAIN) in types
            else:
                found = False
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:
        raise ConversionError(not_valid) from error
    if not found:
        raise ConversionError(not_valid)


def docx_to_pdf(
    data: bytes,
    *,
    timeout: float = 60,
    soffice: str | None = None,
    max_bytes: int = MAX_DOCX_BYTES,
) -> bytes:
    """The PDF of a DOCX (generated by `render_docx` or uploaded), made by LibreOffice.

    Raises ConversionError (Vietnamese message) when the input is not a DOCX, soffice is
    missing, takes longer than `timeout` seconds, or fails."""
    check_docx(data, max_bytes=max_bytes)
    work = Path(tempfile.mkdtemp(prefix="govdoc-docx-"))
    try:
        source = work / "van-ban.docx"
        source.write_bytes(data)
        target = work / "van-ban.pdf"
        office_to_pdf(
            source, target, timeout=timeout, soffice=soffice, export_filter="pdf:writer_pdf_Export"
        )
        return target.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def office_to_pdf(
    source: Path,
    target: Path,
    *,
    timeout: float = 60,
    soffice: str | None = None,
    export_filter: str = "pdf",
) -> None:
    """Write the PDF of the office document at `source` to `target`, made by LibreOffice,
    file to file (nothing held in memory). LibreOffice tells the format from the content and
    the name's extension; the plain "pdf" filter picks Writer's or Calc's export as fits.
    Check the file first (`check_office_file`, `check_docx`).

    Raises ConversionError (Vietnamese message) when soffice is missing, takes longer than
    `timeout` seconds, or fails."""
    executable = find_soffice(soffice)
    if executable is None:
        raise ConversionError(NO_SOFFICE)
    work = Path(tempfile.mkdtemp(prefix="govdoc-soffice-"))
    try:
        out_dir = work / "out"
        out_dir.mkdir()
        profile = work / "profile"
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            export_filter,
            "--outdir",
            str(out_dir),
            str(source.resolve()),
        ]
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
        output = _run(command, env=env, timeout=timeout, cwd=work)
        result = out_dir / f"{source.stem}.pdf"
        if not result.exists():
            raise ConversionError(FAILED, detail=output)
        with result.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise ConversionError(FAILED, detail=output)
        shutil.move(result, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(command: list[str], *, env: dict[str, str], timeout: float, cwd: Path) -> str:
    """Run soffice in its own process group; kill the group on timeout. Returns its output."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as error:
        raise ConversionError(NO_SOFFICE, detail=str(error)) from error
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _kill_group(process)
        process.communicate()
        raise ConversionError(TIMEOUT.format(seconds=timeout)) from error
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    text = out.decode("utf-8", "replace")
    if process.returncode != 0:
        raise ConversionError(FAILED, detail=text)
    return text


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # pragma: no cover - already gone
        process.kill()
