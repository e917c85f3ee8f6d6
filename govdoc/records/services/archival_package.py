"""A work file as an archival package for a historical archive: a BagIt bag (RFC 8493,
version 1.0) serialised as one ZIP, written entry by entry to a temporary file (each file is
copied from storage in chunks, never held whole in memory). docs/records-export.md gives
the layout:

    <file code>/bagit.txt
    <file code>/bag-info.txt            Source-Organization, External-Identifier = file code,
                                        Bagging-Date, Payload-Oxum, Bag-Size…
    <file code>/manifest-sha256.txt     every payload file
    <file code>/tagmanifest-sha256.txt  bagit.txt, bag-info.txt, manifest-sha256.txt
    <file code>/data/ho-so.xml          the file's and its documents' metadata (file_export)
    <file code>/data/muc-luc-van-ban.pdf
    <file code>/data/van-ban/001/01-<name>   each document's files, in DocOrdinal order

Each file's SHA-256 is computed while it is copied and compared with the one it was stored
under: a file damaged in storage stops the export (NĐ 30 Phụ lục VI F5.d).

`verify_package` re-reads a package and checks every checksum and the Payload-Oxum; the
command `govdoc records verify-package FILE` calls it."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from govdoc.core.errors import Conflict
from govdoc.documents.storage import stream_stored
from govdoc.records.models import CaseFile
from govdoc.records.services.file_export import (
    Export,
    file_items_sheet,
    filed_documents,
    index_pdf,
    journal_export,
    loaded_case_file,
    safe_name,
    spool,
    write_case_file_xml,
)

BAGIT_VERSION = "1.0"
ZIP_TYPE = "application/zip"
CHUNK = 1024 * 1024
METADATA_NAME = "ho-so.xml"
INDEX_NAME = "muc-luc-van-ban.pdf"
DOCUMENTS_DIR = "van-ban"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
SOFTWARE = "govdoc — Quản lý văn bản và hồ sơ công việc"
# Already compressed: stored as they are in the ZIP.
_STORED_KINDS = frozenset({"pdf", "jpeg", "png", "zip", "docx", "xlsx", "odt"})


class DamagedStoredFile(Conflict):
    """A stored file no longer has the content it was stored with."""

    code = "damaged_file"


class _Hashing:
    """A writable file that passes bytes on and counts and hashes them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def flush(self) -> None:
        self.target.flush()


def _encode_path(path: str) -> str:
    """Manifest paths: CR, LF and % percent-encoded (RFC 8493 §2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _decode_path(path: str) -> str:
    return path.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _info_value(value: str) -> str:
    return " ".join(str(value).split())


@dataclass(frozen=True)
class PackageResult:
    bag_name: str
    payload_files: int
    payload_bytes: int


class _Bag:
    """Entries written into the ZIP under one top directory, with their checksums."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive = archive
        self.name = name
        self.payload: list[tuple[str, str]] = []  # (sha256, path inside the bag)
        self.payload_bytes = 0
        self.tags: list[tuple[str, str]] = []

    def _info(self, path: str, *, size: int | None, compress: bool) -> zipfile.ZipInfo:
        now = timezone.localtime()
        moment = (now.year, now.month, now.day, now.hour, now.minute, now.second)
        info = zipfile.ZipInfo(f"{self.name}/{path}", date_time=moment)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        if size is not None:
            info.file_size = size
        return info

    def open_payload(self, path: str, *, size: int | None = None, compress: bool = True) -> Any:
        return self.archive.open(
            self._info(f"data/{path}", size=size, compress=compress),
            "w",
            force_zip64=size is None,
        )

    def add_payload(self, path: str, digest: str, size: int) -> None:
        self.payload.append((digest, f"data/{path}"))
        self.payload_bytes += size

    def add_bytes(self, path: str, data: bytes) -> None:
        with self.open_payload(path, size=len(data)) as entry:
            entry.write(data)
        self.add_payload(path, hashlib.sha256(data).hexdigest(), len(data))

    def tag(self, path: str, text: str) -> None:
        data = text.encode("utf-8")
        with self.archive.open(self._info(path, size=len(data), compress=True), "w") as entry:
            entry.write(data)
        self.tags.append((hashlib.sha256(data).hexdigest(), path))


