"""Who may take which handling step, through the web UI (Django's test client).

Each case builds its own state with the services, up to the stage the action needs, then one
persona tries the action. Allowed: the step succeeds (a POST returns to the document's page
without a refusal, and its history row — or, for a page or a file, its journal event — names
the persona). Not allowed: 404, and nothing changes (assignments, history, opinions,
requests for more time, the document, the journal, notifications).

The queue page (/xu-ly/) is everyone's own and never answers 404: there "allowed" means the
case's work is counted under the navigation's "Xử lý" for that persona, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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
from govdoc.assignments.panels import RETRY_KEY
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_progress,
    assignment_return,
    assignment_sub_assign,
    extension_request,
    incoming_assign,
    opinion_ask,
)
from govdoc.assignments.tests.conftest import DUE
from govdoc.assignments.workflow import AssignmentStatus, ExtensionStatus, HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf, make_person
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument, IncomingHistory
from govdoc.incoming.services import incoming_present
from govdoc.incoming.workflow import Status
from govdoc.notifications.models import Notification
from govdoc.organizations.access import forget_access
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services.delegations import delegation_create

pytestmark = pytest.mark.django_db

# The matrix ---------------------------------------------------------------------------------
#
# clerk: văn thư (follows up the work); specialist: of Vụ Đất đai, given the work by the unit;
# other_specialist: of Vụ Tổ chức cán bộ, asked for an opinion where the action is answering;
# unit_head: leader of Vụ Đất đai, the unit given the lead; leader: the agency leader who
# assigns; delegate: a person of Văn phòng holding the leader's authority this week; reader:
# given the document for information; outsider: a clerk of another agency.

PERSONAS = (
    "clerk",
    "specialist",
    "other_specialist",
    "unit_head",
    "leader",
    "delegate",
    "reader",
    "outsider",
)
Y, N = True, False

# fmt: off
#                               clerk spec other unit  lead  deleg read  outsider
MATRIX: dict[str, tuple[bool, ...]] = {
    "present":                  (Y,   N,   N,    N,    N,    N,    N,    N),
    "refuse":                   (Y,   N,   N,    N,    N,    N,    N,    N),
    "assign":                   (N,   N,   N,    N,    Y,    Y,    N,    N),
    "sub_assign":               (N,   N,   N,    Y,    N,    N,    N,    N),
    "progress":                 (N,   Y,   N,    N,    N,    N,    N,    N),
    "ask_opinion":              (N,   Y,   N,    N,    N,    N,    N,    N),
    "answer_opinion":           (N,   N,   Y,    N,    N,    N,    N,    N),
    "request_extension":        (N,   Y,   N,    N,    N,    N,    N,    N),
    "decide_extension":         (N,   N,   N,    N,    Y,    Y,    N,    N),
    "return":                   (N,   N,   N,    Y,    N,    N,    N,    N),
    "complete":                 (N,   Y,   N,    N,    N,    N,    N,    N),
    "mark_read":                (N,   N,   N,    N,    N,    N,    Y,    N),
    "cancel":                   (N,   N,   N,    N,    Y,    Y,    N,    N),
    "reopen":                   (N,   N,   N,    N,    Y,    Y,    N,    N),
    "chase":                    (Y,   N,   N,    N,    Y,    Y,    N,    N),
    "view_document":            (Y,   Y,   N,    Y,    Y,    Y,    Y,    N),
    "queue_counts":             (N,   Y,   Y,    N,    Y,    Y,    Y,    N),
    "download_attachment":      (Y,   Y,   N,    Y,    Y,    Y,    Y,    N),
}
# fmt: on

TABLE: list[tuple[str, str, bool]] = [
    (persona, action, allowed)
    for action, row in MATRIX.items()
    for persona, allowed in zip(PERSONAS, row, strict=True)
]


# The state, built fresh for each case --------------------------------------------------------

# Stages, each building on the one before it.
REGISTERED = "registered"  # vào sổ, not presented
PRESENTED = "presented"  # presented to the leader
ASSIGNED = "assigned"  # Vụ Đất đai leads (due 04/12), the reader for information, clerk follows
SUB_ASSIGNED = "sub_assigned"  # … and the unit's leader gave the specialist the lead (due 03/12)
PROGRESSED = "progressed"  # … and the specialist reported progress with a file
OPINION = "opinion"  # … and the specialist asked the other specialist's opinion
UNIT_EXTENSION = "unit_extension"  # assigned, and the unit's leader asked for more time
RETURNED = "returned"  # assigned, and the unit's leader sent it back to the leader
BUSY = "busy"  # sub-assigned, the unit's leader asked an opinion and more time
SPECIALIST_DUE = dt.date(2026, 12, 3)
LATER = dt.date(2026, 12, 8)


@dataclass
class State:
    people: dict[str, User]
    units: dict[str, Unit]
    incoming: IncomingDocument
    unit_work: Assignment | None = None
    info: Assignment | None = None
    specialist_work: Assignment | None = None
    opinion: OpinionRequest | None = None
    extension: ExtensionRequest | None = None
    attachment: ProgressAttachment | None = None

    def detail_url(self) -> str:
        return reverse("incoming:detail", args=[self.incoming.pk])


Build = Callable[[str], State]


@pytest.fixture
def people(team: dict[str, User], ministry: Agency, units: dict[str, Unit]) -> dict[str, User]:
    """The eight personas; the delegate holds the leader's authority over today."""
    delegate = make_person(
        "uyquyen",
        agency=ministry,
        roles=[Role.SPECIALIST],
        unit=units["VP"],
        full_name="Ngô Văn Được Ủy Quyền",
    )
    reader = make_person(
        "debiet",
        agency=ministry,
        roles=[Role.SPECIALIST],
        unit=units["VP"],
        full_name="Bùi Thị Để Biết",
    )
    delegation_create(
        agency=ministry,
        delegator_id=team["leader"].pk,
        delegate_id=delegate.pk,
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 12, 4),
        scope="Văn bản đến trong thời gian lãnh đạo đi công tác",
        actor=team["admin"],
    )
    forget_access(delegate)
    return {
        "clerk": team["clerk"],
        "specialist": team["specialist"],
        "other_specialist": team["stranger"],
        "unit_head": team["unit_head"],
        "leader": team["leader"],
        "delegate": delegate,
        "reader": reader,
        "outsider": team["outsider"],
    }


