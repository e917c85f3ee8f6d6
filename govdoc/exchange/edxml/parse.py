"""Read packets: `parse_packet(data) -> DocumentPacket | StatusPacket`, hardened and tolerant.

Tolerant of what differs between producers (DOMAIN §5.2–5.3): sibling order; elements
of the edXML namespace written without a namespace below the root; unknown extra
elements (ignored); zipped or raw attachments; `cid:` on either side of the manifest link;
status code 14 read as 15; the status wrapper named `Status` or `MessageStatus`; a few
date layouts besides `yyyy/MM/dd`. A `Signature` (XML-DSig) in edXMLHeader is accepted and
left to the signing module: `read_packet` returns the parsed lxml tree with it.

Strict where being lenient would be unsafe or ambiguous: the root must be `edXML` in the
edXML namespace; an element that may appear once (From, DocumentId, StatusCode…) must
not appear twice (which From would be checked against the sending agency?); every
manifest reference needs its attachment and every attachment its reference; base64 must be
valid; unzipping is capped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from govdoc.exchange.edxml import attachments as wire
from govdoc.exchange.edxml.errors import PacketError, Reason
from govdoc.exchange.edxml.hardened import Limits, parse_xml, size_text
from govdoc.exchange.edxml.model import (
    DEFAULT_CONTENT_TYPE,
    NAMESPACE,
    STATUS_WRAPPERS,
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
    StatusPacket,
    SteeringType,
    TraceHeader,
)
from govdoc.exchange.edxml.values import (
    parse_bool,
    parse_date,
    parse_int,
    parse_status_code,
    parse_timestamp,
)

_OURS = (NAMESPACE, None)


def _split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


class Node:
    """An element of the edXML namespace (or of none) with its children by local name."""

    __slots__ = ("_children", "element", "path")

    def __init__(self, element: Any, path: str) -> None:
        self.element = element
        self.path = path
        self._children: dict[str, list[Any]] | None = None

    @property
    def children(self) -> dict[str, list[Any]]:
        if self._children is None:
            grouped: dict[str, list[Any]] = {}
            for child in self.element:
                if not isinstance(child.tag, str):
                    continue  # comments, processing instructions
                namespace, local = _split(child.tag)
                if namespace in _OURS:
                    grouped.setdefault(local, []).append(child)
            self._children = grouped
        return self._children

    def _node(self, element: Any, name: str) -> Node:
        return Node(element, f"{self.path}/{name}" if self.path else name)

    def one(self, *names: str, required: bool = False) -> Node | None:
        """The child called `names[0]` (or one of the other spellings); twice is refused."""
        found = [(name, e) for name in names for e in self.children.get(name, ())]
        if len(found) > 1:
            raise PacketError(Reason.DUPLICATE_ELEMENT, names[0], where=self.path)
        if not found:
            if required:
                raise PacketError(Reason.MISSING_ELEMENT, names[0], where=self.path)
            return None
        name, element = found[0]
        return self._node(element, name)

    def many(self, name: str) -> list[Node]:
        return [self._node(element, name) for element in self.children.get(name, ())]

    def own_text(self) -> str:
        parts = [self.element.text or ""]
        for child in self.element:
            if not isinstance(child.tag, str):  # text around comments
                parts.append(child.tail or "")
        return "".join(parts).strip()

    def text(self, *names: str, required: bool = False) -> str:
        node = self.one(*names, required=required)
        if node is None:
            return ""
        value = node.own_text()
        if required and not value:
            raise PacketError(Reason.MISSING_ELEMENT, f"{names[0]} rỗng", where=node.path)
        return value

    def where(self, name: str) -> str:
        return f"{self.path}/{name}"


@dataclass(frozen=True, slots=True)
class ParsedPacket:
    """A packet read from bytes, with the lxml tree it came from (for signature checks).

    `header` is the `edXMLHeader` element, `signature` its XML-DSig `Signature` child if
    any; `status_wrapper` is "MessageStatus" or "Status" for status messages."""

    packet: Packet
    root: Any = field(repr=False)
    header: Any = field(repr=False)
    signature: Any = field(default=None, repr=False)
    status_wrapper: str | None = None

    @property
    def signature_present(self) -> bool:
        return self.signature is not None


def read_packet(data: bytes, *, limits: Limits | None = None) -> ParsedPacket:
    """Parse untrusted bytes (hardened) into a packet and its tree; `PacketError` if refused."""
    limits = limits or Limits.from_settings()
    return read_tree(parse_xml(data, limits), limits=limits)


def parse_packet(data: bytes, *, limits: Limits | None = None) -> Packet:
    """Parse untrusted bytes into a `DocumentPacket` or a `StatusPacket`."""
    return read_packet(data, limits=limits).packet


def read_tree(root: Any, *, limits: Limits | None = None) -> ParsedPacket:
    """Read an already (hardened-)parsed tree."""
    limits = limits or Limits.from_settings()
    top = root_node(root)
    envelope = top.one("edXMLEnvelope", required=True)
    assert envelope is not None
    header = envelope.one("edXMLHeader", required=True)
    assert header is not None
    signature = header.element.find(f"{{{XMLDSIG_NAMESPACE}}}Signature")
    message = header.one("MessageHeader")
    wrappers = [(name, node) for name in STATUS_WRAPPERS for node in header.many(name)]
    if message is not None and wrappers:
        raise PacketError(
            Reason.BAD_STRUCTURE,
            "có cả MessageHeader và thông điệp trạng thái",
            where=header.path,
        )
    if len(wrappers) > 1:
        raise PacketError(Reason.DUPLICATE_ELEMENT, "MessageStatus/Status", where=header.path)
    if message is not None:
        packet: Packet = _document(top, envelope, header, message, limits)
        wrapper_name = None
    elif wrappers:
        wrapper_name, node = wrappers[0]
        packet = _status(node)
    else:
        raise PacketError(
            Reason.BAD_STRUCTURE,
            "không có MessageHeader (văn bản) hay MessageStatus/Status (trạng thái)",
            where=header.path,
        )
    return ParsedPacket(
        packet=packet,
        root=root,
        header=header.element,
        signature=signature,
        status_wrapper=wrapper_name,
    )


def root_node(root: Any) -> Node:
    namespace, local = _split(root.tag) if isinstance(root.tag, str) else (None, "")
    if namespace != NAMESPACE:
        raise PacketError(
            Reason.WRONG_NAMESPACE,
            f"phần tử gốc “{local}” thuộc “{namespace or 'không có không gian tên'}”, "
            f"cần “{NAMESPACE}”",
        )
    if local != "edXML":
        raise PacketError(Reason.BAD_STRUCTURE, f"phần tử gốc là “{local}”, cần “edXML”")
    return Node(root, "edXML")


def header_element(root: Any) -> Any:
    """The `edXMLHeader` element of a packet tree (where `Signature` goes)."""
    top = root_node(root)
    envelope = top.one("edXMLEnvelope", required=True)
    assert envelope is not None
    header = envelope.one("edXMLHeader", required=True)
    assert header is not None
    return header.element


# -- parts ---------------------------------------------------------------------------------


def _organization(node: Node) -> Organization:
    return Organization(
        organ_id=node.text("OrganId", required=True),
        organization_in_charge=node.text("OrganizationInCharge"),
        organ_name=node.text("OrganName"),
        organ_add=node.text("OrganAdd"),
        email=node.text("Email"),
        telephone=node.text("Telephone"),
        fax=node.text("Fax"),
        website=node.text("Website"),
    )


def _code(node: Node | None) -> Code:
    if node is None:
        return Code()
    if not node.children:  # some producers write "7816/VPCP-TTĐT" as plain text
        number, slash, notation = node.own_text().partition("/")
        if slash and number.strip().isdigit():
            return Code(code_number=number.strip(), code_notation=notation.strip())
        return Code(code_notation=node.own_text())
    return Code(code_number=node.text("CodeNumber"), code_notation=node.text("CodeNotation"))


def _date(node: Node, name: str) -> dt.date | None:
    return parse_date(node.text(name), where=node.where(name))


def _int(node: Node, name: str) -> int | None:
    return parse_int(node.text(name), where=node.where(name))


def _staff(node: Node | None) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(
        department=node.text("Department"),
        staff=node.text("Staff"),
        mobile=node.text("Mobile"),
        email=node.text("Email"),
    )


def _response_for(node: Node) -> ResponseFor:
    code_node = node.one("Code")
    code = _code(code_node).text if code_node is not None else ""
    return ResponseFor(
        organ_id=node.text("OrganId"),
        code=code,
        promulgation_date=_date(node, "PromulgationDate"),
        document_id=node.text("DocumentId"),
    )


def _document_type(node: Node | None) -> DocumentType:
    if node is None:
        return DocumentType()
    if not node.children:
        return DocumentType(type_name=node.own_text())
    return DocumentType(
        type=_int(node, "Type"),
        type_detail=_int(node, "TypeDetail"),
        type_name=node.text("TypeName"),
    )


def _other_info(node: Node | None) -> OtherInfo:
    if node is None:
        return OtherInfo(direction="")
    appendixes = [n.own_text() for n in node.many("Appendix")]
    for group in node.many("Appendixes"):
        appendixes.extend(n.own_text() for n in group.many("Appendix"))
    return OtherInfo(
        priority=_int(node, "Priority") or 0,
        sphere_of_promulgation=node.text("SphereOfPromulgation"),
        typer_notation=node.text("TyperNotation"),
        promulgation_amount=_int(node, "PromulgationAmount"),
        page_amount=_int(node, "PageAmount"),
        direction=node.text("Direction"),
        appendixes=tuple(appendixes),
    )


_E = TypeVar("_E", SteeringType, BussinessDocType)


def _enum_value(kind: type[_E], value: int | None, default: _E, *, where: str) -> _E:
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise PacketError(Reason.BAD_VALUE, f"giá trị {value}", where=where) from None


def _bussiness(node: Node | None) -> Bussiness:
    if node is None:
        return Bussiness()
    doc_type = _enum_value(
        BussinessDocType,
        parse_int(
            node.text("BussinessDocType", "BusinessDocType"),
            where=node.where("BussinessDocType"),
        ),
        BussinessDocType.NEW,
        where=node.where("BussinessDocType"),
    )
    info_node = node.one("BussinessDocumentInfo", "BusinessDocumentInfo")
    info = None
    if info_node is not None:
        receivers: list[Receiver] = []
        receiver_list = info_node.one("ReceiverList")
        if receiver_list is not None:
            receivers = [
                Receiver(receiver_type=r.text("ReceiverType"), organ_id=r.text("OrganId"))
                for r in receiver_list.many("Receiver")
            ]
        info = BussinessDocumentInfo(
            document_info=info_node.text("DocumentInfo"),
            document_receiver=info_node.text("DocumentReceiver"),
            receivers=tuple(receivers),
        )
    replacements: list[ReplacementInfo] = []
    replacement_list = node.one("ReplacementInfoList")
    if replacement_list is not None:
        for item in replacement_list.many("ReplacementInfo"):
            organ_list = item.one("OrganIdList")
            organ_ids = (
                [] if organ_list is None else [n.own_text() for n in organ_list.many("OrganId")]
            )
            replacements.append(
                ReplacementInfo(document_id=item.text("DocumentId"), organ_ids=tuple(organ_ids))
            )
    return Bussiness(
        doc_type=doc_type,
        doc_reason=node.text("BussinessDocReason", "BusinessDocReason"),
        paper=parse_bool(node.text("Paper"), where=node.where("Paper")),
        document_id=node.text("DocumentId"),
        staff_info=_staff(node.one("StaffInfo")),
        document_info=info,
        replacement_info=tuple(replacements),
    )


def _trace(header: Node) -> tuple[tuple[TraceHeader, ...], Bussiness]:
    trace = header.one("TraceHeaderList")
    if trace is None:
        return (), Bussiness()
    hops = tuple(
        TraceHeader(
            organ_id=hop.text("OrganId", required=True),
            timestamp=parse_timestamp(
                hop.text("Timestamp", required=True), where=hop.where("Timestamp")
            ),
        )
        for hop in trace.many("TraceHeader")
    )
    return hops, _bussiness(trace.one("Bussiness", "Business"))


def _document(
    top: Node, envelope: Node, header: Node, message: Node, limits: Limits
) -> DocumentPacket:
    sender_node = message.one("From", required=True)
    assert sender_node is not None
    promulgation = message.one("PromulgationInfo")
    signer = message.one("SignerInfo")
    places = message.one("ToPlaces")
    steering = _enum_value(
        SteeringType,
        _int(message, "SteeringType"),
        SteeringType.NOT_STEERING,
        where=message.where("SteeringType"),
    )
    trace_headers, bussiness = _trace(header)
    return DocumentPacket(
        sender=_organization(sender_node),
        recipients=tuple(_organization(n) for n in message.many("To")),
        document_id=message.text("DocumentId"),
        code=_code(message.one("Code")),
        promulgation_info=(
            PromulgationInfo()
            if promulgation is None
            else PromulgationInfo(
                place=promulgation.text("Place"),
                promulgation_date=_date(promulgation, "PromulgationDate"),
            )
        ),
        document_type=_document_type(message.one("DocumentType")),
        subject=message.text("Subject"),
        content=message.text("Content"),
        signer_info=(
            SignerInfo()
            if signer is None
            else SignerInfo(
                competence=signer.text("Competence"),
                position=signer.text("Position"),
                full_name=signer.text("FullName"),
            )
        ),
        due_date=_date(message, "DueDate"),
        other_info=_other_info(message.one("OtherInfo")),
        steering_type=steering,
        to_places=() if places is None else tuple(p.own_text() for p in places.many("Place")),
        response_for=tuple(_response_for(n) for n in message.many("ResponseFor")),
        trace_headers=trace_headers,
        bussiness=bussiness,
        attachments=_attachments(top, envelope, limits),
    )


def _status(node: Node) -> StatusPacket:
    response = node.one("ResponseFor", required=True)
    sender = node.one("From", required=True)
    assert response is not None and sender is not None
    return StatusPacket(
        response_for=_response_for(response),
        sender=_organization(sender),
        status_code=parse_status_code(
            node.text("StatusCode", required=True), where=node.where("StatusCode")
        ),
        description=node.text("Description"),
        timestamp=parse_timestamp(
            node.text("Timestamp", required=True), where=node.where("Timestamp")
        ),
        staff_info=_staff(node.one("StaffInfo")),
    )


# -- attachments ---------------------------------------------------------------------------


def normalize_content_id(value: str) -> str:
    """ "cid:abc", "<abc>" and "abc" name the same attachment."""
    text = value.strip()
    if text[:4].lower() == "cid:":
        text = text[4:]
    return text.strip().removeprefix("<").removesuffix(">").strip()


@dataclass(frozen=True, slots=True)
class Pair:
    """A manifest reference and its encoded attachment."""

    content_id: str
    reference: Node
    attachment: Node


def manifest_references(envelope: Node) -> list[Node]:
    body = envelope.one("edXMLBody")
    manifest = None if body is None else body.one("edXMLManifest")
    return [] if manifest is None else manifest.many("Reference")


def encoded_attachments(top: Node) -> list[Node]:
    return [a for group in top.many("AttachmentEncoded") for a in group.many("Attachment")]


def pair_attachments(
    top: Node, envelope: Node, problems: list[PacketError] | None = None
) -> list[Pair]:
    """Match the manifest and the attachments by ContentId. Without `problems`, the first
    mismatch is raised; with it, every mismatch is appended and the matching pairs returned."""

    def refuse(error: PacketError) -> None:
        if problems is None:
            raise error
        problems.append(error)

    references: dict[str, Node] = {}
    for reference in manifest_references(envelope):
        try:
            content_id = normalize_content_id(reference.text("ContentId", required=True))
        except PacketError as error:
            refuse(error)
            continue
        if content_id in references:
            refuse(PacketError(Reason.DUPLICATE_ATTACHMENT, content_id, where=reference.path))
            continue
        references[content_id] = reference
    encoded: dict[str, Node] = {}
    for attachment in encoded_attachments(top):
        try:
            content_id = normalize_content_id(attachment.text("ContentId", required=True))
        except PacketError as error:
            refuse(error)
            continue
        if content_id in encoded:
            refuse(PacketError(Reason.DUPLICATE_ATTACHMENT, content_id, where=attachment.path))
            continue
        encoded[content_id] = attachment
    pairs: list[Pair] = []
    for content_id, reference in references.items():
        if content_id not in encoded:
            name = reference.text("AttachmentName")
            refuse(
                PacketError(
                    Reason.MISSING_ATTACHMENT,
                    f"“{name or content_id}” (ContentId {content_id})",
                    where=reference.path,
                )
            )
            continue
        pairs.append(Pair(content_id, reference, encoded[content_id]))
    for content_id, attachment in encoded.items():
        if content_id not in references:
            refuse(
                PacketError(
                    Reason.UNKNOWN_ATTACHMENT, f"ContentId {content_id}", where=attachment.path
                )
            )
    return pairs


def _first(values: Iterable[str], default: str) -> str:
    return next((v for v in values if v), default)


def decode_pair(pair: Pair, limits: Limits) -> Attachment:
    reference, attachment = pair.reference, pair.attachment
    declared = attachment.text("ContentType")
    listed = reference.text("ContentType")
    encoded = attachment.one("ContentTransferEncoded", required=True)
    assert encoded is not None
    payload = wire.decode_base64(encoded.own_text(), where=encoded.path)
    decoded = wire.unzip_if_zipped(
        payload,
        declared_type=declared or listed,
        max_bytes=limits.max_attachment_bytes,
        where=attachment.path,
    )
    name = _first(
        (attachment.text("AttachmentName"), reference.text("AttachmentName"), decoded.entry_name),
        pair.content_id,
    )
    if decoded.zipped:
        # The transfer type says "zip": the file's own type is elsewhere, or in its name.
        candidates = [t for t in (listed, declared) if t and not wire.is_zip_type(t)]
        content_type = candidates[0] if candidates else wire.guess_type(name)
        if content_type == DEFAULT_CONTENT_TYPE and decoded.entry_name:
            content_type = wire.guess_type(decoded.entry_name)
    else:
        content_type = _first((declared, listed), wire.guess_type(name))
    return Attachment(
        content_id=pair.content_id,
        name=name,
        data=decoded.data,
        description=_first((attachment.text("Description"), reference.text("Description")), ""),
        content_type=content_type,
        zipped=decoded.zipped,
    )


def _attachments(top: Node, envelope: Node, limits: Limits) -> tuple[Attachment, ...]:
    files: list[Attachment] = []
    total = 0
    for pair in pair_attachments(top, envelope):
        file = decode_pair(pair, limits)
        total += file.size
        if total > limits.max_total_attachment_bytes:
            raise PacketError(
                Reason.ATTACHMENT_TOO_LARGE,
                f"tổng các tệp hơn {size_text(limits.max_total_attachment_bytes)}",
            )
        files.append(file)
    return tuple(files)
