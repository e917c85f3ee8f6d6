"""A ministry's handling work in every state, built through the services, for the tests of
the queues (selectors and pages).

On Monday 23/11/2026 the leader gives the specialist two tasks due Wednesday 25/11 (one of
them urgent); on Tuesday 01/12/2026 (today in the tests):

- document A ("… giao đất đai …") is presented and assigned: Vụ Đất đai leads (due 04/12),
  Vụ TCCB co-handles, the colleague reads it for information (follow-up: the clerk); the unit
  head gives the specialist the lead (due 03/12) and the colleague a share (due 04/12); the
  specialist asks the colleague's opinion and asks for more time (to 08/12);
- document B is presented to the leader and waits for the leader's instruction;
- task T: the specialist leads, the colleague co-handles and has completed their part;
- of the two old tasks, O1 (urgent) is overdue and O2 was sent back by the specialist.

Nobody in Vụ TCCB leads it, so the stranger (a specialist of Vụ TCCB) and the outsider (of
another agency) see nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from govdoc.assignments.models import Assignment, ExtensionRequest, OpinionRequest, Task
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_return,
    assignment_sub_assign,
    extension_request,
    incoming_assign,
    opinion_ask,
    task_create,
)
from govdoc.assignments.tests.conftest import DUE, TODAY
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User

TZ = dt.timezone(dt.timedelta(hours=7))
EARLIER = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
OLD_DUE = dt.date(2026, 11, 25)
SPECIALIST_DUE = dt.date(2026, 12, 3)

LEAD, SUPPORT, INFO = HandlingRole.LEAD, HandlingRole.SUPPORT, HandlingRole.INFO


@dataclass
class Scenario:
    team: dict[str, User]
    doc_a: IncomingDocument
    doc_b: IncomingDocument
    task: Task
    old_overdue: Task
    old_returned: Task
    # Assignments by a short name: A_DD, A_TCCB, A_INFO, A_spec, A_coll, T_spec, T_coll,
    # O1_spec, O2_spec.
    a: dict[str, Assignment]
    opinion: OpinionRequest
    extension: ExtensionRequest

    def names(self, rows: Any) -> set[str]:
        """The short names of the assignments among `rows`."""
        by_id = {assignment.pk: name for name, assignment in self.a.items()}
        return {by_id[row.pk] for row in rows}


def build(
    time_machine: Any,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> Scenario:
    leader, unit_head, specialist = team["leader"], team["unit_head"], team["specialist"]
    colleague, clerk = team["colleague"], team["clerk"]
    time_machine.move_to(EARLIER, tick=False)
    old_overdue = task_create(
        agency=ministry,
        title="Báo cáo kiểm kê đất đai năm 2026",
        description="Số liệu theo từng tỉnh.",
        assignees=[AssigneeInput(role=LEAD, person_id=specialist.pk, due_date=OLD_DUE)],
        actor=leader,
        priority=Priority.URGENT,
    )
    old_returned = task_create(
        agency=ministry,
        title="Tổng hợp ý kiến góp ý dự thảo luật",
        description="",
        assignees=[AssigneeInput(role=LEAD, person_id=specialist.pk, due_date=OLD_DUE)],
        actor=leader,
    )
    time_machine.move_to(TODAY, tick=False)
    doc_a = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, issued_date=dt.date(2026, 11, 27)),
        actor=clerk,
    )
    doc_b = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            issued_date=dt.date(2026, 11, 27),
            subject="Về việc tuyển dụng công chức năm 2027",
            code_number="16",
        ),
        actor=clerk,
    )
    incoming_present(incoming=doc_a, leader=leader, actor=clerk)
    incoming_present(incoming=doc_b, leader=leader, actor=clerk)
    a_dd, a_tccb, a_info = incoming_assign(
        incoming=doc_a,
        instruction="Vụ Đất đai chủ trì, Vụ TCCB phối hợp.",
        assignees=[
            AssigneeInput(role=LEAD, unit_id=units["DD"].pk, due_date=DUE),
            AssigneeInput(role=SUPPORT, unit_id=units["TCCB"].pk, due_date=DUE),
            AssigneeInput(role=INFO, person_id=colleague.pk),
        ],
        actor=leader,
        follow_up_id=clerk.pk,
    )
    a_spec, a_coll = assignment_sub_assign(
        assignment=a_dd,
        assignees=[
            AssigneeInput(role=LEAD, person_id=specialist.pk, due_date=SPECIALIST_DUE),
            AssigneeInput(role=SUPPORT, person_id=colleague.pk, due_date=DUE),
        ],
        actor=unit_head,
    )
    opinion = opinion_ask(
        assignment=a_spec,
        asked_of_id=colleague.pk,
        question="Anh cho ý kiến về diện tích đề nghị giao?",
        actor=specialist,
    )
    extension = extension_request(
        assignment=a_spec,
        requested_due=dt.date(2026, 12, 8),
        reason="Chờ số liệu đo đạc của Sở.",
        actor=specialist,
    )
    task = task_create(
        agency=ministry,
        title="Rà soát quy chế làm việc của Vụ",
        description="Đề xuất sửa đổi trước cuối năm.",
        assignees=[
            AssigneeInput(role=LEAD, person_id=specialist.pk, due_date=DUE),
            AssigneeInput(role=SUPPORT, person_id=colleague.pk, due_date=DUE),
        ],
        actor=leader,
    )
    t_spec, t_coll = list(task.assignments.order_by("id"))
    assignment_complete(assignment=t_coll, result="Đã góp ý phần của tôi.", actor=colleague)
    o1 = old_overdue.assignments.get()
    o2 = old_returned.assignments.get()
    assignment_return(assignment=o2, reason="Không thuộc chức năng của Vụ.", actor=specialist)
    return Scenario(
        team=team,
        doc_a=doc_a,
        doc_b=doc_b,
        task=task,
        old_overdue=old_overdue,
        old_returned=old_returned,
        a={
            "A_DD": a_dd,
            "A_TCCB": a_tccb,
            "A_INFO": a_info,
            "A_spec": a_spec,
            "A_coll": a_coll,
            "T_spec": t_spec,
            "T_coll": t_coll,
            "O1_spec": o1,
            "O2_spec": o2,
        },
        opinion=opinion,
        extension=extension,
    )


# What each persona's queues hold (short names), today.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "specialist": {
        "cho-xu-ly": {"T_spec", "O1_spec"},
        "dang-xu-ly": {"A_spec"},
        "qua-han": {"O1_spec"},
        "sap-den-han": {"A_spec"},
    },
    "colleague": {
        "cho-xu-ly": {"A_coll"},
        "de-biet": {"A_INFO"},
        "da-xu-ly": {"T_coll"},
    },
    "unit_head": {
        "dang-xu-ly": {"A_DD"},
        "toi-giao": {"A_spec", "A_coll"},
        "don-vi": {"A_DD", "A_spec", "A_coll", "T_spec", "O1_spec"},
    },
    "leader": {
        "toi-giao": {"A_DD", "A_TCCB", "T_spec", "O1_spec"},
        "tra-lai": {"O2_spec"},
        "don-vi": {"A_DD", "A_TCCB", "A_spec", "A_coll", "T_spec", "O1_spec"},
    },
    "clerk": {
        # The clerk follows up document A (named by the leader), and follows the register.
        "toi-giao": {"A_DD", "A_TCCB", "A_spec", "A_coll"},
        "don-vi": {"A_DD", "A_TCCB", "A_spec", "A_coll", "T_spec", "O1_spec"},
    },
    "stranger": {},
    "outsider": {},
}
# Presented to me, opinions asked of me (unanswered), requests for more time to decide.
EXPECTED_OTHER: dict[str, dict[str, int]] = {
    "specialist": {},
    "colleague": {"xin-y-kien": 1},
    "unit_head": {"gia-han": 1},
    "leader": {"trinh": 1},
    "clerk": {},
    "stranger": {},
    "outsider": {},
}
# The navigation's total: new or overdue work (each once), presented, opinions, extensions,
# unread for information.
EXPECTED_TOTAL = {
    "specialist": 2,
    "colleague": 3,
    "unit_head": 1,
    "leader": 1,
    "clerk": 0,
    "stranger": 0,
    "outsider": 0,
}
PERSONAS = list(EXPECTED)