def write_archival_package(case_file: CaseFile, out: IO[bytes]) -> PackageResult:
    """Write the file's BagIt package as a ZIP into `out` (a binary file open for writing
    and seekable, e.g. a temporary file)."""
    case_file = loaded_case_file(case_file)
    documents = filed_documents(case_file)
    bag_name = safe_name(case_file.code, fallback=f"ho-so-{case_file.pk}")
    paths: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(out, "w", allowZip64=True) as archive:
        bag = _Bag(archive, bag_name)
        for filed in documents:
            folder = f"{DOCUMENTS_DIR}/{filed.ordinal:03d}"
            for file in filed.files:
                stem, dot, extension = file.name.rpartition(".")
                name = safe_name(stem if dot else file.name)
                suffix = f".{safe_name(extension)}" if dot else ""
                path = f"{folder}/{file.position:02d}-{name}{suffix}"
                paths[(filed.ordinal, file.position)] = path
                with (
                    stream_stored(file.stored) as source,
                    bag.open_payload(
                        path, size=file.size, compress=file.kind not in _STORED_KINDS
                    ) as entry,
                ):
                    hashing = _Hashing(entry)
                    while chunk := source.read(CHUNK):
                        hashing.write(chunk)
                digest = hashing.digest.hexdigest()
                if digest != file.sha256 or hashing.size != file.size:
                    raise DamagedStoredFile(
                        f"Tệp “{file.name}” của văn bản số {filed.ordinal} trong hồ sơ không "
                        "còn đúng nội dung đã lưu (sai mã băm): không lập được gói lưu trữ."
                    )
                bag.add_payload(path, digest, file.size)
        bag.add_bytes(INDEX_NAME, index_pdf(file_items_sheet(case_file)))
        with bag.open_payload(METADATA_NAME) as entry:
            hashing = _Hashing(entry)
            write_case_file_xml(case_file, hashing, documents=documents, paths=paths)  # type: ignore[arg-type]
        bag.add_payload(METADATA_NAME, hashing.digest.hexdigest(), hashing.size)
        bag.payload.sort(key=lambda row: row[1])
        bag.tag(
            "bagit.txt", f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n"
        )
        agency = case_file.agency
        info: dict[str, str] = {
            "Source-Organization": agency.name,
            "Organization-Address": agency.address,
            "Contact-Email": agency.email,
            "Contact-Phone": agency.phone,
            "External-Identifier": case_file.code,
            "External-Description": case_file.title,
            "Bagging-Date": timezone.localdate().isoformat(),
            "Payload-Oxum": f"{bag.payload_bytes}.{len(bag.payload)}",
            "Bag-Size": _human_size(bag.payload_bytes),
            "Bag-Software-Agent": SOFTWARE,
            "Internal-Sender-Identifier": f"govdoc:casefile:{case_file.pk}",
            "Internal-Sender-Description": (
                f"Hồ sơ {case_file.notation} năm {case_file.year}; thời hạn bảo quản "
                f"{case_file.retention}; {case_file.doc_total} văn bản, "
                f"{case_file.page_total} trang"
            ),
            "Organ-Id": agency.organ_id,
        }
        bag.tag(
            "bag-info.txt",
            "".join(f"{key}: {_info_value(value)}\n" for key, value in info.items() if value),
        )
        bag.tag(
            MANIFEST, "".join(f"{digest}  {_encode_path(path)}\n" for digest, path in bag.payload)
        )
        bag.tag(
            TAG_MANIFEST,
            "".join(f"{digest}  {_encode_path(path)}\n" for digest, path in bag.tags),
        )
    return PackageResult(
        bag_name=bag_name, payload_files=len(bag.payload), payload_bytes=bag.payload_bytes
    )


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def archival_package_export(
    *, case_file: CaseFile, actor: Any, data: Mapping[str, Any] | None = None
) -> Export:
    """The package as a download (a temporary file), journaled."""
    out = spool()
    try:
        result = write_archival_package(case_file, out)
    except BaseException:
        out.close()
        raise
    journal_export(
        actor=actor,
        what="package",
        kind="bagit-zip",
        agency_id=case_file.agency_id,
        case_file=case_file,
        data={
            "files": result.payload_files,
            "bytes": result.payload_bytes,
            **(data or {}),
        },
    )
    size = out.seek(0, os.SEEK_END)
    out.seek(0)
    return Export(
        name=f"goi-luu-tru-{result.bag_name}.zip",
        content_type=ZIP_TYPE,
        stream=out,
        size=size,
    )


# -- checking a package -----------------------------------------------------------------------


@dataclass(frozen=True)
class PackageCheck:
    """What `verify_package` found: `ok` when every check passed."""

    problems: tuple[str, ...]
    bag_name: str = ""
    payload_files: int = 0
    payload_bytes: int = 0
    info: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse_info(text: str) -> dict[str, str]:
    """bag-info.txt: `Label: value`, a line starting with whitespace continues the value."""
    info: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if line[:1] in {" ", "\t"} and last:
            info[last] += " " + line.strip()
        elif ":" in line:
            label, _, value = line.partition(":")
            last = label.strip()
            info[last] = value.strip()
    return info


