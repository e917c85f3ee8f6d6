"""Write packets: `build_document_packet(packet) -> bytes`, `build_status_packet(status) -> bytes`.

The output follows DOMAIN §5.2–5.3 in the order shown there: root `edXML` in the edXML
namespace (default namespace), every descendant with the `edXML:` prefix (as the official
SDK's files), `Bussiness` spelled with a double "s", dates `yyyy/MM/dd`, timestamps
`yyyy/MM/dd HH:mm:ss` in Vietnam time, each attachment zipped alone and base64-encoded.

The envelope is built unsigned: the signing module (govdoc/exchange/xmldsig.py) inserts
`Signature` as the last child of `edXMLHeader`. `document_tree` / `status_tree` give the
lxml tree for that purpose; `to_bytes` serialises it.
"""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree

from govdoc.exchange.edxml import attachments as wire
from govdoc.exchange.edxml.model import (
    NAMESPACE,
    PREFIX,
    STATUS_WRAPPER,
    ZIP_CONTENT_TYPE,
    Attachment,
    Bussiness,
    DocumentPacket,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusPacket,
)
from govdoc.exchange.edxml.values import format_date, format_document_id, format_timestamp

_NS = "{" + NAMESPACE + "}"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# StaffInfo children: in Bussiness as the SDK samples write them, in status messages too.
_BUSSINESS_STAFF_ORDER = ("Department", "Staff", "Email", "Mobile")
_STATUS_STAFF_ORDER = ("Department", "Staff", "Mobile", "Email")


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, _NS + tag, **attributes)
    if text is not None:
        try:
            element.text = text
        except ValueError:
            raise ValueError(f"edXML {tag}: văn bản có ký tự không dùng được trong XML") from None
    return element


def _root() -> Any:
    return etree.Element(_NS + "edXML", nsmap={None: NAMESPACE})


def _envelope(root: Any) -> Any:
    return etree.SubElement(root, _NS + "edXMLEnvelope", nsmap={PREFIX: NAMESPACE})


def _organization(parent: Any, tag: str, org: Organization) -> None:
    if not org.organ_id.strip():
        raise ValueError(f"edXML {tag}: thiếu mã định danh (OrganId)")
    element = _sub(parent, tag)
    _sub(element, "OrganId", org.organ_id)
    _sub(element, "OrganizationInCharge", org.organization_in_charge)
    _sub(element, "OrganName", org.organ_name)
    _sub(element, "OrganAdd", org.organ_add)
    _sub(element, "Email", org.email)
    _sub(element, "Telephone", org.telephone)
    _sub(element, "Fax", org.fax)
    _sub(element, "Website", org.website)


def _staff(parent: Any, staff: StaffInfo, order: tuple[str, ...]) -> None:
    element = _sub(parent, "StaffInfo")
    values = {
        "Department": staff.department,
        "Staff": staff.staff,
        "Mobile": staff.mobile,
        "Email": staff.email,
    }
    for tag in order:
        _sub(element, tag, values[tag])


