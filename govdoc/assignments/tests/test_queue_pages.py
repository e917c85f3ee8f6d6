"""The queue page (/xu-ly/) and the navigation's counter, per persona."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govdoc.assignments.selectors import QUEUES, queue_counts
from govdoc.assignments.services import AssigneeInput, task_create
from govdoc.assignments.tests import _queue_scenario as scenario
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.views import queue_pages
from govdoc.assignments.workflow import HandlingRole
from govdoc.core import calendar
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

ROW = re.compile(r'data-row="([a-z]+)-(\d+)"')


@pytest.fixture
def work(
    time_machine: Any,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> scenario.Scenario:
    return scenario.build(time_machine, team, ministry, units, doc_type)


def _rows(html: str) -> list[tuple[str, int]]:
    return [(kind, int(pk)) for kind, pk in ROW.findall(html)]


def _count(html: str, testid: str) -> int | None:
    found = re.search(
        rf'data-testid="{testid}">(?:<span class="visually-hidden">: </span>)?(\d+)<', html
    )
    return int(found.group(1)) if found else None


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("persona", scenario.PERSONAS)
def test_each_tab_shows_exactly_the_personas_items_and_its_counter(
    work: scenario.Scenario, persona: str, client_for: Any
) -> None:
    # Given the ministry's work in every state, and the persona signed in
    client = client_for(work.team[persona])
    leads = persona in {"leader", "unit_head"}
    expected = scenario.EXPECTED[persona]
    for name in QUEUES:
        if name == "don-vi" and not leads:
            continue
        # When they open the tab
        html = _get(client, f"/xu-ly/{name}/")
        # Then its rows are exactly their items, and the tab's counter is the queue's size
        shown = {pk for kind, pk in _rows(html) if kind == "assignment"}
        assert shown == {work.a[n].pk for n in expected.get(name, set())}, f"{persona} {name}"
        assert _count(html, f"count-{name}") == len(shown), f"{persona} {name}"
    other = scenario.EXPECTED_OTHER[persona]
    html = _get(client, "/xu-ly/trinh/")
    assert _rows(html) == ([("incoming", work.doc_b.pk)] if other.get("trinh") else [])
    assert _count(html, "count-trinh") == other.get("trinh", 0)
    html = _get(client, "/xu-ly/xin-y-kien/")
    assert _rows(html) == ([("opinion", work.opinion.pk)] if other.get("xin-y-kien") else [])
    assert _count(html, "count-xin-y-kien") == other.get("xin-y-kien", 0)
    html = _get(client, "/xu-ly/gia-han/")
    assert _rows(html) == ([("extension", work.extension.pk)] if other.get("gia-han") else [])
    assert _count(html, "count-gia-han") == other.get("gia-han", 0)
    assert _rows(_get(client, "/xu-ly/y-kien-da-cho/")) == []


@pytest.mark.parametrize("persona", scenario.PERSONAS)
def test_the_navigation_counts_what_asks_for_action(
    work: scenario.Scenario, persona: str, client_for: Any
) -> None:
    # When the persona opens any page
    html = _get(client_for(work.team[persona]), "/van-ban-den/")
    # Then the "Xử lý" link shows new or overdue work (each once), documents presented,
    # opinions asked, requests for more time and unread documents for information
    assert 'data-testid="nav-queue"' in html
    assert _count(html, "nav-queue-count") == (scenario.EXPECTED_TOTAL[persona] or None)


def test_unit_work_is_only_for_leaders(work: scenario.Scenario, client_for: Any) -> None:
    for persona in ("clerk", "specialist", "colleague", "stranger", "outsider"):
        client = client_for(work.team[persona])
        assert 'data-queue="don-vi"' not in _get(client, "/xu-ly/")
        assert client.get("/xu-ly/don-vi/").status_code == 404
        assert client.get("/xu-ly/?hang=don-vi").status_code == 404
    for persona in ("leader", "unit_head"):
        assert 'data-queue="don-vi"' in _get(client_for(work.team[persona]), "/xu-ly/")


def test_rows_show_urgency_deadline_in_working_days_and_links(
    work: scenario.Scenario, client_for: Any
) -> None:
    client = client_for(work.team["specialist"])
    # The overdue urgent task: red, four working days late (26, 27, 30/11 and 01/12)
    html = _get(client, "/xu-ly/?hang=qua-han")
    assert "priority-badge priority-1" in html and "Khẩn" in html
    assert "25/11/2026" in html and "quá 4 ngày làm việc" in html
    assert "text-danger" in html
    assert f'href="/xu-ly/cong-viec/{work.old_overdue.pk}/"' in html
    assert "Trần Văn Lãnh Đạo" in html  # assigned by
    # The document due on Thursday: two working days left, linked to the document's page
    html = _get(client, "/xu-ly/sap-den-han/")
    assert "03/12/2026" in html and "còn 2 ngày làm việc" in html
    assert f'href="/van-ban-den/{work.doc_a.pk}/"' in html
    assert "Về việc giao đất đai" in html and "15/QĐ-STNMT" in html
    # A document presented to the leader: when (local time), with its number
    html = _get(client_for(work.team["leader"]), "/xu-ly/trinh/")
    assert "Trình lúc 01/12/2026 09:00" in html and "Về việc tuyển dụng công chức" in html
    # Work I gave names who has it
    html = _get(client_for(work.team["unit_head"]), "/xu-ly/toi-giao/")
    assert "Giao cho" in html and "Phạm Thị Chuyên" in html and "Đỗ Văn Phối Hợp" in html


def test_quick_search_without_diacritics(work: scenario.Scenario, client_for: Any) -> None:
    client = client_for(work.team["specialist"])
    # When the specialist searches "dat dai" among the work to handle
    html = _get(client, "/xu-ly/cho-xu-ly/?q=dat+dai")
    # Then the task "… kiểm kê đất đai …" is found, and not the other one
    assert _rows(html) == [("assignment", work.a["O1_spec"].pk)]
    # and the document "… giao đất đai …" among the work in progress
    assert _rows(_get(client, "/xu-ly/dang-xu-ly/?q=giao+dat+dai")) == [
        ("assignment", work.a["A_spec"].pk)
    ]
    # and on the other tabs too
    leader = client_for(work.team["leader"])
    assert _rows(_get(leader, "/xu-ly/trinh/?q=tuyen+dung")) == [("incoming", work.doc_b.pk)]
    assert _rows(_get(leader, "/xu-ly/trinh/?q=dat+dai")) == []
    colleague = client_for(work.team["colleague"])
    assert _rows(_get(colleague, "/xu-ly/xin-y-kien/?q=dat+dai")) == [("opinion", work.opinion.pk)]
    assert "Không có mục nào khớp" in _get(colleague, "/xu-ly/xin-y-kien/?q=khong+co")


def test_filters_role_kind_and_sort(work: scenario.Scenario, client_for: Any) -> None:
    client = client_for(work.team["leader"])
    html = _get(client, "/xu-ly/don-vi/?role=SUPPORT")
    assert {pk for _k, pk in _rows(html)} == {work.a["A_TCCB"].pk, work.a["A_coll"].pk}
    html = _get(client, "/xu-ly/don-vi/?kind=cong-viec")
    assert {pk for _k, pk in _rows(html)} == {work.a["T_spec"].pk, work.a["O1_spec"].pk}
    html = _get(client, "/xu-ly/toi-giao/?sort=khan")
    assert _rows(html)[0] == ("assignment", work.a["O1_spec"].pk)
    # A wrong value counts as not given
    html = _get(client, "/xu-ly/toi-giao/?role=XYZ&sort=nope&per_page=7")
    assert len(_rows(html)) == 4


def test_pages_with_the_capped_pagination(
    work: scenario.Scenario, client_for: Any, ministry: Agency
) -> None:
    # Given 30 more tasks for the specialist
    for number in range(30):
        _task(ministry, work.team, f"Việc thêm số {number}")
    client = client_for(work.team["specialist"])
    first = _get(client, "/xu-ly/cho-xu-ly/")
    assert len(_rows(first)) == 25 and "32 mục" in first and "trang=2" in first
    second = _get(client, "/xu-ly/cho-xu-ly/?trang=2")
    assert len(_rows(second)) == 7
    assert not set(_rows(first)) & set(_rows(second))


def _task(ministry: Agency, team: dict[str, User], title: str) -> None:
    task_create(
        agency=ministry,
        title=title,
        description="",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, person_id=team["specialist"].pk, due_date=DUE)
        ],
        actor=team["leader"],
    )


def test_query_count_does_not_grow_with_the_rows(
    work: scenario.Scenario, client_for: Any, ministry: Agency, monkeypatch: Any
) -> None:
    # The calendar's copy is not re-checked between the two requests.
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 10**9)
    client = client_for(work.team["leader"])

    def queries(url: str, rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            html = _get(client, url)
        assert len(_rows(html)) == rows, url
        return len(captured.captured_queries)

    # Given 5 rows of work the leader gave (documents and tasks)
    _task(ministry, work.team, "Việc thêm")
    _get(client, "/xu-ly/")  # warm-up (session, calendar)
    small = queries("/xu-ly/toi-giao/?per_page=100", 5)
    small_unit = queries("/xu-ly/don-vi/?per_page=100", 7)
    # When there are 50
    for number in range(45):
        _task(ministry, work.team, f"Việc thêm số {number}")
    # Then the page costs the same number of queries
    assert queries("/xu-ly/toi-giao/?per_page=100", 50) == small
    assert queries("/xu-ly/don-vi/?per_page=100", 52) == small_unit


def test_one_count_per_page_and_none_without_a_user(
    work: scenario.Scenario, client_for: Any, monkeypatch: Any
) -> None:
    calls: list[int] = []

    def counting(actor: Any, agency_id: int | None, **kwargs: Any) -> dict[str, int]:
        calls.append(1)
        return queue_counts(actor, agency_id, **kwargs)

    monkeypatch.setattr(queue_pages, "queue_counts", counting)
    # The queue page: the tabs and the navigation share one count
    _get(client_for(work.team["specialist"]), "/xu-ly/")
    assert len(calls) == 1
    # Another page: one count for the navigation
    _get(client_for(work.team["specialist"]), "/van-ban-den/")
    assert len(calls) == 2
    # Without a user: nothing counted (the sign-in page)
    anonymous = Client()
    assert anonymous.get("/dang-nhap/").status_code == 200
    assert anonymous.get("/xu-ly/").status_code == 302
    assert len(calls) == 2


def test_a_person_without_an_agency_has_no_counter(db: None, client_for: Any) -> None:
    lost = User.objects.create_user(username="khongcoquan", password="x", full_name="Không")
    client = client_for(lost)
    html = _get(client, "/xu-ly/")
    assert "chưa thuộc cơ quan" in html
    assert 'data-testid="nav-queue"' not in html


def test_unknown_tab_is_not_found(work: scenario.Scenario, client_for: Any) -> None:
    client = client_for(work.team["specialist"])
    assert client.get("/xu-ly/?hang=khong-co").status_code == 404
    assert client.get("/xu-ly/khong-co/").status_code == 404


def test_the_navigation_counter_needs_no_calendar(work: scenario.Scenario, client_for: Any) -> None:
    # Given a process that has not loaded the working-day calendar
    calendar.reset_cache()
    # When the specialist opens a page that shows the navigation
    with CaptureQueriesContext(connection) as captured:
        html = _get(client_for(work.team["specialist"]), "/van-ban-den/")
    # Then the counter is there and the calendar was not read for it
    assert _count(html, "nav-queue-count") == scenario.EXPECTED_TOTAL["specialist"]
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "core_calendarday" not in tables and "core_workweek" not in tables
