"""The outgoing screens: the persona matrix of the two books and the report in every format,
their contents on the scenario, the drill-down page, bad input, and the navigation links."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.core.dates import vn_date
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.tests.conftest import credentials, pki
from govdoc.reports.tests.outgoing_scenario import (
    REVOKE_REASON,
    OutgoingScenario,
    build_outgoing_scenario,
)
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

__all__ = ["credentials", "pki"]  # fixtures

REGISTER = reverse("reports:outgoing_register")
POSTAL = reverse("reports:postal_register")
REPORT = reverse("reports:outgoing_report")
LIST = reverse("reports:outgoing_list")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIONS = {
    REGISTER: "outgoing_register.export",
    POSTAL: "postal_register.export",
    REPORT: "outgoing_report.export",
}


def test_urls_are_under_bao_cao() -> None:
    assert REGISTER == "/bao-cao/so-van-ban-di/"
    assert POSTAL == "/bao-cao/so-gui-buu-dien/"
    assert REPORT == "/bao-cao/tinh-hinh-van-ban-di/"
    assert LIST == "/bao-cao/tinh-hinh-van-ban-di/danh-sach/"


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
@pytest.mark.parametrize(
    ("url", "persona"),
    [
        (REGISTER, "clerk"),
        (REGISTER, "leader"),
        (POSTAL, "clerk"),
        (POSTAL, "leader"),
        (REPORT, "clerk"),
        (REPORT, "leader"),
        (REPORT, "unit_head"),
    ],
)
def test_readers_get_every_format_and_exports_are_journaled(
    url: str, persona: str, fmt: str, personas: dict[str, User], client_for: Any
) -> None:
    response = client_for(personas[persona]).get(url, {"format": fmt})
    assert response.status_code == 200
    expected = {"html": "text/html", "pdf": "application/pdf", "xlsx": XLSX}[fmt]
    assert response["Content-Type"].startswith(expected)
    exports = AuditEvent.objects.filter(action=ACTIONS[url], actor=personas[persona])
    assert exports.count() == (0 if fmt == "html" else 1)
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        (REGISTER, "unit_head"),
        (REGISTER, "specialist"),
        (POSTAL, "unit_head"),
        (POSTAL, "specialist"),
        (REPORT, "specialist"),
        (LIST, "specialist"),
    ],
)
def test_others_get_404_and_no_file(
    url: str, persona: str, personas: dict[str, User], client_for: Any
) -> None:
    response = client_for(personas[persona]).get(url, {"format": "pdf"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


@pytest.mark.parametrize("url", [POSTAL, REPORT])
def test_a_bad_period_shows_the_form_and_hands_out_nothing(
    url: str, personas: dict[str, User], client_for: Any
) -> None:
    response = client_for(personas["clerk"]).get(
        url, {"date_from": "31/12/2026", "date_to": "01/12/2026", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "“Đến ngày” phải bằng hoặc sau “Từ ngày”." in response.content.decode()
    bad = client_for(personas["clerk"]).get(url, {"date_from": "32/13/2026"})
    assert "Ngày không hợp lệ" in bad.content.decode()
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_a_bad_year_or_book_shows_the_form(personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["clerk"])
    response = client.get(REGISTER, {"year": "1800", "format": "xlsx"})
    assert response.status_code == 200 and "Năm không hợp lệ." in response.content.decode()
    response = client.get(REGISTER, {"book": "999999", "format": "pdf"})
    assert response.status_code == 200
    assert "Sổ không hợp lệ" in response.content.decode()
    assert not AuditEvent.objects.filter(action__endswith=".export").exists()


def test_navigation_links_by_role(personas: dict[str, User], client_for: Any) -> None:
    def links(persona: str) -> set[str]:
        page = client_for(personas[persona]).get(reverse("reports:handling_report"))
        html = page.content.decode() if page.status_code == 200 else ""
        return {url for url in (REGISTER, POSTAL, REPORT) if f'href="{url}"' in html}

    assert links("clerk") == {REGISTER, POSTAL, REPORT}
    assert links("leader") == {REGISTER, POSTAL, REPORT}
    assert links("unit_head") == {REPORT}


# --- on the scenario ----------------------------------------------------------------------


@pytest.fixture
def scenario(
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> OutgoingScenario:
    return build_outgoing_scenario(
        time_machine=time_machine,
        personas=personas,
        ministry=ministry,
        other_agency=other_agency,
        units=units,
        doc_type=doc_type,
        pki=pki,
    )


def test_the_pages_show_the_scenario(scenario: OutgoingScenario, client_for: Any) -> None:
    client = client_for(scenario.people["clerk"])
    period = {
        "date_from": vn_date(scenario.period["date_from"]),
        "date_to": vn_date(scenario.period["date_to"]),
    }
    book = client.get(REGISTER, {"year": scenario.year}).content.decode()
    assert "01/QĐ-BTNMT" in book and "02/QĐ-BTNMT" in book and REVOKE_REASON in book
    assert f'href="/van-ban-di/{scenario.issued["A"].pk}/"' in book
    post = client.get(POSTAL, period).content.decode()
    assert "Công ty Đất Việt, 12 Láng Hạ, Hà Nội" in post and "1 chưa gửi" in post
    report = client.get(REPORT, period)
    html = report.content.decode()
    assert "TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI" in html and 'data-testid="units-table"' in html
    land = scenario.drafts["A"].drafting_unit_id
    drill = client.get(REPORT, {**period, "unit": land}).content.decode()
    assert "Người soạn thảo của Vụ Đất đai" in drill and "Phạm Thị Chuyên" in drill
    assert client.get(REPORT, {**period, "unit": 999999}).status_code == 404
    listed = client.get(LIST, {**period, "measure": "phat-hanh-tre", "unit": land})
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "Phát hành trễ hạn: Vụ Đất đai" in page and "Về việc giao đất khu B" in page
    assert "Đã thu hồi" in page and "Về việc trả lời kiến nghị" not in page
    head = client_for(scenario.people["unit_head"])
    tccb = scenario.drafts["G"].drafting_unit_id
    assert head.get(LIST, {**period, "unit": tccb}).status_code == 404
    assert client.get(LIST, {**period, "measure": "khac"}).status_code == 404
