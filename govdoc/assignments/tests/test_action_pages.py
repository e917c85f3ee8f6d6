"""The handling actions through the web UI: each succeeds for the right persona (history row,
journal event, back to the document's page with the outcome), answers 404 to the wrong
persona and changes nothing, and shows the Vietnamese message without writing on bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from govdoc.assignments.models import (
    Assignment,
    ChaseMessage,
    ExtensionRequest,
    HandlingHistory,
    Instruction,
    OpinionRequest,
    ProgressAttachment,
    ProgressNote,
)
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_progress,
    assignment_return,
    extension_request,
    incoming_assign,
    opinion_ask,
    task_create,
)
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.workflow import AssignmentStatus, ExtensionStatus, HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

ClientFor = Any


def _presented(incoming: IncomingDocument, team: dict[str, User]) -> IncomingDocument:
    incoming_present(incoming=incoming, leader=team["leader"], actor=team["clerk"])
    incoming.refresh_from_db()
    return incoming


def _assigned(
    incoming: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> list[Assignment]:
    """Vụ Đất đai leads, Vụ TCCB supports, the administrator reads; the clerk follows up."""
    _presented(incoming, team)
    return incoming_assign(
        incoming=incoming,
        instruction="Giao Vụ Đất đai chủ trì, báo cáo trước 04/12.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.SUPPORT, unit_id=units["TCCB"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.INFO, person_id=team["admin"].pk),
        ],
        actor=team["leader"],
        follow_up_id=team["clerk"].pk,
    )


def _detail(incoming: IncomingDocument) -> str:
    return reverse("incoming:detail", args=[incoming.pk])


def _state() -> tuple[Any, ...]:
    """Everything an action could write: compared before and after a refused attempt."""
    return (
        HandlingHistory.objects.count(),
        AuditEvent.objects.filter(action__startswith="handling.").count(),
        sorted(Assignment.objects.values_list("pk", "status", "due_date", "read_at")),
        Instruction.objects.count(),
        ProgressNote.objects.count(),
        OpinionRequest.objects.filter(answered_at__isnull=False).count(),
        OpinionRequest.objects.count(),
        sorted(ExtensionRequest.objects.values_list("pk", "status")),
        ChaseMessage.objects.count(),
        IncomingDocument.objects.values_list("status", flat=True).first(),
    )


def _refused_for(client_for: ClientFor, people: list[User], url: str, data: dict[str, Any]) -> None:
    """Each of these people gets 404 and nothing changes."""
    before = _state()
    for person in people:
        response = client_for(person).post(url, data)
        assert response.status_code == 404, person.username
    assert _state() == before


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response


def _rows(*lines: dict[str, Any], blanks: int = 2) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"row{index}-{key}"] = value
    for index in range(len(lines), len(lines) + blanks):
        data.update(
            {
                f"row{index}-role": "SUPPORT",
                f"row{index}-unit": "",
                f"row{index}-person": "",
                f"row{index}-due_date": "2026-12-04",
                f"row{index}-note": "",
            }
        )
    return data


# The leader's instruction and assignment --------------------------------------------------


def test_the_leader_assigns_through_the_form(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a document presented to the leader
    _presented(registered, team)
    # When the leader writes an instruction and fills three of five rows (two date styles)
    data = {
        "instruction": "Vụ Đất đai chủ trì tham mưu trả lời.",
        "follow_up": team["clerk"].pk,
        **_rows(
            {
                "role": "LEAD",
                "unit": units["DD"].pk,
                "person": "",
                "due_date": "2026-12-04",
                "note": "Dự thảo văn bản trả lời",
            },
            {
                "role": "SUPPORT",
                "unit": "",
                "person": team["colleague"].pk,
                "due_date": "03/12/2026",
                "note": "",
            },
            {"role": "INFO", "unit": "", "person": team["admin"].pk, "due_date": "", "note": ""},
        ),
    }
    response = _post(
        client_for(team["leader"]),
        reverse("assignments:incoming_assign", args=[registered.pk]),
        data,
    )
    # Then back on the document's page with the outcome, and the assignments are recorded
    assert response.redirect_chain[-1][0] == _detail(registered)
    assert "Đã ghi ý kiến chỉ đạo và phân công xử lý." in response.content.decode()
    created = list(Assignment.objects.order_by("id"))
    assert [(a.role, a.assignee_unit_id, a.assignee_person_id) for a in created] == [
        ("LEAD", units["DD"].pk, None),
        ("SUPPORT", None, team["colleague"].pk),
        ("INFO", None, team["admin"].pk),
    ]
    assert created[0].due_date == DUE and created[1].due_date == dt.date(2026, 12, 3)
    assert created[0].note == "Dự thảo văn bản trả lời" and created[0].follow_up == team["clerk"]
    assert Instruction.objects.get().text == "Vụ Đất đai chủ trì tham mưu trả lời."
    assert HandlingHistory.objects.filter(action="assign", actor=team["leader"]).count() == 1
    assert AuditEvent.objects.filter(action="handling.assign").count() == 1
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED


def test_only_an_agency_leader_may_post_the_assignment(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a presented document; the clerk sees it, the others do not
    _presented(registered, team)
    data = _rows({"role": "LEAD", "unit": units["DD"].pk, "due_date": "2026-12-04"})
    # When anyone but a leader posts the form, then 404 and nothing is written
    _refused_for(
        client_for,
        [team["clerk"], team["unit_head"], team["specialist"], team["outsider"]],
        reverse("assignments:incoming_assign", args=[registered.pk]),
        data,
    )
    assert not Assignment.objects.exists()


def test_bad_assignment_shows_the_message_keeps_the_values_and_writes_nothing(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a presented document
    _presented(registered, team)
    client = client_for(team["leader"])
    url = reverse("assignments:incoming_assign", args=[registered.pk])
    before = _state()
    # When the leader gives only a co-handler (no lead)
    response = _post(
        client,
        url,
        {
            "instruction": "Ý kiến chưa có chủ trì",
            **_rows({"role": "SUPPORT", "unit": units["TCCB"].pk, "due_date": "2026-12-04"}),
        },
    )
    # Then the page says why, keeps what was typed, and nothing is written
    body = response.content.decode()
    assert "Phải giao một đơn vị hoặc cá nhân chủ trì." in body
    assert "Ý kiến chưa có chủ trì</textarea>" in body
    assert _state() == before
    # When the date cannot be read, or falls on a Saturday
    for day, message in (
        ("32/13/2026", "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."),
        ("2026-12-05", "là ngày nghỉ"),
    ):
        response = _post(
            client, url, _rows({"role": "LEAD", "unit": units["DD"].pk, "due_date": day})
        )
        assert message in response.content.decode()
    # Then nothing is written either
    assert _state() == before


# The unit leader -------------------------------------------------------------------------


def test_the_unit_leader_assigns_within_the_unit(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given Vụ Đất đai's assignment
    unit_work, support, _info = _assigned(registered, team, units)
    url = reverse("assignments:assignment_sub_assign", args=[unit_work.pk])
    data = _rows(
        {
            "role": "LEAD",
            "person": team["specialist"].pk,
            "due_date": "2026-12-03",
            "note": "Kiểm tra hồ sơ",
        },
    )
    # When someone who does not lead the unit posts, then 404 and nothing changes
    _refused_for(
        client_for, [team["leader"], team["specialist"], team["clerk"], team["outsider"]], url, data
    )
    # When the unit's leader posts a lead specialist
    response = _post(client_for(team["unit_head"]), url, data)
    # Then the specialist's assignment hangs under the unit's, with history and journal
    assert "Đã giao việc trong đơn vị." in response.content.decode()
    child = Assignment.objects.get(parent=unit_work)
    assert child.assignee_person == team["specialist"] and child.due_date == dt.date(2026, 12, 3)
    assert HandlingHistory.objects.filter(action="sub_assign", assignment=unit_work).count() == 1
    assert AuditEvent.objects.filter(action="handling.sub_assign").count() == 1
    # and another unit's assignment is not theirs to split
    _refused_for(
        client_for,
        [team["unit_head"]],
        reverse("assignments:assignment_sub_assign", args=[support.pk]),
        data,
    )


def test_assigning_outside_the_unit_is_refused_with_a_message(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    before = _state()
    response = _post(
        client_for(team["unit_head"]),
        reverse("assignments:assignment_sub_assign", args=[unit_work.pk]),
        _rows({"role": "LEAD", "person": team["stranger"].pk, "due_date": "2026-12-03"}),
    )
    assert "người được giao không thuộc đơn vị" in response.content.decode()
    assert _state() == before


# The handler -------------------------------------------------------------------------------


def test_the_handler_reports_progress_with_files(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    url = reverse("assignments:assignment_progress", args=[unit_work.pk])
    _refused_for(
        client_for,
        [team["specialist"], team["clerk"], team["stranger"], team["outsider"]],
        url,
        {"text": "Không phải việc của tôi"},
    )
    # When the unit's leader reports progress with two files
    response = _post(
        client_for(team["unit_head"]),
        url,
        {
            "text": "Đã rà soát hồ sơ.",
            "attachments": [
                SimpleUploadedFile("bien-ban.pdf", make_pdf("a"), "application/pdf"),
                SimpleUploadedFile("so-lieu.pdf", make_pdf("b"), "application/pdf"),
            ],
        },
    )
    # Then the note and its files are kept, the work is in progress, with history and journal
    assert "Đã ghi tiến độ xử lý." in response.content.decode()
    note = ProgressNote.objects.get()
    assert note.text == "Đã rà soát hồ sơ." and note.attachments.count() == 2
    unit_work.refresh_from_db()
    assert unit_work.status == AssignmentStatus.IN_PROGRESS
    assert HandlingHistory.objects.filter(action="progress").count() == 1
    assert AuditEvent.objects.filter(action="handling.progress").count() == 1
    assert "bien-ban.pdf" in response.content.decode()


def test_empty_progress_or_a_bad_file_shows_the_message_and_writes_nothing(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    client = client_for(team["unit_head"])
    url = reverse("assignments:assignment_progress", args=[unit_work.pk])
    before = _state()
    response = _post(client, url, {"text": "   "})
    assert "Vui lòng nhập nội dung tiến độ." in response.content.decode()
    response = _post(
        client,
        url,
        {"text": "Có tệp lạ", "attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 20)]},
    )
    body = response.content.decode()
    assert "không thuộc định dạng được chấp nhận" in body
    assert "Có tệp lạ</textarea>" in body  # what was typed is kept
    assert _state() == before


def test_the_handler_asks_an_opinion_and_the_person_asked_answers(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    ask = reverse("assignments:assignment_ask_opinion", args=[unit_work.pk])
    data = {"asked_of": team["colleague"].pk, "question": "Đề nghị cho ý kiến về diện tích."}
    _refused_for(client_for, [team["specialist"], team["clerk"], team["outsider"]], ask, data)
    # When the unit's leader asks a colleague
    response = _post(client_for(team["unit_head"]), ask, data)
    assert "Đã gửi xin ý kiến." in response.content.decode()
    opinion = OpinionRequest.objects.get()
    assert opinion.asked_of == team["colleague"] and opinion.asked_by == team["unit_head"]
    assert HandlingHistory.objects.filter(action="ask_opinion").count() == 1
    assert AuditEvent.objects.filter(action="handling.ask_opinion").count() == 1
    # Then only the person asked may answer
    answer = reverse("assignments:opinion_answer", args=[opinion.pk])
    _refused_for(
        client_for,
        [team["unit_head"], team["specialist"], team["outsider"]],
        answer,
        {"answer": "x"},
    )
    colleague = client_for(team["colleague"])
    page = colleague.get(_detail(registered)).content.decode()
    assert 'data-testid="opinions-to-answer"' in page and answer in page
    # and an empty answer is refused with a message
    before = _state()
    response = _post(colleague, answer, {"answer": ""})
    assert "Vui lòng nhập ý kiến." in response.content.decode()
    assert _state() == before
    # When the colleague answers
    response = _post(colleague, answer, {"answer": "Đồng ý với diện tích đề nghị."})
    assert "Đã gửi ý kiến." in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.answer == "Đồng ý với diện tích đề nghị." and opinion.answered_at is not None
    assert HandlingHistory.objects.filter(action="give_opinion").count() == 1
    assert AuditEvent.objects.filter(action="handling.give_opinion").count() == 1


def test_asking_nobody_is_refused_with_a_message(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    before = _state()
    response = _post(
        client_for(team["unit_head"]),
        reverse("assignments:assignment_ask_opinion", args=[unit_work.pk]),
        {"asked_of": "", "question": "Câu hỏi"},
    )
    assert "Chưa chọn người cho ý kiến." in response.content.decode()
    assert _state() == before


def test_more_time_is_requested_then_approved_or_refused_by_the_assigner(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    request_url = reverse("assignments:assignment_request_extension", args=[unit_work.pk])
    data = {"requested_due": "2026-12-08", "reason": "Chờ số liệu của Sở."}
    _refused_for(
        client_for, [team["specialist"], team["leader"], team["outsider"]], request_url, data
    )
    # A date before the current deadline is refused with a message
    handler = client_for(team["unit_head"])
    before = _state()
    response = _post(handler, request_url, {"requested_due": "2026-12-02", "reason": "Sớm hơn"})
    assert "Hạn đề nghị phải sau hạn hiện tại." in response.content.decode()
    assert _state() == before
    # When the unit's leader asks for more time
    response = _post(handler, request_url, data)
    assert "Đã gửi đề nghị gia hạn tới người giao việc." in response.content.decode()
    extension = ExtensionRequest.objects.get()
    assert extension.status == ExtensionStatus.PENDING
    assert HandlingHistory.objects.filter(action="request_extension").count() == 1
    decide = reverse("assignments:extension_decide", args=[extension.pk])
    # Then only the assigner decides
    _refused_for(
        client_for,
        [team["unit_head"], team["clerk"], team["outsider"]],
        decide,
        {"decision": "approve"},
    )
    leader = client_for(team["leader"])
    # and a refusal needs a reason
    before = _state()
    response = _post(leader, decide, {"decision": "refuse", "note": ""})
    assert "Vui lòng ghi lý do không đồng ý." in response.content.decode()
    assert _state() == before
    # When the leader approves, the deadline moves
    response = _post(leader, decide, {"decision": "approve", "note": ""})
    assert "Đã đồng ý gia hạn." in response.content.decode()
    unit_work.refresh_from_db()
    extension.refresh_from_db()
    assert unit_work.due_date == dt.date(2026, 12, 8) and extension.status == "APPROVED"
    assert HandlingHistory.objects.filter(action="approve_extension").count() == 1
    assert AuditEvent.objects.filter(action="handling.approve_extension").count() == 1
    # and a second request, refused with a reason, leaves the deadline
    extension_request(
        assignment=unit_work,
        requested_due=dt.date(2026, 12, 10),
        reason="Thêm thời gian",
        actor=team["unit_head"],
    )
    second = ExtensionRequest.objects.get(status=ExtensionStatus.PENDING)
    response = _post(
        leader,
        reverse("assignments:extension_decide", args=[second.pk]),
        {"decision": "refuse", "note": "Cần báo cáo đúng hạn."},
    )
    assert "Đã từ chối đề nghị gia hạn." in response.content.decode()
    second.refresh_from_db()
    unit_work.refresh_from_db()
    assert second.status == "REFUSED" and unit_work.due_date == dt.date(2026, 12, 8)
    assert HandlingHistory.objects.filter(action="refuse_extension").count() == 1


def test_the_lead_returns_the_work_and_the_leader_gives_it_back(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    url = reverse("assignments:assignment_return", args=[unit_work.pk])
    _refused_for(
        client_for, [team["specialist"], team["leader"], team["outsider"]], url, {"reason": "x"}
    )
    handler = client_for(team["unit_head"])
    before = _state()
    response = _post(handler, url, {"reason": ""})
    assert "Vui lòng ghi lý do trả lại." in response.content.decode()
    assert _state() == before
    # When the unit's leader returns it with a reason
    response = _post(handler, url, {"reason": "Không thuộc chức năng của Vụ."})
    assert "Đã trả lại người giao việc." in response.content.decode()
    unit_work.refresh_from_db()
    registered.refresh_from_db()
    assert unit_work.status == AssignmentStatus.RETURNED
    assert registered.status == Status.PRESENTED
    assert HandlingHistory.objects.filter(action="return").count() == 1
    assert AuditEvent.objects.filter(action="handling.return").count() == 1
    # Then only the assigner gives it back, with a new deadline
    reopen = reverse("assignments:assignment_reopen", args=[unit_work.pk])
    data = {"due_date": "2026-12-09", "note": "Đề nghị Vụ tiếp tục chủ trì."}
    _refused_for(client_for, [team["unit_head"], team["clerk"], team["outsider"]], reopen, data)
    response = _post(client_for(team["leader"]), reopen, data)
    assert "Đã giao lại việc." in response.content.decode()
    unit_work.refresh_from_db()
    assert unit_work.status == AssignmentStatus.NEW and unit_work.due_date == dt.date(2026, 12, 9)
    assert HandlingHistory.objects.filter(action="reopen").count() == 1
    assert AuditEvent.objects.filter(action="handling.reopen").count() == 1


def test_the_assigner_takes_work_back_with_a_reason(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    support = _assigned(registered, team, units)[1]
    url = reverse("assignments:assignment_cancel", args=[support.pk])
    _refused_for(
        client_for, [team["unit_head"], team["clerk"], team["outsider"]], url, {"reason": "x"}
    )
    leader = client_for(team["leader"])
    before = _state()
    response = _post(leader, url, {"reason": ""})
    assert "Vui lòng ghi lý do thu hồi." in response.content.decode()
    assert _state() == before
    response = _post(leader, url, {"reason": "Giao nhầm đơn vị."})
    assert "Đã thu hồi việc đã giao." in response.content.decode()
    support.refresh_from_db()
    assert support.status == AssignmentStatus.CANCELLED
    assert HandlingHistory.objects.filter(action="cancel", note="Giao nhầm đơn vị.").count() == 1
    assert AuditEvent.objects.filter(action="handling.cancel").count() == 1


def test_the_handler_completes_and_the_document_is_completed(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    url = reverse("assignments:assignment_complete", args=[unit_work.pk])
    _refused_for(
        client_for, [team["specialist"], team["leader"], team["outsider"]], url, {"result": "x"}
    )
    handler = client_for(team["unit_head"])
    before = _state()
    response = _post(handler, url, {"result": ""})
    assert "Vui lòng nhập kết quả xử lý." in response.content.decode()
    assert _state() == before
    response = _post(handler, url, {"result": "Đã ban hành văn bản trả lời số 12."})
    assert "Đã hoàn thành xử lý." in response.content.decode()
    unit_work.refresh_from_db()
    registered.refresh_from_db()
    assert unit_work.status == AssignmentStatus.COMPLETED and unit_work.completed_late is False
    assert registered.status == Status.COMPLETED
    assert HandlingHistory.objects.filter(action="complete").count() == 1
    assert AuditEvent.objects.filter(action="handling.complete").count() == 1
    assert "Hoàn thành đúng hạn" in response.content.decode()


def test_the_reader_marks_the_document_read(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    info = _assigned(registered, team, units)[2]
    url = reverse("assignments:assignment_mark_read", args=[info.pk])
    _refused_for(client_for, [team["clerk"], team["leader"], team["outsider"]], url, {})
    response = _post(client_for(team["admin"]), url, {})
    assert "Đã đánh dấu đã đọc." in response.content.decode()
    info.refresh_from_db()
    assert info.read_at is not None
    assert HandlingHistory.objects.filter(action="read", actor=team["admin"]).count() == 1
    assert AuditEvent.objects.filter(action="handling.read").count() == 1


def test_the_follow_up_person_and_the_assigner_chase(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    url = reverse("assignments:assignment_chase", args=[unit_work.pk])
    data = {"text": "Đề nghị Vụ khẩn trương báo cáo."}
    _refused_for(client_for, [team["specialist"], team["unit_head"], team["outsider"]], url, data)
    before = _state()
    response = _post(client_for(team["clerk"]), url, {"text": " "})
    assert "Vui lòng nhập nội dung đôn đốc." in response.content.decode()
    assert _state() == before
    for persona in ("clerk", "leader"):
        response = _post(client_for(team[persona]), url, data)
        assert "Đã gửi đôn đốc." in response.content.decode()
    assert ChaseMessage.objects.filter(assignment=unit_work).count() == 2
    assert HandlingHistory.objects.filter(action="chase").count() == 2
    assert AuditEvent.objects.filter(action="handling.chase").count() == 2


def test_a_refused_step_on_the_service_side_is_shown_not_raised(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given returned work, a second return is not possible
    unit_work = _assigned(registered, team, units)[0]
    assignment_return(assignment=unit_work, reason="Sai đơn vị", actor=team["unit_head"])
    before = _state()
    response = _post(
        client_for(team["unit_head"]),
        reverse("assignments:assignment_return", args=[unit_work.pk]),
        {"reason": "Lần nữa"},
    )
    assert "Không thực hiện được: phân công đang ở trạng thái" in response.content.decode()
    assert _state() == before


# Files of progress notes -----------------------------------------------------------------


def test_attachments_download_for_those_who_see_the_assignment(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    unit_work = _assigned(registered, team, units)[0]
    assignment_progress(
        assignment=unit_work,
        text="Kèm biên bản",
        attachments=[Upload(name="bien-ban.pdf", data=make_pdf("bien ban"))],
        actor=team["unit_head"],
    )
    attachment = ProgressAttachment.objects.get()
    url = reverse("assignments:progress_attachment", args=[attachment.pk])
    # Those who do not see the assignment get 404 and nothing is journaled
    for person in (team["stranger"], team["outsider"]):
        assert client_for(person).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="file.").exists()
    # The leader downloads it, journaled
    response = client_for(team["leader"]).get(url + "?tai=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="file.download")
    assert event.actor == team["leader"] and event.data["assignment"] == unit_work.pk


def test_opinion_asked_is_answered_on_work_the_person_does_not_otherwise_see(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit], client_for: Any
) -> None:
    # Given a question put to someone of another unit
    unit_work = _assigned(registered, team, units)[0]
    opinion = opinion_ask(
        assignment=unit_work,
        asked_of_id=team["stranger"].pk,
        question="Vụ TCCB có ý kiến gì?",
        actor=team["unit_head"],
    )
    # When they open the document, they see the question and answer it
    client = client_for(team["stranger"])
    page = client.get(_detail(registered)).content.decode()
    assert "Vụ TCCB có ý kiến gì?" in page
    response = _post(
        client, reverse("assignments:opinion_answer", args=[opinion.pk]), {"answer": "Không có."}
    )
    assert response.redirect_chain[-1][0] == _detail(registered)
    opinion.refresh_from_db()
    assert opinion.answer == "Không có."


def test_actions_on_a_task_return_to_the_task_page(
    on_a_working_day: None,
    team: dict[str, User],
    units: dict[str, Unit],
    ministry: Agency,
    client_for: Any,
) -> None:
    # Given a task given to Vụ Đất đai
    task = task_create(
        agency=ministry,
        title="Rà soát quy hoạch sử dụng đất",
        description="",
        assignees=[AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE)],
        actor=team["leader"],
    )
    unit_work = task.assignments.get()
    url = reverse("assignments:assignment_complete", args=[unit_work.pk])
    _refused_for(client_for, [team["specialist"], team["outsider"]], url, {"result": "x"})
    # When the unit's leader completes it from the task's page
    response = _post(client_for(team["unit_head"]), url, {"result": "Đã rà soát xong."})
    # Then back on the task's page, completed, with history and journal
    assert response.redirect_chain[-1][0] == reverse("assignments:task_detail", args=[task.pk])
    assert "Đã hoàn thành xử lý." in response.content.decode()
    assert 'data-testid="handling"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == "COMPLETED"
    assert HandlingHistory.objects.filter(task=task, action="complete").count() == 1
    assert AuditEvent.objects.filter(action="handling.complete").count() == 1
