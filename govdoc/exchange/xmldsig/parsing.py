"""Hardened parsing of edXML packets and the few places of the packet the signature needs.

Untrusted XML is parsed by the exchange's one hardened parser (`edxml/hardened.py`: entities,
DTDs and network access disabled, size, depth and element count capped); a packet that
declares a DTD or an entity at all is refused (an XXE or "billion laughs" attempt has no
business in an edXML packet). Comments and processing instructions are dropped while
parsing: exclusive C14N does not sign them, so keeping them would let a reader see text the
signature does not cover (the "comment truncation" trick). The parser's typed reasons become
the signature's: too large, too deep or too many elements → `too_large`; a DTD or an entity →
`unsafe_xml`; anything else → `malformed`."""

from __future__ import annotations

from typing import Any

from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.hardened import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_ELEMENTS,
    Limits,
    new_parser,
    parse_xml,
)
from govdoc.exchange.xmldsig.errors import PacketSignatureError, SignatureProblem

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"

ROOT = f"{{{EDXML_NS}}}edXML"
ENVELOPE = f"{{{EDXML_NS}}}edXMLEnvelope"
HEADER = f"{{{EDXML_NS}}}edXMLHeader"
SIGNATURE = f"{{{DS_NS}}}Signature"

MAX_PACKET_BYTES = DEFAULT_MAX_BYTES
"""The official gateway's cap on a packet (DOMAIN §5.2)."""
MAX_DEPTH = DEFAULT_MAX_DEPTH
"""An edXML packet with its signature is about ten levels deep."""
MAX_ELEMENTS = DEFAULT_MAX_ELEMENTS

_PROBLEM_OF: dict[Reason, SignatureProblem] = {
    Reason.TOO_LARGE: SignatureProblem.TOO_LARGE,
    Reason.TOO_DEEP: SignatureProblem.TOO_LARGE,
    Reason.TOO_MANY_ELEMENTS: SignatureProblem.TOO_LARGE,
    Reason.DTD_FORBIDDEN: SignatureProblem.UNSAFE_XML,
}


def hardened_parser() -> Any:
    """A new hardened lxml parser (parsers are not thread-safe) that also drops comments and
    processing instructions: what signxml parses with."""
    return new_parser(remove_comments=True, remove_pis=True)


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
    limits = Limits(max_bytes=max_bytes, max_depth=max_depth, max_elements=max_elements)
    try:
        root = parse_xml(bytes(xml), limits, drop_comments=True)
    except PacketError as error:
        problem = _PROBLEM_OF.get(error.reason, SignatureProblem.MALFORMED)
        raise PacketSignatureError(problem) from error
    if root.tag != ROOT:
        raise PacketSignatureError(
            SignatureProblem.MALFORMED,
            "Gói tin không phải là gói edXML (phần tử gốc phải là edXML thuộc không gian tên "
            f"{EDXML_NS}).",
        )
    return root


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
