"""Attachments on the wire: each file zipped alone (one entry), then base64 (DOMAIN §5.2).

Output: a zip with one deflated entry named after the file, `ContentType` application/zip,
`ContentTransferEncoded` base64 (one line). Input: base64 (line breaks and spaces allowed),
then unzipped when the content is a zip archive with exactly one file in it, whatever the
declared ContentType (some producers zip and still write the file's own type); anything
else is taken raw. A raw .docx/.xlsx/.odt is itself a zip, but of many entries, so it is
never mistaken for a zipped transfer. Unzipping is capped (zip bombs).
"""

from __future__ import annotations

import binascii
import io
import mimetypes
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.hardened import size_text
from govdoc.exchange.edxml.model import DEFAULT_CONTENT_TYPE, ZIP_CONTENT_TYPE

ZIP_TYPES = frozenset({ZIP_CONTENT_TYPE, "application/x-zip-compressed", "application/x-zip"})
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_WHITESPACE = b" \t\r\n\f\v"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed: the same file gives the same packet
_READ_CHUNK = 1024 * 1024
_PROBE = 16 * 1024


def is_zip_type(content_type: str) -> bool:
    return content_type.strip().lower() in ZIP_TYPES


def entry_name(name: str) -> str:
    """The zip entry's name: the file name without any directory part."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    return base or "tep-dinh-kem"


def _worth_deflating(data: bytes, compresslevel: int) -> bool:
    """Deflate only what compresses: scans and most PDFs do not, and deflating 1 MB of
    them costs ~25 ms for nothing. Judged on two 16 KB samples (start and middle) at the
    fastest level, which tells compressible from not as well as level 6 at a tenth of the
    cost (`compresslevel` is the level the entry is then written with)."""
    if len(data) <= 2 * _PROBE:
        probe = data
    else:
        middle = len(data) // 2
        probe = data[:_PROBE] + data[middle : middle + _PROBE]
    if not probe:
        return False
    return len(zlib.compress(probe, 1)) < 0.9 * len(probe)


def zip_one(name: str, data: bytes, *, compresslevel: int = 6) -> bytes:
    """A zip archive holding `data` as its single entry (as the official SDK sends files):
    deflated, or stored when it would not get smaller."""
    buffer = io.BytesIO()
    info = zipfile.ZipInfo(entry_name(name), date_time=_ZIP_DATE)
    method = zipfile.ZIP_DEFLATED if _worth_deflating(data, compresslevel) else zipfile.ZIP_STORED
    info.compress_type = method
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compress_type=method, compresslevel=compresslevel)
    return buffer.getvalue()


def encode(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def guess_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or DEFAULT_CONTENT_TYPE


def decode_base64(text: str, *, where: str) -> bytes:
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raise PacketError(Reason.BAD_ENCODING, "có ký tự ngoài bảng base64", where=where) from None
    if any(space in raw for space in (b"\n", b"\r", b" ", b"\t", b"\f", b"\v")):
        raw = raw.translate(None, _WHITESPACE)  # line-wrapped base64
    if len(raw) % 4:
        raise PacketError(Reason.BAD_ENCODING, "độ dài không phải bội số của 4", where=where)
    try:
        return binascii.a2b_base64(raw, strict_mode=True)
    except binascii.Error as error:
        raise PacketError(Reason.BAD_ENCODING, str(error), where=where) from None


@dataclass(frozen=True, slots=True)
class Decoded:
    data: bytes
    zipped: bool
    entry_name: str = ""


def unzip_if_zipped(payload: bytes, *, declared_type: str, max_bytes: int, where: str) -> Decoded:
    """The file inside a one-entry zip, or `payload` itself when it is not one."""
    if not payload.startswith(_ZIP_MAGIC):
        return Decoded(payload, zipped=False)
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        if is_zip_type(declared_type):
            raise PacketError(Reason.BAD_ARCHIVE, str(error)[:200], where=where) from None
        return Decoded(payload, zipped=False)
    if len(entries) != 1:
        return Decoded(payload, zipped=False)
    info = entries[0]
    if info.flag_bits & 0x1:
        raise PacketError(Reason.BAD_ARCHIVE, "tệp nén có mật khẩu", where=where)
    if info.file_size > max_bytes:
        raise PacketError(
            Reason.ATTACHMENT_TOO_LARGE,
            f"{size_text(info.file_size)}, giới hạn {size_text(max_bytes)}",
            where=where,
        )
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as member:
            # The sizes in the archive's headers may lie: count what comes out.
            while chunk := member.read(_READ_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise PacketError(
                        Reason.ATTACHMENT_TOO_LARGE,
                        f"hơn {size_text(max_bytes)} khi giải nén",
                        where=where,
                    )
                chunks.append(chunk)
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        ValueError,
        EOFError,
        OSError,
        zlib.error,
    ) as error:
        raise PacketError(Reason.BAD_ARCHIVE, str(error)[:200], where=where) from None
    return Decoded(b"".join(chunks), zipped=True, entry_name=info.filename)
