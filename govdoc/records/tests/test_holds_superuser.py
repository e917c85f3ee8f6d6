"""Holds set by a superuser who belongs to no agency: they choose the agency (or hold a file
of any agency, which gives the agency); the hold is journaled like the administrator's;
everyone else is still refused, and a refusal changes nothing — in the service and on the
pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import PASSWORD
from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import CaseFile, CaseFileHistory, RecordHold
from govdoc.records.services.holds import hold_lift, hold_set
from govdoc.records.tests.disposal_helpers import closed_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db: None) -> User:
    """The installation's administrator, of no agency."""
    return User.objects.create_user(
        username="root", password=PASSWORD, full_name="Quản Trị Hệ Thống", is_superuser=True
    )


def _state() -> dict[str, Any]:
    return {
        "holds": RecordHold.objects.count(),
        "held": sorted(CaseFile.objects.filter(on_hold=True).values_list("pk", flat=True)),
        "history": CaseFileHistory.objects.filter(action="hold").count(),
        "events": AuditEvent.objects.filter(action="records.hold").count(),
    }


def test_a_superuser_without_agency_holds_a_file_of_any_agency(
    root: User, personas: dict[str, User]
) -> None:
    case_file = closed_file(personas["specialist"], notation="01.PT")
    assert root.agency_id is None
    # when they hold the file without naming its agency
    hold = hold_set(actor=root, case_file_id=case_file.pk, reason="Phục vụ thanh tra")
    # then the hold is the file's agency's, the file is frozen, journaled as usual
    assert hold.agency_id == case_file.agency_id and hold.set_by == root
    assert CaseFile.objects.get(pk=case_file.pk).on_hold
    row = CaseFileHistory.objects.get(case_file=case_file, action="hold")
    assert row.actor == root and row.note == "Phục vụ thanh tra"
    event = AuditEvent.objects.get(action="records.hold")
    assert event.agency_id == case_file.agency_id and event.data["files"] == 1
    # and they lift it
    hold_lift(hold=hold, actor=root, reason="Xong")
    assert not CaseFile.objects.get(pk=case_file.pk).on_hold


def test_a_superuser_chooses_the_agency_of_a_collection_hold(
    root: User, personas: dict[str, User], units: dict[str, Unit], other_agency: Agency
) -> None:
    case_file = closed_file(personas["specialist"], notation="01.PT")
    agency_id = case_file.agency_id
    before = _state()
    # no agency chosen for a year: refused, the field named, nothing written
    with pytest.raises(ValidationFailed) as error:
        hold_set(actor=root, year=case_file.year, reason="Kiểm tra")
    assert error.value.fields == {"agency": "Vui lòng chọn cơ quan cần phong tỏa hồ sơ."}
    # an agency that does not exist, a unit of another agency: refused
    with pytest.raises(ValidationFailed) as error:
        hold_set(actor=root, agency_id=999_999, year=case_file.year, reason="Kiểm tra")
    assert "agency" in error.value.fields
    other_unit = Unit.objects.create(agency=other_agency, name="Văn phòng UBND", abbreviation="VP")
    with pytest.raises(ValidationFailed) as error:
        hold_set(
            actor=root,
            agency_id=agency_id,
            year=case_file.year,
            unit_id=other_unit.pk,
            reason="Kiểm tra",
        )
    assert "unit" in error.value.fields
    # the file of another agency than the one chosen: not found there
    with pytest.raises(ValidationFailed) as error:
        hold_set(
            actor=root,
            agency_id=other_agency.pk,
            case_file_id=case_file.pk,
            reason="Sai cơ quan",
        )
    assert "case_file" in error.value.fields
    assert _state() == before
    # the agency chosen: the year of the unit is held
    hold = hold_set(
        actor=root,
        agency_id=agency_id,
        year=case_file.year,
        unit_id=units["DD"].pk,
        reason="Kiểm tra",
    )
    assert (hold.agency_id, hold.year, hold.unit_id) == (agency_id, case_file.year, units["DD"].pk)
    assert CaseFile.objects.get(pk=case_file.pk).on_hold


@pytest.mark.parametrize(
    "persona", ["specialist", "clerk", "unit_head", "leader", "outsider", "admin_elsewhere"]
)
def test_nobody_else_holds_even_naming_the_agency(
    personas: dict[str, User], other_agency: Agency, persona: str
) -> None:
    from govdoc.conftest import make_person
    from govdoc.organizations.roles import Role

    people = {
        **personas,
        "admin_elsewhere": make_person("qt2", agency=other_agency, roles=[Role.ADMIN]),
    }
    case_file = closed_file(personas["specialist"], notation="01.PT")
    before = _state()
    for kwargs in (
        {"case_file_id": case_file.pk, "agency_id": case_file.agency_id},
        {"year": case_file.year, "agency_id": case_file.agency_id},
    ):
        with pytest.raises(Forbidden):
            hold_set(actor=people[persona], reason="Thử", **kwargs)
    # naming only the file: refused in their own agency (another agency's administrator
    # does not find it there)
    with pytest.raises((Forbidden, ValidationFailed)) as error:
        hold_set(actor=people[persona], reason="Thử", case_file_id=case_file.pk)
    if isinstance(error.value, ValidationFailed):
        assert persona == "admin_elsewhere" and "case_file" in error.value.fields
    assert _state() == before


