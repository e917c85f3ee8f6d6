"""Agencies: create and change their record and place in the tree."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, NotFound
from govdoc.organizations.access import has_role, is_any_admin
from govdoc.organizations.codes import ORGAN_ID_MESSAGE, compact_code, is_valid_organ_id
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.organizations.services.permissions import require_admin
from govdoc.organizations.services.validation import (
    ABBREVIATION_MESSAGE,
    ABBREVIATION_PATTERN,
    check_email,
    check_length,
    creates_cycle,
    diff,
    normalize_text,
    raise_if,
)


@dataclasses.dataclass(frozen=True)
class AgencyData:
    organ_id: str
    name: str
    abbreviation: str = ""
    parent_id: int | None = None
    address: str = ""
    email: str = ""
    phone: str = ""
    is_hosted: bool = False
    is_active: bool = True

    @classmethod
    def of(cls, agency: Agency) -> AgencyData:
        return cls(
            organ_id=agency.organ_id,
            name=agency.name,
            abbreviation=agency.abbreviation,
            parent_id=agency.parent_id,
            address=agency.address,
            email=agency.email,
            phone=agency.phone,
            is_hosted=agency.is_hosted,
            is_active=agency.is_active,
        )

    def normalized(self) -> AgencyData:
        return dataclasses.replace(
            self,
            organ_id=compact_code(self.organ_id),
            name=normalize_text(self.name),
            abbreviation=compact_code(self.abbreviation),
            address=normalize_text(self.address),
            email=self.email.strip(),
            phone=normalize_text(self.phone),
        )


def _check_agency(data: AgencyData, *, agency: Agency | None, actor: Any) -> None:
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    if not data.organ_id:
        errors["organ_id"] = "Vui lòng nhập mã định danh."
    elif not is_valid_organ_id(data.organ_id):
        errors["organ_id"] = ORGAN_ID_MESSAGE
    elif (
        Agency.objects.filter(organ_id=data.organ_id)
        .exclude(pk=agency.pk if agency else 0)
        .exists()
    ):
        conflicts["organ_id"] = f"Mã định danh {data.organ_id} đã được dùng cho cơ quan khác."
    if not data.name:
        errors["name"] = "Vui lòng nhập tên cơ quan."
    check_length(errors, "name", data.name, 200)
    if data.abbreviation and not ABBREVIATION_PATTERN.match(data.abbreviation):
        errors["abbreviation"] = ABBREVIATION_MESSAGE
    elif data.is_hosted and not data.abbreviation:
        errors["abbreviation"] = (
            "Cơ quan dùng govdoc trên hệ thống này phải có chữ viết tắt "
            "(dùng trong ký hiệu văn bản)."
        )
    check_length(errors, "abbreviation", data.abbreviation, 20)
    check_length(errors, "address", data.address, 300)
    check_length(errors, "phone", data.phone, 50)
    check_email(errors, data.email)
    parent_changes = agency is None or data.parent_id != agency.parent_id
    if data.parent_id is not None:
        parent = Agency.objects.filter(pk=data.parent_id).first()
        if parent is None:
            errors["parent"] = "Cơ quan cấp trên không tồn tại."
        elif agency is not None and parent.pk == agency.pk:
            errors["parent"] = "Cơ quan không thể là cấp trên của chính mình."
        elif agency is not None and creates_cycle(Agency, agency.pk, parent.pk):
            errors["parent"] = "Không thể chọn một cơ quan cấp dưới của chính cơ quan này."
        elif parent_changes and not has_role(actor, parent.pk, Role.ADMIN):
            # The agency will sit directly under this parent: its administrator must be you.
            errors["parent"] = "Bạn chỉ đặt được cơ quan trực thuộc cơ quan do mình quản trị."
    elif parent_changes and not getattr(actor, "is_superuser", False):
        errors["parent"] = (
            "Vui lòng chọn cơ quan cấp trên (chỉ quản trị toàn hệ thống tạo được cơ quan "
            "không có cấp trên)."
        )
    raise_if(errors, conflicts)


def _save_agency(agency: Agency, data: AgencyData) -> None:
    for key, value in dataclasses.asdict(data).items():
        setattr(agency, key, value)
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError:
        # Another administrator took the same code at the same moment.
        raise Conflict(
            f"Mã định danh {data.organ_id} đã được dùng cho cơ quan khác.",
            fields={"organ_id": "Mã định danh đã được dùng."},
        ) from None


def agency_create(*, data: AgencyData, actor: Any) -> Agency:
    """Create an agency under one the actor administers (top level: superusers only)."""
    if not is_any_admin(actor):
        raise NotFound()
    data = data.normalized()
    _check_agency(data, agency=None, actor=actor)
    with transaction.atomic():
        agency = Agency()
        _save_agency(agency, data)
        audit_record(
            actor=actor,
            action="agency.create",
            target=agency,
            agency_id=agency.pk,
            data={"organ_id": agency.organ_id, "parent": agency.parent_id},
        )
    return agency


def agency_update(*, agency: Agency, data: AgencyData, actor: Any) -> Agency:
    """Change an agency's record; moving it needs administration of the new parent."""
    require_admin(actor, agency)
    data = data.normalized()
    _check_agency(data, agency=agency, actor=actor)
    changes = diff(AgencyData.of(agency), data)
    if not changes:
        return agency
    with transaction.atomic():
        _save_agency(agency, data)
        audit_record(
            actor=actor,
            action="agency.update",
            target=agency,
            agency_id=agency.pk,
            data={"changes": changes},
        )
    return agency
