"""Roles of people in agencies: grant and revoke."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.organizations.access import forget_access
from govdoc.organizations.models import Agency, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services.permissions import require_admin
from govdoc.organizations.services.validation import raise_if


def _forget_roles(user: Any) -> None:
    # access caches roles and led units on the user object; a grant or revoke makes it stale.
    forget_access(user)


def role_grant(
    *, person: User, agency: Agency, role: str, unit: Unit | None = None, actor: Any
) -> RoleAssignment:
    """Give a person a role in an agency. A unit leader leads a unit of that agency; the other
    roles have no unit. The same role twice is a Conflict."""
    require_admin(actor, agency)
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
    raise_if(errors, {})
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
    require_admin(actor, assignment.agency)
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
