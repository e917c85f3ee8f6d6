"""Administration screens: who reaches them, forms with Vietnamese errors, the main flows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.organizations.codes import ORGAN_ID_MESSAGE
from govdoc.organizations.imports import Kind, template_csv
from govdoc.organizations.models import Agency, Delegation, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db


def _pages(ministry: Agency, units: dict[str, Unit], personas: dict[str, User]) -> list[str]:
    position = Position.objects.filter(agency=ministry).first()
    assert position is not None
    return [
        reverse("organizations:agencies"),
        reverse("organizations:agency_create"),
        reverse("organizations:agency", args=[ministry.pk]),
        reverse("organizations:agency_edit", args=[ministry.pk]),
        reverse("organizations:unit_create", args=[ministry.pk]),
        reverse("organizations:unit_edit", args=[units["VP"].pk]),
        reverse("organizations:position_create", args=[ministry.pk]),
        reverse("organizations:position_edit", args=[position.pk]),
        reverse("organizations:people"),
        reverse("organizations:person_create"),
        reverse("organizations:person", args=[personas["clerk"].pk]),
        reverse("organizations:delegations"),
        reverse("organizations:import"),
        reverse("organizations:import_template", args=[Kind.PEOPLE]),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("clerk", 404),
        ("leader", 404),
        ("unit_head", 404),
        ("specialist", 404),
        ("outsider", 404),
    ],
)
def test_persona_matrix(
    ministry: Agency,
    units: dict[str, Unit],
    personas: dict[str, User],
    client_for: Any,
    persona: str,
    status: int,
) -> None:
    client = client_for(personas[persona])
    for url in _pages(ministry, units, personas):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_sign_in(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    response = Client().get(reverse("organizations:people"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist", "outsider"])
def test_posts_by_non_administrators_change_nothing(
    ministry: Agency,
    units: dict[str, Unit],
    personas: dict[str, User],
    client_for: Any,
    persona: str,
) -> None:
    client = client_for(personas[persona])
    clerk_role = RoleAssignment.objects.get(user=personas["clerk"])
    attempts = [
        (reverse("organizations:agency_edit", args=[ministry.pk]), {"name": "Đổi"}),
        (reverse("organizations:person_active", args=[personas["clerk"].pk]), {"active": "0"}),
        (reverse("organizations:role_revoke", args=[clerk_role.pk]), {}),
        (
            reverse("organizations:role_grant", args=[personas["specialist"].pk]),
            {"role-agency": ministry.pk, "role-role": Role.ADMIN},
        ),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 404, url
    assert RoleAssignment.objects.filter(pk=clerk_role.pk).exists()
    assert not RoleAssignment.objects.filter(user=personas["specialist"], role=Role.ADMIN).exists()
    assert User.objects.get(pk=personas["clerk"].pk).is_active
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_administrator_does_not_reach_another_agency(
    ministry: Agency,
    other_agency: Agency,
    units: dict[str, Unit],
    personas: dict[str, User],
    client_for: Any,
) -> None:
    client = client_for(personas["admin"])
    foreign_unit = Unit.objects.create(agency=other_agency, name="Văn phòng", abbreviation="VP")
    assert client.get(reverse("organizations:agency", args=[other_agency.pk])).status_code == 404
    assert client.get(reverse("organizations:unit_edit", args=[foreign_unit.pk])).status_code == 404
    outsider = personas["outsider"]
    assert client.get(reverse("organizations:person", args=[outsider.pk])).status_code == 404
    listing = client.get(reverse("organizations:people")).content.decode()
    assert personas["clerk"].full_name in listing and outsider.full_name not in listing
    agencies = client.get(reverse("organizations:agencies")).content.decode()
    assert ministry.name in agencies and other_agency.name not in agencies


def test_agency_form_shows_vietnamese_errors_and_writes_nothing(
    ministry: Agency, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    before = Agency.objects.count()
    response = client.post(
        reverse("organizations:agency_create"),
        {"organ_id": "G12", "name": "", "parent": ministry.pk, "is_active": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert ORGAN_ID_MESSAGE in body and "Vui lòng nhập tên cơ quan." in body
    assert Agency.objects.count() == before


def test_agency_create_then_units_and_positions(
    ministry: Agency, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    response = client.post(
        reverse("organizations:agency_create"),
        {
            "organ_id": "000.00.01.G12",
            "name": "Tổng cục Quản lý đất đai",
            "abbreviation": "tcqlđđ",
            "parent": ministry.pk,
            "is_hosted": "on",
            "is_active": "on",
        },
    )
    agency = Agency.objects.get(organ_id="000.00.01.G12")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:agency", args=[agency.pk])
    assert agency.abbreviation == "TCQLĐĐ" and agency.is_hosted
    # units: a tree, shown on the agency page
    client.post(
        reverse("organizations:unit_create", args=[agency.pk]),
        {"name": "Văn phòng Tổng cục", "abbreviation": "VP", "is_active": "on"},
    )
    office = Unit.objects.get(agency=agency, abbreviation="VP")
    client.post(
        reverse("organizations:unit_create", args=[agency.pk]),
        {"name": "Phòng Hành chính", "abbreviation": "HC", "parent": office.pk, "is_active": "on"},
    )
    assert Unit.objects.get(agency=agency, abbreviation="HC").parent == office
    duplicate = client.post(
        reverse("organizations:unit_create", args=[agency.pk]),
        {"name": "Văn phòng 2", "abbreviation": "vp", "is_active": "on"},
    )
    assert "Chữ viết tắt VP đã dùng cho một đơn vị khác của cơ quan." in duplicate.content.decode()
    client.post(
        reverse("organizations:position_create", args=[agency.pk]),
        {"name": "Tổng cục trưởng", "rank": "1"},
    )
    page = client.get(reverse("organizations:agency", args=[agency.pk])).content.decode()
    assert "Phòng Hành chính" in page and "Tổng cục trưởng" in page
    assert page.index("Văn phòng Tổng cục") < page.index("Phòng Hành chính")
    # the agency list shows the new one under the ministry
    listing = client.get(reverse("organizations:agencies")).content.decode()
    assert listing.index(ministry.name) < listing.index("Tổng cục Quản lý đất đai")
    # search ignores diacritics
    found = client.get(reverse("organizations:agencies"), {"q": "quan ly dat dai"})
    assert "Tổng cục Quản lý đất đai" in found.content.decode()
    assert ministry.name not in found.content.decode()


def test_unit_edit_refuses_a_cycle_on_the_form(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    child = Unit.objects.create(
        agency=ministry, name="Phòng Tổng hợp", abbreviation="TH", parent=units["VP"]
    )
    # the form does not even offer the child as parent: posting it is refused
    response = client.post(
        reverse("organizations:unit_edit", args=[units["VP"].pk]),
        {"name": "Văn phòng", "abbreviation": "VP", "parent": child.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ" in response.content.decode()
    units["VP"].refresh_from_db()
    assert units["VP"].parent is None


def test_person_create_grant_revoke_and_lock(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    # a form with errors keeps everything unwritten
    bad = client.post(
        reverse("organizations:person_create"),
        {"username": "có dấu", "full_name": "", "agency": ministry.pk, "password": "123"},
    )
    body = bad.content.decode()
    assert "Vui lòng nhập họ và tên." in body and "Tên đăng nhập dài 3–150 ký tự" in body
    assert "Mật khẩu phải có ít nhất 8 ký tự." in body
    assert not User.objects.filter(full_name="").exists()
    # a good one creates the account
    response = client.post(
        reverse("organizations:person_create"),
        {
            "username": "nguyenvana",
            "full_name": "Nguyễn Văn A",
            "agency": ministry.pk,
            "unit": units["DD"].pk,
            "password": "Mat-khau-2026!",
        },
    )
    person = User.objects.get(username="nguyenvana")
    assert response["Location"] == reverse("organizations:person", args=[person.pk])
    # grant: unit leader of Vụ Đất đai
    grant_url = reverse("organizations:role_grant", args=[person.pk])
    missing_unit = client.post(
        grant_url, {"role-agency": ministry.pk, "role-role": Role.UNIT_LEADER, "role-unit": ""}
    )
    assert "Lãnh đạo đơn vị phải gắn với đơn vị mình lãnh đạo." in missing_unit.content.decode()
    client.post(
        grant_url,
        {"role-agency": ministry.pk, "role-role": Role.UNIT_LEADER, "role-unit": units["DD"].pk},
    )
    assignment = RoleAssignment.objects.get(user=person, role=Role.UNIT_LEADER)
    assert assignment.unit == units["DD"]
    again = client.post(
        grant_url,
        {"role-agency": ministry.pk, "role-role": Role.UNIT_LEADER, "role-unit": units["DD"].pk},
    )
    assert "đã có vai trò Lãnh đạo đơn vị" in again.content.decode()
    page = client.get(reverse("organizations:person", args=[person.pk])).content.decode()
    assert "Lãnh đạo đơn vị" in page and "Vụ Đất đai" in page
    # revoke
    client.post(reverse("organizations:role_revoke", args=[assignment.pk]))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # lock, then the person cannot sign in
    client.post(reverse("organizations:person_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    assert not Client().login(username="nguyenvana", password="Mat-khau-2026!")
    actions = list(
        AuditEvent.objects.exclude(action__startswith="auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["person.create", "role.grant", "role.revoke", "person.update"]


def test_person_edit_and_password_reset(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    specialist = personas["specialist"]
    url = reverse("organizations:person", args=[specialist.pk])
    response = client.post(
        url,
        {
            "username": specialist.username,
            "full_name": "Phạm Thị Chuyên Viên",
            "email": "sai-dia-chi",
            "agency": ministry.pk,
            "unit": units["TCCB"].pk,
        },
    )
    assert "Địa chỉ thư điện tử không hợp lệ." in response.content.decode()
    specialist.refresh_from_db()
    assert specialist.unit == units["DD"]
    client.post(
        url,
        {
            "username": specialist.username,
            "full_name": "Phạm Thị Chuyên Viên",
            "agency": ministry.pk,
            "unit": units["TCCB"].pk,
        },
    )
    specialist.refresh_from_db()
    assert specialist.unit == units["TCCB"] and specialist.full_name == "Phạm Thị Chuyên Viên"
    password_url = reverse("organizations:person_password", args=[specialist.pk])
    mismatch = client.post(
        password_url, {"pw-password": "Mat-khau-2026!", "pw-password2": "Mat-khau-2027!"}
    )
    assert "Hai lần nhập mật khẩu không khớp." in mismatch.content.decode()
    client.post(password_url, {"pw-password": "Mat-khau-2026!", "pw-password2": "Mat-khau-2026!"})
    assert Client().login(username=specialist.username, password="Mat-khau-2026!")


def test_people_list_filters(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["admin"])
    url = reverse("organizations:people")

    def names(**params: Any) -> str:
        body: str = client.get(url, params).content.decode()
        return body.split('data-testid="people-table"')[1]

    by_role = names(role=Role.CLERK)
    assert "Nguyễn Thị Văn Thư" in by_role and "Phạm Thị Chuyên" not in by_role
    by_unit = names(unit=units["DD"].pk)
    assert "Phạm Thị Chuyên" in by_unit and "Nguyễn Thị Văn Thư" not in by_unit
    by_text = names(q="chuyen")
    assert "Phạm Thị Chuyên" in by_text and "Hoàng Quản Trị" not in by_text
    personas["clerk"].is_active = False
    personas["clerk"].save()
    assert "Nguyễn Thị Văn Thư" not in names()
    assert "Nguyễn Thị Văn Thư" in names(status="locked")


def test_delegations_screen(ministry: Agency, personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["admin"])
    url = reverse("organizations:delegations")
    today = timezone.localdate()
    form = {
        "agency": ministry.pk,
        "delegator": personas["leader"].pk,
        "delegate": personas["specialist"].pk,
        "starts_on": today.strftime("%d/%m/%Y"),
        "ends_on": (today + dt.timedelta(days=3)).strftime("%d/%m/%Y"),
        "scope": "Ký văn bản đi",
        "reason": "Đi công tác",
    }
    bad = client.post(url, {**form, "ends_on": "31/02/2026"})
    assert "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy." in bad.content.decode()
    backwards = client.post(
        url, {**form, "ends_on": (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")}
    )
    assert "Ngày kết thúc phải từ ngày bắt đầu trở về sau." in backwards.content.decode()
    assert not Delegation.objects.exists()
    assert client.post(url, form).status_code == 302
    delegation = Delegation.objects.get()
    listing = client.get(url).content.decode()
    assert "Trần Văn Lãnh Đạo" in listing and today.strftime("%d/%m/%Y") in listing
    overlap = client.post(url, {**form, "delegate": personas["clerk"].pk})
    assert "thời gian bị trùng" in overlap.content.decode()
    client.post(reverse("organizations:delegation_revoke", args=[delegation.pk]))
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    assert "Đã hủy" in client.get(url, {"trang-thai": "da-huy"}).content.decode()


def test_import_screen_with_csv_and_xlsx(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User], client_for: Any
) -> None:
    from openpyxl import Workbook

    client = client_for(personas["admin"])
    url = reverse("organizations:import")
    # a file with a bad row: nothing imported, the report shows the rows
    bad = (
        "Mã định danh cơ quan;Tên đơn vị;Viết tắt\n000.00.00.G12;Vụ Pháp chế;PC\n000.00.00.G12;;X\n"
    )
    response = client.post(
        url,
        {"kind": Kind.UNITS, "file": SimpleUploadedFile("u.csv", ("\ufeff" + bad).encode())},
    )
    body = response.content.decode()
    assert 'data-testid="import-refused"' in body
    assert 'data-row="3" data-status="error"' in body and "Vui lòng nhập tên đơn vị." in body
    assert not Unit.objects.filter(abbreviation="PC").exists()
    # a good Excel file is imported
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Mã định danh cơ quan", "Tên đơn vị", "Viết tắt", "Đơn vị cấp trên"])
    sheet.append(["000.00.00.G12", "Phòng Tổng hợp", "TH", "VP"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        url, {"kind": Kind.UNITS, "file": SimpleUploadedFile("u.xlsx", buffer.getvalue())}
    )
    assert "Đã tạo mới" in response.content.decode()
    assert Unit.objects.get(abbreviation="TH").parent == units["VP"]
    # no file: a Vietnamese field error
    missing = client.post(url, {"kind": Kind.UNITS})
    assert "Vui lòng chọn tệp cần nhập." in missing.content.decode()


def test_template_download(personas: dict[str, User], client_for: Any) -> None:
    response = client_for(personas["admin"]).get(
        reverse("organizations:import_template", args=[Kind.AGENCIES])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content == template_csv(Kind.AGENCIES)
    assert "Mã định danh".encode() in response.content
    assert (
        client_for(personas["admin"])
        .get(reverse("organizations:import_template", args=["khac"]))
        .status_code
        == 404
    )


def test_superuser_sees_every_agency(
    ministry: Agency, other_agency: Agency, client_for: Any
) -> None:
    root = make_person("sieuquantri", agency=ministry, roles=[], superuser=True)
    body = client_for(root).get(reverse("organizations:agencies")).content.decode()
    assert ministry.name in body and other_agency.name in body


def test_person_of_another_agency_with_a_role_here_is_read_only(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], client_for: Any
) -> None:
    # given a person of another agency who also holds a role in the ministry
    outsider = personas["outsider"]
    RoleAssignment.objects.create(user=outsider, agency=ministry, role=Role.SPECIALIST)
    client = client_for(personas["admin"])
    url = reverse("organizations:person", args=[outsider.pk])
    # the ministry's administrator sees them, and the roles they may revoke, but not the account
    page = client.get(url).content.decode()
    assert "Người này thuộc cơ quan khác" in page and 'name="full_name"' not in page
    response = client.post(
        url, {"username": outsider.username, "full_name": "Đổi", "agency": other_agency.pk}
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.full_name == "Người Ngoài"