@pytest.fixture
def build(registered: IncomingDocument, people: dict[str, User], units: dict[str, Unit]) -> Build:
    """The state of a stage, built with the services from the registered document."""

    def _build(stage: str) -> State:
        state = State(people=people, units=units, incoming=registered)
        if stage == REGISTERED:
            return state
        incoming_present(incoming=registered, leader=people["leader"], actor=people["clerk"])
        if stage == PRESENTED:
            return _refreshed(state)
        unit_work, state.info = incoming_assign(
            incoming=registered,
            instruction="Giao Vụ Đất đai chủ trì tham mưu trả lời.",
            assignees=[
                AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=DUE),
                AssigneeInput(role=HandlingRole.INFO, person_id=people["reader"].pk),
            ],
            actor=people["leader"],
            follow_up_id=people["clerk"].pk,
        )
        state.unit_work = unit_work
        if stage == UNIT_EXTENSION:
            state.extension = _unit_extension(state)
        if stage == RETURNED:
            assignment_return(
                assignment=unit_work,
                reason="Không thuộc chức năng của Vụ.",
                actor=people["unit_head"],
            )
        if stage not in {SUB_ASSIGNED, PROGRESSED, OPINION, BUSY}:
            return _refreshed(state)
        (specialist_work,) = assignment_sub_assign(
            assignment=unit_work,
            assignees=[
                AssigneeInput(
                    role=HandlingRole.LEAD,
                    person_id=people["specialist"].pk,
                    due_date=SPECIALIST_DUE,
                )
            ],
            actor=people["unit_head"],
        )
        state.specialist_work = specialist_work
        if stage == PROGRESSED:
            note = assignment_progress(
                assignment=specialist_work,
                text="Đã kiểm tra hồ sơ, kèm biên bản.",
                attachments=[Upload(name="bien-ban.pdf", data=make_pdf("bien ban"))],
                actor=people["specialist"],
            )
            state.attachment = note.attachments.get()
        elif stage == OPINION:
            state.opinion = opinion_ask(
                assignment=specialist_work,
                asked_of_id=people["other_specialist"].pk,
                question="Vụ Tổ chức cán bộ có ý kiến gì?",
                actor=people["specialist"],
            )
        elif stage == BUSY:
            state.opinion = opinion_ask(
                assignment=unit_work,
                asked_of_id=people["other_specialist"].pk,
                question="Vụ Tổ chức cán bộ có ý kiến gì?",
                actor=people["unit_head"],
            )
            state.extension = _unit_extension(state)
        return _refreshed(state)

    return _build


