"""People (user accounts): create, change, set a password, lock or unlock."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.organizations.access import is_any_admin
from govdoc.organizations.models import Agency, Position, Unit, User
from govdoc.organizations.services.permissions import administers, require_admin
from govdoc.organizations.services.validation import (
    INVALID_INPUT,
    check_email,
    check_length,
    diff,
    normalize_text,
    raise_if,
)

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._@+-]{3,150}$")
USERNAME_MESSAGE = (
    "Tên đăng nhập dài 3–150 ký tự, chỉ gồm chữ cái không dấu, chữ số và . _ @ + - "
    "(ví dụ nguyenvana)."
)
PASSWORD_MIN_LENGTH = 8
NO_ACCESS_AGENCY = "Cơ quan không tồn tại hoặc bạn không quản trị cơ quan này."


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
            full_name=normalize_text(self.full_name),
            email=self.email.strip(),
            phone=normalize_text(self.phone),
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
    check_length(errors, "full_name", data.full_name, 150)
    check_length(errors, "phone", data.phone, 50)
    check_email(errors, data.email)
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
    raise_if(errors, conflicts)


def _require_person_admin(actor: Any, person: User) -> None:
    """Administering a person: their home agency must be yours; a superuser's account only
    a superuser may touch (else an agency administrator could take it over)."""
    if person.is_superuser and not getattr(actor, "is_superuser", False):
        raise NotFound()
    if person.agency is None:
        if not getattr(actor, "is_superuser", False):
            raise NotFound()
        return
    require_admin(actor, person.agency)


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
    changes = diff(PersonData.of(person), data)
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
