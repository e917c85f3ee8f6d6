"""The agency directory: every agency reads it; only hub administrators write it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govdoc.exchange.hub.models import Agency, Credential, HubCall
from govdoc.exchange.hub.tests.conftest import API, OTHER, RECIPIENT, SENDER, Hub, Member

pytestmark = pytest.mark.django_db

AGENCIES = f"{API}/agencies"
NEW = "000.01.00.G12"


def _post(member: Member, data: dict[str, Any]) -> Any:
    return member.client().post(AGENCIES, data, content_type="application/json")


def _put(member: Member, organ_id: str, data: dict[str, Any]) -> Any:
    return member.client().put(f"{AGENCIES}/{organ_id}", data, content_type="application/json")


def test_every_agency_reads_the_whole_directory(hub: Hub, sender: Member) -> None:
    # given a parent agency, a child, and an inactive one
    parent = hub.agency(OTHER, "Bộ Tài chính", email="vanthu@mof.gov.vn", phone="024 1234")
    hub.agency(NEW, "Tổng cục Thuế", parent=OTHER, address="123 Đường Láng, Hà Nội")
    hub.agency(RECIPIENT, "UBND tỉnh Nghệ An", active=False)
    # when an agency reads the directory
    response = sender.client().get(AGENCIES)
    # then it sees them all, in code order, with parent, contacts and state
    assert response.status_code == 200
    rows = {row["organ_id"]: row for row in response.json()}
    assert list(rows) == sorted(rows)
    assert rows[NEW]["parent"] == OTHER
    assert rows[NEW]["address"] == "123 Đường Láng, Hà Nội"
    assert rows[OTHER]["email"] == "vanthu@mof.gov.vn"
    assert rows[RECIPIENT]["active"] is False
    assert parent.agency is not None
    assert sender.client().get(f"{AGENCIES}/{OTHER}").json()["name"] == "Bộ Tài chính"
    assert sender.client().get(f"{AGENCIES}/000.09.09.Z99").status_code == 404


def test_directory_since_gives_what_changed(hub: Hub, sender: Member) -> None:
    # given an agency listed before a moment and one added after it
    moment = timezone.now()
    hub.agency(OTHER)
    # when the directory is read since that moment
    rows = sender.client().get(AGENCIES, {"since": moment.isoformat()}).json()
    # then only the new one is listed
    assert [row["organ_id"] for row in rows] == [OTHER]


def test_admin_adds_an_agency_and_gets_its_key_once(hub: Hub, sender: Member) -> None:
    admin = hub.admin()
    # when an administrator adds an agency under an existing one
    response = _post(
        admin,
        {"organ_id": NEW, "name": "Tổng cục Thuế", "parent": SENDER, "email": "tct@gdt.gov.vn"},
    )
    # then it is created, with a key that opens the new agency's mailbox
    assert response.status_code == 201
    body = response.json()
    assert (body["organ_id"], body["parent"], body["active"]) == (NEW, SENDER, True)
    key = body["token"]
    assert Client(headers={"authorization": f"Bearer {key}"}).get(f"{API}/inbox").status_code == 200
    # only the key's hash is kept
    assert not Credential.objects.filter(key_hash=key).exists()
    call = HubCall.objects.filter(call="create_agency").get()
    assert call.detail["organ_id"] == NEW
    assert key not in str(call.detail)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"organ_id": "G12", "name": "Bộ"}, "organ_id"),
        ({"organ_id": SENDER, "name": "Trùng"}, "organ_id"),
        ({"organ_id": NEW, "name": "  "}, "name"),
        ({"organ_id": NEW, "name": "Bộ", "parent": "000.99.99.Z99"}, "parent"),
        ({"organ_id": NEW, "name": "Bộ", "email": "không-phải-thư"}, "email"),
        ({"organ_id": NEW, "name": "Bộ", "mtls_fingerprints": ["abc"]}, "mtls_fingerprints"),
        ({"organ_id": NEW}, "name"),
    ],
)
def test_invalid_agency_is_400_and_nothing_is_created(
    hub: Hub, sender: Member, data: dict[str, Any], field: str
) -> None:
    response = _post(hub.admin(), data)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert list(Agency.objects.values_list("organ_id", flat=True)) == [SENDER]


def test_agencies_cannot_write_the_directory(hub: Hub, sender: Member) -> None:
    # when an agency (not an administrator) tries to add or change an agency
    created = _post(sender, {"organ_id": NEW, "name": "Giả mạo"})
    changed = _put(sender, SENDER, {"name": "Tên khác", "active": False})
    # then both are refused and nothing changes
    assert created.status_code == 403
    assert changed.status_code == 403
    assert created.json()["code"] == "admin_only"
    assert not Agency.objects.filter(organ_id=NEW).exists()
    agency = Agency.objects.get(organ_id=SENDER)
    assert (agency.name, agency.active) == ("Văn phòng Chính phủ", True)


def test_admin_changes_only_the_fields_given(hub: Hub, sender: Member, recipient: Member) -> None:
    admin = hub.admin()
    # when an administrator changes the name and puts the agency under another
    response = _put(admin, RECIPIENT, {"name": "UBND tỉnh Nghệ An (mới)", "parent": SENDER})
    # then those change, the rest stays
    assert response.status_code == 200
    agency = Agency.objects.get(organ_id=RECIPIENT)
    assert (agency.name, agency.parent_id, agency.active) == (
        "UBND tỉnh Nghệ An (mới)",
        Agency.objects.get(organ_id=SENDER).pk,
        True,
    )
    # a parent cannot become its own child; "" clears the parent
    cycle = _put(admin, SENDER, {"parent": RECIPIENT})
    assert cycle.status_code == 400
    assert "parent" in cycle.json()["fields"]
    assert _put(admin, RECIPIENT, {"parent": ""}).json()["parent"] is None
    # deactivating shuts the agency out
    assert _put(admin, RECIPIENT, {"active": False}).json()["active"] is False
    assert recipient.client().get(f"{API}/inbox").status_code == 403
    assert _put(admin, "000.09.09.Z99", {"name": "x"}).status_code == 404


def test_admin_registers_a_client_certificate(hub: Hub, recipient: Member) -> None:
    digest = ":".join(["AB"] * 32)
    response = _put(hub.admin(), RECIPIENT, {"mtls_fingerprints": [digest]})
    assert response.json()["mtls_required"] is True
    assert Agency.objects.get(organ_id=RECIPIENT).mtls_fingerprints == ["ab" * 32]
