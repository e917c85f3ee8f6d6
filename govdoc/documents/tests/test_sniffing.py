from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdoc.conftest import make_docx, make_pdf, make_png
from govdoc.documents.sniffing import sniff


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (make_pdf(), "pdf"),
        (make_docx(), "docx"),
        (make_png(), "png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
        (b"II*\x00" + b"0" * 20, "tiff"),
        (b"MM\x00*" + b"0" * 20, "tiff"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20, "doc"),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "xlsx"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        (_zip({"a.txt": b"hello"}), "zip"),
    ],
)
def test_kinds_are_told_from_content(data: bytes, key: str) -> None:
    kind = sniff(data)
    assert kind is not None and kind.key == key


@pytest.mark.parametrize("data", [b"", b"MZ\x90\x00", b"<html>", b"PK\x03\x04broken"])
def test_unknown_content_is_not_accepted(data: bytes) -> None:
    assert sniff(data) is None


@given(st.binary(max_size=64))
def test_sniff_never_raises(data: bytes) -> None:
    sniff(data)
