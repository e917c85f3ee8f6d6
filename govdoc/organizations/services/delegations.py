"""Delegations: a leader's authority given to another person for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict
from govdoc.organizations.access import LEADER_ROLES, forget_access
from govdoc.organizations.models import Agency, Delegation, RoleAssignment, User
from govdoc.organizations.services.permissions import require_admin
from govdoc.organizations.services.validation import check_length, normalize_text, raise_if


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
    require_admin(actor, agency)
    errors: dict[str, str] = {}
    scope, reason = normalize_text(scope), normalize_text(reason)
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
    check_length(errors, "scope", scope, 300)
    check_length(errors, "reason", reason, 300)
    raise_if(errors, {})
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
    forget_access(delegate)
    return delegation


def delegation_revoke(*, delegation: Delegation, actor: Any) -> Delegation:
    """End a delegation now; the record stays, with who revoked it and when."""
    require_admin(actor, delegation.agency)
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
    forget_access(delegation.delegate)
    return delegation
