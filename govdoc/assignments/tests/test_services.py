"""The handling flow of an incoming document through the services: present, assign,
assign within the unit, progress, opinions, more time, return, complete."""

from __future__ import annotations

import datetime as dt

import pytest

from govdoc.assignments.models import Assignment, HandlingHistory, Instruction
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_mark_read,
    assignment_progress,
    assignment_reopen,
    assignment_return,
    assignment_sub_assign,
    chase_send,
    extension_decide,
    extension_request,
    incoming_assign,
    opinion_answer,
    opinion_ask,
)
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_refuse
from govdoc.incoming.workflow import Status
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Unit, User

pytestmark = pytest.mark.django_db


def _present(incoming: IncomingDocument, team: dict[str, User]) -> IncomingDocument:
    return incoming_present(incoming=incoming, leader=team["leader"], actor=team["clerk"])


def _assign(
    incoming: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> list[Assignment]:
    return incoming_assign(
        incoming=incoming,
        instruction="Giao Vụ Đất đai chủ trì, Vụ TCCB phối hợp; báo cáo trước 04/12.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.SUPPORT, unit_id=units["TCCB"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.INFO, person_id=team["admin"].pk),
        ],
        actor=team["leader"],
        follow_up_id=team["clerk"].pk,
    )


def test_presenting_records_the_leader_and_tells_them(
    registered: IncomingDocument, team: dict[str, User]
) -> None:
    # When the clerk presents the document to the leader
    _present(registered, team)
    # Then it waits for the leader, with one history row, one audit event and a notice
    registered.refresh_from_db()
    assert registered.status == Status.PRESENTED and registered.presented_to == team["leader"]
    assert registered.history.filter(action="present").count() == 1
    assert AuditEvent.objects.filter(action="incoming.present", target_id=str(registered.pk))
    assert Notification.objects.filter(recipient=team["leader"], kind="incoming.presented")


def test_presenting_to_someone_who_is_not_a_leader_is_refused(
    registered: IncomingDocument, team: dict[str, User]
) -> None:
    with pytest.raises(ValidationFailed) as error:
        incoming_present(incoming=registered, leader=team["specialist"], actor=team["clerk"])
    assert "leader" in error.value.fields
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED and registered.presented_to is None


def test_the_leader_assigns_lead_support_and_readers(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    # Given a presented document
    _present(registered, team)
    # When the leader gives an instruction and assigns
    created = _assign(registered, team, units)
    # Then there are three assignments, the instruction, the status and one history row
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    assert [a.role for a in created] == ["LEAD", "SUPPORT", "INFO"]
    assert created[0].due_date == DUE and created[2].due_date is None
    assert Instruction.objects.get(incoming=registered).given_by == team["leader"]
    steps = HandlingHistory.objects.filter(incoming=registered, action="assign")
    assert steps.count() == 1 and len(steps.get().data["assignments"]) == 3
    # and the unit's leader and the reader are told
    assert Notification.objects.filter(recipient=team["unit_head"], kind="assignment.lead")
    assert Notification.objects.filter(recipient=team["admin"], kind="assignment.info")


def test_assigning_needs_a_lead_and_valid_deadlines_and_writes_nothing_otherwise(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    cases = [
        [AssigneeInput(role=HandlingRole.SUPPORT, unit_id=units["DD"].pk, due_date=DUE)],
        [AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk)],
        [
            AssigneeInput(
                role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=dt.date(2026, 11, 30)
            )
        ],
        # Saturday
        [
            AssigneeInput(
                role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=dt.date(2026, 12, 5)
            )
        ],
        [AssigneeInput(role=HandlingRole.LEAD, person_id=team["outsider"].pk, due_date=DUE)],
        [
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE),
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["TCCB"].pk, due_date=DUE),
        ],
    ]
    for lines in cases:
        with pytest.raises(ValidationFailed) as error:
            incoming_assign(
                incoming=registered, instruction="x", assignees=lines, actor=team["leader"]
            )
        assert error.value.fields
    assert not Assignment.objects.exists() and not Instruction.objects.exists()
    registered.refresh_from_db()
    assert registered.status == Status.PRESENTED