def _unit_extension(state: State) -> ExtensionRequest:
    assert state.unit_work is not None
    return extension_request(
        assignment=state.unit_work,
        requested_due=LATER,
        reason="Chờ số liệu của Sở.",
        actor=state.people["unit_head"],
    )


def _refreshed(state: State) -> State:
    state.incoming.refresh_from_db()
    for assignment in (state.unit_work, state.info, state.specialist_work):
        if assignment is not None:
            assignment.refresh_from_db()
    return state


# The actions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    stage: str
    method: str  # "post" or "get"
    url: Callable[[State], str]
    data: Callable[[State], dict[str, Any]]
    # What an allowed attempt leaves: checked after it, given the state and the persona.
    done: Callable[[State, User], None]


def _pk(value: Any) -> int:
    assert value is not None
    return int(value.pk)


def _step(action: str) -> Callable[[State, User], None]:
    """One handling history row of the action, by the persona (and its journal event)."""

    def check(state: State, actor: User) -> None:
        rows = HandlingHistory.objects.filter(incoming=state.incoming, action=action)
        assert [row.actor_id for row in rows] == [actor.pk]
        assert AuditEvent.objects.filter(action=f"handling.{action}", actor=actor).count() == 1

    return check


def _incoming_step(action: str, status: str) -> Callable[[State, User], None]:
    def check(state: State, actor: User) -> None:
        rows = IncomingHistory.objects.filter(incoming=state.incoming, action=action)
        assert [row.actor_id for row in rows] == [actor.pk]
        state.incoming.refresh_from_db()
        assert state.incoming.status == status

    return check


def _then(
    first: Callable[[State, User], None], second: Callable[[State, Any], None]
) -> Callable[[State, User], None]:
    def check(state: State, actor: User) -> None:
        first(state, actor)
        second(state, actor)

    return check


def _assignment_status(name: str, status: str) -> Callable[[State, Any], None]:
    def check(state: State, _actor: Any) -> None:
        assignment = getattr(state, name)
        assignment.refresh_from_db()
        assert assignment.status == status

    return check


def _journaled(action: str) -> Callable[[State, User], None]:
    def check(_state: State, actor: User) -> None:
        assert AuditEvent.objects.filter(action=action, actor=actor).count() == 1

    return check


def _counted(_state: State, _actor: User) -> None:
    # Checked on the page itself (see _attempt): nothing is written by looking.
    pass


def _row(**fields: Any) -> dict[str, Any]:
    return {f"row0-{key}": value for key, value in fields.items()}


def _opened_sub_assignment(state: State, _actor: Any) -> None:
    child = Assignment.objects.get(parent=_pk(state.unit_work))
    assert child.assignee_person == state.people["specialist"]


def _extension_approved(state: State, _actor: Any) -> None:
    assert state.extension is not None
    state.extension.refresh_from_db()
    assert state.extension.status == ExtensionStatus.APPROVED
    assert Assignment.objects.get(pk=_pk(state.unit_work)).due_date == LATER


def _answered(state: State, _actor: Any) -> None:
    assert state.opinion is not None
    state.opinion.refresh_from_db()
    assert state.opinion.answered_at is not None


def _read(state: State, _actor: Any) -> None:
    assert Assignment.objects.get(pk=_pk(state.info)).read_at is not None


def _progress_note(state: State, _actor: Any) -> None:
    note = ProgressNote.objects.get(assignment=_pk(state.specialist_work))
    assert [a.name for a in note.attachments.all()] == ["tien-do.pdf"]


