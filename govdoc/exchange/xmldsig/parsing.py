"""Hardened parsing of edXML packets and the few places of the packet the signature needs.

Untrusted XML is parsed with entities, DTDs and network access disabled; a packet that
declares a DTD or an entity at all is refused (an XXE or "billion laughs" attempt has no
business in an edXML packet). Comments and processing instructions are dropped while
parsing: exclusive C14N does not sign them, so keeping them would let a reader see text the
signature does not cover (the "comment truncation" trick)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from govdoc.exchange.xmldsig.errors import PacketSignatureError, SignatureProblem

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"

ROOT = f"{{{EDXML_NS}}}edXML"
ENVELOPE = f"{{{EDXML_NS}}}edXMLEnvelope"
HEADER = f"{{{EDXML_NS}}}edXMLHeader"
SIGNATURE = f"{{{DS_NS}}}Signature"

MAX_PACKET_BYTES = 50 * 1024 * 1024
"""The official gateway's cap on a packet (DOMAIN §5.2)."""
MAX_DEPTH = 64
"""An edXML packet with its signature is about ten levels deep."""
MAX_ELEMENTS = 100_000

_UNSAFE_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def hardened_parser() -> Any:
    """A new lxml parser (parsers are not thread-safe): no entity resolution, no DTD, no
    network; huge_tree only lifts libxml2's 10 MB cap on one text node (a base64 attachment),
    entity expansion stays off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_packet(
    xml: bytes,
    *,
    max_bytes: int = MAX_PACKET_BYTES,
    max_depth: int = MAX_DEPTH,
    max_elements: int = MAX_ELEMENTS,
) -> Any:
    """The root `edXML` element of `xml`, or `PacketSignatureError` (malformed, unsafe, too
    large, too deep or with too many elements)."""
    if not isinstance(xml, bytes | bytearray):
        raise TypeError("xml must be bytes")
    if len(xml) > max_bytes:
        raise PacketSignatureError(SignatureProblem.TOO_LARGE)
    if any(marker in xml for marker in _UNSAFE_MARKERS):
        raise PacketSignatureError(SignatureProblem.UNSAFE_XML)
    try:
        root = etree.fromstring(bytes(xml), parser=hardened_parser())
    except etree.XMLSyntaxError as error:
        raise PacketSignatureError(SignatureProblem.MALFORMED) from error
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PacketSignatureError(SignatureProblem.UNSAFE_XML)  # e.g. a UTF-16 DOCTYPE
    if next(root.iter(etree.Entity), None) is not None:
        raise PacketSignatureError(SignatureProblem.UNSAFE_XML)
    if root.tag != ROOT:
        raise PacketSignatureError(
            SignatureProblem.MALFORMED,
            "Gói tin không phải là gói edXML (phần tử gốc phải là edXML thuộc không gian tên "
            f"{EDXML_NS}).",
        )
    _check_shape_limits(root, max_depth=max_depth, max_elements=max_elements)
    return root


def _check_shape_limits(root: Any, *, max_depth: int, max_elements: int) -> None:
    depth = elements = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        if depth > max_depth or elements > max_elements:
            raise PacketSignatureError(SignatureProblem.TOO_LARGE)


def packet_header(root: Any) -> Any:
    """The one `edXMLHeader` of the one `edXMLEnvelope` directly under the root. A second
    envelope or header anywhere in the document (a signature-wrapping attempt) is refused."""
    envelopes = list(root.iter(ENVELOPE))
    headers = list(root.iter(HEADER))
    if not envelopes or not headers:
        raise PacketSignatureError(
            SignatureProblem.MALFORMED, "Gói tin edXML thiếu phong bì (edXMLEnvelope/edXMLHeader)."
        )
    if len(envelopes) > 1 or len(headers) > 1:
        raise PacketSignatureError(
            SignatureProblem.WRONG_REFERENCE,
            "Gói tin có nhiều hơn một phong bì edXML (có dấu hiệu tấn công bọc chữ ký).",
        )
    envelope, header = envelopes[0], headers[0]
    if envelope.getparent() is not root or header.getparent() is not envelope:
        raise PacketSignatureError(
            SignatureProblem.WRONG_REFERENCE,
            "Phong bì edXML không nằm đúng vị trí edXML/edXMLEnvelope/edXMLHeader.",
        )
    return header


def signatures_of(root: Any) -> list[Any]:
    """Every XML-DSig `Signature` element anywhere in the document."""
    return list(root.iter(SIGNATURE))


def from_organ_id(header: Any) -> str | None:
    """`From/OrganId` of the message header (or of a status message's `Status` /
    `MessageStatus`), stripped; None when absent."""
    found = header.xpath(
        "./*[local-name()='MessageHeader' or local-name()='Status'"
        " or local-name()='MessageStatus']/*[local-name()='From']/*[local-name()='OrganId']"
    )
    if not found:
        return None
    text = "".join(found[0].itertext()).strip()
    return text or None
