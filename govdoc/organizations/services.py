"""Administration of the organisation: agencies, units, positions, people, roles, delegations.

Every function checks that the actor administers the agency concerned, validates its input
(Vietnamese messages, per field), writes in one transaction and records one audit event.

Who administers an agency: a person holding the ADMIN role in it, or in its direct parent
agency (the same rule as `access.administered_agencies`, so what an administrator sees is
what they may change); superusers administer every agency. An agency without a parent can
only be created, or moved to the top of the tree, by a superuser.

A target the actor may not administer raises `NotFound` (not allowed answers like not
found); a referenced object (parent, unit, position…) that is missing or out of reach is a
field error. Uniqueness clashes raise `Conflict` (HTTP 409), other bad input
`ValidationFailed`. People are never deleted: they are deactivated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.organizations.access import LEADER_ROLES, has_role, is_any_admin
from govdoc.organizations.codes import ORGAN_ID_MESSAGE, is_valid_organ_id
from govdoc.organizations.models import Agency, Delegation, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role

INVALID_INPUT = "Thông tin chưa hợp lệ, vui lòng kiểm tra các ô được đánh dấu."
ABBREVIATION_PATTERN = re.compile(r"^[A-ZĐ0-9]+$")
ABBREVIATION_MESSAGE = (
    "Chữ viết tắt chỉ gồm chữ in hoa không dấu (và Đ) và chữ số, không có dấu cách "
    "(ví dụ VP, TCCB)."
)
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._@+-]{3,150}$")
USERNAME_MESSAGE = (
    "Tên đăng nhập dài 3–150 ký tự, chỉ gồm chữ cái không dấu, chữ số và . _ @ + - "
    "(ví dụ nguyenvana)."
)
PASSWORD_MIN_LENGTH = 8
NO_ACCESS_AGENCY = "Cơ quan không tồn tại hoặc bạn không quản trị cơ quan này."


# ---------------------------------------------------------------------------- helpers


def administers(actor: Any, agency: Agency) -> bool:
    """The actor administers this agency, or its direct parent; superusers every agency."""
    if has_role(actor, agency.pk, Role.ADMIN):
        return True
    return agency.parent_id is not None and has_role(actor, agency.parent_id, Role.ADMIN)


def _require_admin(actor: Any, agency: Agency) -> None:
    if not administers(actor, agency):
        raise NotFound()


def _text(value: str) -> str:
    return " ".join(value.split())


def _abbreviation(value: str) -> str:
    return "".join(value.split()).upper()


def _raise_if(errors: dict[str, str], conflicts: dict[str, str]) -> None:
    """Input errors first (ValidationFailed); if the only problem is a clash with existing
    data, a Conflict (HTTP 409)."""
    if errors:
        raise ValidationFailed(INVALID_INPUT, fields={**conflicts, **errors})
    if conflicts:
        raise Conflict(next(iter(conflicts.values())), fields=conflicts)


def _check_length(errors: dict[str, str], field: str, value: str, limit: int) -> None:
    if len(value) > limit and field not in errors:
        errors[field] = f"Tối đa {limit} ký tự (đang có {len(value)})."


def _check_email(errors: dict[str, str], value: str, field: str = "email") -> None:
    if not value:
        return
    try:
        validate_email(value)
    except ValidationError:
        errors[field] = "Địa chỉ thư điện tử không hợp lệ."


def _creates_cycle(model: type[Agency] | type[Unit], node_id: int, new_parent_id: int) -> bool:
    """Would making `new_parent_id` the parent of `node_id` put the node under itself?"""
    current: int | None = new_parent_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == node_id:
            return True
        seen.add(current)
        current = model.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def _diff(old: Any, new: Any) -> dict[str, list[Any]]:
    before, after = dataclasses.asdict(old), dataclasses.asdict(new)
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}


def _forget_roles(user: Any) -> None:
    # access.roles_in caches roles on the user object; a grant or revoke makes it stale.
    user.__dict__.pop("_govdoc_roles", None)


# ---------------------------------------------------------------------------- agencies


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
            organ_id="".join(self.organ_id.split()).upper(),
            name=_text(self.name),
            abbreviation=_abbreviation(self.abbreviation),
            address=_text(self.address),
            email=self.email.strip(),
            phone=_text(self.phone),
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
    _check_length(errors, "name", data.name, 200)
    if data.abbreviation and not ABBREVIATION_PATTERN.match(data.abbreviation):
        errors["abbreviation"] = ABBREVIATION_MESSAGE
    elif data.is_hosted and not data.abbreviation:
        errors["abbreviation"] = (
            "Cơ quan dùng govdoc trên hệ thống này phải có chữ viết tắt "
            "(dùng trong ký hiệu văn bản)."
        )
    _check_length(errors, "abbreviation", data.abbreviation, 20)
    _check_length(errors, "address", data.address, 300)
    _check_length(errors, "phone", data.phone, 50)
    _check_email(errors, data.email)
    parent_changes = agency is None or data.parent_id != agency.parent_id
    if data.parent_id is not None:
        parent = Agency.objects.filter(pk=data.parent_id).first()
        if parent is None:
            errors["parent"] = "Cơ quan cấp trên không tồn tại."
        elif agency is not None and parent.pk == agency.pk:
            errors["parent"] = "Cơ quan không thể là cấp trên của chính mình."
        elif agency is not None and _creates_cycle(Agency, agency.pk, parent.pk):
            errors["parent"] = "Không thể chọn một cơ quan cấp dưới của chính cơ quan này."
        elif parent_changes and not has_role(actor, parent.pk, Role.ADMIN):
            # The agency will sit directly under this parent: its administrator must be you.
            errors["parent"] = "Bạn chỉ đặt được cơ quan trực thuộc cơ quan do mình quản trị."
    elif parent_changes and not getattr(actor, "is_superuser", False):
        errors["parent"] = (
            "Vui lòng chọn cơ quan cấp trên (chỉ quản trị toàn hệ thống tạo được cơ quan "
            "không có cấp trên)."
        )
    _raise_if(errors, conflicts)


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
    _require_admin(actor, agency)
    data = data.normalized()
    _check_agency(data, agency=agency, actor=actor)
    changes = _diff(AgencyData.of(agency), data)
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


# ---------------------------------------------------------------------------- units


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
            self, name=_text(self.name), abbreviation=_abbreviation(self.abbreviation)
        )


def _check_unit(data: UnitData, *, agency: Agency, unit: Unit | None) -> None:
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    if not data.name:
        errors["name"] = "Vui lòng nhập tên đơn vị."
    _check_length(errors, "name", data.name, 200)
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
    _check_length(errors, "abbreviation", data.abbreviation, 20)
    if data.parent_id is not None:
        parent = Unit.objects.filter(pk=data.parent_id).first()
        if parent is None or parent.agency_id != agency.pk:
            errors["parent"] = "Đơn vị cấp trên phải là một đơn vị của cùng cơ quan."
        elif unit is not None and parent.pk == unit.pk:
            errors["parent"] = "Đơn vị không thể là cấp trên của chính mình."
        elif unit is not None and _creates_cycle(Unit, unit.pk, parent.pk):
            errors["parent"] = "Không thể chọn một đơn vị cấp dưới của chính đơn vị này."
    _raise_if(errors, conflicts)


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
    _require_admin(actor, agency)
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
    _require_admin(actor, agency)
    data = data.normalized()
    _check_unit(data, agency=agency, unit=unit)
    changes = _diff(UnitData.of(unit), data)
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


# ---------------------------------------------------------------------------- positions


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
    _check_length(errors, "name", data.name, 100)
    if not 0 <= data.rank <= 1000:
        errors["rank"] = "Thứ tự là số nguyên từ 0 đến 1000."
    _raise_if(errors, conflicts)


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
    _require_admin(actor, agency)
    data = dataclasses.replace(data, name=_text(data.name))
    _check_position(data, agency=agency, position=None)
    with transaction.atomic():
        position = Position(agency=agency)
        _save_position(position, data)
        audit_record(actor=actor, action="position.create", target=position, agency_id=agency.pk)
    return position


def position_update(*, position: Position, data: PositionData, actor: Any) -> Position:
    agency = position.agency
    _require_admin(actor, agency)
    data = dataclasses.replace(data, name=_text(data.name))
    _check_position(data, agency=agency, position=position)
    changes = _diff(PositionData.of(position), data)
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


# ---------------------------------------------------------------------------- people


@dataclasses.dataclass(frozen=True)
class PersonData:
    username: str
    full_name: str
    agency_id: int | None
    email: str = ""
    phone: str = ""
    unit_id: int | None = None
    position_id: int | None = None

    @classmethod
    def of(cls, person: User) -> PersonData:
        return cls(
            username=person.username,
            full_name=person.full_name,
            agency_id=person.agency_id,
            email=person.email,
            phone=person.phone,
            unit_id=person.unit_id,
            position_id=person.position_id,
        )

    def normalized(self) -> PersonData:
        return dataclasses.replace(
            self,
            username=self.username.strip(),
            full_name=_text(self.full_name),
            email=self.email.strip(),
            phone=_text(self.phone),
        )


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Why a password is refused, in Vietnamese (Django's own messages are not all
    translated)."""
    problems: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {PASSWORD_MIN_LENGTH} ký tự.")
    if password.isdigit():
        problems.append("Mật khẩu không được chỉ gồm chữ số.")
    if username and username.lower() in password.lower():
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    try:
        CommonPasswordValidator().validate(password)
    except ValidationError:
        problems.append("Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác.")
    return problems


