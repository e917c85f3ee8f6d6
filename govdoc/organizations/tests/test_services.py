"""Administration services: agencies, units, positions, people and roles."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.organizations.codes import ORGAN_ID_MESSAGE
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
    person_set_active,
    person_set_password,
    person_update,
    position_create,
    position_update,
    role_grant,
    role_revoke,
    unit_create,
    unit_update,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[Any, ...]:
    """Everything these services may write, to show that a refusal wrote nothing."""
    return (
        list(Agency.objects.order_by("pk").values()),
        list(Unit.objects.order_by("pk").values()),
        list(Position.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        list(RoleAssignment.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _child(**overrides: Any) -> AgencyData:
    values: dict[str, Any] = {
        "organ_id": "000.00.01.G12",
        "name": "Tổng cục Quản lý đất đai",
        "abbreviation": "tcqlđđ",
        "parent_id": None,
    }
    values.update(overrides)
    return AgencyData(**values)


# ---------------------------------------------------------------------------- agencies


def test_admin_creates_a_sub_agency(ministry: Agency, personas: dict[str, User]) -> None:
    # given the ministry's administrator
    admin = personas["admin"]
    # when they create an agency under the ministry (code and abbreviation loosely typed)
    agency = agency_create(
        data=_child(organ_id=" 000.00.01.g12 ", parent_id=ministry.pk), actor=admin
    )
    # then it is stored normalised, under the ministry
    agency.refresh_from_db()
    assert agency.organ_id == "000.00.01.G12"
    assert agency.abbreviation == "TCQLĐĐ"
    assert agency.parent_id == ministry.pk
    # and one audit event names it
    event = AuditEvent.objects.get(action="agency.create")
    assert event.actor == admin and event.target_id == str(agency.pk)
    assert event.agency_id == agency.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"organ_id": ""}, "organ_id", "Vui lòng nhập mã định danh."),
        ({"organ_id": "000.00.1.G12"}, "organ_id", ORGAN_ID_MESSAGE),
        ({"organ_id": "G12.00.00.000"}, "organ_id", ORGAN_ID_MESSAGE),
        ({"name": "   "}, "name", "Vui lòng nhập tên cơ quan."),
        ({"name": "x" * 201}, "name", "Tối đa 200 ký tự (đang có 201)."),
        ({"abbreviation": "TC/QL"}, "abbreviation", None),
        ({"abbreviation": "TC-QL"}, "abbreviation", None),
        ({"abbreviation": "", "is_hosted": True}, "abbreviation", None),
        ({"email": "khong-hop-le"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
        ({"parent_id": 999999}, "parent", "Cơ quan cấp trên không tồn tại."),
    ],
)
def test_agency_bad_input_is_refused_and_writes_nothing(
    ministry: Agency,
    personas: dict[str, User],
    overrides: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    # given a valid sub-agency with one bad value
    data = _child(**{"parent_id": ministry.pk, **overrides})
    before = _snapshot()
    # when the administrator submits it
    with pytest.raises(ValidationFailed) as caught:
        agency_create(data=data, actor=personas["admin"])
    # then the field is named with a Vietnamese message, and nothing is written
    assert field in caught.value.fields
    if message:
        assert caught.value.fields[field] == message
    assert _snapshot() == before


def test_duplicate_organ_id_is_a_conflict(ministry: Agency, personas: dict[str, User]) -> None:
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        agency_create(
            data=_child(organ_id=ministry.organ_id, parent_id=ministry.pk),
            actor=personas["admin"],
        )
    assert caught.value.status == 409
    assert "đã được dùng" in caught.value.fields["organ_id"]
    assert _snapshot() == before


def test_top_level_agency_needs_a_superuser(ministry: Agency, personas: dict[str, User]) -> None:
    # given an agency administrator: no parent means top of the tree
    with pytest.raises(ValidationFailed) as caught:
        agency_create(data=_child(), actor=personas["admin"])
    assert "parent" in caught.value.fields
    # a superuser may
    root = make_person("sieuquantri", agency=ministry, roles=[], superuser=True)
    agency = agency_create(data=_child(), actor=root)
    assert agency.parent_id is None


def test_parent_cannot_be_itself_or_a_descendant(
    ministry: Agency, personas: dict[str, User]
) -> None:
    admin = personas["admin"]
    child = agency_create(data=_child(parent_id=ministry.pk), actor=admin)
    # the ministry's administrator also administers the child (direct sub-agency)
    grandchild_parent = make_person("qtcon", agency=child, roles=[Role.ADMIN])
    grandchild = agency_create(
        data=_child(organ_id="000.01.01.G12", name="Cục Đăng ký đất đai", parent_id=child.pk),
        actor=grandchild_parent,
    )
    superuser = make_person("sieuquantri", agency=ministry, roles=[], superuser=True)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as itself:
        agency_update(
            agency=child,
            data=dataclasses.replace(AgencyData.of(child), parent_id=child.pk),
            actor=admin,
        )
    assert itself.value.fields["parent"] == "Cơ quan không thể là cấp trên của chính mình."
    with pytest.raises(ValidationFailed) as loop:
        agency_update(
            agency=ministry,
            data=dataclasses.replace(AgencyData.of(ministry), parent_id=grandchild.pk),
            actor=superuser,
        )
    assert "cấp dưới" in loop.value.fields["parent"]
    assert _snapshot() == before


def test_agency_update_records_the_changes(ministry: Agency, personas: dict[str, User]) -> None:
    data = dataclasses.replace(AgencyData.of(ministry), name="Bộ Nông nghiệp và Môi trường")
    agency_update(agency=ministry, data=data, actor=personas["admin"])
    ministry.refresh_from_db()
    assert ministry.name == "Bộ Nông nghiệp và Môi trường"
    event = AuditEvent.objects.get(action="agency.update")
    assert event.data["changes"]["name"] == [
        "Bộ Tài nguyên và Môi trường",
        "Bộ Nông nghiệp và Môi trường",
    ]
    # saving the same values again changes nothing and journals nothing
    agency_update(agency=ministry, data=data, actor=personas["admin"])
    assert AuditEvent.objects.filter(action="agency.update").count() == 1


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_change_agencies(
    ministry: Agency, personas: dict[str, User], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotFound):
        agency_create(data=_child(parent_id=ministry.pk), actor=personas[persona])
    with pytest.raises(NotFound):
        agency_update(
            agency=ministry,
            data=dataclasses.replace(AgencyData.of(ministry), name="Đổi tên"),
            actor=personas[persona],
        )
    assert _snapshot() == before


def test_administrator_of_another_agency_cannot_touch_this_one(
    ministry: Agency, other_agency: Agency, personas: dict[str, User]
) -> None:
    other_admin = make_person("qtkhac", agency=other_agency, roles=[Role.ADMIN])
    before = _snapshot()
    with pytest.raises(NotFound):
        agency_update(
            agency=ministry,
            data=dataclasses.replace(AgencyData.of(ministry), name="Đổi tên"),
            actor=other_admin,
        )
    with pytest.raises(ValidationFailed) as caught:
        agency_create(data=_child(parent_id=ministry.pk), actor=other_admin)
    assert "parent" in caught.value.fields
    assert _snapshot() == before


# ---------------------------------------------------------------------------- units


def test_units_form_a_tree_inside_the_agency(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    admin = personas["admin"]
    team = unit_create(
        agency=ministry,
        data=UnitData(name="Phòng Hành chính", abbreviation="hc", parent_id=units["VP"].pk),
        actor=admin,
    )
    assert team.abbreviation == "HC" and team.parent_id == units["VP"].pk
    assert AuditEvent.objects.filter(action="unit.create", target_id=str(team.pk)).exists()
    # the parent cannot be moved under its own child
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        unit_update(
            unit=units["VP"],
            data=dataclasses.replace(UnitData.of(units["VP"]), parent_id=team.pk),
            actor=admin,
        )
    assert "cấp dưới" in caught.value.fields["parent"]
    with pytest.raises(ValidationFailed) as itself:
        unit_update(
            unit=team, data=dataclasses.replace(UnitData.of(team), parent_id=team.pk), actor=admin
        )
    assert itself.value.fields["parent"] == "Đơn vị không thể là cấp trên của chính mình."
    assert _snapshot() == before


def test_unit_parent_must_be_in_the_same_agency(
    ministry: Agency, other_agency: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    foreign = Unit.objects.create(agency=other_agency, name="Văn phòng UBND", abbreviation="VP")
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        unit_create(
            agency=ministry,
            data=UnitData(name="Phòng mới", abbreviation="PM", parent_id=foreign.pk),
            actor=personas["admin"],
        )
    assert caught.value.fields["parent"] == "Đơn vị cấp trên phải là một đơn vị của cùng cơ quan."
    assert _snapshot() == before


def test_unit_abbreviation_is_unique_per_agency(
    ministry: Agency, other_agency: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        unit_create(
            agency=ministry,
            data=UnitData(name="Văn phòng 2", abbreviation="vp"),
            actor=personas["admin"],
        )
    assert caught.value.status == 409 and "VP" in caught.value.fields["abbreviation"]
    with pytest.raises(ValidationFailed) as missing:
        unit_create(
            agency=ministry, data=UnitData(name="", abbreviation=""), actor=personas["admin"]
        )
    assert set(missing.value.fields) == {"name", "abbreviation"}
    assert _snapshot() == before
    # the same abbreviation in another agency is fine
    other_admin = make_person("qtkhac", agency=other_agency, roles=[Role.ADMIN])
    unit_create(
        agency=other_agency, data=UnitData(name="Văn phòng", abbreviation="VP"), actor=other_admin
    )


def test_unit_deactivation_and_rename_are_journaled(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    unit = units["DD"]
    unit_update(
        unit=unit,
        data=dataclasses.replace(UnitData.of(unit), name="Cục Đất đai", is_active=False),
        actor=personas["admin"],
    )
    unit.refresh_from_db()
    assert unit.name == "Cục Đất đai" and not unit.is_active
    event = AuditEvent.objects.get(action="unit.update")
    assert event.data["changes"]["is_active"] == [True, False]


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_change_units(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotFound):
        unit_create(
            agency=ministry, data=UnitData(name="Phòng", abbreviation="P"), actor=personas[persona]
        )
    assert _snapshot() == before


# ---------------------------------------------------------------------------- positions


def test_positions(ministry: Agency, personas: dict[str, User]) -> None:
    admin = personas["admin"]
    personas_position = Position.objects.get(agency=ministry, name="Chuyên viên")
    minister = position_create(
        agency=ministry, data=PositionData(name="  Bộ   trưởng ", rank=1), actor=admin
    )
    assert minister.name == "Bộ trưởng" and minister.rank == 1
    before = _snapshot()
    with pytest.raises(Conflict):
        position_create(agency=ministry, data=PositionData(name="chuyên viên"), actor=admin)
    with pytest.raises(ValidationFailed) as caught:
        position_update(position=minister, data=PositionData(name="", rank=-1), actor=admin)
    assert set(caught.value.fields) == {"name", "rank"}
    assert _snapshot() == before
    position_update(
        position=personas_position, data=PositionData(name="Chuyên viên chính"), actor=admin
    )
    assert AuditEvent.objects.filter(action="position.update").count() == 1
    assert AuditEvent.objects.filter(action="position.create").count() == 1


# ---------------------------------------------------------------------------- people


def _person(ministry: Agency, **overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "username": "nguyenvana",
        "full_name": "Nguyễn  Văn A",
        "agency_id": ministry.pk,
        "email": "a@example.gov.vn",
    }
    values.update(overrides)
    return PersonData(**values)


def test_admin_creates_a_person_with_a_password(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    person = person_create(
        data=_person(ministry, unit_id=units["VP"].pk),
        password="Mat-khau-2026!",
        actor=personas["admin"],
    )
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn A" and person.unit_id == units["VP"].pk
    assert person.check_password("Mat-khau-2026!")
    event = AuditEvent.objects.get(action="person.create")
    assert event.target_id == str(person.pk)
    assert "Mat-khau" not in str(event.data)


def test_person_without_password_cannot_sign_in_until_one_is_set(
    ministry: Agency, personas: dict[str, User]
) -> None:
    person = person_create(data=_person(ministry), actor=personas["admin"])
    assert not person.has_usable_password()
    person_set_password(person=person, password="Mat-khau-2026!", actor=personas["admin"])
    person.refresh_from_db()
    assert person.check_password("Mat-khau-2026!")
    assert AuditEvent.objects.filter(action="person.update", data__password="reset").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "nguyễn văn a"}, "username"),
        ({"full_name": " "}, "full_name"),
        ({"agency_id": None}, "agency"),
        ({"email": "a@"}, "email"),
    ],
)
def test_person_bad_input_is_refused(
    ministry: Agency, personas: dict[str, User], overrides: dict[str, Any], field: str
) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        person_create(data=_person(ministry, **overrides), actor=personas["admin"])
    assert field in caught.value.fields
    assert _snapshot() == before


def test_person_unit_and_position_must_belong_to_the_agency(
    ministry: Agency, other_agency: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    foreign_unit = Unit.objects.create(agency=other_agency, name="Văn phòng", abbreviation="VP")
    foreign_position = Position.objects.create(agency=other_agency, name="Chánh văn phòng")
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        person_create(
            data=_person(ministry, unit_id=foreign_unit.pk, position_id=foreign_position.pk),
            actor=personas["admin"],
        )
    assert caught.value.fields["unit"] == "Đơn vị không thuộc cơ quan đã chọn."
    assert caught.value.fields["position"] == "Chức vụ không thuộc cơ quan đã chọn."
    # and an agency the administrator does not administer is refused on its field
    with pytest.raises(ValidationFailed) as elsewhere:
        person_create(data=_person(other_agency), actor=personas["admin"])
    assert "không quản trị" in elsewhere.value.fields["agency"]
    assert _snapshot() == before


def test_username_is_unique_ignoring_case(ministry: Agency, personas: dict[str, User]) -> None:
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        person_create(data=_person(ministry, username="VanThu"), actor=personas["admin"])
    assert caught.value.status == 409 and "username" in caught.value.fields
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan", "ít nhất 8 ký tự"),
        ("12345678901", "chỉ gồm chữ số"),
        ("password", "quá phổ biến"),
        ("nguyenvana-2026", "tên đăng nhập"),
    ],
)
def test_weak_passwords_are_refused(
    ministry: Agency, personas: dict[str, User], password: str, message: str
) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        person_create(data=_person(ministry), password=password, actor=personas["admin"])
    assert message in caught.value.fields["password"]
    assert _snapshot() == before


def test_person_update_moves_unit_and_is_journaled(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    specialist = personas["specialist"]
    data = dataclasses.replace(PersonData.of(specialist), unit_id=units["TCCB"].pk)
    person_update(person=specialist, data=data, actor=personas["admin"])
    specialist.refresh_from_db()
    assert specialist.unit_id == units["TCCB"].pk
    event = AuditEvent.objects.get(action="person.update")
    assert event.data["changes"]["unit_id"] == [units["DD"].pk, units["TCCB"].pk]


def test_people_are_deactivated_never_deleted(ministry: Agency, personas: dict[str, User]) -> None:
    admin, clerk = personas["admin"], personas["clerk"]
    person_set_active(person=clerk, active=False, actor=admin)
    clerk.refresh_from_db()
    assert not clerk.is_active and User.objects.filter(pk=clerk.pk).exists()
    person_set_active(person=clerk, active=True, actor=admin)
    clerk.refresh_from_db()
    assert clerk.is_active
    assert AuditEvent.objects.filter(action="person.update").count() == 2
    with pytest.raises(ValidationFailed):
        person_set_active(person=admin, active=False, actor=admin)


def test_agency_administrator_cannot_take_over_a_superuser(
    ministry: Agency, personas: dict[str, User]
) -> None:
    root = make_person("sieuquantri", agency=ministry, roles=[], superuser=True)
    before = _snapshot()
    with pytest.raises(NotFound):
        person_set_password(person=root, password="Mat-khau-2026!", actor=personas["admin"])
    with pytest.raises(NotFound):
        person_set_active(person=root, active=False, actor=personas["admin"])
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_manage_people(
    ministry: Agency, personas: dict[str, User], persona: str
) -> None:
    before = _snapshot()
    with pytest.raises(NotFound):
        person_create(data=_person(ministry), actor=personas[persona])
    with pytest.raises(NotFound):
        person_set_password(
            person=personas["clerk"], password="Mat-khau-2026!", actor=personas[persona]
        )
    assert _snapshot() == before


# ---------------------------------------------------------------------------- roles


def test_grant_and_revoke_roles(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    admin, specialist = personas["admin"], personas["specialist"]
    # when the administrator makes the specialist a clerk
    assignment = role_grant(person=specialist, agency=ministry, role=Role.CLERK, actor=admin)
    # then the role is held, and journaled
    assert RoleAssignment.objects.filter(user=specialist, role=Role.CLERK).exists()
    assert AuditEvent.objects.get(action="role.grant").data["role"] == Role.CLERK
    # granting it twice is a conflict that writes nothing
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        role_grant(person=specialist, agency=ministry, role=Role.CLERK, actor=admin)
    assert caught.value.status == 409
    assert _snapshot() == before
    # revoking removes it and is journaled
    role_revoke(assignment=assignment, actor=admin)
    assert not RoleAssignment.objects.filter(user=specialist, role=Role.CLERK).exists()
    assert AuditEvent.objects.get(action="role.revoke").data["role"] == Role.CLERK


def test_unit_leader_needs_a_unit_of_the_agency(
    ministry: Agency, other_agency: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    admin, specialist = personas["admin"], personas["specialist"]
    foreign = Unit.objects.create(agency=other_agency, name="Văn phòng", abbreviation="VP")
    before = _snapshot()
    with pytest.raises(ValidationFailed) as missing:
        role_grant(person=specialist, agency=ministry, role=Role.UNIT_LEADER, actor=admin)
    assert "unit" in missing.value.fields
    with pytest.raises(ValidationFailed) as wrong:
        role_grant(
            person=specialist, agency=ministry, role=Role.UNIT_LEADER, unit=foreign, actor=admin
        )
    assert wrong.value.fields["unit"] == "Đơn vị không thuộc cơ quan đã chọn."
    with pytest.raises(ValidationFailed) as bogus:
        role_grant(person=specialist, agency=ministry, role="BOSS", actor=admin)
    assert "role" in bogus.value.fields
    assert _snapshot() == before
    # a unit leader of two units holds two assignments
    role_grant(
        person=specialist, agency=ministry, role=Role.UNIT_LEADER, unit=units["DD"], actor=admin
    )
    role_grant(
        person=specialist, agency=ministry, role=Role.UNIT_LEADER, unit=units["VP"], actor=admin
    )
    assert RoleAssignment.objects.filter(user=specialist, role=Role.UNIT_LEADER).count() == 2


def test_roles_are_granted_only_by_an_administrator_of_that_agency(
    ministry: Agency, other_agency: Agency, personas: dict[str, User]
) -> None:
    before = _snapshot()
    for persona in ["clerk", "leader", "outsider"]:
        with pytest.raises(NotFound):
            role_grant(
                person=personas["specialist"],
                agency=ministry,
                role=Role.ADMIN,
                actor=personas[persona],
            )
    with pytest.raises(NotFound):
        role_grant(
            person=personas["specialist"],
            agency=other_agency,
            role=Role.CLERK,
            actor=personas["admin"],
        )
    assert _snapshot() == before


def test_administrator_cannot_revoke_their_own_administration(
    ministry: Agency, personas: dict[str, User]
) -> None:
    admin = personas["admin"]
    own = RoleAssignment.objects.get(user=admin, role=Role.ADMIN)
    before = _snapshot()
    with pytest.raises(ValidationFailed):
        role_revoke(assignment=own, actor=admin)
    assert _snapshot() == before


def test_a_locked_account_gets_no_role(ministry: Agency, personas: dict[str, User]) -> None:
    clerk = personas["clerk"]
    person_set_active(person=clerk, active=False, actor=personas["admin"])
    with pytest.raises(ValidationFailed) as caught:
        role_grant(person=clerk, agency=ministry, role=Role.SPECIALIST, actor=personas["admin"])
    assert "person" in caught.value.fields
