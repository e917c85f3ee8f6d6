"""Where the hub keeps packet bytes until retention removes them.

A packet is first *staged*: streamed from the request into a temporary file while it is
counted and hashed (SHA-256), never held whole in memory. It is then *committed* under its
final name, which is derived from the packet's id (not from its content: two senders may send
the same bytes, and retention removes one packet's bytes without looking at others). The
SHA-256 is kept on the packet's row, returned to the sender and sent with every download.

Two stores:
- the local directory (default, GOVDOC_HUB_STORAGE_DIR): the staged file is fsynced, renamed
  into place and its directory fsynced, so a committed packet survives a power cut;
- a Django storage (GOVDOC_HUB_STORAGE_BACKEND naming an entry of STORAGES, e.g. S3 through
  django-storages) for several hub nodes without shared disks: the object store's write is
  durable when it returns.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

from django.core.files import File
from django.core.files.storage import Storage, storages

from govdoc.core.errors import ValidationFailed
from govdoc.exchange.hub import conf

CHUNK = 1024 * 1024
HEAD = 64
STAGING = ".staging"


class Readable(Protocol):
    """What a packet is read from: the request (its body stream) or a file."""

    def read(self, size: int = -1, /) -> bytes: ...


class IncompleteBody(ValidationFailed):
    code = "incomplete_body"


@dataclass(frozen=True)
class StagedPacket:
    """Bytes received and hashed, in a temporary file not yet under their final name."""

    path: Path
    sha256: str
    size: int
    head: bytes


def packet_name(packet_uuid: uuid.UUID) -> str:
    return f"{packet_uuid.hex[:2]}/{packet_uuid}.xml"


def _copy_hashing(stream: Readable, length: int, out: BinaryIO) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    head = b""
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(CHUNK, remaining))
        if not chunk:
            break
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
        digest.update(chunk)
        out.write(chunk)
        remaining -= len(chunk)
    if remaining:
        raise IncompleteBody(
            f"Nội dung gói tin bị cắt ngang: nhận được {length - remaining}/{length} byte. "
            "Vui lòng gửi lại."
        )
    return digest.hexdigest(), head


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def skip_bytes(stream: Readable, length: int) -> None:
    """Read and forget `length` bytes (a refused packet of a batch: the body goes on)."""
    _copy_hashing(stream, length, cast(BinaryIO, _Discard()))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PacketStore(Protocol):
    def stage(self, stream: Readable, length: int) -> StagedPacket: ...

    def commit(self, staged: StagedPacket, name: str) -> None: ...

    def discard(self, staged: StagedPacket) -> None: ...

    def open(self, name: str) -> BinaryIO: ...

    def delete(self, name: str) -> None: ...

    def stored_names(self, *, older_than: float) -> Iterator[str]: ...

    def sweep_staging(self, *, older_than: float) -> int: ...


class LocalPacketStore:
    """Packets as files under one directory, each fsynced before it is acknowledged."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / STAGING

    def stage(self, stream: Readable, length: int) -> StagedPacket:
        self.staging.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.staging, suffix=".part")
        path = Path(temp)
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, head = _copy_hashing(stream, length, out)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedPacket(path=path, sha256=sha256, size=length, head=head)

    def commit(self, staged: StagedPacket, name: str) -> None:
        final = self.root / name
        created_dir = not final.parent.exists()
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise FileExistsError(final)  # ids are unique: never overwrite
        os.replace(staged.path, final)
        _fsync_dir(final.parent)
        if created_dir:
            _fsync_dir(self.root)

    def discard(self, staged: StagedPacket) -> None:
        staged.path.unlink(missing_ok=True)

    def open(self, name: str) -> BinaryIO:
        return (self.root / name).open("rb")

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)

    def stored_names(self, *, older_than: float) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.name == STAGING or not sub.is_dir():
                continue
            for file in sorted(sub.iterdir()):
                if file.is_file() and file.stat().st_mtime < older_than:
                    yield f"{sub.name}/{file.name}"

    def sweep_staging(self, *, older_than: float) -> int:
        """Remove staged files left by a request that died (crash, killed worker)."""
        if not self.staging.is_dir():
            return 0
        removed = 0
        for file in self.staging.iterdir():
            if file.is_file() and file.stat().st_mtime < older_than:
                file.unlink(missing_ok=True)
                removed += 1
        return removed


class DjangoPacketStore:
    """Packets in a Django storage (object storage): staged in a local temporary file, then
    saved under their final name."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def stage(self, stream: Readable, length: int) -> StagedPacket:
        fd, temp = tempfile.mkstemp(prefix="govdoc-hub-", suffix=".part")
        path = Path(temp)
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, head = _copy_hashing(stream, length, out)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedPacket(path=path, sha256=sha256, size=length, head=head)

    def commit(self, staged: StagedPacket, name: str) -> None:
        if self.storage.exists(name):
            raise FileExistsError(name)
        with staged.path.open("rb") as handle:
            saved = self.storage.save(name, File(handle))
        if saved != name:
            self.storage.delete(saved)
            raise FileExistsError(name)
        staged.path.unlink(missing_ok=True)

    def discard(self, staged: StagedPacket) -> None:
        staged.path.unlink(missing_ok=True)

    def open(self, name: str) -> BinaryIO:
        handle: Any = self.storage.open(name, "rb")
        return cast(BinaryIO, handle)

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def stored_names(self, *, older_than: float) -> Iterator[str]:
        directories, _files = self.storage.listdir("")
        for sub in sorted(directories):
            _dirs, files = self.storage.listdir(sub)
            for file in sorted(files):
                name = f"{sub}/{file}"
                if self.storage.get_modified_time(name).timestamp() < older_than:
                    yield name

    def sweep_staging(self, *, older_than: float) -> int:
        return 0  # staged files live in the node's temporary directory, removed on error


def packet_store() -> PacketStore:
    backend = conf.storage_backend()
    if backend:
        return DjangoPacketStore(storages[backend])
    return LocalPacketStore(conf.storage_dir())


def a_day_ago() -> float:
    return time.time() - 24 * 3600