def test_only_a_leader_assigns(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    for persona in ("clerk", "unit_head", "specialist"):
        with pytest.raises(Forbidden):
            incoming_assign(
                incoming=registered,
                instruction="",
                assignees=[
                    AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE)
                ],
                actor=team[persona],
            )
    assert not Assignment.objects.exists()


def test_the_whole_flow_to_completion_on_time(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    # Given a document assigned to Vụ Đất đai
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    # When the unit leader assigns a lead specialist and a co-handler
    lead, support = assignment_sub_assign(
        assignment=unit_work,
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=team["specialist"].pk,
                due_date=dt.date(2026, 12, 3),
            ),
            AssigneeInput(role=HandlingRole.SUPPORT, person_id=team["colleague"].pk, due_date=DUE),
        ],
        actor=team["unit_head"],
    )
    registered.refresh_from_db()
    unit_work.refresh_from_db()
    assert registered.status == Status.IN_PROGRESS
    assert unit_work.status == AssignmentStatus.IN_PROGRESS
    # and the specialist reports progress with an attachment and asks an opinion
    note = assignment_progress(
        assignment=lead,
        text="Đã kiểm tra hồ sơ đất đai, đang dự thảo văn bản trả lời.",
        attachments=[Upload(name="ghi-chu.pdf", data=_pdf())],
        actor=team["specialist"],
    )
    assert note.attachments.count() == 1
    opinion = opinion_ask(
        assignment=lead,
        asked_of_id=team["colleague"].pk,
        question="Anh cho ý kiến về diện tích đề nghị giao?",
        actor=team["specialist"],
    )
    opinion_answer(opinion=opinion, answer="Đồng ý với diện tích đề nghị.", actor=team["colleague"])
    # and completes with a result
    assignment_complete(
        assignment=lead, result="Đã trình dự thảo văn bản trả lời.", actor=team["specialist"]
    )
    # Then the lead, the unit's assignment and the document are completed, on time
    lead.refresh_from_db()
    unit_work.refresh_from_db()
    registered.refresh_from_db()
    assert lead.status == unit_work.status == AssignmentStatus.COMPLETED
    assert lead.completed_late is False and unit_work.completed_late is False
    assert registered.status == Status.COMPLETED and registered.completed_at is not None
    # and the co-handler still has their part open
    support.refresh_from_db()
    assert support.status == AssignmentStatus.NEW
    actions = list(
        HandlingHistory.objects.filter(incoming=registered).values_list("action", flat=True)
    )
    assert actions == [
        "assign",
        "sub_assign",
        "progress",
        "ask_opinion",
        "give_opinion",
        "complete",
    ]
    assert AuditEvent.objects.filter(action="handling.complete").count() == 1


def test_completion_after_the_deadline_is_recorded_late(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: object,
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, 0), tick=False)  # type: ignore[attr-defined]
    assignment_complete(assignment=unit_work, result="Đã xử lý xong.", actor=team["unit_head"])
    unit_work.refresh_from_db()
    assert unit_work.completed_late is True and unit_work.completed_on == dt.date(2026, 12, 8)