def _check_person(
    data: PersonData, *, person: User | None, actor: Any, extra: dict[str, str] | None = None
) -> None:
    errors: dict[str, str] = dict(extra or {})
    conflicts: dict[str, str] = {}
    if not data.username:
        errors["username"] = "Vui lòng nhập tên đăng nhập."
    elif not USERNAME_PATTERN.match(data.username):
        errors["username"] = USERNAME_MESSAGE
    elif (
        User.objects.filter(username__iexact=data.username)
        .exclude(pk=person.pk if person else 0)
        .exists()
    ):
        conflicts["username"] = f"Tên đăng nhập {data.username} đã có người dùng."
    if not data.full_name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    _check_length(errors, "full_name", data.full_name, 150)
    _check_length(errors, "phone", data.phone, 50)
    _check_email(errors, data.email)
    agency = Agency.objects.filter(pk=data.agency_id).first() if data.agency_id else None
    if data.agency_id is None:
        errors["agency"] = "Vui lòng chọn cơ quan."
    elif agency is None or not administers(actor, agency):
        errors["agency"] = NO_ACCESS_AGENCY
    elif person is None or person.agency_id != agency.pk:
        if not agency.is_active:
            errors["agency"] = "Cơ quan đã ngừng hoạt động."
        elif not agency.is_hosted:
            errors["agency"] = (
                "Cơ quan này chỉ có trong danh bạ, chưa dùng govdoc trên hệ thống: hãy đánh "
                "dấu “Dùng govdoc trên hệ thống này” cho cơ quan trước."
            )
    if data.unit_id is not None:
        unit = Unit.objects.filter(pk=data.unit_id).first()
        if unit is None or unit.agency_id != data.agency_id:
            errors["unit"] = "Đơn vị không thuộc cơ quan đã chọn."
        elif not unit.is_active and (person is None or person.unit_id != unit.pk):
            errors["unit"] = "Đơn vị đã ngừng hoạt động."
    if data.position_id is not None:
        position = Position.objects.filter(pk=data.position_id).first()
        if position is None or position.agency_id != data.agency_id:
            errors["position"] = "Chức vụ không thuộc cơ quan đã chọn."
    _raise_if(errors, conflicts)


