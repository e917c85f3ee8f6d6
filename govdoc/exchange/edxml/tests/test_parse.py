"""Reading packets: typed results, and tolerance of what differs between producers."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest
from lxml import etree

from govdoc.exchange.edxml import (
    DocumentPacket,
    PacketError,
    Reason,
    StatusCode,
    StatusPacket,
    build_document_packet,
    build_status_packet,
    header_element,
    parse_packet,
    read_packet,
)
from govdoc.exchange.edxml.build import document_tree, status_tree, to_bytes
from govdoc.exchange.edxml.model import VIETNAM, XMLDSIG_NAMESPACE, Attachment, BussinessDocType
from govdoc.exchange.edxml.tests.samples import (
    NS,
    PDF,
    document,
    find,
    status,
    tree,
    unqualified_attachments,
    xml,
)


def test_document_round_trip() -> None:
    packet = document()
    parsed = parse_packet(build_document_packet(packet))

    assert parsed == packet
    assert isinstance(parsed, DocumentPacket)
    assert parsed.sender.organ_name == "Văn phòng Chính phủ"
    assert [r.organ_id for r in parsed.recipients] == ["000.00.00.H41", "000.00.00.G09"]
    assert parsed.promulgation_info.promulgation_date == dt.date(2018, 9, 20)
    assert parsed.trace_headers[0].timestamp == dt.datetime(2018, 9, 20, 14, 5, 9, tzinfo=VIETNAM)
    assert parsed.attachments[0].data == PDF
    assert parsed.attachments[0].content_type == "application/pdf"
    assert parsed.attachments[0].zipped is True


def test_status_round_trip() -> None:
    packet = status(status_code=StatusCode.REFUSED, description="Sai thể thức")
    parsed = read_packet(build_status_packet(packet))

    assert parsed.packet == packet
    assert isinstance(parsed.packet, StatusPacket)
    assert parsed.status_wrapper == "MessageStatus"
    assert parsed.signature_present is False


def shuffled(root: etree._Element, seed: int) -> etree._Element:
    """Siblings of different names in a random order; repeated ones (To, Place, Reference…)
    keep their order, which is meaningful."""
    rng = random.Random(seed)
    for element in list(root.iter()):
        if len(element) > 1:
            rank = {tag: rng.random() for tag in {kid.tag for kid in element}}
            element[:] = sorted(element, key=lambda kid: rank[kid.tag])
    return root


@pytest.mark.parametrize("seed", range(5))
def test_sibling_order_does_not_matter(seed: int) -> None:
    packet = document()
    data = xml(shuffled(tree(build_document_packet(packet)), seed))
    assert parse_packet(data) == packet


@pytest.mark.parametrize("seed", range(3))
def test_status_sibling_order_does_not_matter(seed: int) -> None:
    packet = status()
    assert parse_packet(xml(shuffled(tree(build_status_packet(packet)), seed))) == packet


def test_status_wrapper_may_be_named_status() -> None:
    packet = status()
    parsed = read_packet(to_bytes(status_tree(packet, wrapper="Status")))
    assert parsed.packet == packet
    assert parsed.status_wrapper == "Status"


def test_status_code_14_is_read_as_15() -> None:
    data = build_status_packet(status()).replace(b"<edXML:StatusCode>01<", b"<edXML:StatusCode>14<")
    parsed = parse_packet(data)
    assert isinstance(parsed, StatusPacket)
    assert parsed.status_code is StatusCode.RECALL_ACCEPTED


@pytest.mark.parametrize("code", ["07", "99", "abc", ""])
def test_an_unknown_status_code_is_refused(code: str) -> None:
    data = build_status_packet(status()).replace(
        b"<edXML:StatusCode>01<", f"<edXML:StatusCode>{code}<".encode()
    )
    with pytest.raises(PacketError) as caught:
        parse_packet(data)
    assert caught.value.reason in {Reason.UNKNOWN_STATUS_CODE, Reason.MISSING_ELEMENT}


def test_raw_attachments_are_accepted() -> None:
    packet = document()
    data = build_document_packet(packet, zip_attachments=False)
    parsed = parse_packet(data)
    assert parsed == packet
    assert isinstance(parsed, DocumentPacket)
    assert [a.zipped for a in parsed.attachments] == [False, False]


def test_zipped_attachment_with_the_files_own_type_is_unzipped() -> None:
    # Some producers zip the file and still write e.g. application/pdf as ContentType.
    root = tree(build_document_packet(document()))
    for content_type in root.iter(NS + "ContentType"):
        content_type.text = "application/pdf"
    parsed = parse_packet(xml(root))
    assert isinstance(parsed, DocumentPacket)
    assert parsed.attachments[0].data == PDF
    assert parsed.attachments[0].zipped is True


def test_sdk_style_zip_types_everywhere_take_the_type_from_the_name() -> None:
    root = tree(build_document_packet(document()))
    for content_type in root.iter(NS + "ContentType"):
        content_type.text = "application/zip"
    parsed = parse_packet(xml(root))
    assert isinstance(parsed, DocumentPacket)
    assert [a.content_type for a in parsed.attachments] == ["application/pdf", "text/plain"]


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_raw_office_file_is_not_mistaken_for_a_zipped_transfer() -> None:
    office = docx_like()
    files = (
        Attachment(
            content_id="d1",
            name="Dự thảo.docx",
            data=office,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    )
    raw = parse_packet(build_document_packet(document(attachments=files), zip_attachments=False))
    zipped = parse_packet(build_document_packet(document(attachments=files)))
    assert isinstance(raw, DocumentPacket) and isinstance(zipped, DocumentPacket)
    assert raw.attachments[0].data == office and raw.attachments[0].zipped is False
    assert zipped.attachments[0].data == office and zipped.attachments[0].zipped is True


def test_a_zip_file_sent_by_the_sdk_comes_out_as_the_zip_file() -> None:
    inner = docx_like()
    files = (
        Attachment(content_id="z", name="hoso.zip", data=inner, content_type="application/zip"),
    )
    parsed = parse_packet(build_document_packet(document(attachments=files)))
    assert isinstance(parsed, DocumentPacket)
    assert parsed.attachments[0].data == inner
    assert parsed.attachments[0].content_type == "application/zip"


def test_content_ids_match_with_or_without_cid_prefix() -> None:
    root = tree(build_document_packet(document()))
    for attachment in find(root, "AttachmentEncoded"):
        content_id = find(attachment, "ContentId")
        content_id.text = "cid:" + content_id.text
    for reference in find(root, "edXMLEnvelope/edXMLBody/edXMLManifest"):
        content_id = find(reference, "ContentId")
        content_id.text = "<" + content_id.text.removeprefix("cid:") + ">"
    parsed = parse_packet(xml(root))
    assert isinstance(parsed, DocumentPacket)
    assert [a.content_id for a in parsed.attachments] == ["7816-1", "7816-2"]


def test_unprefixed_children_in_no_namespace_are_read() -> None:
    data = unqualified_attachments(build_document_packet(document()))
    root = tree(data)
    assert root.tag == NS + "edXML"
    assert root.find("AttachmentEncoded/Attachment/ContentId") is not None  # no namespace
    assert parse_packet(data) == document()


def test_a_signature_in_the_header_is_accepted_and_exposed() -> None:
    root = document_tree(document())
    header = header_element(root)
    signature = etree.SubElement(header, f"{{{XMLDSIG_NAMESPACE}}}Signature")
    etree.SubElement(signature, f"{{{XMLDSIG_NAMESPACE}}}SignatureValue").text = "c2lnbg=="
    parsed = read_packet(to_bytes(root))

    assert parsed.packet == document()
    assert parsed.signature_present
    assert parsed.signature.tag == f"{{{XMLDSIG_NAMESPACE}}}Signature"
    assert parsed.header.tag == NS + "edXMLHeader"
    assert parsed.root.getroottree().getroot() is parsed.root


def test_unknown_elements_and_comments_are_ignored() -> None:
    root = tree(build_document_packet(document()))
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    etree.SubElement(message, NS + "ApplicationType").text = "MCDT_DT"
    etree.SubElement(find(message, "OtherInfo"), NS + "ReferenceCodes").text = "abc"
    subject = find(message, "Subject")
    subject.insert(0, etree.Comment("ghi chú"))
    subject[0].tail = subject.text
    subject.text = ""
    etree.SubElement(message, "{urn:other}Extra").text = "x"
    assert parse_packet(xml(root)) == document()


def test_other_date_layouts_are_read() -> None:
    data = (
        build_document_packet(document())
        .replace(b">2018/09/20</edXML:PromulgationDate>", b">20/09/2018</edXML:PromulgationDate>")
        .replace(b">2018/10/05<", b">2018-10-05<")
        .replace(b">2018/09/20 14:05:09<", b">2018-09-20T14:05:09<")
    )
    assert parse_packet(data) == document()


def test_a_bad_date_is_refused_with_its_place() -> None:
    data = build_document_packet(document()).replace(b">2018/10/05<", ">ngày mai<".encode())
    with pytest.raises(PacketError) as caught:
        parse_packet(data)
    assert caught.value.reason is Reason.BAD_VALUE
    assert caught.value.where.endswith("MessageHeader/DueDate")
    assert "không đúng định dạng" in caught.value.message


def test_code_written_as_plain_text_is_split() -> None:
    root = tree(build_document_packet(document()))
    code = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader/Code")
    code[:] = []
    code.text = "7816/VPCP-TTĐT"
    assert parse_packet(xml(root)) == document()


def test_correct_business_spelling_is_also_read() -> None:
    packet = document()
    data = (
        build_document_packet(packet)
        .replace(b"edXML:Bussiness>", b"edXML:Business>")
        .replace(b"edXML:BussinessDocType>0<", b"edXML:BusinessDocType>2<")
        .replace(b"edXML:BussinessDocType>", b"edXML:BusinessDocType>")
    )
    parsed = parse_packet(data)
    assert isinstance(parsed, DocumentPacket)
    assert parsed.bussiness.doc_type is BussinessDocType.UPDATE


def test_missing_optional_parts_read_as_empty() -> None:
    root = tree(build_document_packet(document(attachments=())))
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    for name in ("Content", "DueDate", "OtherInfo", "SteeringType", "ToPlaces", "ResponseFor"):
        message.remove(find(message, name))
    header = find(root, "edXMLEnvelope/edXMLHeader")
    header.remove(find(header, "TraceHeaderList"))
    envelope = find(root, "edXMLEnvelope")
    envelope.remove(find(envelope, "edXMLBody"))
    parsed = parse_packet(xml(root))
    assert isinstance(parsed, DocumentPacket)
    assert parsed.content == "" and parsed.due_date is None and parsed.to_places == ()
    assert parsed.other_info.priority == 0 and parsed.trace_headers == ()
    assert parsed.bussiness.doc_type is BussinessDocType.NEW and parsed.attachments == ()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("edXMLEnvelope/edXMLHeader/MessageHeader/From", Reason.MISSING_ELEMENT),
        ("edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId", Reason.MISSING_ELEMENT),
        ("edXMLEnvelope/edXMLHeader/MessageHeader", Reason.BAD_STRUCTURE),
        ("edXMLEnvelope/edXMLHeader", Reason.MISSING_ELEMENT),
        ("edXMLEnvelope", Reason.MISSING_ELEMENT),
    ],
)
def test_missing_required_parts_are_refused(path: str, reason: Reason) -> None:
    root = tree(build_document_packet(document()))
    element = find(root, path)
    element.getparent().remove(element)
    with pytest.raises(PacketError) as caught:
        parse_packet(xml(root))
    assert caught.value.reason is reason


@pytest.mark.parametrize("name", ["From", "DocumentId", "Code", "Subject"])
def test_an_element_allowed_once_is_refused_twice(name: str) -> None:
    root = tree(build_document_packet(document()))
    message = find(root, "edXMLEnvelope/edXMLHeader/MessageHeader")
    message.append(etree.fromstring(etree.tostring(find(message, name))))
    with pytest.raises(PacketError) as caught:
        parse_packet(xml(root))
    assert caught.value.reason is Reason.DUPLICATE_ELEMENT
    assert name in caught.value.message


def test_a_header_with_both_document_and_status_is_refused() -> None:
    root = tree(build_document_packet(document()))
    header = find(root, "edXMLEnvelope/edXMLHeader")
    header.append(find(tree(build_status_packet(status())), "edXMLEnvelope/edXMLHeader")[0])
    with pytest.raises(PacketError) as caught:
        parse_packet(xml(root))
    assert caught.value.reason is Reason.BAD_STRUCTURE


def test_a_root_other_than_edxml_is_refused() -> None:
    data = (
        build_status_packet(status())
        .replace(b"<edXML xmlns", b"<edXMLx xmlns")
        .replace(b"</edXML>", b"</edXMLx>")
    )
    with pytest.raises(PacketError) as caught:
        parse_packet(data)
    assert caught.value.reason is Reason.BAD_STRUCTURE


def test_attachments_keep_the_manifest_order() -> None:
    root = tree(build_document_packet(document()))
    encoded = find(root, "AttachmentEncoded")
    encoded[:] = list(reversed(list(encoded)))
    parsed = parse_packet(xml(root))
    assert isinstance(parsed, DocumentPacket)
    assert [a.content_id for a in parsed.attachments] == ["7816-1", "7816-2"]


def test_several_attachment_groups_are_read() -> None:
    root = tree(build_document_packet(document()))
    encoded = find(root, "AttachmentEncoded")
    second = etree.SubElement(root, NS + "AttachmentEncoded")
    second.append(encoded[1])
    assert parse_packet(xml(root)) == document()


def test_line_wrapped_base64_is_read() -> None:
    root = tree(build_document_packet(document()))
    for encoded in root.iter(NS + "ContentTransferEncoded"):
        text = encoded.text
        encoded.text = "\n".join(text[i : i + 76] for i in range(0, len(text), 76)) + "\n"
    assert parse_packet(xml(root)) == document()
