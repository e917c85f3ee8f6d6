"""The demo's handling of incoming documents and its tasks, through the services as people
would do it today: the clerk presents the latest documents, the leader assigns most of them
with deadlines, the unit leader assigns within the unit, the specialist reports and
completes some; a few tasks without a document; default deadlines per urgency.

Everything happens "now" (deadlines are checked against today), so the queues show work
waiting, in progress and done; what becomes overdue does so as the days pass."""

from __future__ import annotations

import random
from collections.abc import Callable

from govdoc.assignments.models import Assignment
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_mark_read,
    assignment_progress,
    assignment_sub_assign,
    incoming_assign,
    task_create,
)
from govdoc.assignments.workflow import HandlingRole
from govdoc.core.calendar import add_working_days
from govdoc.core.dates import today
from govdoc.documents.models import Priority
from govdoc.documents.services import deadline_rule_create
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit, User
from govdoc.web import demo_data as data

Progress = Callable[[str], None]

# Working days given by default, by urgency (an agency's own rules; NĐ 30 leaves it to them).
DEADLINES: list[tuple[int | None, int]] = [
    (None, 10),
    (int(Priority.URGENT), 5),
    (int(Priority.VERY_URGENT), 3),
    (int(Priority.FLASH), 1),
]

TASKS: list[tuple[str, str, str, int]] = [
    (
        "Xây dựng báo cáo sơ kết công tác quản lý đất đai 6 tháng",
        "Tổng hợp số liệu của các đơn vị, đánh giá kết quả và đề xuất nhiệm vụ.",
        data.DEMO_UNIT,
        8,
    ),
    (
        "Rà soát thủ tục hành chính lĩnh vực tài nguyên nước",
        "Đề xuất phương án đơn giản hóa, gửi Vụ Pháp chế tổng hợp.",
        "PC",
        12,
    ),
    (
        "Chuẩn bị nội dung làm việc với Ủy ban nhân dân tỉnh Nghệ An",
        "Chuẩn bị báo cáo, tài liệu và danh sách thành phần tham dự.",
        "VP",
        4,
    ),
]


def demo_handling(
    ministry: Agency, people: dict[str, User], *, rng: random.Random, say: Progress
) -> int:
    """Hand the latest documents through the handling flow; returns how many were assigned."""
    admin, clerk, leader = people["admin"], people["vanthu"], people["lanhdao"]
    head, specialist = people["truongphong"], people["chuyenvien"]
    for priority, days in DEADLINES:
        deadline_rule_create(
            actor=admin,
            agency=ministry,
            working_days=days,
            document_type_id=None,
            priority=priority,
        )
    units = {u.abbreviation: u for u in Unit.objects.filter(agency=ministry)}
    demo_unit = units[data.DEMO_UNIT]
    latest = list(
        IncomingDocument.objects.filter(agency=ministry, status=Status.REGISTERED)
        .select_related("document")
        .order_by("-arrival_date")[:60]
    )
    day = today()
    assigned = 0
    for index, incoming in enumerate(latest):
        if index % 6 == 5:
            continue  # registered, not yet presented: the clerk's queue
        incoming_present(incoming=incoming, leader=leader, actor=clerk)
        if index % 6 == 4:
            continue  # presented, waiting for the leader's instruction
        urgent = incoming.document.priority > 0
        due = add_working_days(day, rng.choice([1, 2]) if urgent else rng.choice([3, 5, 8, 10]))
        lead_unit = demo_unit if index % 3 != 2 else incoming.receiving_unit or demo_unit
        others = [u for u in units.values() if u.pk != lead_unit.pk]
        lines = [AssigneeInput(role=HandlingRole.LEAD, unit_id=lead_unit.pk, due_date=due)]
        if rng.random() < 0.4:
            support = rng.choice(others)
            lines.append(AssigneeInput(role=HandlingRole.SUPPORT, unit_id=support.pk, due_date=due))
        if rng.random() < 0.3:
            lines.append(AssigneeInput(role=HandlingRole.INFO, person_id=admin.pk))
        created = incoming_assign(
            incoming=incoming,
            instruction=rng.choice(data.INSTRUCTIONS),
            assignees=lines,
            actor=leader,
            follow_up_id=clerk.pk if rng.random() < 0.5 else None,
        )
        assigned += 1
        _work_on(
            created, lead_unit=lead_unit, demo_unit=demo_unit, head=head, who=specialist, rng=rng
        )
    for title, description, unit_code, days in TASKS:
        unit = units.get(unit_code, demo_unit)
        task_create(
            agency=ministry,
            title=title,
            description=description,
            assignees=[
                AssigneeInput(
                    role=HandlingRole.LEAD, unit_id=unit.pk, due_date=add_working_days(day, days)
                )
            ],
            actor=leader,
            due_date=add_working_days(day, days),
        )
    say(f"Đã trình {len(latest) - len(latest) // 6} văn bản, phân công {assigned} văn bản.")
    return assigned


def _work_on(
    created: list[Assignment],
    *,
    lead_unit: Unit,
    demo_unit: Unit,
    head: User,
    who: User,
    rng: random.Random,
) -> None:
    """In the demo unit the unit leader hands most work to the specialist, who reports
    progress on some and completes others; readers read half of what they receive."""
    for assignment in created:
        if assignment.role == HandlingRole.INFO and rng.random() < 0.5:
            assignment_mark_read(assignment=assignment, actor=assignment.assignee_person)
    lead = created[0]
    if lead_unit.pk != demo_unit.pk or rng.random() < 0.2:
        return
    assert lead.due_date is not None
    child = assignment_sub_assign(
        assignment=lead,
        assignees=[AssigneeInput(role=HandlingRole.LEAD, person_id=who.pk, due_date=lead.due_date)],
        actor=head,
    )[0]
    roll = rng.random()
    if roll < 0.35:
        return
    assignment_progress(
        assignment=child,
        text=rng.choice(data.PROGRESS_NOTES),
        actor=who,
    )
    if roll < 0.7:
        return
    assignment_complete(assignment=child, result=rng.choice(data.RESULTS), actor=who)