def _require_person_admin(actor: Any, person: User) -> None:
    """Administering a person: their home agency must be yours; a superuser's account only
    a superuser may touch (else an agency administrator could take it over)."""
    if person.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotFound()
    if person.agency is None:
        if not getattr(actor, "is_superuser", False):
            raise NotFound()
        return
    _require_admin(actor, person.agency)


def can_manage_person(actor: Any, person: User) -> bool:
    """May the actor edit this person's account (details, password, lock)?"""
    try:
        _require_person_admin(actor, person)
    except NotFound:
        return False
    return True


def _save_person(person: User, data: PersonData) -> None:
    for key, value in dataclasses.asdict(data).items():
        setattr(person, key, value)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise Conflict(
            f"Tên đăng nhập {data.username} đã có người dùng.",
            fields={"username": "Tên đăng nhập đã được dùng."},
        ) from None


def person_create(*, data: PersonData, password: str = "", actor: Any) -> User:
    """Create an account in an agency the actor administers. Without a password the person
    cannot sign in until one is set."""
    if not is_any_admin(actor):
        raise NotFound()
    data = data.normalized()
    problems = password_problems(password, username=data.username) if password else []
    extra = {"password": " ".join(problems)} if problems else {}
    _check_person(data, person=None, actor=actor, extra=extra)
    with transaction.atomic():
        person = User()
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        _save_person(person, data)
        audit_record(
            actor=actor,
            action="person.create",
            target=person,
            agency_id=person.agency_id,
            data={"username": person.username, "password_set": bool(password)},
        )
    return person