def _response_for(parent: Any, response: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    _sub(element, "OrganId", response.organ_id)
    _sub(element, "Code", response.code)
    if response.promulgation_date is not None:
        _sub(element, "PromulgationDate", format_date(response.promulgation_date))
    _sub(element, "DocumentId", response.document_id)


def _bussiness(parent: Any, bussiness: Bussiness) -> None:
    element = _sub(parent, "Bussiness")
    _sub(element, "DocumentId", bussiness.document_id)
    _sub(element, "BussinessDocType", str(int(bussiness.doc_type)))
    _sub(element, "BussinessDocReason", bussiness.doc_reason)
    _sub(element, "Paper", "1" if bussiness.paper else "0")
    if bussiness.staff_info is not None:
        _staff(element, bussiness.staff_info, _BUSSINESS_STAFF_ORDER)
    if bussiness.document_info is not None:
        info = bussiness.document_info
        info_element = _sub(element, "BussinessDocumentInfo")
        _sub(info_element, "DocumentInfo", info.document_info)
        _sub(info_element, "DocumentReceiver", info.document_receiver)
        if info.receivers:
            receivers = _sub(info_element, "ReceiverList")
            for receiver in info.receivers:
                receiver_element = _sub(receivers, "Receiver")
                _sub(receiver_element, "ReceiverType", receiver.receiver_type)
                _sub(receiver_element, "OrganId", receiver.organ_id)
    if bussiness.replacement_info:
        replacements = _sub(element, "ReplacementInfoList")
        for replacement in bussiness.replacement_info:
            replacement_element = _sub(replacements, "ReplacementInfo")
            _sub(replacement_element, "DocumentId", replacement.document_id)
            organs = _sub(replacement_element, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _sub(organs, "OrganId", organ_id)


def _content_ids(files: tuple[Attachment, ...]) -> list[str]:
    ids = [a.content_id.strip().removeprefix("cid:") or str(uuid.uuid4()) for a in files]
    if len(set(ids)) != len(ids):
        raise ValueError("edXML: hai tệp đính kèm trùng ContentId")
    for content_id in ids:
        if any(c.isspace() for c in content_id):
            raise ValueError(f"edXML: ContentId “{content_id}” có khoảng trắng")
    return ids


def document_tree(packet: DocumentPacket, *, zip_attachments: bool = True) -> Any:
    """The unsigned packet as an lxml tree (root element `edXML`)."""
    root = _root()
    envelope = _envelope(root)
    header = _sub(envelope, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    _organization(message, "From", packet.sender)
    for recipient in packet.recipients:
        _organization(message, "To", recipient)
    document_id = packet.document_id
    if not document_id and packet.promulgation_info.promulgation_date is not None:
        document_id = format_document_id(
            packet.sender.organ_id, packet.promulgation_info.promulgation_date, packet.code
        )
    _sub(message, "DocumentId", document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", packet.code.code_number)
    _sub(code, "CodeNotation", packet.code.code_notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", packet.promulgation_info.place)
    if packet.promulgation_info.promulgation_date is not None:
        _sub(
            promulgation,
            "PromulgationDate",
            format_date(packet.promulgation_info.promulgation_date),
        )
    document_type = _sub(message, "DocumentType")
    if packet.document_type.type is not None:
        _sub(document_type, "Type", str(packet.document_type.type))
    if packet.document_type.type_detail is not None:
        _sub(document_type, "TypeDetail", str(packet.document_type.type_detail))
    _sub(document_type, "TypeName", packet.document_type.type_name)
    _sub(message, "Subject", packet.subject)
    _sub(message, "Content", packet.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", packet.signer_info.competence)
    _sub(signer, "Position", packet.signer_info.position)
    _sub(signer, "FullName", packet.signer_info.full_name)
    if packet.due_date is not None:
        _sub(message, "DueDate", format_date(packet.due_date))
    other = packet.other_info
    other_element = _sub(message, "OtherInfo")
    _sub(other_element, "Priority", str(other.priority))
    _sub(other_element, "SphereOfPromulgation", other.sphere_of_promulgation)
    _sub(other_element, "TyperNotation", other.typer_notation)
    if other.promulgation_amount is not None:
        _sub(other_element, "PromulgationAmount", str(other.promulgation_amount))
    if other.page_amount is not None:
        _sub(other_element, "PageAmount", str(other.page_amount))
    _sub(other_element, "Direction", other.direction)
    if other.appendixes:
        appendixes = _sub(other_element, "Appendixes")
        for appendix in other.appendixes:
            _sub(appendixes, "Appendix", appendix)
    _sub(message, "SteeringType", str(int(packet.steering_type)))
    if packet.to_places:
        places = _sub(message, "ToPlaces")
        for place in packet.to_places:
            _sub(places, "Place", place)
    for response in packet.response_for:
        _response_for(message, response)

    trace = _sub(header, "TraceHeaderList")
    for hop in packet.trace_headers:
        hop_element = _sub(trace, "TraceHeader")
        _sub(hop_element, "OrganId", hop.organ_id)
        _sub(hop_element, "Timestamp", format_timestamp(hop.timestamp))
    _bussiness(trace, packet.bussiness)

    ids = _content_ids(packet.attachments)
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest", version="1.0")
    for content_id, file in zip(ids, packet.attachments, strict=True):
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", f"cid:{content_id}")
        _sub(reference, "ContentType", file.content_type)
        _sub(reference, "Description", file.description)
        _sub(reference, "AttachmentName", file.name)
    if packet.attachments:
        encoded = etree.SubElement(root, _NS + "AttachmentEncoded", nsmap={PREFIX: NAMESPACE})
        for content_id, file in zip(ids, packet.attachments, strict=True):
            if not file.name.strip():
                raise ValueError("edXML: tệp đính kèm thiếu tên (AttachmentName)")
            element = _sub(encoded, "Attachment")
            _sub(element, "ContentId", content_id)
            _sub(element, "AttachmentName", file.name)
            _sub(element, "Description", file.description)
            if zip_attachments:
                _sub(element, "ContentType", ZIP_CONTENT_TYPE)
                payload = wire.zip_one(file.name, file.data)
            else:
                _sub(element, "ContentType", file.content_type)
                payload = file.data
            _sub(element, "ContentTransferEncoded", wire.encode(payload))
    return root


def status_tree(status: StatusPacket, *, wrapper: str = STATUS_WRAPPER) -> Any:
    """The unsigned status message as an lxml tree. `wrapper` exists for tests of readers;
    govdoc produces `MessageStatus` (docs/edxml.md)."""
    root = _root()
    envelope = _envelope(root)
    header = _sub(envelope, "edXMLHeader")
    element = _sub(header, wrapper)
    _response_for(element, status.response_for)
    _organization(element, "From", status.sender)
    _sub(element, "StatusCode", status.status_code.wire)
    _sub(element, "Description", status.description)
    _sub(element, "Timestamp", format_timestamp(status.timestamp))
    if status.staff_info is not None:
        _staff(element, status.staff_info, _STATUS_STAFF_ORDER)
    return root


def to_bytes(root: Any) -> bytes:
    """UTF-8 with an XML declaration, no pretty-printing (the bytes that get signed)."""
    return XML_DECLARATION + bytes(etree.tostring(root, encoding="UTF-8"))


def build_document_packet(packet: DocumentPacket, *, zip_attachments: bool = True) -> bytes:
    """The unsigned document packet. An empty `document_id` is derived from the sender,
    the promulgation date and the code; an empty attachment `content_id` gets a UUID."""
    return to_bytes(document_tree(packet, zip_attachments=zip_attachments))


def build_status_packet(status: StatusPacket) -> bytes:
    """The unsigned status packet (wrapper element `MessageStatus`)."""
    return to_bytes(status_tree(status))
