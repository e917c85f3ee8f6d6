"""The handling screens: persona matrix of the book and the report in every format, the
drill-down pages, bad input, and the leader's dashboard on the home page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports.tests.handling_scenario import Scenario, build_scenario

pytestmark = pytest.mark.django_db

REGISTER = reverse("reports:handling_register")
REPORT = reverse("reports:handling_report")
LIST = reverse("reports:handling_list")
DECEMBER = {"date_from": "01/12/2026", "date_to": "31/12/2026"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scenario(
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> Scenario:
    return build_scenario(
        time_machine=time_machine,
        personas=personas,
        ministry=ministry,
        units=units,
        doc_type=doc_type,
    )


def test_urls_are_under_bao_cao() -> None:
    assert REGISTER == "/bao-cao/so-theo-doi-giai-quyet/"
    assert REPORT == "/bao-cao/tinh-hinh-giai-quyet/"
    assert LIST == "/bao-cao/tinh-hinh-giai-quyet/danh-sach/"


@pytest.mark.parametrize("url", [REGISTER, REPORT])
@pytest.mark.parametrize("persona", ["clerk", "leader", "admin", "unit_head", "tccb_head"])
@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_readers_get_every_format_and_exports_are_journaled(
    url: str, persona: str, fmt: str, scenario: Scenario, client_for: Any
) -> None:
    response = client_for(scenario.people[persona]).get(url, {**DECEMBER, "format": fmt})
    assert response.status_code == 200
    expected = {"html": "text/html", "pdf": "application/pdf", "xlsx": XLSX}[fmt]
    assert response["Content-Type"].startswith(expected)
    action = "handling_register.export" if url == REGISTER else "handling_report.export"
    exports = AuditEvent.objects.filter(action=action, actor=scenario.people[persona])
    assert exports.count() == (0 if fmt == "html" else 1)
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("url", [REGISTER, REPORT, LIST])
@pytest.mark.parametrize("persona", ["specialist", "stranger"])
def test_people_without_a_leading_role_get_404(
    url: str, persona: str, scenario: Scenario, client_for: Any
) -> None:
    response = client_for(scenario.people[persona]).get(url, {**DECEMBER, "format": "pdf"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_outsider_sees_only_their_own_empty_agency(
    scenario: Scenario, client_for: Any, other_agency: Agency
) -> None:
    client = client_for(scenario.people["outsider"])
    book = client.get(REGISTER, DECEMBER)
    assert book.context["book"].agency_id == other_agency.pk and book.context["book"].count == 0
    assert "thẩm định hồ sơ đất đai" not in book.content.decode()
    report = client.get(REPORT, DECEMBER)
    assert report.context["report"].agency_id == other_agency.pk
    assert report.context["report"].unit_total.received == 0
    # and the ministry's units and people are not found
    for params in ({"unit": scenario.units["DD"].pk}, {"person": scenario.people["specialist"].pk}):
        assert client.get(LIST, {**DECEMBER, **params}).status_code == 404
    assert client.get(REPORT, {**DECEMBER, "unit": scenario.units["DD"].pk}).status_code == 404


def test_report_page_shows_units_and_links_each_number(scenario: Scenario, client_for: Any) -> None:
    response = client_for(scenario.people["leader"]).get(REPORT, DECEMBER)
    body = response.content.decode()
    dd = scenario.units["DD"].pk
    assert "TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN" in body
    # the unit's name opens its persons, each number its list
    assert f"unit={dd}" in body
    assert f"measure=qua-han&amp;unit={dd}" in body
    assert "50,0%" in body and "—" in body
    assert response.context["report"].unit(dd).counts.received == 3


def test_report_defaults_to_this_month(scenario: Scenario, client_for: Any) -> None:
    response = client_for(scenario.people["leader"]).get(REPORT)
    body = response.content.decode()
    assert 'value="01/12/2026"' in body and 'value="10/12/2026"' in body
    assert response.context["report"].unit_total.received == 4


def test_clicking_a_unit_shows_its_persons(scenario: Scenario, client_for: Any) -> None:
    dd = scenario.units["DD"].pk
    response = client_for(scenario.people["leader"]).get(REPORT, {**DECEMBER, "unit": dd})
    assert response.status_code == 200
    names = [line.name for line in response.context["people"]]
    assert names == ["Đỗ Văn Phối Hợp", "Phạm Thị Chuyên"]
    body = response.content.decode()
    assert f"person={scenario.people['specialist'].pk}" in body
    assert "Tất cả đơn vị" in body


def test_tasks_filter(scenario: Scenario, client_for: Any) -> None:
    response = client_for(scenario.people["leader"]).get(REPORT, {**DECEMBER, "kind": "cong-viec"})
    report = response.context["report"]
    assert report.kind == "cong-viec" and report.unit_total.received == 1
    assert "TÌNH HÌNH THỰC HIỆN CÔNG VIỆC ĐƯỢC GIAO" in response.content.decode()


def test_drill_down_page_lists_the_documents(scenario: Scenario, client_for: Any) -> None:
    response = client_for(scenario.people["unit_head"]).get(
        LIST, {**DECEMBER, "measure": "qua-han", "person": scenario.people["specialist"].pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert [row.label for row in response.context["rows"]] == ["04/2026", "06/2026"]
    assert "Quá hạn 4 ngày làm việc" in body
    assert reverse("incoming:detail", args=[scenario.docs["C"].pk]) in body
    assert "Phạm Thị Chuyên" in body


def test_another_units_leader_gets_404_on_the_first_units_pages(
    scenario: Scenario, client_for: Any
) -> None:
    client = client_for(scenario.people["tccb_head"])
    dd = scenario.units["DD"].pk
    assert client.get(REPORT, {**DECEMBER, "unit": dd}).status_code == 404
    assert client.get(LIST, {**DECEMBER, "unit": dd}).status_code == 404
    person = scenario.people["specialist"].pk
    assert client.get(LIST, {**DECEMBER, "person": person}).status_code == 404


def test_bad_dates_show_an_error_and_no_file(scenario: Scenario, client_for: Any) -> None:
    client = client_for(scenario.people["leader"])
    for url in (REGISTER, REPORT):
        response = client.get(
            url, {"date_from": "31/12/2026", "date_to": "01/12/2026", "format": "pdf"}
        )
        assert response.status_code == 200 and "Content-Disposition" not in response
        assert "“Đến ngày” phải bằng hoặc sau “Từ ngày”." in response.content.decode()
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_register_page_and_xlsx_download(scenario: Scenario, client_for: Any) -> None:
    client = client_for(scenario.people["clerk"])
    body = client.get(REGISTER, DECEMBER).content.decode()
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in body
    assert "Hoàn thành quá hạn 2 ngày làm việc, ngày 08/12/2026" in body
    response = client.get(REGISTER, {**DECEMBER, "format": "xlsx"})
    assert response["Content-Disposition"] == (
        'attachment; filename="so-theo-doi-giai-quyet_2026-12-01_2026-12-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet["A2"].value == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"


# -- the dashboard -------------------------------------------------------------------------


def test_leader_dashboard_has_the_chart_the_table_and_the_overdue(
    scenario: Scenario, client_for: Any
) -> None:
    response = client_for(scenario.people["leader"]).get(reverse("web:home"))
    handling = response.context["handling"]
    body = response.content.decode()
    # this month per unit, chart data and the same numbers in a table
    assert handling.per == "unit" and handling.month_text == "12/2026"
    dd = next(line for line in handling.lines if line.name == "Vụ Đất đai")
    assert (dd.counts.on_time, dd.counts.late, dd.counts.in_progress, dd.counts.overdue) == (
        1,
        1,
        0,
        1,
    )
    assert 'id="handling-chart"' in body and "vendor/chart.js/chart.umd.min.js" in body
    assert 'id="handling-chart-data"' in body
    assert "Vụ Đất đai" in handling.chart["labels"]
    assert 'data-testid="handling-dashboard-table"' in body
    # overdue now: C and N (Vụ Đất đai), E (the specialist), the task — longest first
    assert handling.overdue_count == 4
    first = handling.overdue[0]
    assert first.due_text == "04/12/2026" and first.days_late == 4
    by_label = {item.label: item for item in handling.overdue}
    c = by_label["Số đến 04/2026"]
    assert c.assignee == "Vụ Đất đai" and c.responsible == "Phạm Thị Chuyên"
    assert by_label["Số đến 06/2026"].assignee == "Phạm Thị Chuyên"
    assert "4 ngày" in body


def test_unit_leader_dashboard_is_per_person_of_the_unit(
    scenario: Scenario, client_for: Any
) -> None:
    handling = client_for(scenario.people["unit_head"]).get(reverse("web:home")).context["handling"]
    assert handling.per == "person"
    assert {line.name for line in handling.lines} == {"Phạm Thị Chuyên", "Đỗ Văn Phối Hợp"}
    assert handling.overdue_count == 4
    other = client_for(scenario.people["tccb_head"]).get(reverse("web:home")).context["handling"]
    assert other.lines == () and other.overdue_count == 0


@pytest.mark.parametrize("persona", ["clerk", "specialist", "outsider"])
def test_no_dashboard_for_others(persona: str, scenario: Scenario, client_for: Any) -> None:
    response = client_for(scenario.people[persona]).get(reverse("web:home"))
    assert response.status_code == 200 and response.context["handling"] is None
    assert "handling-chart" not in response.content.decode()