ACTIONS: dict[str, Action] = {
    "present": Action(
        REGISTERED,
        "post",
        lambda s: reverse("incoming:present", args=[s.incoming.pk]),
        lambda s: {"leader": s.people["leader"].pk, "note": "Kính trình lãnh đạo."},
        _incoming_step("present", Status.PRESENTED),
    ),
    "refuse": Action(
        REGISTERED,
        "post",
        lambda s: reverse("incoming:refuse", args=[s.incoming.pk]),
        lambda s: {"reason": "Gửi nhầm cơ quan."},
        _incoming_step("refuse", Status.REFUSED),
    ),
    "assign": Action(
        PRESENTED,
        "post",
        lambda s: reverse("assignments:incoming_assign", args=[s.incoming.pk]),
        lambda s: {
            "instruction": "Vụ Đất đai chủ trì.",
            **_row(role="LEAD", unit=s.units["DD"].pk, person="", due_date="04/12/2026"),
        },
        _then(_step("assign"), lambda s, _a: _refreshed_status(s, Status.ASSIGNED)),
    ),
    "sub_assign": Action(
        ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_sub_assign", args=[_pk(s.unit_work)]),
        lambda s: _row(role="LEAD", person=s.people["specialist"].pk, due_date="03/12/2026"),
        _then(_step("sub_assign"), _opened_sub_assignment),
    ),
    "progress": Action(
        SUB_ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_progress", args=[_pk(s.specialist_work)]),
        lambda s: {
            "text": "Đã rà soát hồ sơ.",
            "attachments": [SimpleUploadedFile("tien-do.pdf", make_pdf(), "application/pdf")],
        },
        _then(_step("progress"), _progress_note),
    ),
    "ask_opinion": Action(
        SUB_ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_ask_opinion", args=[_pk(s.specialist_work)]),
        lambda s: {"asked_of": s.people["other_specialist"].pk, "question": "Xin ý kiến Vụ."},
        _then(
            _step("ask_opinion"),
            lambda s, _a: _one(OpinionRequest.objects.filter(assignment=_pk(s.specialist_work))),
        ),
    ),
    "answer_opinion": Action(
        OPINION,
        "post",
        lambda s: reverse("assignments:opinion_answer", args=[_pk(s.opinion)]),
        lambda s: {"answer": "Thống nhất với dự thảo."},
        _then(_step("give_opinion"), _answered),
    ),
    "request_extension": Action(
        SUB_ASSIGNED,
        "post",
        lambda s: reverse(
            "assignments:assignment_request_extension", args=[_pk(s.specialist_work)]
        ),
        lambda s: {"requested_due": "04/12/2026", "reason": "Chờ số liệu."},
        _then(
            _step("request_extension"),
            lambda s, _a: _one(
                ExtensionRequest.objects.filter(
                    assignment=_pk(s.specialist_work), status=ExtensionStatus.PENDING
                )
            ),
        ),
    ),
    "decide_extension": Action(
        UNIT_EXTENSION,
        "post",
        lambda s: reverse("assignments:extension_decide", args=[_pk(s.extension)]),
        lambda s: {"decision": "approve", "note": ""},
        _then(_step("approve_extension"), _extension_approved),
    ),
    "return": Action(
        ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_return", args=[_pk(s.unit_work)]),
        lambda s: {"reason": "Không thuộc chức năng của Vụ."},
        _then(_step("return"), _assignment_status("unit_work", AssignmentStatus.RETURNED)),
    ),
    "complete": Action(
        SUB_ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_complete", args=[_pk(s.specialist_work)]),
        lambda s: {"result": "Đã trình dự thảo văn bản trả lời."},
        _then(_step("complete"), _assignment_status("specialist_work", AssignmentStatus.COMPLETED)),
    ),
    "mark_read": Action(
        ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_mark_read", args=[_pk(s.info)]),
        lambda s: {},
        _then(_step("read"), _read),
    ),
    "cancel": Action(
        ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_cancel", args=[_pk(s.unit_work)]),
        lambda s: {"reason": "Giao nhầm đơn vị."},
        _then(_step("cancel"), _assignment_status("unit_work", AssignmentStatus.CANCELLED)),
    ),
    "reopen": Action(
        RETURNED,
        "post",
        lambda s: reverse("assignments:assignment_reopen", args=[_pk(s.unit_work)]),
        lambda s: {"due_date": "08/12/2026", "note": "Đề nghị Vụ tiếp tục chủ trì."},
        _then(_step("reopen"), _assignment_status("unit_work", AssignmentStatus.NEW)),
    ),
    "chase": Action(
        ASSIGNED,
        "post",
        lambda s: reverse("assignments:assignment_chase", args=[_pk(s.unit_work)]),
        lambda s: {"text": "Đề nghị Vụ khẩn trương báo cáo."},
        _then(
            _step("chase"),
            lambda s, a: _one(ChaseMessage.objects.filter(assignment=_pk(s.unit_work), sent_by=a)),
        ),
    ),
    "view_document": Action(
        SUB_ASSIGNED,
        "get",
        lambda s: s.detail_url(),
        lambda s: {},
        _journaled("incoming.view"),
    ),
    "queue_counts": Action(
        BUSY, "get", lambda s: reverse("assignments:queue"), lambda s: {}, _counted
    ),
    "download_attachment": Action(
        PROGRESSED,
        "get",
        lambda s: reverse("assignments:progress_attachment", args=[_pk(s.attachment)]),
        lambda s: {"tai": "1"},
        _journaled("file.download"),
    ),
}