def _parse_manifest(text: str, problems: list[str], name: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, path = line.partition(" ")
        path = _decode_path(path.lstrip(" \t"))
        if len(digest) != 64 or not path:
            problems.append(f"{name} dòng {number}: không đúng dạng “mã-băm đường-dẫn”.")
            continue
        if path.startswith("/") or ".." in path.split("/"):
            problems.append(f"{name} dòng {number}: đường dẫn không hợp lệ ({path}).")
            continue
        entries[path] = digest.lower()
    return entries


def _digest(archive: zipfile.ZipFile, member: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify_package(source: str | Path | IO[bytes]) -> PackageCheck:
    """Re-read a package: its BagIt declaration, every payload file against the manifest
    (none missing, none extra, every SHA-256 equal), the Payload-Oxum, and every tag file
    against the tag manifest. Problems are reported in Vietnamese; nothing is extracted."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        return PackageCheck(problems=(f"Không đọc được tệp ZIP: {error}",))
    problems: list[str] = []
    with archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or any("/" not in n for n in names):
            return PackageCheck(
                problems=("Gói phải có đúng một thư mục gốc chứa túi BagIt.",),
            )
        (top,) = tops
        inside = {n[len(top) + 1 :]: n for n in names}

        def read_text(path: str) -> str | None:
            member = inside.get(path)
            if member is None:
                return None
            try:
                return archive.read(member).decode("utf-8")
            except (UnicodeDecodeError, zipfile.BadZipFile) as error:
                problems.append(f"{path}: không đọc được ({error}).")
                return None

        declaration = read_text("bagit.txt")
        if declaration is None:
            return PackageCheck(problems=("Thiếu tệp bagit.txt.",), bag_name=top)
        declared = _parse_info(declaration)
        if declared.get("BagIt-Version") not in {"1.0", "0.97"}:
            problems.append("bagit.txt: thiếu hoặc sai BagIt-Version.")
        if declared.get("Tag-File-Character-Encoding", "").upper() != "UTF-8":
            problems.append("bagit.txt: Tag-File-Character-Encoding phải là UTF-8.")
        info_text = read_text("bag-info.txt")
        info = _parse_info(info_text) if info_text is not None else {}
        manifest_text = read_text(MANIFEST)
        if manifest_text is None:
            problems.append(f"Thiếu tệp {MANIFEST}.")
            manifest: dict[str, str] = {}
        else:
            manifest = _parse_manifest(manifest_text, problems, MANIFEST)
        payload = {path for path in inside if path.startswith("data/")}
        total = 0
        for path, expected in sorted(manifest.items()):
            if not path.startswith("data/"):
                problems.append(f"{MANIFEST}: {path} không nằm trong thư mục data/.")
                continue
            if path not in inside:
                problems.append(f"Thiếu tệp {path} có trong {MANIFEST}.")
                continue
            try:
                actual, size = _digest(archive, inside[path])
            except (zipfile.BadZipFile, OSError) as error:
                problems.append(f"{path}: không đọc được ({error}).")
                continue
            total += size
            if actual != expected:
                problems.append(f"{path}: sai mã băm SHA-256 (tệp đã bị thay đổi).")
        for path in sorted(payload - set(manifest)):
            problems.append(f"Tệp {path} không có trong {MANIFEST}.")
        oxum = info.get("Payload-Oxum")
        if oxum is None:
            problems.append("bag-info.txt: thiếu Payload-Oxum.")
        else:
            octets, _, count = oxum.partition(".")
            if not (octets.isdigit() and count.isdigit()):
                problems.append(f"bag-info.txt: Payload-Oxum không đúng dạng ({oxum}).")
            elif (int(octets), int(count)) != (total, len(payload)):
                problems.append(
                    f"Payload-Oxum {oxum} không khớp nội dung: {total} byte, {len(payload)} tệp."
                )
        tag_text = read_text(TAG_MANIFEST)
        if tag_text is None:
            problems.append(f"Thiếu tệp {TAG_MANIFEST}.")
        else:
            tags = _parse_manifest(tag_text, problems, TAG_MANIFEST)
            for path, expected in sorted(tags.items()):
                if path not in inside:
                    problems.append(f"Thiếu tệp {path} có trong {TAG_MANIFEST}.")
                    continue
                actual, _size = _digest(archive, inside[path])
                if actual != expected:
                    problems.append(f"{path}: sai mã băm SHA-256 (tệp đã bị thay đổi).")
            for required in ("bagit.txt", "bag-info.txt", MANIFEST):
                if required in inside and required not in tags:
                    problems.append(f"{required} không có trong {TAG_MANIFEST}.")
    return PackageCheck(
        problems=tuple(problems),
        bag_name=top,
        payload_files=len(payload),
        payload_bytes=total,
        info=info,
    )


def package_bytes(case_file: CaseFile) -> bytes:
    """The package in memory, for small files and tests."""
    buffer = io.BytesIO()
    write_archival_package(case_file, buffer)
    return buffer.getvalue()
