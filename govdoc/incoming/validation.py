"""Checks of an incoming registration's metadata; every message in Vietnamese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from govdoc.core.dates import today
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import Confidentiality, DocumentType, Priority
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.workflow import Medium
from govdoc.organizations.models import Agency, Unit, User

SECRET_MESSAGE = (
    "Văn bản mang độ mật ({level}) không được xử lý trên hệ thống mạng. "
    "Vui lòng xử lý theo quy định về bảo vệ bí mật nhà nước, không đăng ký vào govdoc."
)


@dataclass(frozen=True)
class CheckedIncoming:
    """Resolved references of a valid registration."""

    document_type: DocumentType
    issuer: Agency | None
    issuer_name: str
    receiving_unit: Unit | None
    receiving_person: User | None


def _clean(text: str) -> str:
    return " ".join(text.split())


def check_not_secret(confidentiality: str) -> None:
    if confidentiality:
        labels = dict(Confidentiality.choices)
        level = labels.get(confidentiality, confidentiality)
        message = SECRET_MESSAGE.format(level=level)
        raise ValidationFailed(message, fields={"confidentiality": message})


def check_incoming(data: IncomingInput, *, agency: Agency) -> CheckedIncoming:
    check_not_secret(data.confidentiality)
    errors: dict[str, str] = {}
    document_type: DocumentType | None = None
    if data.document_type_id is None:
        errors["document_type"] = "Vui lòng chọn loại văn bản."
    else:
        document_type = DocumentType.objects.filter(
            pk=data.document_type_id, is_active=True
        ).first()
        if document_type is None:
            errors["document_type"] = "Loại văn bản không có trong danh mục."
    issuer: Agency | None = None
    issuer_name = _clean(data.issuer_name)
    if data.issuer_id is not None:
        issuer = Agency.objects.filter(pk=data.issuer_id).first()
        if issuer is None:
            errors["issuer"] = "Cơ quan ban hành không có trong danh bạ."
        else:
            issuer_name = issuer_name or issuer.name
    if not issuer_name and "issuer" not in errors:
        errors["issuer"] = "Vui lòng chọn cơ quan ban hành trong danh bạ hoặc nhập tên."
    if len(issuer_name) > 200:
        errors["issuer"] = "Tên cơ quan ban hành tối đa 200 ký tự."
    subject = _clean(data.subject)
    if not subject:
        errors["subject"] = "Vui lòng nhập trích yếu."
    elif len(subject) > 500:
        errors["subject"] = "Trích yếu tối đa 500 ký tự."
    _check_lengths(data, errors)
    if data.issued_date is None:
        errors["issued_date"] = "Vui lòng nhập ngày văn bản (dd/mm/yyyy)."
    elif data.issued_date > today():
        errors["issued_date"] = "Ngày văn bản không thể sau ngày hôm nay."
    if (
        data.due_date is not None
        and data.issued_date is not None
        and data.due_date < data.issued_date
    ):
        errors["due_date"] = "Hạn giải quyết không thể trước ngày văn bản."
    if data.priority not in Priority.values:
        errors["priority"] = "Độ khẩn không hợp lệ."
    if data.page_count is not None and not 1 <= data.page_count <= 999:
        errors["page_count"] = "Số trang phải từ 1 đến 999."
    if data.medium not in Medium.values:
        errors["medium"] = "Hình thức văn bản không hợp lệ."
    receiving_unit = None
    if data.receiving_unit_id is not None:
        receiving_unit = Unit.objects.filter(pk=data.receiving_unit_id, agency=agency).first()
        if receiving_unit is None:
            errors["receiving_unit"] = "Đơn vị nhận không thuộc cơ quan."
    receiving_person = None
    if data.receiving_person_id is not None:
        receiving_person = User.objects.filter(
            pk=data.receiving_person_id, agency=agency, is_active=True
        ).first()
        if receiving_person is None:
            errors["receiving_person"] = "Người nhận không thuộc cơ quan."
    if errors:
        raise ValidationFailed(
            "Thông tin văn bản đến chưa hợp lệ, vui lòng kiểm tra.", fields=errors
        )
    assert document_type is not None
    return CheckedIncoming(
        document_type=document_type,
        issuer=issuer,
        issuer_name=issuer_name,
        receiving_unit=receiving_unit,
        receiving_person=receiving_person,
    )


_MAX_LENGTHS: dict[str, tuple[int, str]] = {
    "code_number": (11, "Số văn bản"),
    "code_notation": (30, "Ký hiệu"),
    "signer_name": (50, "Người ký"),
    "signer_position": (100, "Chức vụ người ký"),
    "to_places": (1000, "Nơi nhận"),
    "notes": (500, "Ghi chú"),
    "document_identifier": (100, "Mã văn bản"),
}


def _check_lengths(data: Any, errors: dict[str, str]) -> None:
    for field_name, (limit, label) in _MAX_LENGTHS.items():
        value = getattr(data, field_name, "") or ""
        if len(value) > limit:
            errors[field_name] = f"{label} tối đa {limit} ký tự."


def dates_in_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
