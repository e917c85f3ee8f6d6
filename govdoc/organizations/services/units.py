"""Units of an agency: create, rename, re-parent, (de)activate."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict
from govdoc.organizations.codes import compact_code
from govdoc.organizations.models import Agency, Unit
from govdoc.organizations.services.permissions import require_admin
from govdoc.organizations.services.validation import (
    ABBREVIATION_MESSAGE,
    ABBREVIATION_PATTERN,
    check_length,
    creates_cycle,
    diff,
    normalize_text,
    raise_if,
)


@dataclasses.dataclass(frozen=True)
class UnitData:
    name: str
    abbreviation: str
    parent_id: int | None = None
    is_active: bool = True

    @classmethod
    def of(cls, unit: Unit) -> UnitData:
        return cls(
            name=unit.name,
            abbreviation=unit.abbreviation,
            parent_id=unit.parent_id,
            is_active=unit.is_active,
        )

    def normalized(self) -> UnitData:
        return dataclasses.replace(
            self, name=normalize_text(self.name), abbreviation=compact_code(self.abbreviation)
        )


def _check_unit(data: UnitData, *, agency: Agency, unit: Unit | None) -> None:
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    if not data.name:
        errors["name"] = "Vui lòng nhập tên đơn vị."
    check_length(errors, "name", data.name, 200)
    if not data.abbreviation:
        errors["abbreviation"] = "Vui lòng nhập chữ viết tắt của đơn vị."
    elif not ABBREVIATION_PATTERN.match(data.abbreviation):
        errors["abbreviation"] = ABBREVIATION_MESSAGE
    elif (
        Unit.objects.filter(agency=agency, abbreviation=data.abbreviation)
        .exclude(pk=unit.pk if unit else 0)
        .exists()
    ):
        conflicts["abbreviation"] = (
            f"Chữ viết tắt {data.abbreviation} đã dùng cho một đơn vị khác của cơ quan."
        )
    check_length(errors, "abbreviation", data.abbreviation, 20)
    if data.parent_id is not None:
        parent = Unit.objects.filter(pk=data.parent_id).first()
        if parent is None or parent.agency_id != agency.pk:
            errors["parent"] = "Đơn vị cấp trên phải là một đơn vị của cùng cơ quan."
        elif unit is not None and parent.pk == unit.pk:
            errors["parent"] = "Đơn vị không thể là cấp trên của chính mình."
        elif unit is not None and creates_cycle(Unit, unit.pk, parent.pk):
            errors["parent"] = "Không thể chọn một đơn vị cấp dưới của chính đơn vị này."
    raise_if(errors, conflicts)


def _save_unit(unit: Unit, data: UnitData) -> None:
    for key, value in dataclasses.asdict(data).items():
        setattr(unit, key, value)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(
            f"Chữ viết tắt {data.abbreviation} đã dùng cho một đơn vị khác của cơ quan.",
            fields={"abbreviation": "Chữ viết tắt đã được dùng."},
        ) from None


def unit_create(*, agency: Agency, data: UnitData, actor: Any) -> Unit:
    require_admin(actor, agency)
    data = data.normalized()
    _check_unit(data, agency=agency, unit=None)
    with transaction.atomic():
        unit = Unit(agency=agency)
        _save_unit(unit, data)
        audit_record(
            actor=actor,
            action="unit.create",
            target=unit,
            agency_id=agency.pk,
            data={"abbreviation": unit.abbreviation, "parent": unit.parent_id},
        )
    return unit


def unit_update(*, unit: Unit, data: UnitData, actor: Any) -> Unit:
    """Rename, re-parent (inside the same agency), activate or deactivate a unit."""
    agency = unit.agency
    require_admin(actor, agency)
    data = data.normalized()
    _check_unit(data, agency=agency, unit=unit)
    changes = diff(UnitData.of(unit), data)
    if not changes:
        return unit
    with transaction.atomic():
        _save_unit(unit, data)
        audit_record(
            actor=actor,
            action="unit.update",
            target=unit,
            agency_id=agency.pk,
            data={"changes": changes},
        )
    return unit
