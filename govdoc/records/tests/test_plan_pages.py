"""The file plan's pages: the list by year, one plan in order with its inline forms, the
head's buttons, the import page with its error report, the exports — and what each persona
sees and may post."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plans import heading_add, plan_approve
from govdoc.records.tests.plan_helpers import (
    THIS_YEAR,
    decision,
    events,
    filled_plan,
    snapshot,
    workbook,
)
from govdoc.records.workflow import PlanStatus

pytestmark = pytest.mark.django_db

LIST = "/ho-so/danh-muc/"


@pytest.fixture
def plan(ministry: Agency, people: dict[str, User], units: dict[str, Unit]) -> FilePlan:
    return filled_plan(ministry, people["clerk"], units, year=THIS_YEAR - 1)


def url(plan: FilePlan, tail: str = "") -> str:
    return f"{LIST}{plan.pk}/{tail}"


def _heading(plan: FilePlan, number: str) -> PlanHeading:
    return PlanHeading.objects.get(plan=plan, number=number, parent__isnull=True)


def _file_form(plan: FilePlan, heading: PlanHeading, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": plan.version,
        "heading": heading.pk,
        "notation": "05.VP",
        "title": "Hồ sơ hội nghị cán bộ",
        "retention": "10 năm",
        "unit": "",
        "person_in_charge": "",
        "person_in_charge_name": "",
        "note": "",
    }
    data.update(overrides)
    return data


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_the_plans_by_year(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    response = client_for(people["specialist"]).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Danh mục hồ sơ năm {plan.year}" in page
    assert "Đang lập" in page
    # a specialist reads, but neither creates nor copies
    assert 'data-testid="plan-create"' not in page
    assert f'data-testid="copy-{plan.year}"' not in page


def test_the_clerk_creates_a_plan(
    ministry: Agency, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["clerk"])
    assert 'data-testid="plan-create"' in client.get(LIST).content.decode()
    response = client.post(f"{LIST}lap/", {"year": THIS_YEAR})
    plan = FilePlan.objects.get(agency=ministry, year=THIS_YEAR)
    assert response.status_code == 302 and response["Location"] == url(plan)
    assert events("create")


def test_a_second_plan_for_a_year_shows_the_error(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    before = snapshot()
    response = client_for(people["clerk"]).post(f"{LIST}lap/", {"year": plan.year})
    assert response.status_code == 400
    assert "mỗi năm chỉ một danh mục" in response.content.decode()
    assert snapshot() == before


def test_copying_last_years_plan_from_the_list(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["archivist"])
    assert f'data-testid="copy-{plan.year}"' in client.get(LIST).content.decode()
    response = client.post(url(plan, "sao-chep/"), {"year": THIS_YEAR, "source": plan.pk})
    copy = FilePlan.objects.get(year=THIS_YEAR)
    assert response.status_code == 302 and response["Location"] == url(copy)
    assert copy.copied_from_id == plan.pk and copy.files.count() == 4


def test_the_list_of_another_agency_is_empty(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    page = client_for(people["outsider"]).get(LIST).content.decode()
    assert 'data-testid="no-plans"' in page
    assert f"năm {plan.year}" not in page


# --- one plan -----------------------------------------------------------------------------


def test_the_plan_in_order(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    response = client_for(people["specialist"]).get(url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    order = [
        "I. Tổ chức, cán bộ",
        "01.TCCB",
        "02.TCCB",
        "1. Tuyển dụng",
        "03.TCCB",
        "II. Văn phòng",
    ]
    positions = [page.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "Tổng số: <strong>4</strong> hồ sơ" in page
    # a reader gets the exports, no form to change anything
    assert 'data-testid="export-pdf"' in page and 'data-testid="export-xlsx"' in page
    for form in ("heading-add", "file-add", "approve-form", "import-link"):
        assert f'data-testid="{form}"' not in page


def test_the_editor_gets_the_forms(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    page = client_for(people["clerk"]).get(url(plan)).content.decode()
    for form in ("heading-add", "file-add", "import-link", "sub-add-I"):
        assert f'data-testid="{form}"' in page
    assert 'data-testid="approve-form"' not in page
    assert '<datalist id="retention-hints">' in page


def test_the_plan_of_another_agency_is_not_found(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["outsider"])
    assert client.get(url(plan)).status_code == 404
    assert client.get(url(plan, "tai-ve.pdf")).status_code == 404
    before = snapshot(plan)
    assert client.post(url(plan, "de-muc/them/"), {"title": "X"}).status_code == 404
    assert snapshot(plan) == before


def test_adding_a_heading_and_a_sub_heading(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["clerk"])
    response = client.post(
        url(plan, "de-muc/them/"), {"title": "Tài chính", "version": plan.version}
    )
    assert response.status_code == 302
    third = _heading(plan, "III")
    assert third.title == "Tài chính"
    plan.refresh_from_db()
    client.post(
        url(plan, "de-muc/them/"),
        {"title": "Kế toán", "parent": third.pk, "version": plan.version},
    )
    assert PlanHeading.objects.get(parent=third).number == "1"


def test_adding_a_file(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    client = client_for(people["clerk"])
    second = _heading(plan, "II")
    # the "+ Hồ sơ" link opens the add form with its heading chosen
    page = client.get(url(plan) + f"?them={second.pk}").content.decode()
    assert f'<option value="{second.pk}" selected>' in page
    response = client.post(url(plan, "ho-so/them/"), _file_form(plan, second))
    assert response.status_code == 302
    added = PlannedFile.objects.get(plan=plan, notation="05.VP")
    assert (added.heading, added.retention_years) == (second, 10)


def test_a_wrong_file_shows_every_error_and_writes_nothing(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    before = snapshot(plan)
    response = client_for(people["clerk"]).post(
        url(plan, "ho-so/them/"),
        _file_form(plan, _heading(plan, "II"), notation="01.VP", title="", retention="mãi mãi"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="notation"' in page and "đã có trong danh mục" in page
    assert 'data-field="title"' in page
    assert 'data-field="retention"' in page and "“Vĩnh viễn” hoặc số năm" in page
    # what was typed is kept in the form
    assert "mãi mãi" in page
    assert snapshot(plan) == before


def test_editing_a_file_in_place(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    client = client_for(people["clerk"])
    planned = PlannedFile.objects.get(plan=plan, notation="01.VP")
    page = client.get(url(plan) + f"?sua=file-{planned.pk}").content.decode()
    assert 'data-testid="file-edit"' in page
    assert 'value="Vĩnh viễn"' in page
    response = client.post(
        url(plan, f"ho-so/{planned.pk}/sua/"),
        _file_form(
            plan, _heading(plan, "II"), notation="01.VP", title="Hồ sơ trụ sở", retention="VV"
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#ho-so-{planned.pk}")
    planned.refresh_from_db()
    assert (planned.title, planned.permanent) == ("Hồ sơ trụ sở", True)


def test_a_stale_form_is_refused(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    # given the clerk's page read at this version, then the archivist added a heading
    read = plan.version
    heading_add(plan=plan, title="Mới", actor=people["archivist"])
    before = snapshot(plan)
    # when the clerk sends their form
    response = client_for(people["clerk"]).post(
        url(plan, "ho-so/them/"), {**_file_form(plan, _heading(plan, "II")), "version": read}
    )
    # then 409, the message, and the page shows the plan as it is now
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác thay đổi" in page
    assert "III. Mới" in page
    assert snapshot(plan) == before


def test_moving_and_deleting(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    client = client_for(people["clerk"])
    second = _heading(plan, "II")
    client.post(
        url(plan, f"de-muc/{second.pk}/chuyen/"), {"direction": "up", "version": plan.version}
    )
    second.refresh_from_db()
    assert second.number == "I"
    plan.refresh_from_db()
    planned = PlannedFile.objects.get(plan=plan, notation="03.TCCB")
    client.post(url(plan, f"ho-so/{planned.pk}/xoa/"), {"version": plan.version})
    assert not PlannedFile.objects.filter(pk=planned.pk).exists()


# --- approval -----------------------------------------------------------------------------


def test_the_head_approves_then_reopens(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["leader"])
    page = client.get(url(plan)).content.decode()
    assert 'data-testid="approve-form"' in page and 'name="decision_number"' in page
    # without the decision's number and date, or dated tomorrow: refused, nothing changed
    before = snapshot(plan)
    response = client.post(url(plan, "phe-duyet/"), {"version": plan.version})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vui lòng nhập số quyết định ban hành danh mục hồ sơ." in body
    assert "Vui lòng nhập ngày quyết định ban hành (dd/mm/yyyy)." in body
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url(plan, "phe-duyet/"),
        {"version": plan.version, "decision_number": "12/QĐ", "decision_date": f"{tomorrow}"},
    )
    assert response.status_code == 400
    assert "không được sau ngày hôm nay" in response.content.decode()
    response = client.post(
        url(plan, "phe-duyet/"),
        {"version": plan.version, "decision_number": "12/QĐ", "decision_date": "31/02/2026"},
    )
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()
    assert snapshot(plan) == before
    # with them (typed dd/mm/yyyy): approved, the decision on the page
    today = timezone.localdate()
    response = client.post(
        url(plan, "phe-duyet/"),
        {
            "version": plan.version,
            "decision_number": " 125/QĐ-BTNMT ",
            "decision_date": f"{today:%d/%m/%Y}",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert (plan.decision_number, plan.decision_date) == ("125/QĐ-BTNMT", today)
    page = client.get(url(plan)).content.decode()
    assert "Đã ban hành" in page and plan.approved_at is not None
    assert f"phê duyệt ngày {timezone.localtime(plan.approved_at):%d/%m/%Y}" in page
    assert f"Quyết định số <strong>125/QĐ-BTNMT</strong> ngày <strong>{today:%d/%m/%Y}" in page
    # the plan's history shows the steps, the approval with its decision
    assert 'data-testid="plan-history"' in page
    assert f"Phê duyệt, ban hành theo quyết định số 125/QĐ-BTNMT ngày {today:%d/%m/%Y}" in page
    assert 'data-testid="reopen-form"' in page
    # reopening without a reason shows the error, and the plan stays approved
    response = client.post(url(plan, "mo-lai/"), {"version": plan.version, "reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nêu lý do" in response.content.decode()
    response = client.post(url(plan, "mo-lai/"), {"version": plan.version, "reason": "Bổ sung"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize("persona", ["specialist", "clerk", "archivist", "unit_head", "admin"])
def test_others_may_not_approve(
    plan: FilePlan, people: dict[str, User], client_for: Any, persona: str
) -> None:
    before = snapshot(plan)
    response = client_for(people[persona]).post(url(plan, "phe-duyet/"), {"version": plan.version})
    assert response.status_code == 403
    assert "Chỉ thủ trưởng" in response.content.decode()
    assert snapshot(plan) == before


@pytest.mark.parametrize("persona", ["specialist", "unit_head", "leader"])
def test_readers_may_not_edit(
    plan: FilePlan, people: dict[str, User], client_for: Any, persona: str
) -> None:
    before = snapshot(plan)
    client = client_for(people[persona])
    response = client.post(url(plan, "de-muc/them/"), {"title": "X", "version": plan.version})
    assert response.status_code == 403
    assert client.get(url(plan, "nhap-excel/")).status_code == 404
    assert snapshot(plan) == before


def test_an_approved_plan_shows_no_edit_forms(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    plan_approve(plan=plan, actor=people["leader"], **decision())
    page = client_for(people["clerk"]).get(url(plan)).content.decode()
    assert 'data-testid="heading-add"' not in page
    assert "đề nghị thủ trưởng cơ quan mở lại" in page


# --- import and export --------------------------------------------------------------------


def _upload(data: bytes, name: str = "danh-muc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_importing_a_good_workbook(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    client = client_for(people["clerk"])
    assert client.get(url(plan, "nhap-excel/")).status_code == 200
    rows = (("I", "", "Tài chính", "", "", ""), ("", "01.TC", "Hồ sơ dự toán", "10", "", ""))
    response = client.post(
        url(plan, "nhap-excel/"), {"file": _upload(workbook(rows)), "version": plan.version}
    )
    assert response.status_code == 302
    assert PlannedFile.objects.filter(plan=plan, notation="01.TC").exists()


def test_importing_a_bad_workbook_shows_the_report(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    before = snapshot(plan)
    rows = (("I", "", "Tài chính", "", "", ""), ("", "01.VP", "Trùng", "x", "", ""))
    response = client_for(people["clerk"]).post(
        url(plan, "nhap-excel/"), {"file": _upload(workbook(rows)), "version": plan.version}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert "<td>3</td><td>Số và ký hiệu hồ sơ</td>" in page
    assert "<td>3</td><td>Thời hạn bảo quản</td>" in page
    assert snapshot(plan) == before


def test_importing_something_else(plan: FilePlan, people: dict[str, User], client_for: Any) -> None:
    response = client_for(people["clerk"]).post(
        url(plan, "nhap-excel/"), {"file": _upload(b"%PDF-1.4 x", "a.pdf"), "version": plan.version}
    )
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel .xlsx" in response.content.decode()


def test_the_template_download(people: dict[str, User], client_for: Any) -> None:
    response = client_for(people["clerk"]).get(f"{LIST}mau-nhap.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=1, column=2).value == "Số và ký hiệu hồ sơ"


@pytest.mark.parametrize(("kind", "start"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_the_exports(
    plan: FilePlan, people: dict[str, User], client_for: Any, kind: str, start: bytes
) -> None:
    response = client_for(people["specialist"]).get(url(plan, f"tai-ve.{kind}"))
    assert response.status_code == 200
    assert response.content.startswith(start)
    assert f"danh-muc-ho-so-{plan.year}.{kind}" in response["Content-Disposition"]
    assert events("export")[0].actor == people["specialist"]


def test_an_unknown_export_is_not_found(
    plan: FilePlan, people: dict[str, User], client_for: Any
) -> None:
    assert client_for(people["clerk"]).get(url(plan, "tai-ve.docx")).status_code == 404


def test_pages_need_a_login(plan: FilePlan) -> None:
    response = Client().get(url(plan))
    assert response.status_code == 302
    assert url(plan) in response["Location"]
