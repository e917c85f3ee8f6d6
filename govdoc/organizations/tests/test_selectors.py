"""The people of an agency by their role."""

from __future__ import annotations

import pytest

from govdoc.conftest import make_person
from govdoc.organizations.models import Agency, RoleAssignment, User
from govdoc.organizations.roles import Role
from govdoc.organizations.selectors import agency_people_with_role

pytestmark = pytest.mark.django_db


def test_the_active_people_holding_the_role_in_that_agency_each_once(
    personas: dict[str, User], ministry: Agency, other_agency: Agency
) -> None:
    clerk, leader = personas["clerk"], personas["leader"]
    # given a leader who is also a clerk, and a clerk who left
    RoleAssignment.objects.create(user=leader, agency=ministry, role=Role.CLERK)
    gone = make_person("dinghi", agency=ministry, roles=[Role.CLERK])
    User.objects.filter(pk=gone.pk).update(is_active=False)
    # then the clerks are the two active ones, each once; another agency's are not there
    clerks = list(agency_people_with_role(ministry.pk, Role.CLERK).order_by("username"))
    assert clerks == [leader, clerk]
    assert list(agency_people_with_role(ministry.pk, Role.AGENCY_LEADER)) == [leader]
    assert list(agency_people_with_role(other_agency.pk, Role.CLERK)) == [personas["outsider"]]
