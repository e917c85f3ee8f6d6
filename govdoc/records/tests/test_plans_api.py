"""The file plan over the API: reading plans with their headings and files, creating one,
adding headings and files, approval, copying and exporting — 400 with the fields at fault,
403 for an action the caller may not take, 404 for a plan they may not see, 409 for a
stale version or a plan already approved; nothing changed on any refusal."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan
from govdoc.records.services.plans import heading_add, plan_approve
from govdoc.records.tests.plan_helpers import (
    EDITORS,
    PERSONAS,
    THIS_YEAR,
    api_client,
    decision,
    events,
    filled_plan,
    snapshot,
)
from govdoc.records.workflow import PlanStatus

pytestmark = pytest.mark.django_db

API = "/api/records/plans"


@pytest.fixture
def plan(ministry: Agency, people: dict[str, User], units: dict[str, Unit]) -> FilePlan:
    return filled_plan(ministry, people["clerk"], units, year=THIS_YEAR - 1)


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_listing_the_plans(plan: FilePlan, people: dict[str, User]) -> None:
    response = api_client(people["specialist"]).get(API)
    assert response.status_code == 200
    [item] = response.json()
    assert (item["id"], item["year"], item["status"], item["files_count"]) == (
        plan.pk,
        plan.year,
        "DRAFT",
        4,
    )
    assert api_client(people["specialist"]).get(f"{API}?year=1999").json() == []
    assert api_client(people["outsider"]).get(API).json() == []


def test_one_plan_with_its_headings_and_files(plan: FilePlan, people: dict[str, User]) -> None:
    response = api_client(people["specialist"]).get(f"{API}/{plan.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == plan.version
    assert (body["permanent_count"], body["limited_count"]) == (2, 2)
    first, second = body["headings"]
    assert (first["number"], first["title"]) == ("I", "Tổ chức, cán bộ")
    assert [f["notation"] for f in first["files"]] == ["01.TCCB", "02.TCCB"]
    assert first["files"][0]["retention"] == "Vĩnh viễn"
    assert first["files"][0]["unit"]["name"] == "Vụ Tổ chức cán bộ"
    [sub] = first["children"]
    assert (sub["number"], [f["notation"] for f in sub["files"]]) == ("1", ["03.TCCB"])
    assert second["number"] == "II" and second["files"][0]["capital_construction"]


def test_a_plan_of_another_agency_is_not_found(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["outsider"])
    before = snapshot(plan)
    assert client.get(f"{API}/{plan.pk}").status_code == 404
    assert post(client, f"{API}/{plan.pk}/headings", {"title": "X"}).status_code == 404
    assert post(client, f"{API}/{plan.pk}/approve").status_code == 404
    assert client.get(f"{API}/{plan.pk}/export").status_code == 404
    assert snapshot(plan) == before


def test_creating_a_plan(ministry: Agency, people: dict[str, User]) -> None:
    response = post(api_client(people["archivist"]), API, {"year": THIS_YEAR})
    assert response.status_code == 201
    body = response.json()
    assert (body["year"], body["status"], body["headings"]) == (THIS_YEAR, "DRAFT", [])
    assert FilePlan.objects.get(pk=body["id"]).agency == ministry


def test_creating_a_plan_twice_or_without_a_year(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["clerk"])
    before = snapshot()
    response = post(client, API, {"year": plan.year})
    assert response.status_code == 400
    assert "mỗi năm chỉ một danh mục" in response.json()["fields"]["year"]
    response = post(client, API, {})
    assert response.status_code == 400 and "year" in response.json()["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_creates_a_plan(people: dict[str, User], persona: str) -> None:
    response = post(api_client(people[persona]), API, {"year": THIS_YEAR})
    if persona in EDITORS or persona == "outsider":
        # The outsider is the clerk of their own agency: the plan is their agency's.
        assert response.status_code == 201
        plan = FilePlan.objects.get(pk=response.json()["id"])
        assert plan.agency_id == people[persona].agency_id
    else:
        assert response.status_code == 403
        assert response.json()["message"].startswith("Chỉ văn thư")
        assert FilePlan.objects.count() == 0


def test_adding_a_heading_and_a_file(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["clerk"])
    response = post(
        client, f"{API}/{plan.pk}/headings", {"title": "Tài chính", "version": plan.version}
    )
    assert response.status_code == 201
    heading = response.json()
    assert heading["number"] == "III"
    response = post(
        client,
        f"{API}/{plan.pk}/files",
        {
            "heading_id": heading["id"],
            "notation": "01.TC",
            "title": "Hồ sơ dự toán ngân sách",
            "retention_years": 10,
            "person_in_charge_id": people["specialist"].pk,
            "version": plan.version + 1,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["notation"], body["retention"]) == ("01.TC", "10 năm")
    assert body["person_in_charge"]["name"] == people["specialist"].display_name
    assert events("file_add")[-1].data["notation"] == "01.TC"


def test_a_wrong_file_gets_the_fields_as_sent(plan: FilePlan, people: dict[str, User]) -> None:
    before = snapshot(plan)
    response = post(
        api_client(people["clerk"]),
        f"{API}/{plan.pk}/files",
        {"heading_id": 999999, "notation": "01.VP", "title": "", "unit_id": 999999},
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"heading_id", "notation", "title", "retention_years", "unit_id"}
    assert snapshot(plan) == before


def test_a_stale_version_answers_409(plan: FilePlan, people: dict[str, User]) -> None:
    read = plan.version
    heading_add(plan=plan, title="Mới", actor=people["archivist"])
    before = snapshot(plan)
    response = post(
        api_client(people["clerk"]), f"{API}/{plan.pk}/headings", {"title": "X", "version": read}
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = post(
        api_client(people["leader"]),
        f"{API}/{plan.pk}/approve",
        {**_decision_json(), "version": read},
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert snapshot(plan) == before


def _decision_json() -> dict[str, Any]:
    given = decision()
    return {**given, "decision_date": given["decision_date"].isoformat()}


def test_the_head_approves(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["leader"])
    # Without the decision's number and date: refused with the fields named, nothing changed
    before = snapshot(plan)
    response = post(client, f"{API}/{plan.pk}/approve", {"version": plan.version})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"decision_number", "decision_date"}
    assert snapshot(plan) == before
    # a decision dated tomorrow: refused too
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(
        client, f"{API}/{plan.pk}/approve", {**_decision_json(), "decision_date": tomorrow}
    )
    assert response.status_code == 400 and "decision_date" in response.json()["fields"]
    assert snapshot(plan) == before
    # with them: approved, the decision recorded and shown
    response = post(
        client, f"{API}/{plan.pk}/approve", {**_decision_json(), "version": plan.version}
    )
    assert response.status_code == 200
    body = client.get(f"{API}/{plan.pk}").json()
    assert body["status"] == "APPROVED"
    assert body["approved_by"]["name"] == people["leader"].display_name
    assert body["decision_number"] == decision()["decision_number"]
    assert body["decision_date"] == timezone.localdate().isoformat()
    # approving again, or adding to an approved plan: 409
    before = snapshot(plan)
    assert post(client, f"{API}/{plan.pk}/approve", _decision_json()).status_code == 409
    response = post(api_client(people["clerk"]), f"{API}/{plan.pk}/headings", {"title": "X"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert snapshot(plan) == before


@pytest.mark.parametrize("persona", ["specialist", "clerk", "archivist", "unit_head", "admin"])
def test_only_the_head_approves(plan: FilePlan, people: dict[str, User], persona: str) -> None:
    before = snapshot(plan)
    response = post(api_client(people[persona]), f"{API}/{plan.pk}/approve")
    assert response.status_code == 403
    assert snapshot(plan) == before


def test_the_head_reopens_with_a_reason(plan: FilePlan, people: dict[str, User]) -> None:
    plan_approve(plan=plan, actor=people["leader"], **decision())
    client = api_client(people["leader"])
    response = post(client, f"{API}/{plan.pk}/reopen", {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = post(client, f"{API}/{plan.pk}/reopen", {"reason": "Bổ sung"})
    assert response.status_code == 200 and response.json()["status"] == "DRAFT"


def test_copying_into_the_next_year(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["clerk"])
    response = post(client, f"{API}/{plan.pk}/copy")
    assert response.status_code == 201
    body = response.json()
    assert (body["year"], body["status"], body["copied_from_id"]) == (
        plan.year + 1,
        PlanStatus.DRAFT,
        plan.pk,
    )
    assert body["files_count"] == 4
    # again: the year has its plan
    before = snapshot()
    response = post(client, f"{API}/{plan.pk}/copy", {"year": plan.year + 1})
    assert response.status_code == 400 and "year" in response.json()["fields"]
    assert snapshot() == before
    assert post(api_client(people["specialist"]), f"{API}/{plan.pk}/copy").status_code == 403


def test_exports(plan: FilePlan, people: dict[str, User]) -> None:
    client = api_client(people["specialist"])
    response = client.get(f"{API}/{plan.pk}/export?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "DANH MỤC HỒ SƠ CỦA" in text and "01.TCCB" in text
    response = client.get(f"{API}/{plan.pk}/export?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "01.TCCB" in [c.value for c in sheet["A"]]
    response = client.get(f"{API}/{plan.pk}/export?format=docx")
    assert response.status_code == 400 and "format" in response.json()["fields"]
    assert len(events("export")) == 2


def test_the_api_lists_its_routes_in_openapi(people: dict[str, User]) -> None:
    schema = api_client(people["clerk"]).get("/api/openapi.json").json()
    assert "/api/records/plans/{plan_id}/approve" in schema["paths"]