def test_the_hold_pages_for_a_superuser_without_agency(
    root: User,
    personas: dict[str, User],
    units: dict[str, Unit],
    client_for: Callable[[User], Any],
) -> None:
    case_file = closed_file(personas["specialist"], notation="01.PT")
    agency_id = case_file.agency_id
    web = client_for(root)
    listing = reverse("records:hold_list")
    # the page asks for the agency (before: not found for them)
    page = web.get(listing)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="agency-form"' in body and 'data-testid="choose-agency"' in body
    assert Agency.objects.get(pk=agency_id).name in body
    # a year without an agency: 400 with the message, nothing written
    before = _state()
    refused = web.post(
        reverse("records:hold_set"), {"scope": "year", "year": case_file.year, "reason": "KT"}
    )
    assert refused.status_code == 400
    assert "Vui lòng chọn cơ quan cần phong tỏa hồ sơ." in refused.content.decode()
    assert _state() == before
    # a file of any agency by its code: held, back to that agency's holds
    done = web.post(
        reverse("records:hold_set"),
        {"scope": "file", "code": case_file.code, "reason": "Phục vụ thanh tra"},
    )
    assert done.status_code == 302 and done["Location"] == f"{listing}?agency={agency_id}"
    hold = RecordHold.objects.get()
    assert hold.agency_id == agency_id and hold.set_by == root
    assert AuditEvent.objects.filter(action="records.hold", actor=root).exists()
    # the agency's page lists it; a year of a unit of the chosen agency
    body = web.get(done["Location"]).content.decode()
    assert "Phục vụ thanh tra" in body and 'data-testid="hold-agency-name"' in body
    done = web.post(
        reverse("records:hold_set"),
        {
            "agency": agency_id,
            "scope": "year",
            "year": case_file.year,
            "unit": units["DD"].pk,
            "reason": "Kiểm tra",
        },
    )
    assert done.status_code == 302
    assert RecordHold.objects.filter(agency_id=agency_id, unit=units["DD"]).exists()
    # lifting from the page
    lifted = web.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "Xong"})
    assert lifted.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == root
    # an unknown agency: not found
    assert web.get(f"{listing}?agency=999999").status_code == 404


@pytest.mark.parametrize("persona", ["specialist", "clerk", "unit_head", "leader", "outsider"])
def test_the_hold_pages_stay_closed_to_others(
    personas: dict[str, User], client_for: Callable[[User], Any], persona: str
) -> None:
    case_file = closed_file(personas["specialist"], notation="01.PT")
    web = client_for(personas[persona])
    agency = f"?agency={case_file.agency_id}"
    assert web.get(reverse("records:hold_list") + agency).status_code == 404
    posted = web.post(
        reverse("records:hold_set"),
        {"agency": case_file.agency_id, "scope": "file", "code": case_file.code, "reason": "X"},
    )
    assert posted.status_code == 404
    assert not RecordHold.objects.exists()


def test_the_hold_api_for_a_superuser_without_agency(
    root: User, personas: dict[str, User], other_agency: Agency
) -> None:
    from govdoc.records.tests.plan_helpers import api_client

    case_file = closed_file(personas["specialist"], notation="01.PT")
    api = api_client(root)
    before = _state()
    # Given no agency chosen: the list and a year's hold are refused with the field named
    response = api.get("/api/records/holds")
    assert response.status_code == 400 and "agency_id" in response.json()["fields"]
    response = api.post(
        "/api/records/holds",
        {"year": case_file.year, "reason": "Kiểm tra"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "agency_id" in response.json()["fields"]
    assert _state() == before
    # When they hold a year of the agency chosen
    response = api.post(
        "/api/records/holds",
        {"year": case_file.year, "agency_id": case_file.agency_id, "reason": "Kiểm tra"},
        content_type="application/json",
    )
    assert response.status_code == 201
    hold_id = response.json()["id"]
    # Then it is that agency's, listed there and not in another agency's list
    assert RecordHold.objects.get(pk=hold_id).agency_id == case_file.agency_id
    listed = api.get(f"/api/records/holds?agency_id={case_file.agency_id}").json()["items"]
    assert [h["id"] for h in listed] == [hold_id]
    assert api.get(f"/api/records/holds?agency_id={other_agency.pk}").json()["items"] == []
    # and they lift it without naming the agency
    response = api.post(
        f"/api/records/holds/{hold_id}/lift", {"reason": "Xong"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["lifted_at"] is not None
    assert not CaseFile.objects.get(pk=case_file.pk).on_hold
    # an agency's own administrator naming another agency still sees only their own
    admin = api_client(personas["admin"])
    own = admin.get("/api/records/holds").json()
    assert admin.get(f"/api/records/holds?agency_id={other_agency.pk}").json() == own
