"""edXML (QCVN 102:2016): build, parse (hardened) and validate document and status packets.

    from govdoc.exchange.edxml import build_document_packet, parse_packet, validate_packet

See docs/edxml.md for the structure produced and every assumption made about it.
"""

from __future__ import annotations

from govdoc.exchange.edxml.build import (
    build_document_packet,
    build_status_packet,
    document_tree,
    status_tree,
    to_bytes,
)
from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.hardened import Limits, parse_xml, read_limited
from govdoc.exchange.edxml.model import (
    NAMESPACE,
    PREFIX,
    STATUS_WRAPPER,
    VIETNAM,
    XMLDSIG_NAMESPACE,
    Attachment,
    Bussiness,
    BussinessDocType,
    BussinessDocumentInfo,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    Packet,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    SteeringType,
    TraceHeader,
)
from govdoc.exchange.edxml.parse import (
    ParsedPacket,
    header_element,
    parse_packet,
    read_packet,
    read_tree,
)
from govdoc.exchange.edxml.status import response_for, status_for
from govdoc.exchange.edxml.validate import Problem, validate_packet, validate_tree
from govdoc.exchange.edxml.values import format_date, format_document_id, format_timestamp

__all__ = [
    "NAMESPACE",
    "PREFIX",
    "STATUS_WRAPPER",
    "VIETNAM",
    "XMLDSIG_NAMESPACE",
    "Attachment",
    "Bussiness",
    "BussinessDocType",
    "BussinessDocumentInfo",
    "Code",
    "DocumentPacket",
    "DocumentType",
    "Limits",
    "Organization",
    "OtherInfo",
    "Packet",
    "PacketError",
    "ParsedPacket",
    "Problem",
    "PromulgationInfo",
    "Reason",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPacket",
    "SteeringType",
    "TraceHeader",
    "build_document_packet",
    "build_status_packet",
    "document_tree",
    "format_date",
    "format_document_id",
    "format_timestamp",
    "header_element",
    "parse_packet",
    "parse_xml",
    "read_limited",
    "read_packet",
    "read_tree",
    "response_for",
    "status_for",
    "status_tree",
    "to_bytes",
    "validate_packet",
    "validate_tree",
]
