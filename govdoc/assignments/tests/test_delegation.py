"""Delegation at work: within the period a deputy sees what is presented to the leader and
acts for them; every step records both names; after the period the deputy cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govdoc.assignments.models import Assignment, HandlingHistory
from govdoc.assignments.selectors import presented_to_me, queue_counts
from govdoc.assignments.services import AssigneeInput, incoming_assign
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.workflow import HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Forbidden
from govdoc.incoming.access import incoming_for
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present
from govdoc.organizations.access import forget_access
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.services.delegations import delegation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_for_the_leader(team: dict[str, User], ministry: Agency) -> User:
    """The admin names the colleague to act for the leader this week."""
    deputy = team["colleague"]
    delegation_create(
        agency=ministry,
        delegator_id=team["leader"].pk,
        delegate_id=deputy.pk,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 4),
        scope="Văn bản đến trong thời gian Thứ trưởng đi công tác",
        actor=team["admin"],
    )
    forget_access(deputy)
    return deputy


def test_the_deputy_sees_and_assigns_what_was_presented_to_the_leader(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    deputy_for_the_leader: User,
) -> None:
    # given a document presented to the leader, who is away
    incoming_present(incoming=registered, leader=team["leader"], actor=team["clerk"])
    deputy = deputy_for_the_leader
    # then the deputy sees it in their queue and may open it
    assert list(presented_to_me(deputy, registered.agency_id)) == [registered]
    assert queue_counts(deputy, registered.agency_id)["trinh"] == 1
    assert incoming_for(deputy, registered.pk) == registered
    # when the deputy assigns it
    created = incoming_assign(
        incoming=registered,
        instruction="Giao Vụ Đất đai chủ trì.",
        assignees=[AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE)],
        actor=deputy,
    )
    # then both names are recorded: who acted, and for whom
    assert created[0].assigned_by == deputy and created[0].on_behalf_of == team["leader"]
    step = HandlingHistory.objects.get(incoming=registered, action="assign")
    assert step.actor == deputy and step.on_behalf_of == team["leader"]
    event = AuditEvent.objects.get(action="handling.assign")
    assert event.actor == deputy and event.on_behalf_of == "Trần Văn Lãnh Đạo"


def test_after_the_period_the_deputy_cannot_act(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    deputy_for_the_leader: User,
    time_machine: Any,
) -> None:
    incoming_present(incoming=registered, leader=team["leader"], actor=team["clerk"])
    # when the delegation has ended
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0), tick=False)
    deputy = User.objects.get(pk=deputy_for_the_leader.pk)
    # then the deputy no longer sees the leader's queue, nor may assign
    assert list(presented_to_me(deputy, registered.agency_id)) == []
    with pytest.raises(Forbidden):
        incoming_assign(
            incoming=registered,
            instruction="",
            assignees=[AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE)],
            actor=deputy,
        )
    assert not Assignment.objects.exists()
