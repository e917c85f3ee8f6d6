"""One row of each kind through the services: create or update, and report its status."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.core.text import fold
from govdoc.organizations.codes import compact_code
from govdoc.organizations.imports.columns import Kind
from govdoc.organizations.imports.report import Status
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services import (
    AgencyData,
    PersonData,
    PositionData,
    UnitData,
    agency_create,
    agency_update,
    person_create,
    person_set_password,
    person_update,
    position_create,
    role_grant,
    unit_create,
    unit_update,
)

T = TypeVar("T")


def _agency_by_code(code: str, *, field: str) -> Agency:
    if not code:
        raise ValidationFailed("", fields={field: "Vui lòng nhập mã định danh cơ quan."})
    agency = Agency.objects.filter(organ_id=compact_code(code)).first()
    if agency is None:
        raise ValidationFailed(
            "", fields={field: f"Không tìm thấy cơ quan có mã định danh {compact_code(code)}."}
        )
    return agency


def _service(problems: dict[str, str], call: Callable[[], T]) -> T:
    """Run a service even when some cells could not be looked up, so that the row reports
    every problem at once; then refuse the row if anything was wrong."""
    try:
        result = call()
    except NotFound:
        raise
    except DomainError as error:
        if not problems:
            raise
        raise ValidationFailed(error.message, fields={**error.fields, **problems}) from None
    if problems:
        raise ValidationFailed("", fields=problems)
    return result


def _yes(value: str, default: bool, problems: dict[str, str]) -> bool:
    text = fold(value)
    if not text:
        return default
    if text in {"co", "x", "1", "yes", "true", "dung"}:
        return True
    if text in {"khong", "0", "no", "false"}:
        return False
    problems["is_hosted"] = "Ghi “có” hoặc “không”."
    return default


def _import_agency(row: dict[str, str], actor: Any) -> str:
    problems: dict[str, str] = {}
    parent: Agency | None = None
    if row.get("parent_organ_id"):
        code = compact_code(row["parent_organ_id"])
        parent = Agency.objects.filter(organ_id=code).first()
        if parent is None:
            problems["parent"] = (
                f"Không tìm thấy cơ quan cấp trên có mã {code} (cơ quan cấp trên phải có sẵn "
                "hoặc có trong tệp)."
            )
    existing = Agency.objects.filter(organ_id=compact_code(row["organ_id"])).first()
    if existing is None:
        data = AgencyData(
            organ_id=row["organ_id"],
            name=row.get("name", ""),
            abbreviation=row.get("abbreviation", ""),
            parent_id=parent.pk if parent else None,
            address=row.get("address", ""),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            is_hosted=_yes(row.get("is_hosted", ""), False, problems),
        )
        _service(problems, lambda: agency_create(data=data, actor=actor))
        return Status.CREATED
    current = AgencyData.of(existing)
    wanted = dataclasses.replace(
        current,
        name=row.get("name") or current.name,
        abbreviation=row.get("abbreviation") or current.abbreviation,
        parent_id=parent.pk if parent else current.parent_id,
        address=row.get("address") or current.address,
        email=row.get("email") or current.email,
        phone=row.get("phone") or current.phone,
        is_hosted=_yes(row.get("is_hosted", ""), current.is_hosted, problems),
    ).normalized()
    _service(problems, lambda: agency_update(agency=existing, data=wanted, actor=actor))
    return Status.UNCHANGED if wanted == current else Status.UPDATED


def _import_unit(row: dict[str, str], actor: Any) -> str:
    agency = _agency_by_code(row.get("agency_organ_id", ""), field="agency")
    problems: dict[str, str] = {}
    parent: Unit | None = None
    if row.get("parent_abbreviation"):
        code = compact_code(row["parent_abbreviation"])
        parent = Unit.objects.filter(agency=agency, abbreviation=code).first()
        if parent is None:
            problems["parent"] = f"Cơ quan không có đơn vị viết tắt {code}."
    existing = Unit.objects.filter(
        agency=agency, abbreviation=compact_code(row["abbreviation"])
    ).first()
    if existing is None:
        data = UnitData(
            name=row.get("name", ""),
            abbreviation=row["abbreviation"],
            parent_id=parent.pk if parent else None,
        )
        _service(problems, lambda: unit_create(agency=agency, data=data, actor=actor))
        return Status.CREATED
    current = UnitData.of(existing)
    wanted = dataclasses.replace(
        current,
        name=row.get("name") or current.name,
        parent_id=parent.pk if parent else current.parent_id,
    ).normalized()
    _service(problems, lambda: unit_update(unit=existing, data=wanted, actor=actor))
    return Status.UNCHANGED if wanted == current else Status.UPDATED


ROLE_NAMES: dict[str, str] = {
    **{fold(role.label): role.value for role in Role},
    **{fold(role.value): role.value for role in Role},
    **{fold(role.value.replace("_", " ")): role.value for role in Role},
    "quan tri": Role.ADMIN,
    "lanh dao": Role.AGENCY_LEADER,
}


def parse_roles(text: str) -> list[str]:
    """Roles written as labels ("Văn thư, Chuyên viên") or codes ("CLERK; SPECIALIST")."""
    roles: list[str] = []
    unknown: list[str] = []
    for token in re.split(r"[,;|\n]", text):
        name = fold(token)
        if not name:
            continue
        role = ROLE_NAMES.get(name)
        if role is None:
            unknown.append(token.strip())
        elif role not in roles:
            roles.append(role)
    if unknown:
        known = ", ".join(role.label for role in Role)
        raise ValidationFailed(
            "", fields={"role": f"Vai trò không hợp lệ: {', '.join(unknown)} (dùng: {known})."}
        )
    return roles


def _import_person(row: dict[str, str], actor: Any) -> str:
    agency = _agency_by_code(row.get("agency_organ_id", ""), field="agency")
    problems: dict[str, str] = {}
    try:
        roles = parse_roles(row.get("roles", ""))
    except ValidationFailed as error:
        problems.update(error.fields)
        roles = []
    unit: Unit | None = None
    if row.get("unit_abbreviation"):
        code = compact_code(row["unit_abbreviation"])
        unit = Unit.objects.filter(agency=agency, abbreviation=code).first()
        if unit is None:
            problems["unit"] = f"Cơ quan không có đơn vị viết tắt {code}."
    position: Position | None = None
    position_name = row.get("position", "")
    if position_name:
        position = Position.objects.filter(agency=agency, name__iexact=position_name).first()
        if position is None:
            # Rolled back with the row's savepoint if the person is refused.
            position = position_create(
                agency=agency, data=PositionData(name=position_name), actor=actor
            )
    username = row["username"].strip()
    existing = User.objects.filter(username__iexact=username).first() if username else None
    password = row.get("password", "")
    if existing is None:
        data = PersonData(
            username=username,
            full_name=row.get("full_name", ""),
            agency_id=agency.pk,
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            unit_id=unit.pk if unit else None,
            position_id=position.pk if position else None,
        )
        person = _service(
            problems, lambda: person_create(data=data, password=password, actor=actor)
        )
        status: str = Status.CREATED
    else:
        person = existing
        current = PersonData.of(existing)
        # A unit or position of the previous agency does not follow a person who moves.
        moved = agency.pk != current.agency_id
        wanted = dataclasses.replace(
            current,
            full_name=row.get("full_name") or current.full_name,
            agency_id=agency.pk,
            email=row.get("email") or current.email,
            phone=row.get("phone") or current.phone,
            unit_id=unit.pk if unit else None if moved else current.unit_id,
            position_id=position.pk if position else None if moved else current.position_id,
        ).normalized()
        try:
            _service(problems, lambda: person_update(person=existing, data=wanted, actor=actor))
        except NotFound:
            message = f"Tên đăng nhập {username} đã dùng cho một tài khoản bạn không quản trị."
            raise ValidationFailed("", fields={"username": message}) from None
        status = Status.UNCHANGED if wanted == current else Status.UPDATED
        if password:
            person_set_password(person=existing, password=password, actor=actor)
            status = Status.UPDATED
    for role in roles:
        role_unit = (unit or person.unit) if role == Role.UNIT_LEADER else None
        held = RoleAssignment.objects.filter(user=person, agency=agency, role=role, unit=role_unit)
        if not held.exists():
            role_grant(person=person, agency=agency, role=role, unit=role_unit, actor=actor)
            status = Status.CREATED if status == Status.CREATED else Status.UPDATED
    return status


HANDLERS: dict[str, Callable[[dict[str, str], Any], str]] = {
    Kind.AGENCIES: _import_agency,
    Kind.UNITS: _import_unit,
    Kind.PEOPLE: _import_person,
}

ROW_KEYS: dict[str, Callable[[dict[str, str]], str]] = {
    Kind.AGENCIES: lambda row: compact_code(row.get("organ_id", "")),
    Kind.UNITS: lambda row: (
        f"{compact_code(row.get('agency_organ_id', ''))}/"
        f"{compact_code(row.get('abbreviation', ''))}"
    ),
    Kind.PEOPLE: lambda row: row.get("username", "").strip(),
}

PARENT_KEYS: dict[str, Callable[[dict[str, str]], str]] = {
    Kind.AGENCIES: lambda row: compact_code(row.get("parent_organ_id", "")),
    Kind.UNITS: lambda row: (
        f"{compact_code(row.get('agency_organ_id', ''))}/"
        f"{compact_code(row.get('parent_abbreviation', ''))}"
        if row.get("parent_abbreviation")
        else ""
    ),
}