def test_sub_assignment_stays_within_the_unit_and_its_deadline(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    with pytest.raises(ValidationFailed):
        assignment_sub_assign(
            assignment=unit_work,
            assignees=[AssigneeInput(role="LEAD", person_id=team["stranger"].pk, due_date=DUE)],
            actor=team["unit_head"],
        )
    with pytest.raises(ValidationFailed):
        assignment_sub_assign(
            assignment=unit_work,
            assignees=[
                AssigneeInput(
                    role="LEAD", person_id=team["specialist"].pk, due_date=dt.date(2026, 12, 7)
                )
            ],
            actor=team["unit_head"],
        )
    with pytest.raises(Forbidden):
        assignment_sub_assign(
            assignment=unit_work,
            assignees=[AssigneeInput(role="LEAD", person_id=team["specialist"].pk, due_date=DUE)],
            actor=team["specialist"],
        )
    assert not Assignment.objects.filter(parent=unit_work).exists()


def test_more_time_is_asked_and_approved_by_the_assigner(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    extension = extension_request(
        assignment=unit_work,
        requested_due=dt.date(2026, 12, 11),
        reason="Cần thêm thời gian lấy ý kiến các địa phương.",
        actor=team["unit_head"],
    )
    # A second request while the first waits is refused
    with pytest.raises(Conflict):
        extension_request(
            assignment=unit_work,
            requested_due=dt.date(2026, 12, 14),
            reason="Lần nữa",
            actor=team["unit_head"],
        )
    extension_decide(extension=extension, approve=True, actor=team["leader"])
    unit_work.refresh_from_db()
    assert unit_work.due_date == dt.date(2026, 12, 11)
    assert HandlingHistory.objects.filter(action="approve_extension").count() == 1


def test_refusing_more_time_needs_a_reason_and_keeps_the_deadline(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    extension = extension_request(
        assignment=unit_work,
        requested_due=dt.date(2026, 12, 11),
        reason="Cần thêm thời gian.",
        actor=team["unit_head"],
    )
    with pytest.raises(ValidationFailed):
        extension_decide(extension=extension, approve=False, actor=team["leader"])
    extension_decide(
        extension=extension, approve=False, note="Việc gấp, không gia hạn.", actor=team["leader"]
    )
    unit_work.refresh_from_db()
    assert unit_work.due_date == DUE


def test_the_lead_returns_the_document_to_the_leader_who_assigns_again(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    with pytest.raises(ValidationFailed):
        assignment_return(assignment=unit_work, reason=" ", actor=team["unit_head"])
    assignment_return(
        assignment=unit_work,
        reason="Không thuộc chức năng của Vụ Đất đai.",
        actor=team["unit_head"],
    )
    registered.refresh_from_db()
    assert registered.status == Status.PRESENTED
    # The leader gives it to another unit: the returned lead is replaced
    incoming_assign(
        incoming=registered,
        instruction="Giao Văn phòng chủ trì.",
        assignees=[AssigneeInput(role="LEAD", unit_id=units["VP"].pk, due_date=DUE)],
        actor=team["leader"],
    )
    unit_work.refresh_from_db()
    assert unit_work.status == AssignmentStatus.CANCELLED
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED


def test_returned_work_can_be_given_back_with_a_new_deadline(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    assignment_return(assignment=unit_work, reason="Thiếu hồ sơ kèm theo.", actor=team["unit_head"])
    assignment_reopen(assignment=unit_work, due_date=dt.date(2026, 12, 10), actor=team["leader"])
    unit_work.refresh_from_db()
    registered.refresh_from_db()
    assert unit_work.status == AssignmentStatus.NEW and unit_work.due_date == dt.date(2026, 12, 10)
    assert registered.status == Status.ASSIGNED


def test_a_reader_marks_read_once_and_cannot_complete(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    reader = _assign(registered, team, units)[2]
    assignment_mark_read(assignment=reader, actor=team["admin"])
    first = reader.read_at
    assignment_mark_read(assignment=reader, actor=team["admin"])
    assert reader.read_at == first
    assert HandlingHistory.objects.filter(action="read").count() == 1
    with pytest.raises(InvalidTransition):
        assignment_complete(assignment=reader, result="x", actor=team["admin"])


def test_the_follow_up_person_chases_the_handlers(
    registered: IncomingDocument, team: dict[str, User], units: dict[str, Unit]
) -> None:
    _present(registered, team)
    unit_work = _assign(registered, team, units)[0]
    chase_send(assignment=unit_work, text="Đề nghị khẩn trương báo cáo.", actor=team["clerk"])
    assert Notification.objects.filter(recipient=team["unit_head"], kind="assignment.chase")
    assert unit_work.chases.count() == 1


def test_the_clerk_refuses_a_document_with_a_reason(
    registered: IncomingDocument, team: dict[str, User]
) -> None:
    with pytest.raises(ValidationFailed):
        incoming_refuse(incoming=registered, reason="", actor=team["clerk"])
    incoming_refuse(incoming=registered, reason="Gửi nhầm cơ quan.", actor=team["clerk"])
    registered.refresh_from_db()
    assert registered.status == Status.REFUSED and registered.refusal_reason == "Gửi nhầm cơ quan."
    with pytest.raises(InvalidTransition):
        _present(registered, team)


def _pdf() -> bytes:
    from govdoc.conftest import make_pdf

    return make_pdf("Ghi chu tien do")
