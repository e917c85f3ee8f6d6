"""Delegation rules: who may delegate to whom, for which period, and what it grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency, Delegation, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services import delegation_create, delegation_revoke

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _delegate(ministry: Agency, personas: dict[str, User], **overrides: Any) -> Delegation:
    values: dict[str, Any] = {
        "agency": ministry,
        "delegator_id": personas["leader"].pk,
        "delegate_id": personas["specialist"].pk,
        "starts_on": _today(),
        "ends_on": _today() + dt.timedelta(days=6),
        "scope": "Ký văn bản đi thay",
        "reason": "Đi công tác",
        "actor": personas["admin"],
    }
    values.update(overrides)
    return delegation_create(**values)


def _state() -> tuple[Any, ...]:
    return (
        list(Delegation.objects.order_by("pk").values()),
        AuditEvent.objects.filter(action__startswith="delegation.").count(),
    )


def test_delegation_grants_the_leader_roles_for_the_period(
    ministry: Agency, personas: dict[str, User]
) -> None:
    specialist = User.objects.get(pk=personas["specialist"].pk)
    assert not has_role(specialist, ministry.pk, Role.AGENCY_LEADER)
    # when the administrator records the leader's delegation to the specialist
    delegation = _delegate(ministry, personas)
    # then the specialist acts as agency leader while it is in force
    fresh = User.objects.get(pk=specialist.pk)
    assert has_role(fresh, ministry.pk, Role.AGENCY_LEADER)
    assert delegation.created_by == personas["admin"]
    event = AuditEvent.objects.get(action="delegation.create")
    assert event.data["delegator"] == personas["leader"].pk
    assert event.data["ends_on"] == (_today() + dt.timedelta(days=6)).isoformat()
    # and no longer once it is revoked
    delegation_revoke(delegation=delegation, actor=personas["admin"])
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None and delegation.revoked_by == personas["admin"]
    assert not has_role(User.objects.get(pk=specialist.pk), ministry.pk, Role.AGENCY_LEADER)
    assert AuditEvent.objects.filter(action="delegation.revoke").count() == 1


def test_unit_leader_may_delegate(ministry: Agency, personas: dict[str, User]) -> None:
    delegation = _delegate(ministry, personas, delegator_id=personas["unit_head"].pk)
    assert delegation.delegator == personas["unit_head"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"delegator_id": "specialist"},
            "delegator",
            "Người ủy quyền phải là lãnh đạo cơ quan hoặc lãnh đạo đơn vị của cơ quan.",
        ),
        ({"delegator_id": None}, "delegator", "Vui lòng chọn người ủy quyền."),
        ({"delegate_id": "leader"}, "delegate", "Không thể ủy quyền cho chính mình."),
        ({"delegate_id": "outsider"}, "delegate", "Người được ủy quyền phải thuộc cơ quan."),
        ({"starts_on": None}, "starts_on", "Vui lòng nhập ngày bắt đầu (dd/mm/yyyy)."),
        (
            {"ends_on": -1},
            "ends_on",
            "Ngày kết thúc phải từ ngày bắt đầu trở về sau.",
        ),
        ({"starts_on": -10, "ends_on": -3}, "ends_on", None),
    ],
)
def test_invalid_delegations_are_refused(
    ministry: Agency,
    personas: dict[str, User],
    overrides: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    # given a delegation with one bad value (personas by name, dates as days from today)
    resolved: dict[str, Any] = {}
    for key, value in overrides.items():
        if isinstance(value, str):
            resolved[key] = personas[value].pk
        elif isinstance(value, int) and key in {"starts_on", "ends_on"}:
            resolved[key] = _today() + dt.timedelta(days=value)
        else:
            resolved[key] = value
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        _delegate(ministry, personas, **resolved)
    assert field in caught.value.fields
    if message:
        assert caught.value.fields[field] == message
    assert _state() == before


def test_overlapping_delegations_of_the_same_leader_are_refused(
    ministry: Agency, personas: dict[str, User]
) -> None:
    _delegate(ministry, personas)
    before = _state()
    # given the leader already delegated this week, another delegation overlapping it
    with pytest.raises(Conflict) as caught:
        _delegate(
            ministry,
            personas,
            delegate_id=personas["clerk"].pk,
            starts_on=_today() + dt.timedelta(days=6),
            ends_on=_today() + dt.timedelta(days=10),
        )
    assert caught.value.status == 409
    assert "trùng" in caught.value.fields["starts_on"]
    assert _state() == before
    # the day after the first one ends is free
    _delegate(
        ministry,
        personas,
        delegate_id=personas["clerk"].pk,
        starts_on=_today() + dt.timedelta(days=7),
        ends_on=_today() + dt.timedelta(days=10),
    )
    # and another leader's delegation in the same week is fine
    _delegate(ministry, personas, delegator_id=personas["unit_head"].pk)
    assert Delegation.objects.count() == 3


def test_a_revoked_delegation_no_longer_blocks_the_period(
    ministry: Agency, personas: dict[str, User]
) -> None:
    first = _delegate(ministry, personas)
    delegation_revoke(delegation=first, actor=personas["admin"])
    _delegate(ministry, personas, delegate_id=personas["clerk"].pk)
    with pytest.raises(Conflict):
        delegation_revoke(delegation=first, actor=personas["admin"])


def test_delegations_do_not_chain(ministry: Agency, personas: dict[str, User]) -> None:
    # the specialist acts as leader by delegation, but is not a leader who may delegate
    _delegate(ministry, personas)
    with pytest.raises(ValidationFailed) as caught:
        _delegate(
            ministry,
            personas,
            delegator_id=personas["specialist"].pk,
            delegate_id=personas["clerk"].pk,
        )
    assert "delegator" in caught.value.fields


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_record_or_revoke_delegations(
    ministry: Agency, personas: dict[str, User], persona: str
) -> None:
    before = _state()
    with pytest.raises(NotFound):
        _delegate(ministry, personas, actor=personas[persona])
    assert _state() == before
    delegation = _delegate(ministry, personas)
    before = _state()
    with pytest.raises(NotFound):
        delegation_revoke(delegation=delegation, actor=personas[persona])
    assert _state() == before


def test_administrator_of_another_agency_cannot_delegate_here(
    ministry: Agency, other_agency: Agency, personas: dict[str, User]
) -> None:
    other_admin = make_person("qtkhac", agency=other_agency, roles=[Role.ADMIN])
    with pytest.raises(NotFound):
        _delegate(ministry, personas, actor=other_admin)
    assert not Delegation.objects.exists()
