"""Several binary items in one HTTP body (the hub's batch calls, docs/hub.md "Batches").

    body = manifest LF item-bytes…

The manifest is one line of UTF-8 JSON, an object whose "items" list describes the items in
order; each item that carries bytes has a "size", and exactly that many bytes follow, one
item after the other, with nothing between them. The bytes are not encoded (no base64: a
139 KB packet stays 139 KB) and can be streamed: the reader knows every item's length before
its first byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

CONTENT_TYPE = "application/vnd.govdoc.packets"
MAX_MANIFEST = 1024 * 1024


class FrameError(ValueError):
    """The body is not a well-formed framed body; the message is Vietnamese."""


class LineReadable(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def manifest_line(manifest: dict[str, Any]) -> bytes:
    line = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()
    return line + b"\n"


def encode(manifest: dict[str, Any], parts: Sequence[bytes]) -> bytes:
    """The whole body in memory (the client's side: what it sends is already in memory)."""
    return b"".join([manifest_line(manifest), *parts])


def read_manifest(stream: LineReadable) -> dict[str, Any]:
    """The manifest line of a body being read; the stream is left at the first item's bytes."""
    line = stream.readline(MAX_MANIFEST + 1)
    if not line.endswith(b"\n"):
        if len(line) > MAX_MANIFEST:
            raise FrameError(f"Phần mô tả của lô gói tin vượt quá {MAX_MANIFEST // 1024} KB.")
        raise FrameError("Thiếu phần mô tả của lô gói tin (một dòng JSON ở đầu nội dung).")
    try:
        manifest = json.loads(line)
    except ValueError:
        raise FrameError("Phần mô tả của lô gói tin không phải JSON hợp lệ.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("items"), list):
        raise FrameError('Phần mô tả của lô gói tin phải là một đối tượng JSON có "items".')
    return manifest


def item_size(item: Any) -> int:
    """The declared byte count of one manifest item (0 when it carries none)."""
    size = item.get("size", 0) if isinstance(item, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise FrameError("Mỗi mục của lô gói tin phải có size là số byte (số nguyên không âm).")
    return size


def decode(body: bytes) -> tuple[dict[str, Any], list[bytes]]:
    """A body read whole: its manifest and each item's bytes (b"" for an item without)."""
    end = body.find(b"\n", 0, MAX_MANIFEST + 1)
    if end < 0:
        raise FrameError("Thiếu phần mô tả của lô gói tin (một dòng JSON ở đầu nội dung).")
    manifest = read_manifest(_Line(body[: end + 1]))
    parts: list[bytes] = []
    offset = end + 1
    for item in manifest["items"]:
        size = item_size(item)
        if offset + size > len(body):
            raise FrameError("Nội dung lô gói tin bị cắt ngang: thiếu byte so với phần mô tả.")
        parts.append(body[offset : offset + size])
        offset += size
    if offset != len(body):
        raise FrameError("Nội dung lô gói tin dài hơn phần mô tả của nó.")
    return manifest, parts


class _Line:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def readline(self, size: int = -1, /) -> bytes:
        return self.data


def stream_files(head: bytes, files: Sequence[Any], chunk: int) -> Iterator[bytes]:
    """The manifest line, then each open binary file's bytes in pieces; each file is closed
    once read (or when the answer is abandoned)."""
    try:
        yield head
        for handle in files:
            with handle:
                while piece := handle.read(chunk):
                    yield piece
    finally:
        for handle in files:
            handle.close()
