"""Attachments that do not match the manifest, broken encodings and zip bombs."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from lxml import etree

from govdoc.exchange.edxml import Limits, PacketError, Reason, parse_packet
from govdoc.exchange.edxml.attachments import decode_base64, unzip_if_zipped, zip_one
from govdoc.exchange.edxml.build import build_document_packet
from govdoc.exchange.edxml.model import Attachment
from govdoc.exchange.edxml.tests.samples import document, find, tree, xml

MB = 1024 * 1024


def refused(data: bytes, limits: Limits | None = None) -> PacketError:
    with pytest.raises(PacketError) as caught:
        parse_packet(data, limits=limits)
    return caught.value


def packet_root() -> etree._Element:
    return tree(build_document_packet(document()))


def set_payload(root: etree._Element, index: int, payload: bytes, content_type: str) -> None:
    attachment = find(root, "AttachmentEncoded")[index]
    find(attachment, "ContentType").text = content_type
    encoded = find(attachment, "ContentTransferEncoded")
    encoded.text = base64.b64encode(payload).decode()


def test_a_manifest_reference_without_its_attachment_is_refused() -> None:
    root = packet_root()
    encoded = find(root, "AttachmentEncoded")
    encoded.remove(encoded[1])
    error = refused(xml(root))
    assert error.reason is Reason.MISSING_ATTACHMENT
    assert "Phụ lục.txt" in error.message and "7816-2" in error.message


def test_an_attachment_missing_from_the_manifest_is_refused() -> None:
    root = packet_root()
    manifest = find(root, "edXMLEnvelope/edXMLBody/edXMLManifest")
    manifest.remove(manifest[0])
    error = refused(xml(root))
    assert error.reason is Reason.UNKNOWN_ATTACHMENT
    assert "7816-1" in error.message


def test_attachments_without_any_manifest_are_refused() -> None:
    root = packet_root()
    envelope = find(root, "edXMLEnvelope")
    envelope.remove(find(envelope, "edXMLBody"))
    assert refused(xml(root)).reason is Reason.UNKNOWN_ATTACHMENT


def test_two_attachments_with_the_same_content_id_are_refused() -> None:
    root = packet_root()
    encoded = find(root, "AttachmentEncoded")
    find(encoded[1], "ContentId").text = "7816-1"
    assert refused(xml(root)).reason is Reason.DUPLICATE_ATTACHMENT


@pytest.mark.parametrize(
    "text",
    ["not base64 at all!", "QUJD=", "QUJDRA", "QUJD\u00e9RA==", "QU JD RA ==="],
)
def test_broken_base64_is_refused(text: str) -> None:
    root = packet_root()
    find(find(root, "AttachmentEncoded")[0], "ContentTransferEncoded").text = text
    error = refused(xml(root))
    assert error.reason is Reason.BAD_ENCODING
    assert error.where.endswith("Attachment/ContentTransferEncoded")


def test_an_empty_attachment_is_an_empty_file() -> None:
    assert decode_base64("", where="x") == b""
    empty = Attachment(content_id="e", name="rỗng.txt", data=b"", content_type="text/plain")
    parsed = parse_packet(build_document_packet(document(attachments=(empty,))))
    assert parsed.attachments[0].data == b""  # type: ignore[union-attr]


def test_a_damaged_zip_declared_as_zip_is_refused() -> None:
    root = packet_root()
    good = zip_one("a.pdf", b"%PDF" * 1000)
    set_payload(root, 0, good[:40] + b"\x00" * 20 + good[60:], "application/zip")
    assert refused(xml(root)).reason is Reason.BAD_ARCHIVE
    truncated = packet_root()
    set_payload(truncated, 0, good[: len(good) // 2], "application/zip")
    assert refused(xml(truncated)).reason is Reason.BAD_ARCHIVE


def test_a_zip_with_a_bad_checksum_is_refused() -> None:
    data = bytearray(zip_one("a.txt", b"hello world " * 100, compresslevel=0))
    data[data.index(b"hello") + 3] ^= 0x01
    with pytest.raises(PacketError) as caught:
        unzip_if_zipped(bytes(data), declared_type="application/zip", max_bytes=MB, where="x")
    assert caught.value.reason is Reason.BAD_ARCHIVE


def test_an_encrypted_zip_is_refused() -> None:
    data = bytearray(zip_one("a.txt", b"secret"))
    data[6] |= 0x01  # general purpose flag: encrypted (local header)
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01
    with pytest.raises(PacketError) as caught:
        unzip_if_zipped(bytes(data), declared_type="application/zip", max_bytes=MB, where="x")
    assert caught.value.reason is Reason.BAD_ARCHIVE


def zeros_zip(size: int, *, declared: int | None = None) -> bytes:
    """A one-entry zip of `size` zero bytes, built by streaming (a zip bomb)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.pdf", "w", force_zip64=True) as member,
    ):
        chunk = b"\x00" * MB
        for _ in range(size // MB):
            member.write(chunk)
    data = buffer.getvalue()
    if declared is not None:  # lie about the size in both headers
        patched = bytearray(data)
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = patched.index(signature)
            patched[at + offset : at + offset + 4] = declared.to_bytes(4, "little")
        data = bytes(patched)
    return data


def test_a_zip_bomb_is_refused_by_the_default_cap() -> None:
    bomb = zeros_zip(120 * MB)
    assert len(bomb) < MB  # a small packet…
    root = packet_root()
    set_payload(root, 0, bomb, "application/zip")
    error = refused(xml(root))  # …that would unzip to 120 MB
    assert error.reason is Reason.ATTACHMENT_TOO_LARGE
    assert "100,0 MB" in error.message


def test_a_zip_bomb_lying_about_its_size_is_stopped_while_unzipping() -> None:
    bomb = zeros_zip(8 * MB)
    with pytest.raises(PacketError) as caught:
        unzip_if_zipped(bomb, declared_type="application/zip", max_bytes=2 * MB, where="x")
    assert caught.value.reason is Reason.ATTACHMENT_TOO_LARGE
    # The headers are trusted for nothing: with a lying size, the stream is still counted.
    liar = zeros_zip(4 * MB, declared=1000)
    with pytest.raises(PacketError) as lying:
        unzip_if_zipped(liar, declared_type="application/zip", max_bytes=2 * MB, where="x")
    assert lying.value.reason in {Reason.ATTACHMENT_TOO_LARGE, Reason.BAD_ARCHIVE}


def test_the_total_of_unzipped_attachments_is_capped() -> None:
    data = build_document_packet(document())
    limits = Limits(max_total_attachment_bytes=2000)
    error = refused(data, limits)
    assert error.reason is Reason.ATTACHMENT_TOO_LARGE
    assert parse_packet(data, limits=Limits(max_total_attachment_bytes=MB))


def test_a_raw_zip_payload_is_only_unzipped_when_it_holds_one_file() -> None:
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.txt", "a")
        archive.writestr("b.txt", "b")
    decoded = unzip_if_zipped(
        two.getvalue(), declared_type="application/zip", max_bytes=MB, where="x"
    )
    assert decoded.zipped is False and decoded.data == two.getvalue()
    single = unzip_if_zipped(zip_one("c.txt", b"c"), declared_type="", max_bytes=MB, where="x")
    assert single.zipped is True and single.data == b"c" and single.entry_name == "c.txt"


def test_not_a_zip_declared_as_zip_is_taken_raw() -> None:
    raw = b"%PDF-1.7 plain file"
    decoded = unzip_if_zipped(raw, declared_type="application/zip", max_bytes=MB, where="x")
    assert decoded.zipped is False and decoded.data == raw


def test_zip_entry_names_lose_directories() -> None:
    with zipfile.ZipFile(io.BytesIO(zip_one("../../etc/văn bản.pdf", b"x"))) as archive:
        assert archive.namelist() == ["văn bản.pdf"]
