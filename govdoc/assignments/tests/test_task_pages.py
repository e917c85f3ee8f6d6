"""Screens of tasks without a document: giving a task, the list, the task's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from govdoc.assignments.models import Assignment, HandlingHistory, Task
from govdoc.assignments.tests import _queue_scenario as scenario
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole, TaskStatus
from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

CREATE = "/xu-ly/cong-viec/giao/"


def _form(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Chuẩn bị báo cáo quản lý đất đai quý IV",
        "description": "Tổng hợp số liệu của các tỉnh.",
        "priority": "1",
        "due_date": "04/12/2026",
        "follow_up": "",
        "rows": "3",
        "role_0": "LEAD",
        "assignee_0": "",
        "due_0": "",
        "note_0": "",
        "role_1": "SUPPORT",
        "assignee_1": "",
        "due_1": "",
        "note_1": "",
        "role_2": "SUPPORT",
        "assignee_2": "",
        "due_2": "",
        "note_2": "",
        "save": "1",
    }
    data.update(values)
    return data


def _nothing_written() -> None:
    assert not Task.objects.exists()
    assert not Assignment.objects.exists()
    assert not HandlingHistory.objects.exists()
    assert not Notification.objects.exists()


def test_the_leader_gives_a_task_to_a_unit_and_people(
    on_a_working_day: None, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    client = client_for(team["leader"])
    # Given the form, which offers the agency's units and people
    html = client.get(CREATE).content.decode()
    assert f'value="u{units["DD"].pk}"' in html and f'value="p{team["stranger"].pk}"' in html
    # When the leader gives a task: Vụ Đất đai leads (the task's deadline), the stranger
    # co-handles by Thursday, the admin reads it; the clerk follows up
    response = client.post(
        CREATE,
        _form(
            assignee_0=f"u{units['DD'].pk}",
            role_1="SUPPORT",
            assignee_1=f"p{team['stranger'].pk}",
            due_1="03/12/2026",
            note_1="Số liệu biên chế",
            role_2="INFO",
            assignee_2=f"p{team['admin'].pk}",
            follow_up=str(team["clerk"].pk),
        ),
    )
    # Then the task exists with its three assignments, and the page shows it
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/xu-ly/cong-viec/{task.pk}/"
    assert task.title == "Chuẩn bị báo cáo quản lý đất đai quý IV"
    assert task.priority == 1 and task.due_date == dt.date(2026, 12, 4)
    assert task.status == TaskStatus.ASSIGNED and task.created_by == team["leader"]
    rows = list(task.assignments.order_by("id"))
    assert [(a.role, a.assignee_unit_id, a.assignee_person_id, a.due_date) for a in rows] == [
        (HandlingRole.LEAD, units["DD"].pk, None, dt.date(2026, 12, 4)),
        (HandlingRole.SUPPORT, None, team["stranger"].pk, dt.date(2026, 12, 3)),
        (HandlingRole.INFO, None, team["admin"].pk, None),
    ]
    assert rows[1].note == "Số liệu biên chế"
    assert all(a.follow_up_id == team["clerk"].pk for a in rows)
    # with one history row and its journal event, and the unit's leader is told
    assert HandlingHistory.objects.filter(task=task, action="task_create").count() == 1
    assert AuditEvent.objects.filter(action="handling.task_create").exists()
    assert Notification.objects.filter(recipient=team["unit_head"]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Chuẩn bị báo cáo quản lý đất đai quý IV" in page and "04/12/2026" in page


def test_a_unit_head_gives_tasks_to_people_of_the_unit_only(
    on_a_working_day: None, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    client = client_for(team["unit_head"])
    html = client.get(CREATE).content.decode()
    # The form offers the unit's people, not units nor people of other units
    assert f'value="p{team["specialist"].pk}"' in html
    assert f'value="u{units["DD"].pk}"' not in html
    assert f'value="p{team["stranger"].pk}"' not in html
    # A value that is not offered is refused, in Vietnamese, and nothing is written
    response = client.post(CREATE, _form(assignee_0=f"p{team['stranger'].pk}"))
    assert response.status_code == 200
    assert "Đơn vị hoặc cá nhân không hợp lệ." in response.content.decode()
    _nothing_written()
    # When the unit head gives the specialist the lead
    response = client.post(CREATE, _form(assignee_0=f"p{team['specialist'].pk}"))
    assert response.status_code == 302
    assert Task.objects.get().assignments.get().assignee_person == team["specialist"]


@pytest.mark.parametrize("persona", ["clerk", "specialist", "colleague", "stranger", "outsider"])
def test_who_may_not_give_tasks_gets_not_found_and_nothing_is_written(
    on_a_working_day: None,
    team: dict[str, User],
    units: dict[str, Unit],
    persona: str,
    client_for: Any,
) -> None:
    client = client_for(team[persona])
    # When they open the form or post one
    assert client.get(CREATE).status_code == 404
    response = client.post(CREATE, _form(assignee_0=f"u{units['DD'].pk}"))
    # Then the answer is "not found" and nothing is written
    assert response.status_code == 404
    _nothing_written()
    # and the list offers no "Giao việc" button
    assert CREATE not in client.get("/xu-ly/cong-viec/").content.decode()


def test_signed_out_people_are_sent_to_sign_in(on_a_working_day: None, db: None) -> None:
    response = Client().post(CREATE, _form())
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    _nothing_written()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "  "}, "title", "Vui lòng nhập tên công việc."),
        ({"title": "x" * 501}, "title", "Tên công việc tối đa 500 ký tự."),
        ({"due_date": "31/02/2026"}, "due_date", "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
        ({"due_date": "30/11/2026"}, "due_date", "Hạn 30/11/2026 đã qua"),
        ({"due_date": "05/12/2026"}, "due_date", "Ngày 05/12/2026 là ngày nghỉ"),
        ({"priority": "9"}, "priority", "Độ khẩn không hợp lệ."),
        ({"follow_up": "999999"}, "follow_up", "Người theo dõi không hợp lệ."),
        ({"assignee_0": ""}, "assignees", "Chọn ít nhất một đơn vị hoặc cá nhân."),
        ({"role_0": "SUPPORT"}, "assignees", "Chọn một đơn vị hoặc cá nhân chủ trì."),
        (
            {"role_1": "LEAD", "assignee_1": "TCCB"},
            "assignees",
            "Chỉ có một đơn vị hoặc cá nhân chủ trì.",
        ),
        ({"due_0": "", "due_date": ""}, "assignees", "Dòng 1: Vui lòng nhập hạn xử lý"),
        ({"due_0": "06/12/2026"}, "assignees", "Dòng 1: Ngày 06/12/2026 là ngày nghỉ"),
        ({"due_0": "abc"}, "row-0", "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
        ({"role_0": "BOSS"}, "row-0", "Vai trò không hợp lệ."),
    ],
)
def test_bad_input_shows_vietnamese_field_errors_and_writes_nothing(
    on_a_working_day: None,
    team: dict[str, User],
    units: dict[str, Unit],
    client_for: Any,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    client = client_for(team["leader"])
    data = _form(assignee_0=f"u{units['DD'].pk}")
    if values.get("assignee_1") == "TCCB":
        values = {**values, "assignee_1": f"u{units['TCCB'].pk}", "due_1": "04/12/2026"}
    data.update(values)
    # When the leader posts the form with one mistake
    response = client.post(CREATE, data)
    # Then the form comes back with the message at the field, and nothing is written
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-field="{field}">{message}' in html or (
        f'data-field="{field}"' in html and message in html
    ), html[html.find("<main") :]
    _nothing_written()
    # and what was typed is kept
    if values.get("title", "").strip() == "":
        return
    assert "Tổng hợp số liệu của các tỉnh." in html


def test_service_line_numbers_match_the_rows_shown(
    on_a_working_day: None, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a first row left blank and a second row due on a Sunday
    data = _form(
        assignee_0="",
        role_1="LEAD",
        assignee_1=f"u{units['DD'].pk}",
        due_1="06/12/2026",
    )
    response = client_for(team["leader"]).post(CREATE, data)
    html = response.content.decode()
    # Then the filled row moves up and the message names the line it is on
    assert "Dòng 1: Ngày 06/12/2026 là ngày nghỉ" in html
    assert f'<option value="u{units["DD"].pk}" selected>' in html.split("Dòng 2")[0]
    _nothing_written()


def test_another_row_keeps_what_was_typed(
    on_a_working_day: None, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    response = client_for(team["leader"]).post(
        CREATE, {**_form(assignee_0=f"u{units['DD'].pk}", title=""), "add_row": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="assignee-row"') == 4
    assert 'name="rows" value="4"' in html
    assert f'<option value="u{units["DD"].pk}" selected>' in html
    # No errors yet (the title is still empty)
    assert "Vui lòng nhập tên công việc." not in html
    _nothing_written()


@pytest.fixture
def work(
    time_machine: Any,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> scenario.Scenario:
    return scenario.build(time_machine, team, ministry, units, doc_type)


def _task_links(html: str, tasks: list[Task]) -> set[int]:
    return {t.pk for t in tasks if f'href="/xu-ly/cong-viec/{t.pk}/"' in html}


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("leader", {"task", "old_overdue", "old_returned"}),
        ("specialist", {"task", "old_overdue", "old_returned"}),
        ("colleague", {"task"}),
        ("unit_head", {"task", "old_overdue", "old_returned"}),
        ("clerk", {"task", "old_overdue", "old_returned"}),
        ("stranger", set()),
        ("outsider", set()),
    ],
)
def test_the_list_and_pages_show_the_tasks_the_persona_sees(
    work: scenario.Scenario, client_for: Any, persona: str, seen: set[str]
) -> None:
    tasks = {"task": work.task, "old_overdue": work.old_overdue, "old_returned": work.old_returned}
    client = client_for(work.team[persona])
    # When they open the list
    html = client.get("/xu-ly/cong-viec/").content.decode()
    # Then it lists exactly the tasks they see, and each opens (the others are not found)
    assert _task_links(html, list(tasks.values())) == {tasks[name].pk for name in seen}
    for name, task in tasks.items():
        response = client.get(f"/xu-ly/cong-viec/{task.pk}/")
        assert response.status_code == (200 if name in seen else 404), name
    if seen:
        views = AuditEvent.objects.filter(action="task.view", actor=work.team[persona])
        assert views.count() == len(seen)


def test_the_task_list_shows_urgency_deadline_and_searches_without_diacritics(
    work: scenario.Scenario, client_for: Any
) -> None:
    client = client_for(work.team["leader"])
    html = client.get("/xu-ly/cong-viec/").content.decode()
    assert "priority-badge priority-1" in html
    html = client.get("/xu-ly/cong-viec/?q=kiem+ke+dat+dai").content.decode()
    assert _task_links(html, [work.task, work.old_overdue, work.old_returned]) == {
        work.old_overdue.pk
    }
    html = client.get("/xu-ly/cong-viec/?status=ASSIGNED&sort=khan").content.decode()
    assert html.index(f"/xu-ly/cong-viec/{work.old_overdue.pk}/") < html.index(
        f"/xu-ly/cong-viec/{work.task.pk}/"
    )


def test_the_task_page_shows_the_task_and_its_handling(
    work: scenario.Scenario, client_for: Any
) -> None:
    html = (
        client_for(work.team["specialist"])
        .get(f"/xu-ly/cong-viec/{work.task.pk}/")
        .content.decode()
    )
    assert "Rà soát quy chế làm việc của Vụ" in html
    assert "Đề xuất sửa đổi trước cuối năm." in html
    assert "Trần Văn Lãnh Đạo" in html
    # The handling panel (or, without it, the list of assignees) names who has it
    assert "Phạm Thị Chuyên" in html and "Đỗ Văn Phối Hợp" in html
    done = work.a["T_coll"]
    done.refresh_from_db()
    assert done.status == AssignmentStatus.COMPLETED