def person_update(*, person: User, data: PersonData, actor: Any) -> User:
    """Change a person's name, contact, home agency, unit or position. Moving to another
    agency needs administration of both."""
    _require_person_admin(actor, person)
    data = data.normalized()
    _check_person(data, person=person, actor=actor)
    changes = _diff(PersonData.of(person), data)
    if not changes:
        return person
    with transaction.atomic():
        _save_person(person, data)
        audit_record(
            actor=actor,
            action="person.update",
            target=person,
            agency_id=person.agency_id,
            data={"changes": changes},
        )
    return person


def person_set_password(*, person: User, password: str, actor: Any) -> User:
    """Set or reset a person's password (the password itself is never journaled)."""
    _require_person_admin(actor, person)
    problems = password_problems(password, username=person.username)
    if not password:
        problems = ["Vui lòng nhập mật khẩu mới."]
    if problems:
        raise ValidationFailed(INVALID_INPUT, fields={"password": " ".join(problems)})
    with transaction.atomic():
        person.set_password(password)
        person.save(update_fields=["password"])
        audit_record(
            actor=actor,
            action="person.update",
            target=person,
            agency_id=person.agency_id,
            data={"password": "reset"},
        )
    return person


def person_set_active(*, person: User, active: bool, actor: Any) -> User:
    """Activate or deactivate an account; accounts are never deleted."""
    _require_person_admin(actor, person)
    if not active and person.pk == getattr(actor, "pk", None):
        raise ValidationFailed("Bạn không thể tự khóa tài khoản của chính mình.")
    if person.is_active == active:
        return person
    with transaction.atomic():
        person.is_active = active
        person.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="person.update",
            target=person,
            agency_id=person.agency_id,
            data={"changes": {"is_active": [not active, active]}},
        )
    return person


# ---------------------------------------------------------------------------- roles


def role_grant(
    *, person: User, agency: Agency, role: str, unit: Unit | None = None, actor: Any
) -> RoleAssignment:
    """Give a person a role in an agency. A unit leader leads a unit of that agency; the other
    roles have no unit. The same role twice is a Conflict."""
    _require_admin(actor, agency)
    if person.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotFound()
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = "Vai trò không hợp lệ."
    if not person.is_active:
        errors["person"] = "Tài khoản đã bị khóa, không cấp vai trò được."
    if role == Role.UNIT_LEADER:
        if unit is None:
            errors["unit"] = "Lãnh đạo đơn vị phải gắn với đơn vị mình lãnh đạo."
        elif unit.agency_id != agency.pk:
            errors["unit"] = "Đơn vị không thuộc cơ quan đã chọn."
        elif not unit.is_active:
            errors["unit"] = "Đơn vị đã ngừng hoạt động."
    else:
        unit = None
    _raise_if(errors, {})
    label = Role(role).label
    duplicate = RoleAssignment.objects.filter(user=person, agency=agency, role=role, unit=unit)
    message = f"{person.display_name} đã có vai trò {label}" + (
        f" của {unit.name}." if unit is not None else " trong cơ quan."
    )
    if duplicate.exists():
        raise Conflict(message, fields={"role": message})
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = RoleAssignment.objects.create(
                    user=person, agency=agency, role=role, unit=unit
                )
        except IntegrityError:
            raise Conflict(message, fields={"role": message}) from None
        audit_record(
            actor=actor,
            action="role.grant",
            target=assignment,
            target_label=f"{person.display_name} — {label}",
            agency_id=agency.pk,
            data={"person": person.pk, "role": role, "unit": unit.pk if unit else None},
        )
    _forget_roles(person)
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    """Take a role back. An administrator cannot remove their own administration (so no
    agency is left without one by mistake)."""
    _require_admin(actor, assignment.agency)
    person = assignment.user
    if person.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotFound()
    if (
        assignment.role == Role.ADMIN
        and person.pk == getattr(actor, "pk", None)
        and not getattr(actor, "is_superuser", False)
    ):
        raise ValidationFailed("Bạn không thể tự thu hồi quyền quản trị của chính mình.")
    with transaction.atomic():
        deleted, _ = RoleAssignment.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            raise Conflict("Vai trò này đã được thu hồi trước đó.")
        audit_record(
            actor=actor,
            action="role.revoke",
            target_type="organizations.roleassignment",
            target_id=str(assignment.pk),
            target_label=f"{person.display_name} — {Role(assignment.role).label}",
            agency_id=assignment.agency_id,
            data={"person": person.pk, "role": assignment.role, "unit": assignment.unit_id},
        )
    _forget_roles(person)


