"""A small handling scenario built with the services, shared by the handling report tests.

December 2026 (Tuesday 01/12 is a working day; deadlines Friday 04/12):

- A: Vụ Đất đai leads (Vụ TCCB co-handles); the unit gives it to the specialist, who reports
  progress and completes on Thursday 03/12 — on time.
- B: Vụ Đất đai leads; the unit gives it to the colleague, who completes on Tuesday 08/12 —
  late by 2 working days.
- C: Vụ Đất đai leads; the unit gives it to the specialist; still open — overdue.
- D: Vụ TCCB leads, deadline 31/12; open — in progress.
- E: the specialist leads directly (no unit); open — overdue.
- F: Vụ Đất đai leads and sends it back to the leader — counted nowhere.
- N: arrived on 30/11 (November), Vụ Đất đai leads; open — outside a December period.
- T: a task (giao việc) led by Vụ Đất đai, deadline 04/12; open — overdue.

The report is read on Thursday 10/12/2026 ("today"): 4 working days after 04/12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from govdoc.assignments.models import Assignment, Task
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_progress,
    assignment_return,
    assignment_sub_assign,
    incoming_assign,
    task_create,
)
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_person
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role

TZ = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
DUE = dt.date(2026, 12, 4)
END_OF_MONTH = dt.date(2026, 12, 31)
TODAY = dt.date(2026, 12, 10)
NOW = dt.datetime(2026, 12, 10, 10, 0, tzinfo=TZ)


class Period(TypedDict):
    date_from: dt.date
    date_to: dt.date


DECEMBER = Period(date_from=dt.date(2026, 12, 1), date_to=dt.date(2026, 12, 31))
LEAD = HandlingRole.LEAD
SUPPORT = HandlingRole.SUPPORT


@dataclass
class Scenario:
    people: dict[str, User]
    units: dict[str, Unit]
    docs: dict[str, IncomingDocument]
    task: Task


def _person(name: str, ministry: Agency, units: dict[str, Unit]) -> User:
    people: dict[str, tuple[str, list[str], str, str]] = {
        "colleague": ("chuyenvien2", [Role.SPECIALIST], "DD", "Đỗ Văn Phối Hợp"),
        "stranger": ("chuyenvien3", [Role.SPECIALIST], "TCCB", "Vũ Thị Khác Đơn Vị"),
        "tccb_head": ("truongtccb", [Role.UNIT_LEADER], "TCCB", "Ngô Thị Trưởng Vụ"),
    }
    username, roles, unit, full_name = people[name]
    return make_person(
        username, agency=ministry, roles=roles, unit=units[unit], full_name=full_name
    )


def _new(
    code: str, people: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> IncomingDocument:
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            code_number=code,
            subject=f"Về việc thẩm định hồ sơ đất đai số {code}",
            issued_date=dt.date(2026, 11, 25),
        ),
        actor=people["clerk"],
    )
    incoming_present(incoming=incoming, leader=people["leader"], actor=people["clerk"])
    return incoming


def _assign(
    incoming: IncomingDocument, people: dict[str, User], *lines: AssigneeInput
) -> Assignment:
    created = incoming_assign(
        incoming=incoming,
        instruction=f"Giao xử lý văn bản {incoming.document.code}; báo cáo kết quả đúng hạn.",
        assignees=list(lines),
        actor=people["leader"],
    )
    return created[0]


def _within_unit(unit_work: Assignment, person: User, head: User) -> Assignment:
    return assignment_sub_assign(
        assignment=unit_work,
        assignees=[AssigneeInput(role=LEAD, person_id=person.pk, due_date=DUE)],
        actor=head,
    )[0]


def build_scenario(
    *,
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> Scenario:
    people = dict(personas)
    for name in ("colleague", "stranger", "tccb_head"):
        people[name] = _person(name, ministry, units)
    dd, tccb = units["DD"], units["TCCB"]
    docs: dict[str, IncomingDocument] = {}

    # November: N arrives on Monday 30/11.
    time_machine.move_to(dt.datetime(2026, 11, 30, 9, 0, tzinfo=TZ), tick=False)
    docs["N"] = _new("90", people, ministry, doc_type)
    _assign(docs["N"], people, AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE))

    time_machine.move_to(START, tick=False)
    for key, code in zip("ABCDEF", ("11", "12", "13", "14", "15", "16"), strict=True):
        docs[key] = _new(code, people, ministry, doc_type)
    unit_a = _assign(
        docs["A"],
        people,
        AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE),
        AssigneeInput(role=SUPPORT, unit_id=tccb.pk, due_date=DUE),
    )
    unit_b = _assign(docs["B"], people, AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE))
    unit_c = _assign(docs["C"], people, AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE))
    _assign(docs["D"], people, AssigneeInput(role=LEAD, unit_id=tccb.pk, due_date=END_OF_MONTH))
    _assign(
        docs["E"],
        people,
        AssigneeInput(role=LEAD, person_id=people["specialist"].pk, due_date=DUE),
    )
    unit_f = _assign(docs["F"], people, AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE))
    task = task_create(
        agency=ministry,
        title="Rà soát quy hoạch sử dụng đất năm 2027",
        description="Tổng hợp ý kiến các đơn vị.",
        assignees=[AssigneeInput(role=LEAD, unit_id=dd.pk, due_date=DUE)],
        actor=people["leader"],
    )

    head = people["unit_head"]
    person_a = _within_unit(unit_a, people["specialist"], head)
    person_b = _within_unit(unit_b, people["colleague"], head)
    _within_unit(unit_c, people["specialist"], head)
    assignment_return(assignment=unit_f, reason="Không thuộc chức năng của Vụ Đất đai.", actor=head)

    # Thursday 03/12: A is done on time.
    time_machine.move_to(dt.datetime(2026, 12, 3, 14, 0, tzinfo=TZ), tick=False)
    assignment_progress(
        assignment=person_a,
        text="Đã kiểm tra hồ sơ, đề xuất trình Bộ trưởng phê duyệt.",
        actor=people["specialist"],
    )
    assignment_complete(
        assignment=person_a,
        result="Đã thẩm định xong, dự thảo văn bản trả lời.",
        actor=people["specialist"],
    )
    # Tuesday 08/12: B is done, 2 working days late.
    time_machine.move_to(dt.datetime(2026, 12, 8, 10, 0, tzinfo=TZ), tick=False)
    assignment_complete(assignment=person_b, result="Đã trả lời Sở.", actor=people["colleague"])
    time_machine.move_to(NOW, tick=False)
    return Scenario(people=people, units=units, docs=docs, task=task)
