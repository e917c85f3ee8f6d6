"""Scenarios for the work-file tests: incoming documents handled by the specialist (assigned
by the leader and completed), an approved file plan."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govdoc.assignments.services.assigning import incoming_assign
from govdoc.assignments.services.common import AssigneeInput
from govdoc.assignments.services.handling import assignment_complete
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_pdf
from govdoc.core.calendar import add_working_days
from govdoc.documents.models import DocumentType
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.workflow import PlanStatus


def handled(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    *,
    subject: str = "Về việc giao đất cho dự án khu dân cư",
    issued: dt.date = dt.date(2026, 3, 2),
    number: str = "15",
    complete: bool = True,
    handler: str = "specialist",
    pdf_text: str = "",
) -> IncomingDocument:
    """Registered by the clerk, assigned by the leader to the handler, completed."""
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            subject=subject,
            issued_date=issued,
            code_number=number,
            **(
                {"main_file": Upload(name="van-ban.pdf", data=make_pdf(pdf_text))}
                if pdf_text
                else {}
            ),
        ),
        actor=personas["clerk"],
    )
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    (lead,) = incoming_assign(
        incoming=incoming,
        instruction="Đề nghị xử lý",
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=personas[handler].pk,
                due_date=add_working_days(dt.date.today(), 10),
            )
        ],
        actor=personas["leader"],
    )
    if complete:
        assignment_complete(assignment=lead, result="Đã xử lý xong", actor=personas[handler])
    incoming.refresh_from_db()
    return incoming


def approved_plan(
    ministry: Agency, personas: dict[str, User], unit: Unit, *, year: int | None = None
) -> FilePlan:
    plan = FilePlan.objects.create(
        agency=ministry,
        year=year or timezone.localdate().year,
        status=PlanStatus.APPROVED,
        created_by=personas["clerk"],
        created_at=timezone.now(),
        approved_by=personas["leader"],
        approved_at=timezone.now(),
    )
    heading = PlanHeading.objects.create(plan=plan, number="I", title="Đất đai", position=1)
    PlannedFile.objects.create(
        plan=plan,
        heading=heading,
        notation="01.DD",
        title="Hồ sơ giao đất năm nay",
        permanent=False,
        retention_years=20,
        unit=unit,
        position=1,
    )
    PlannedFile.objects.create(
        plan=plan,
        heading=heading,
        notation="02.DD",
        title="Hồ sơ thanh tra đất đai",
        permanent=True,
        retention_years=None,
        unit=unit,
        position=2,
    )
    return plan
