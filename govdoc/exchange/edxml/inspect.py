"""A packet for people and programs: `packet_json` (keys are the edXML element names, values
in edXML's own formats: dates `yyyy/MM/dd`, timestamps `yyyy/MM/dd HH:mm:ss`, status code
"01") and `packet_summary` (a readable Vietnamese summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govdoc.exchange.edxml.model import (
    Attachment,
    Bussiness,
    DocumentPacket,
    Organization,
    Packet,
    ResponseFor,
    StaffInfo,
    StatusPacket,
)
from govdoc.exchange.edxml.values import format_date, format_timestamp, local_time

PRIORITY_LABELS = {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc", 4: "Hỏa tốc hẹn giờ"}


def _date(value: dt.date | None) -> str | None:
    return format_date(value) if value is not None else None


def organization_json(org: Organization) -> dict[str, str]:
    return {
        "OrganId": org.organ_id,
        "OrganizationInCharge": org.organization_in_charge,
        "OrganName": org.organ_name,
        "OrganAdd": org.organ_add,
        "Email": org.email,
        "Telephone": org.telephone,
        "Fax": org.fax,
        "Website": org.website,
    }


def response_for_json(response: ResponseFor) -> dict[str, str | None]:
    return {
        "OrganId": response.organ_id,
        "Code": response.code,
        "PromulgationDate": _date(response.promulgation_date),
        "DocumentId": response.document_id,
    }


def staff_json(staff: StaffInfo | None) -> dict[str, str] | None:
    if staff is None:
        return None
    return {
        "Department": staff.department,
        "Staff": staff.staff,
        "Mobile": staff.mobile,
        "Email": staff.email,
    }


def bussiness_json(bussiness: Bussiness) -> dict[str, Any]:
    info = bussiness.document_info
    return {
        "DocumentId": bussiness.document_id,
        "BussinessDocType": int(bussiness.doc_type),
        "BussinessDocReason": bussiness.doc_reason,
        "Paper": 1 if bussiness.paper else 0,
        "StaffInfo": staff_json(bussiness.staff_info),
        "BussinessDocumentInfo": None
        if info is None
        else {
            "DocumentInfo": info.document_info,
            "DocumentReceiver": info.document_receiver,
            "ReceiverList": [
                {"ReceiverType": r.receiver_type, "OrganId": r.organ_id} for r in info.receivers
            ],
        },
        "ReplacementInfoList": [
            {"DocumentId": r.document_id, "OrganIdList": list(r.organ_ids)}
            for r in bussiness.replacement_info
        ],
    }


def attachment_json(file: Attachment) -> dict[str, Any]:
    return {
        "ContentId": file.content_id,
        "AttachmentName": file.name,
        "Description": file.description,
        "ContentType": file.content_type,
        "size": file.size,
        "sha256": file.sha256,
    }


def packet_json(packet: Packet, *, signature_present: bool = False) -> dict[str, Any]:
    """The packet as JSON-ready data keyed by edXML element names, plus `Attachments`
    (decoded files: name, type, size, SHA-256) and `Signature` (present or not, unchecked)."""
    if isinstance(packet, StatusPacket):
        return {
            "ResponseFor": response_for_json(packet.response_for),
            "From": organization_json(packet.sender),
            "StatusCode": packet.status_code.wire,
            "Description": packet.description,
            "Timestamp": format_timestamp(packet.timestamp),
            "StaffInfo": staff_json(packet.staff_info),
            "Signature": signature_present,
        }
    other = packet.other_info
    return {
        "From": organization_json(packet.sender),
        "To": [organization_json(r) for r in packet.recipients],
        "DocumentId": packet.document_id,
        "Code": {
            "CodeNumber": packet.code.code_number,
            "CodeNotation": packet.code.code_notation,
        },
        "PromulgationInfo": {
            "Place": packet.promulgation_info.place,
            "PromulgationDate": _date(packet.promulgation_info.promulgation_date),
        },
        "DocumentType": {
            "Type": packet.document_type.type,
            "TypeDetail": packet.document_type.type_detail,
            "TypeName": packet.document_type.type_name,
        },
        "Subject": packet.subject,
        "Content": packet.content,
        "SignerInfo": {
            "Competence": packet.signer_info.competence,
            "Position": packet.signer_info.position,
            "FullName": packet.signer_info.full_name,
        },
        "DueDate": _date(packet.due_date),
        "OtherInfo": {
            "Priority": other.priority,
            "SphereOfPromulgation": other.sphere_of_promulgation,
            "TyperNotation": other.typer_notation,
            "PromulgationAmount": other.promulgation_amount,
            "PageAmount": other.page_amount,
            "Direction": other.direction,
            "Appendixes": list(other.appendixes),
        },
        "SteeringType": int(packet.steering_type),
        "ToPlaces": list(packet.to_places),
        "ResponseFor": [response_for_json(r) for r in packet.response_for],
        "TraceHeaderList": {
            "TraceHeader": [
                {"OrganId": hop.organ_id, "Timestamp": format_timestamp(hop.timestamp)}
                for hop in packet.trace_headers
            ],
            "Bussiness": bussiness_json(packet.bussiness),
        },
        "Attachments": [attachment_json(file) for file in packet.attachments],
        "Signature": signature_present,
    }


# -- the readable summary ------------------------------------------------------------------


def _vn_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "không ghi"


def _vn_moment(value: dt.datetime) -> str:
    return local_time(value).strftime("%d/%m/%Y %H:%M:%S")


def _org(org: Organization) -> str:
    return f"{org.organ_name} ({org.organ_id})" if org.organ_name else org.organ_id


def _size(count: int) -> str:
    return f"{count:,}".replace(",", ".") + " byte"


def packet_summary(packet: Packet, *, signature_present: bool = False) -> str:
    signature = "có (chưa kiểm tra)" if signature_present else "không có"
    if isinstance(packet, StatusPacket):
        lines = [
            "Gói tin trạng thái (edXML)",
            f"Trả lời văn bản: {packet.response_for.code or 'không ghi số, ký hiệu'}"
            f" — {packet.response_for.document_id or 'không ghi DocumentId'}",
            f"Cơ quan ban hành văn bản: {packet.response_for.organ_id}",
            f"Cơ quan gửi trạng thái: {_org(packet.sender)}",
            f"Trạng thái: {packet.status_code.wire} — {packet.status_code.label}",
            f"Mô tả: {packet.description or 'không có'}",
            f"Thời điểm: {_vn_moment(packet.timestamp)}",
        ]
        if packet.staff_info is not None:
            staff = packet.staff_info
            lines.append(
                "Cán bộ xử lý: " + ", ".join(p for p in (staff.staff, staff.department) if p)
            )
        lines.append(f"Chữ ký số: {signature}")
        return "\n".join(lines) + "\n"
    return _document_summary(packet, signature)


def _document_summary(packet: DocumentPacket, signature: str) -> str:
    info = packet.promulgation_info
    signer = packet.signer_info
    priority = packet.other_info.priority
    lines = [
        "Gói tin văn bản (edXML)",
        f"Cơ quan gửi: {_org(packet.sender)}",
        f"Nơi nhận ({len(packet.recipients)}):",
        *(f"  - {_org(r)}" for r in packet.recipients),
        f"Mã văn bản (DocumentId): {packet.document_id or 'không ghi'}",
        f"Số, ký hiệu: {packet.code.text or 'không ghi'}",
        f"Ngày ban hành: {_vn_date(info.promulgation_date)}"
        + (f", tại {info.place}" if info.place else ""),
        f"Loại văn bản: {packet.document_type.type_name or 'không ghi'}",
        f"Trích yếu: {packet.subject or 'không ghi'}",
        "Người ký: "
        + (
            " ".join(p for p in (signer.competence, signer.position, signer.full_name) if p)
            or "không ghi"
        ),
        f"Hạn xử lý: {_vn_date(packet.due_date)}",
        f"Độ khẩn: {PRIORITY_LABELS.get(priority, str(priority))}",
        f"Chỉ đạo: {packet.steering_type.label}",
        f"Nghiệp vụ: {packet.bussiness.doc_type.label}"
        + (f" — {packet.bussiness.doc_reason}" if packet.bussiness.doc_reason else ""),
        f"Gửi kèm bản giấy: {'có' if packet.bussiness.paper else 'không'}",
    ]
    if packet.response_for:
        lines.append("Trả lời văn bản:")
        lines.extend(f"  - {r.code} ({r.organ_id})" for r in packet.response_for)
    if packet.trace_headers:
        lines.append("Hành trình:")
        lines.extend(
            f"  - {hop.organ_id} lúc {_vn_moment(hop.timestamp)}" for hop in packet.trace_headers
        )
    lines.append(f"Chữ ký số: {signature}")
    lines.append(f"Tệp đính kèm ({len(packet.attachments)}):")
    for file in packet.attachments:
        how = "nén zip" if file.zipped else "không nén" if file.zipped is False else ""
        lines.append(
            f"  - {file.name} ({_size(file.size)}, {file.content_type}"
            + (f", {how}" if how else "")
            + f") SHA-256 {file.sha256}"
        )
    return "\n".join(lines) + "\n"