# ---------------------------------------------------------------------------- delegations


def _belongs_to(person: User, agency: Agency) -> bool:
    return (
        person.agency_id == agency.pk
        or RoleAssignment.objects.filter(user=person, agency=agency).exists()
    )


def delegation_create(
    *,
    agency: Agency,
    delegator_id: int | None,
    delegate_id: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    scope: str = "",
    reason: str = "",
    actor: Any,
) -> Delegation:
    """A leader's authority given to another person of the agency for a period. The delegator
    holds a leader role in the agency themself (delegations do not chain); periods of the
    same delegator in the agency must not overlap."""
    _require_admin(actor, agency)
    errors: dict[str, str] = {}
    scope, reason = _text(scope), _text(reason)
    delegator = User.objects.filter(pk=delegator_id).first() if delegator_id else None
    delegate = User.objects.filter(pk=delegate_id).first() if delegate_id else None
    if delegator is None:
        errors["delegator"] = "Vui lòng chọn người ủy quyền."
    elif not RoleAssignment.objects.filter(
        user=delegator, agency=agency, role__in=list(LEADER_ROLES)
    ).exists():
        errors["delegator"] = (
            "Người ủy quyền phải là lãnh đạo cơ quan hoặc lãnh đạo đơn vị của cơ quan."
        )
    if delegate is None:
        errors["delegate"] = "Vui lòng chọn người được ủy quyền."
    elif delegator is not None and delegate.pk == delegator.pk:
        errors["delegate"] = "Không thể ủy quyền cho chính mình."
    elif not delegate.is_active:
        errors["delegate"] = "Tài khoản của người được ủy quyền đã bị khóa."
    elif not _belongs_to(delegate, agency):
        errors["delegate"] = "Người được ủy quyền phải thuộc cơ quan."
    if starts_on is None:
        errors["starts_on"] = "Vui lòng nhập ngày bắt đầu (dd/mm/yyyy)."
    if ends_on is None:
        errors["ends_on"] = "Vui lòng nhập ngày kết thúc (dd/mm/yyyy)."
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "Ngày kết thúc phải từ ngày bắt đầu trở về sau."
    elif ends_on < timezone.localdate():
        errors["ends_on"] = "Thời gian ủy quyền đã qua: ngày kết thúc phải từ hôm nay trở đi."
    _check_length(errors, "scope", scope, 300)
    _check_length(errors, "reason", reason, 300)
    _raise_if(errors, {})
    assert delegator is not None and delegate is not None
    assert starts_on is not None and ends_on is not None
    with transaction.atomic():
        # Lock the delegator so two administrators cannot both pass the overlap check.
        User.objects.select_for_update().filter(pk=delegator.pk).first()
        clash = (
            Delegation.objects.filter(
                agency=agency,
                delegator=delegator,
                revoked_at__isnull=True,
                starts_on__lte=ends_on,
                ends_on__gte=starts_on,
            )
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            message = (
                f"{delegator.display_name} đã ủy quyền cho {clash.delegate.display_name} "
                f"từ {clash.starts_on:%d/%m/%Y} đến {clash.ends_on:%d/%m/%Y}: "
                "thời gian bị trùng."
            )
            raise Conflict(message, fields={"starts_on": message})
        delegation = Delegation.objects.create(
            agency=agency,
            delegator=delegator,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            scope=scope,
            reason=reason,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="delegation.create",
            target=delegation,
            agency_id=agency.pk,
            data={
                "delegator": delegator.pk,
                "delegate": delegate.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "scope": scope,
            },
        )
    return delegation


def delegation_revoke(*, delegation: Delegation, actor: Any) -> Delegation:
    """End a delegation now; the record stays, with who revoked it and when."""
    _require_admin(actor, delegation.agency)
    if delegation.ends_on < timezone.localdate():
        raise Conflict("Ủy quyền này đã hết hạn.")
    now = timezone.now()
    with transaction.atomic():
        updated = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if not updated:
            raise Conflict("Ủy quyền này đã được hủy trước đó.")
        delegation.revoked_at, delegation.revoked_by = now, actor
        audit_record(
            actor=actor,
            action="delegation.revoke",
            target=delegation,
            agency_id=delegation.agency_id,
            data={"delegator": delegation.delegator_id, "delegate": delegation.delegate_id},
        )
    return delegation
