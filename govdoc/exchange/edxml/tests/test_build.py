"""The packets govdoc writes: shape, names, order and formats of DOMAIN §5.2–5.3."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
import zipfile

import pytest

from govdoc.exchange.edxml import build_document_packet, build_status_packet, parse_packet
from govdoc.exchange.edxml.model import (
    NAMESPACE,
    XMLDSIG_NAMESPACE,
    Attachment,
    Code,
    Organization,
    PromulgationInfo,
    TraceHeader,
)
from govdoc.exchange.edxml.tests.samples import NS, document, find, status, tree, xml


def local(element: object) -> str:
    tag = element.tag  # type: ignore[attr-defined]
    return str(tag).split("}", 1)[1]


def children(element: object) -> list[str]:
    return [local(child) for child in element]  # type: ignore[attr-defined]


def test_document_packet_has_the_shape_and_order_of_the_sdk_files() -> None:
    root = tree(build_document_packet(document()))

    assert root.tag == NS + "edXML"
    assert root.nsmap == {None: NAMESPACE}
    assert children(root) == ["edXMLEnvelope", "AttachmentEncoded"]
    envelope = find(root, "edXMLEnvelope")
    assert envelope.prefix == "edXML"
    assert children(envelope) == ["edXMLHeader", "edXMLBody"]
    header = find(root, "edXMLEnvelope/edXMLHeader")
    # Unsigned: the signing module appends Signature as the last child of edXMLHeader.
    assert children(header) == ["MessageHeader", "TraceHeaderList"]
    assert header.find(f"{{{XMLDSIG_NAMESPACE}}}Signature") is None
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    assert children(message) == [
        "From",
        "To",
        "To",
        "DocumentId",
        "Code",
        "PromulgationInfo",
        "DocumentType",
        "Subject",
        "Content",
        "SignerInfo",
        "DueDate",
        "OtherInfo",
        "SteeringType",
        "ToPlaces",
        "ResponseFor",
    ]
    assert children(message[0]) == [
        "OrganId",
        "OrganizationInCharge",
        "OrganName",
        "OrganAdd",
        "Email",
        "Telephone",
        "Fax",
        "Website",
    ]
    other = find(message, "OtherInfo")
    assert children(other) == [
        "Priority",
        "SphereOfPromulgation",
        "TyperNotation",
        "PromulgationAmount",
        "PageAmount",
        "Direction",
        "Appendixes",
    ]
    assert children(find(message, "ResponseFor")) == [
        "OrganId",
        "Code",
        "PromulgationDate",
        "DocumentId",
    ]
    every_element = [e for e in root.iter() if isinstance(e.tag, str)]
    assert all(e.tag.startswith(NS) for e in every_element)
    assert all(e.prefix == "edXML" for e in every_element if e is not root)


def test_values_are_written_in_edxml_formats() -> None:
    data = build_document_packet(document())
    root = tree(data)
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")

    assert find(message, "DocumentId").text == "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT"
    assert find(message, "PromulgationInfo/PromulgationDate").text == "2018/09/20"
    assert find(message, "DueDate").text == "2018/10/05"
    assert find(message, "SteeringType").text == "1"
    assert find(message, "OtherInfo/Direction").text == "false"
    trace = find(root, "edXMLEnvelope/edXMLHeader/TraceHeaderList")
    assert children(trace) == ["TraceHeader", "Bussiness"]
    assert find(trace, "TraceHeader/Timestamp").text == "2018/09/20 14:05:09"
    bussiness = find(trace, "Bussiness")
    assert children(bussiness) == [
        "DocumentId",
        "BussinessDocType",
        "BussinessDocReason",
        "Paper",
        "StaffInfo",
    ]
    assert children(find(bussiness, "StaffInfo")) == ["Department", "Staff", "Email", "Mobile"]
    assert b"Business" not in data  # the standard's SDK spelling only
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')


def test_timestamps_are_written_in_vietnam_time() -> None:
    utc = dt.datetime(2018, 9, 20, 17, 30, 0, tzinfo=dt.UTC)
    packet = document(trace_headers=(TraceHeader(organ_id="000.00.00.G22", timestamp=utc),))
    root = tree(build_document_packet(packet))
    stamp = find(root, "edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader/Timestamp")
    assert stamp.text == "2018/09/21 00:30:00"


def test_each_attachment_is_zipped_alone_and_base64_encoded() -> None:
    packet = document()
    root = tree(build_document_packet(packet))

    references = find(root, "edXMLEnvelope/edXMLBody/edXMLManifest")
    assert references.get("version") == "1.0"
    first = references[0]
    assert children(first) == ["ContentId", "ContentType", "Description", "AttachmentName"]
    assert find(first, "ContentId").text == "cid:7816-1"
    assert find(first, "ContentType").text == "application/pdf"  # the file's own type
    encoded = find(root, "AttachmentEncoded")
    assert len(encoded) == 2
    attachment = encoded[0]
    assert children(attachment) == [
        "ContentId",
        "AttachmentName",
        "Description",
        "ContentType",
        "ContentTransferEncoded",
    ]
    assert find(attachment, "ContentId").text == "7816-1"
    assert find(attachment, "ContentType").text == "application/zip"
    payload = base64.b64decode(find(attachment, "ContentTransferEncoded").text, validate=True)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.namelist() == ["7816-VPCP-TTĐT.pdf"]
        assert archive.read("7816-VPCP-TTĐT.pdf") == packet.attachments[0].data
        assert archive.infolist()[0].compress_type == zipfile.ZIP_DEFLATED


def test_the_same_packet_gives_the_same_bytes() -> None:
    assert build_document_packet(document()) == build_document_packet(document())


def test_an_empty_document_id_is_derived_from_sender_date_and_code() -> None:
    packet = document(
        document_id="",
        sender=Organization(organ_id="000.00.00.G09", organ_name="Bộ Nội vụ"),
        code=Code(code_number="15", code_notation="QĐ-BNV"),
        promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=dt.date(2024, 1, 2)),
    )
    parsed = parse_packet(build_document_packet(packet))
    assert parsed.document_id == "000.00.00.G09,2024/01/02,15/QĐ-BNV"  # type: ignore[union-attr]


def test_an_empty_content_id_gets_a_unique_one() -> None:
    files = (
        Attachment(content_id="", name="a.txt", data=b"a", content_type="text/plain"),
        Attachment(content_id="", name="b.txt", data=b"b", content_type="text/plain"),
    )
    parsed = parse_packet(build_document_packet(document(attachments=files)))
    ids = [a.content_id for a in parsed.attachments]  # type: ignore[union-attr]
    assert len(set(ids)) == 2 and all(ids)


def test_builder_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="OrganId"):
        build_document_packet(document(recipients=(Organization(organ_id=""),)))
    with pytest.raises(ValueError, match="ContentId"):
        same = Attachment(content_id="x", name="a", data=b"")
        build_document_packet(document(attachments=(same, same)))
    with pytest.raises(ValueError, match="XML"):
        build_document_packet(document(subject="nul \x00 char"))


def test_status_packet_is_wrapped_in_message_status() -> None:
    root = tree(build_status_packet(status()))

    header = find(root, "edXMLEnvelope/edXMLHeader")
    assert children(find(root, "edXMLEnvelope")) == ["edXMLHeader"]
    assert children(header) == ["MessageStatus"]
    wrapper = header[0]
    assert children(wrapper) == [
        "ResponseFor",
        "From",
        "StatusCode",
        "Description",
        "Timestamp",
        "StaffInfo",
    ]
    assert find(wrapper, "StatusCode").text == "01"
    assert find(wrapper, "Timestamp").text == "2018/09/20 15:30:00"
    assert find(wrapper, "ResponseFor/Code").text == "7816/VPCP-TTĐT"
    assert children(find(wrapper, "StaffInfo")) == ["Department", "Staff", "Mobile", "Email"]


def test_incompressible_files_are_stored_in_their_zip() -> None:
    noise = random.Random(7).randbytes(300_000)
    files = (
        Attachment(content_id="n", name="scan.pdf", data=noise, content_type="application/pdf"),
    )
    root = tree(build_document_packet(document(attachments=files)))
    encoded = find(root, "AttachmentEncoded/Attachment/ContentTransferEncoded")
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded.text))) as archive:
        assert archive.infolist()[0].compress_type == zipfile.ZIP_STORED
        assert archive.read("scan.pdf") == noise
    assert parse_packet(xml(root)).attachments[0].data == noise  # type: ignore[union-attr]
