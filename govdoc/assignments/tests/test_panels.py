"""The handling section of a document's page: the tree of assignments with what matters on
each (role, assignee, assigner and on whose behalf, deadline, overdue, result, read), the
history in Vietnamese, forms only for those who may use them, and a bounded number of
queries (none for someone who sees nothing)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govdoc.assignments.models import Assignment, Task
from govdoc.assignments.panels import handling_context
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_progress,
    assignment_sub_assign,
    chase_send,
    extension_request,
    incoming_assign,
    opinion_ask,
    task_create,
)
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import make_pdf, make_person
from govdoc.documents.models import DocumentType, Priority
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present
from govdoc.organizations.models import Agency, Delegation, Unit, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db


def _assigned(
    incoming: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> list[Assignment]:
    incoming_present(incoming=incoming, leader=team["leader"], actor=team["clerk"])
    return incoming_assign(
        incoming=incoming,
        instruction="Giao Vụ Đất đai chủ trì, Vụ TCCB phối hợp.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.SUPPORT, unit_id=units["TCCB"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.INFO, person_id=team["admin"].pk),
        ],
        actor=team["leader"],
        follow_up_id=team["clerk"].pk,
    )


def _page(client_for: Any, person: User, incoming: IncomingDocument) -> str:
    response = client_for(person).get(reverse("incoming:detail", args=[incoming.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def _panel(page: str) -> str:
    start = page.index('data-testid="handling"')
    return page[start : page.index("</section>", start)]


def _request(user: Any) -> Any:
    request: Any = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return request


def test_the_panel_shows_the_instruction_and_the_tree(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a document assigned, then split within Vụ Đất đai
    unit_work = _assigned(registered, team, units)[0]
    assignment_sub_assign(
        assignment=unit_work,
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=team["specialist"].pk,
                due_date=dt.date(2026, 12, 3),
            )
        ],
        actor=team["unit_head"],
    )
    # When the leader opens the document
    panel = _panel(_page(client_for, team["leader"], registered))
    # Then the instruction, the roles, the assignees with their deadlines, and the tree
    assert "Giao Vụ Đất đai chủ trì, Vụ TCCB phối hợp." in panel
    for text in ("Chủ trì", "Phối hợp", "Nhận để biết", "Vụ Đất đai", "Vụ Tổ chức cán bộ"):
        assert text in panel
    assert "Hạn 04/12/2026" in panel and "Hạn 03/12/2026" in panel
    assert "Giao bởi Trần Văn Lãnh Đạo" in panel and "Giao bởi Lê Văn Trưởng" in panel
    depths = re.findall(r'data-assignment="(\d+)" data-depth="(\d)"', panel)
    child = Assignment.objects.get(parent=unit_work)
    assert (str(unit_work.pk), "0") in depths and (str(child.pk), "1") in depths
    assert [pk for pk, _d in depths].index(str(child.pk)) == [pk for pk, _d in depths].index(
        str(unit_work.pk)
    ) + 1
    assert "Chưa đọc" in panel and "Theo dõi, đôn đốc: Nguyễn Thị Văn Thư" in panel
    # and the history, in Vietnamese
    assert "Cho ý kiến chỉ đạo và phân công" in panel and "Phân công trong đơn vị" in panel


def test_forms_are_shown_only_to_those_who_may_use_them(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work, support, info = _assigned(registered, team, units)
    progress = reverse("assignments:assignment_progress", args=[unit_work.pk])
    sub = reverse("assignments:assignment_sub_assign", args=[unit_work.pk])
    cancel = reverse("assignments:assignment_cancel", args=[unit_work.pk])
    chase = reverse("assignments:assignment_chase", args=[unit_work.pk])
    read = reverse("assignments:assignment_mark_read", args=[info.pk])
    assign = reverse("assignments:incoming_assign", args=[registered.pk])
    # The unit's leader handles their unit's work and splits it, but does not assign or chase
    page = _panel(_page(client_for, team["unit_head"], registered))
    assert progress in page and sub in page
    assert assign not in page and cancel not in page and chase not in page and read not in page
    assert reverse("assignments:assignment_progress", args=[support.pk]) not in page
    # The leader assigns, takes back and chases, but does not handle
    page = _panel(_page(client_for, team["leader"], registered))
    assert assign in page and cancel in page and chase in page
    assert progress not in page and sub not in page and read not in page
    # The follow-up clerk chases only
    page = _panel(_page(client_for, team["clerk"], registered))
    assert chase in page
    assert progress not in page and cancel not in page and assign not in page
    # The reader marks as read only
    page = _panel(_page(client_for, team["admin"], registered))
    assert read in page and "Đánh dấu đã đọc" in page
    assert progress not in page and chase not in page and assign not in page
    # A specialist given the lead within the unit handles their part only
    mine, helping = assignment_sub_assign(
        assignment=unit_work,
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, person_id=team["specialist"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.SUPPORT, person_id=team["colleague"].pk, due_date=DUE),
        ],
        actor=team["unit_head"],
    )
    page = _panel(_page(client_for, team["specialist"], registered))
    assert reverse("assignments:assignment_complete", args=[mine.pk]) in page
    assert reverse("assignments:assignment_return", args=[mine.pk]) in page
    assert progress not in page and sub not in page and chase not in page and assign not in page
    assert reverse("assignments:assignment_sub_assign", args=[mine.pk]) not in page
    # A co-handler reports and completes, but does not return the work (the lead alone does)
    page = _panel(_page(client_for, team["colleague"], registered))
    assert reverse("assignments:assignment_complete", args=[helping.pk]) in page
    assert reverse("assignments:assignment_return", args=[helping.pk]) not in page
    assert reverse("assignments:assignment_complete", args=[mine.pk]) not in page
    # Someone who may not see the document does not get the page at all
    response = client_for(team["stranger"]).get(reverse("incoming:detail", args=[registered.pk]))
    assert response.status_code == 404


def test_the_leader_form_offers_five_rows_the_deadline_and_the_urgency(
    on_a_working_day: None,
    team: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    client_for: Any,
) -> None:
    # Given an urgent document with its own deadline, presented to the leader
    from govdoc.conftest import incoming_input
    from govdoc.incoming.services import incoming_register

    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            issued_date=dt.date(2026, 11, 27),
            priority=Priority.FLASH,
            due_date=dt.date(2026, 12, 7),
        ),
        actor=team["clerk"],
    )
    incoming_present(incoming=incoming, leader=team["leader"], actor=team["clerk"])
    # When the leader opens it
    page = _panel(_page(client_for, team["leader"], incoming))
    # Then the form is open, with five rows (no JavaScript needed) and the deadline filled in
    assert 'data-testid="assign-form"' in page and "<details open>" in page
    assert len(re.findall(r'name="row\d+-role"', page)) == 5
    assert page.count('value="07/12/2026"') == 5
    assert 'data-add-row="assign-rows"' in page  # more rows with JavaScript
    # and the urgency is shown in the form
    assert 'data-testid="assign-urgent"' in page and "Hỏa tốc".upper() in page
    # while nobody else gets the form
    assert 'data-testid="assign-form"' not in _panel(_page(client_for, team["clerk"], incoming))


def test_overdue_work_is_in_red_and_completion_says_late_or_on_time(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    client_for: Any,
    time_machine: Any,
) -> None:
    _unit_work, support, _info = _assigned(registered, team, units)
    # When the deadline has passed
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, 0), tick=False)
    page = _panel(_page(client_for, team["leader"], registered))
    # Then the open work is marked overdue, in red
    assert page.count('data-testid="overdue"') == 2 and "text-danger" in page
    # When one completes late
    assignment_complete(assignment=support, result="Đã góp ý.", actor=team["admin"])
    page = _panel(_page(client_for, team["leader"], registered))
    assert page.count('data-testid="overdue"') == 1
    assert "Hoàn thành trễ hạn" in page and "Đã góp ý." in page


def test_delegated_steps_say_on_whose_behalf(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given the leader's authority delegated to the unit's leader for the day
    Delegation.objects.create(
        agency=registered.agency,
        delegator=team["leader"],
        delegate=team["unit_head"],
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 1),
        created_by=team["admin"],
    )
    incoming_present(incoming=registered, leader=team["leader"], actor=team["clerk"])
    # When the delegate assigns through the form
    client = client_for(team["unit_head"])
    client.post(
        reverse("assignments:incoming_assign", args=[registered.pk]),
        {
            "instruction": "Thay mặt lãnh đạo giao.",
            "row0-role": "LEAD",
            "row0-unit": units["TCCB"].pk,
            "row0-due_date": "2026-12-04",
        },
    )
    # Then the tree and the history name both
    page = _panel(_page(client_for, team["leader"], registered))
    assert "Giao bởi Lê Văn Trưởng (thay mặt Trần Văn Lãnh Đạo)" in page
    assert "Lê Văn Trưởng (thay mặt Trần Văn Lãnh Đạo) · Cho ý kiến chỉ đạo và phân công" in page


def test_notes_opinions_extensions_and_chases_are_shown(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    assignment_progress(
        assignment=unit_work,
        text="Đã rà soát.",
        attachments=[Upload(name="bien-ban.pdf", data=make_pdf())],
        actor=team["unit_head"],
    )
    opinion_ask(
        assignment=unit_work,
        asked_of_id=team["colleague"].pk,
        question="Ý kiến về diện tích?",
        actor=team["unit_head"],
    )
    extension_request(
        assignment=unit_work,
        requested_due=dt.date(2026, 12, 8),
        reason="Chờ số liệu.",
        actor=team["unit_head"],
    )
    chase_send(assignment=unit_work, text="Khẩn trương.", actor=team["clerk"])
    page = _panel(_page(client_for, team["leader"], registered))
    for text in (
        "Đã rà soát.",
        "bien-ban.pdf",
        "Ý kiến về diện tích?",
        "Chưa có ý kiến.",
        "Chờ số liệu.",
        "Chờ quyết định",
        "Khẩn trương.",
        "Xin ý kiến Đỗ Văn Phối Hợp",
        "Xin gia hạn đến 08/12/2026",
        "Đôn đốc",
    ):
        assert text in page, text
    # The leader, who gave the work, decides the request; the handler does not
    assert 'data-testid="decide-extension"' in page
    handler_page = _panel(_page(client_for, team["unit_head"], registered))
    assert 'data-testid="decide-extension"' not in handler_page
    # and a pending request cannot be doubled
    assert (
        reverse("assignments:assignment_request_extension", args=[unit_work.pk]) not in handler_page
    )


def _busy(
    incoming: IncomingDocument, team: dict[str, User], units: dict[str, Unit], n: int
) -> None:
    """n people of the unit each with progress (and a file), an opinion, a request, a chase."""
    unit_work = _assigned(incoming, team, units)[0]
    people = [
        make_person(
            f"cv{incoming.pk}x{i}",
            agency=incoming.agency,
            roles=[Role.SPECIALIST],
            unit=units["DD"],
        )
        for i in range(n)
    ]
    children = assignment_sub_assign(
        assignment=unit_work,
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD if i == 0 else HandlingRole.SUPPORT,
                person_id=p.pk,
                due_date=DUE,
            )
            for i, p in enumerate(people)
        ],
        actor=team["unit_head"],
    )
    for child, person in zip(children, people, strict=True):
        assignment_progress(
            assignment=child,
            text="Tiến độ",
            attachments=[Upload(name="a.pdf", data=make_pdf(f"x{child.pk}"))],
            actor=person,
        )
        opinion_ask(assignment=child, asked_of_id=team["colleague"].pk, question="?", actor=person)
        extension_request(
            assignment=child, requested_due=dt.date(2026, 12, 8), reason="Chờ", actor=person
        )
        chase_send(assignment=child, text="Nhanh", actor=team["unit_head"])


def _count(user: User, incoming: IncomingDocument) -> int:
    incoming = IncomingDocument.objects.select_related("document").get(pk=incoming.pk)
    user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        context = handling_context(_request(user), incoming)
        assert context is not None
        render_to_string("assignments/_handling_panel.html", {"panel": context, "user": user})
    return len(queries)


def test_the_panel_costs_the_same_queries_for_few_or_many_assignments(
    on_a_working_day: None,
    team: dict[str, User],
    units: dict[str, Unit],
    ministry: Agency,
    doc_type: DocumentType,
    django_assert_max_num_queries: Any,
) -> None:
    from govdoc.conftest import incoming_input
    from govdoc.incoming.services import incoming_register

    def document(code: str) -> IncomingDocument:
        return incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, issued_date=dt.date(2026, 11, 27), code_number=code),
            actor=team["clerk"],
        )

    few, many = document("1"), document("2")
    _busy(few, team, units, 1)
    _busy(many, team, units, 12)
    # The leader (assign form, decisions) and the unit's leader (handling, splitting)
    for persona in ("leader", "unit_head"):
        assert _count(team[persona], few) == _count(team[persona], many)
        incoming = IncomingDocument.objects.select_related("document").get(pk=many.pk)
        user = User.objects.get(pk=team[persona].pk)
        with django_assert_max_num_queries(25):
            context = handling_context(_request(user), incoming)
            assert context is not None
            html = render_to_string(
                "assignments/_handling_panel.html", {"panel": context, "user": user}
            )
        assert html.count('data-testid="assignment"') == 15


def test_no_query_for_someone_who_sees_nothing(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    django_assert_num_queries: Any,
) -> None:
    incoming = IncomingDocument.objects.select_related("document").get(pk=registered.pk)
    outsider = User.objects.get(pk=team["outsider"].pk)
    leader = User.objects.get(pk=team["leader"].pk)
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        # Another agency's person, someone signed out, a document not yet presented
        assert handling_context(_request(outsider), incoming) is None
        assert handling_context(_request(AnonymousUser()), incoming) is None
        assert handling_context(_request(leader), incoming) is None
        assert render_to_string("assignments/_handling_panel.html", {"panel": None}).strip() == ""


def test_the_panel_of_a_task(
    on_a_working_day: None,
    team: dict[str, User],
    units: dict[str, Unit],
    ministry: Agency,
) -> None:
    # Given a task given to Vụ Đất đai
    task: Task = task_create(
        agency=ministry,
        title="Rà soát quy hoạch sử dụng đất",
        description="",
        assignees=[AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE)],
        actor=team["leader"],
        follow_up_id=team["clerk"].pk,
    )
    # When the unit's leader looks at it
    context = handling_context(_request(User.objects.get(pk=team["unit_head"].pk)), task)
    assert context is not None and context["kind"] == "task" and context["assign"] is None
    html = render_to_string(
        "assignments/_handling_panel.html", {"panel": context, "user": team["unit_head"]}
    )
    # Then the work, its forms for the handler, and the history
    unit_work = task.assignments.get()
    assert "Thực hiện công việc" in html and "Vụ Đất đai" in html
    assert reverse("assignments:assignment_complete", args=[unit_work.pk]) in html
    assert "Giao việc" in html