def _one(queryset: Any) -> None:
    assert queryset.count() == 1


def _refreshed_status(state: State, status: str) -> None:
    state.incoming.refresh_from_db()
    assert state.incoming.status == status


def _snapshot() -> tuple[Any, ...]:
    """Everything a handling step could write."""
    return (
        sorted(
            Assignment.objects.values_list(
                "pk", "status", "due_date", "read_at", "parent_id", "result"
            )
        ),
        sorted(HandlingHistory.objects.values_list("pk", "action")),
        sorted(OpinionRequest.objects.values_list("pk", "answered_at")),
        sorted(ExtensionRequest.objects.values_list("pk", "status")),
        sorted(IncomingDocument.objects.values_list("pk", "status", "presented_to_id")),
        IncomingHistory.objects.count(),
        Instruction.objects.count(),
        ProgressNote.objects.count(),
        ChaseMessage.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _nav_counter(body: str) -> str | None:
    marker = 'data-testid="nav-queue-count">'
    if marker not in body:
        return None
    return body.split(marker, 1)[1].split("<", 1)[0].strip()


def _attempt(client: Client, action: Action, state: State) -> Any:
    if action.method == "get":
        return client.get(action.url(state), action.data(state))
    return client.post(action.url(state), action.data(state))


# The tests -----------------------------------------------------------------------------------


def test_the_matrix_covers_every_action_and_persona() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())
    # Each action is someone's, and nobody's from another agency.
    assert all(any(row) and not row[PERSONAS.index("outsider")] for row in MATRIX.values())


@pytest.mark.parametrize(("persona", "action_name", "allowed"), TABLE)
def test_permission(
    persona: str, action_name: str, allowed: bool, build: Build, client_for: Any
) -> None:
    # given the state the action needs, built fresh, and the persona signed in
    action = ACTIONS[action_name]
    state = build(action.stage)
    actor = state.people[persona]
    client: Client = client_for(actor)
    before = _snapshot()

    # when the persona tries the action
    response = _attempt(client, action, state)

    if action_name == "queue_counts":
        # then the page is theirs either way, the case's work counted for the allowed only,
        # and looking writes nothing
        assert response.status_code == 200
        assert _nav_counter(response.content.decode()) == ("1" if allowed else None)
        assert _snapshot() == before
        return
    if not allowed:
        # then not found, and nothing changed
        assert response.status_code == 404, response.status_code
        assert _snapshot() == before
        return
    # then the step is done: back to the document's page without a refusal, and recorded
    if action.method == "post":
        assert response.status_code == 302, response.status_code
        assert response["Location"] == state.detail_url()
        assert RETRY_KEY not in client.session, client.session.get(RETRY_KEY)
    else:
        assert response.status_code == 200, response.status_code
    action.done(state, actor)


# The leader's steps taken by the delegate: "acting for another person leaves their name and
# yours" (DOMAIN.md).
DELEGATED_STEPS = [
    ("assign", "assign"),
    ("decide_extension", "approve_extension"),
    ("cancel", "cancel"),
    ("reopen", "reopen"),
    ("chase", "chase"),
]


@pytest.mark.parametrize(("action_name", "history_action"), DELEGATED_STEPS)
def test_a_step_of_the_delegate_names_the_leader(
    action_name: str, history_action: str, build: Build, client_for: Any
) -> None:
    # given the state of the action, and the delegate signed in
    action = ACTIONS[action_name]
    state = build(action.stage)
    delegate, leader = state.people["delegate"], state.people["leader"]

    # when the delegate takes the leader's step
    response = _attempt(client_for(delegate), action, state)

    # then the history row and the journal event carry both names
    assert response.status_code == 302
    step = HandlingHistory.objects.get(incoming=state.incoming, action=history_action)
    assert (step.actor, step.on_behalf_of) == (delegate, leader)
    event = AuditEvent.objects.get(action=f"handling.{history_action}")
    assert (event.actor, event.on_behalf_of) == (delegate, leader.full_name)
