"""What the file plan's tests share: the personas with an archivist, a plan filled through
the services, a snapshot of everything a plan write touches (to show a refusal wrote
nothing), workbooks to import and an API client with a bearer token."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.test import Client
from django.utils import timezone

from govdoc.api.tokens import token_create
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.records.models import FilePlan, FilePlanHistory, PlanHeading, PlannedFile
from govdoc.records.services.plans import (
    PlannedFileInput,
    heading_add,
    plan_create,
    planned_file_add,
)

THIS_YEAR = timezone.localdate().year
DECISION_NUMBER = "125/QĐ-BTNMT"


def decision() -> dict[str, Any]:
    """The approval decision's number and date (today: never in the future)."""
    return {"decision_number": DECISION_NUMBER, "decision_date": timezone.localdate()}


PERSONAS = ("specialist", "clerk", "archivist", "unit_head", "leader", "admin", "outsider")
EDITORS = {"clerk", "archivist", "admin"}
APPROVERS = {"leader"}
HEADER = (
    "Đề mục",
    "Số và ký hiệu hồ sơ",
    "Tên đề mục và tiêu đề hồ sơ",
    "Thời hạn bảo quản",
    "Đơn vị hoặc người lập hồ sơ",
    "Ghi chú",
)


def with_archivist(personas: dict[str, User], ministry: Agency) -> dict[str, User]:
    """The shared personas, and the agency's archivist (lưu trữ cơ quan)."""
    archivist = make_person(
        "luutru", agency=ministry, roles=[Role.ARCHIVIST], full_name="Đỗ Thị Lưu Trữ"
    )
    return {**personas, "archivist": archivist}


def file_input(heading: PlanHeading, notation: str, **overrides: Any) -> PlannedFileInput:
    values: dict[str, Any] = {
        "heading_id": heading.pk,
        "notation": notation,
        "title": f"Hồ sơ {notation}",
        "permanent": False,
        "retention_years": 10,
    }
    values.update(overrides)
    return PlannedFileInput(**values)


def filled_plan(
    ministry: Agency,
    clerk: User,
    units: dict[str, Unit],
    *,
    year: int = THIS_YEAR,
    person: User | None = None,
) -> FilePlan:
    """I. Tổ chức, cán bộ (01.TCCB vĩnh viễn, 02.TCCB 20 năm), 1. Tuyển dụng (03.TCCB 10
    năm); II. Văn phòng (01.VP vĩnh viễn, XDCB)."""
    plan = plan_create(agency=ministry, year=year, actor=clerk)
    first = heading_add(plan=plan, title="Tổ chức, cán bộ", actor=clerk)
    sub = heading_add(plan=plan, title="Tuyển dụng", parent_id=first.pk, actor=clerk)
    second = heading_add(plan=plan, title="Văn phòng", actor=clerk)
    planned_file_add(
        plan=plan,
        data=file_input(
            first,
            "01.TCCB",
            title="Hồ sơ quy hoạch cán bộ",
            permanent=True,
            retention_years=None,
            unit_id=units["TCCB"].pk,
        ),
        actor=clerk,
    )
    planned_file_add(
        plan=plan,
        data=file_input(
            first,
            "02.TCCB",
            title="Hồ sơ nâng lương",
            retention_years=20,
            person_in_charge_id=person.pk if person else None,
            person_in_charge_name="" if person else "Nguyễn Văn A",
        ),
        actor=clerk,
    )
    planned_file_add(
        plan=plan, data=file_input(sub, "03.TCCB", title="Hồ sơ tuyển dụng"), actor=clerk
    )
    planned_file_add(
        plan=plan,
        data=file_input(
            second,
            "01.VP",
            title="Hồ sơ sửa chữa trụ sở",
            permanent=True,
            retention_years=None,
            capital_construction=True,
            note="Bản giấy",
        ),
        actor=clerk,
    )
    plan.refresh_from_db()
    return plan


def snapshot(plan: FilePlan | None = None) -> dict[str, Any]:
    """Everything a plan write touches."""
    data: dict[str, Any] = {
        "plans": FilePlan.objects.count(),
        "headings": list(
            PlanHeading.objects.order_by("pk").values_list("pk", "number", "title", "position")
        ),
        "files": list(
            PlannedFile.objects.order_by("pk").values_list(
                "pk", "heading_id", "notation", "title", "retention_years", "position"
            )
        ),
        "events": AuditEvent.objects.filter(action__startswith="records.plan.").count(),
        "history": FilePlanHistory.objects.count(),
    }
    if plan is not None:
        fresh = FilePlan.objects.get(pk=plan.pk)
        data["plan"] = (
            fresh.status,
            fresh.version,
            fresh.approved_by_id,
            fresh.decision_number,
            fresh.decision_date,
        )
    return data


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=f"records.plan.{action}").order_by("pk"))


def workbook(rows: Sequence[Sequence[Any]], *, header: Sequence[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def api_client(user: User) -> Client:
    """A client that calls as a program: bearer token, no session, CSRF enforced."""
    key = token_create(user=user, name="Phần mềm thử", actor=user)[1]
    return Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {key}"})
