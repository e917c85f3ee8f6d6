"""Positions (chức vụ) of an agency."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict
from govdoc.organizations.models import Agency, Position
from govdoc.organizations.services.permissions import require_admin
from govdoc.organizations.services.validation import check_length, diff, normalize_text, raise_if


@dataclasses.dataclass(frozen=True)
class PositionData:
    name: str
    rank: int = 100

    @classmethod
    def of(cls, position: Position) -> PositionData:
        return cls(name=position.name, rank=position.rank)


def _check_position(data: PositionData, *, agency: Agency, position: Position | None) -> None:
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    if not data.name:
        errors["name"] = "Vui lòng nhập tên chức vụ."
    elif (
        Position.objects.filter(agency=agency, name__iexact=data.name)
        .exclude(pk=position.pk if position else 0)
        .exists()
    ):
        conflicts["name"] = f"Cơ quan đã có chức vụ “{data.name}”."
    check_length(errors, "name", data.name, 100)
    if not 0 <= data.rank <= 1000:
        errors["rank"] = "Thứ tự là số nguyên từ 0 đến 1000."
    raise_if(errors, conflicts)


def _save_position(position: Position, data: PositionData) -> None:
    position.name, position.rank = data.name, data.rank
    try:
        with transaction.atomic():
            position.save()
    except IntegrityError:
        raise Conflict(
            f"Cơ quan đã có chức vụ “{data.name}”.", fields={"name": "Chức vụ đã có."}
        ) from None


def position_create(*, agency: Agency, data: PositionData, actor: Any) -> Position:
    require_admin(actor, agency)
    data = dataclasses.replace(data, name=normalize_text(data.name))
    _check_position(data, agency=agency, position=None)
    with transaction.atomic():
        position = Position(agency=agency)
        _save_position(position, data)
        audit_record(actor=actor, action="position.create", target=position, agency_id=agency.pk)
    return position


def position_update(*, position: Position, data: PositionData, actor: Any) -> Position:
    agency = position.agency
    require_admin(actor, agency)
    data = dataclasses.replace(data, name=normalize_text(data.name))
    _check_position(data, agency=agency, position=position)
    changes = diff(PositionData.of(position), data)
    if not changes:
        return position
    with transaction.atomic():
        _save_position(position, data)
        audit_record(
            actor=actor,
            action="position.update",
            target=position,
            agency_id=agency.pk,
            data={"changes": changes},
        )
    return position
