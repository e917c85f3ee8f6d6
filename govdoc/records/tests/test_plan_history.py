"""The file plan's approval decision (số, ngày quyết định ban hành danh mục hồ sơ): required
at approval, its date not in the future, kept on the plan, printed in the PDF and the
workbook; and the plan's append-only history: one row per step of the plan services
(created, copied, imported, headings and files added, changed, moved, removed, approved,
reopened), none for a refusal or a read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db.models import ProtectedError
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan, FilePlanHistory, PlanHeading, PlannedFile
from govdoc.records.services.plan_export import plan_export, plan_pdf, plan_xlsx
from govdoc.records.services.plan_import import plan_import
from govdoc.records.services.plans import (
    heading_delete,
    heading_move,
    heading_update,
    plan_approve,
    plan_copy,
    plan_create,
    plan_reopen,
    planned_file_delete,
    planned_file_move,
    planned_file_update,
)
from govdoc.records.tests.plan_helpers import (
    DECISION_NUMBER,
    THIS_YEAR,
    decision,
    file_input,
    filled_plan,
    snapshot,
    workbook,
)
from govdoc.records.workflow import PlanStatus

pytestmark = pytest.mark.django_db


def _steps(plan: FilePlan) -> list[str]:
    return list(
        FilePlanHistory.objects.filter(plan=plan)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def test_approval_needs_the_decision_number_and_a_date_not_in_the_future(
    plan: FilePlan, people: dict[str, User]
) -> None:
    leader = people["leader"]
    today = timezone.localdate()
    bad = [
        ({}, {"decision_number", "decision_date"}),
        ({"decision_number": "  ", "decision_date": today}, {"decision_number"}),
        ({"decision_number": "x" * 51, "decision_date": today}, {"decision_number"}),
        ({"decision_number": "12/QĐ"}, {"decision_date"}),
        (
            {"decision_number": "12/QĐ", "decision_date": today + dt.timedelta(days=1)},
            {"decision_date"},
        ),
    ]
    before = snapshot(plan)
    for kwargs, fields in bad:
        with pytest.raises(ValidationFailed) as error:
            plan_approve(plan=plan, actor=leader, **kwargs)  # type: ignore[arg-type]
        assert set(error.value.fields) == fields
        assert "quyết định ban hành" in error.value.message
    # another person is refused before the decision is even read
    with pytest.raises(Forbidden):
        plan_approve(plan=plan, actor=people["clerk"], **decision())
    assert snapshot(plan) == before
    # when the head approves with the decision (today's date is allowed)
    approved = plan_approve(
        plan=plan, actor=leader, decision_number=" 125/QĐ-BTNMT ", decision_date=today
    )
    # then the plan keeps it, with one history row saying so
    stored = FilePlan.objects.get(pk=approved.pk)
    assert stored.status == PlanStatus.APPROVED
    assert (stored.decision_number, stored.decision_date) == ("125/QĐ-BTNMT", today)
    row = FilePlanHistory.objects.filter(plan=plan, action="approve").get()
    assert row.actor == leader and row.actor_name == leader.display_name
    assert row.note == f"Phê duyệt, ban hành theo quyết định số 125/QĐ-BTNMT ngày {today:%d/%m/%Y}"
    assert row.data["decision_number"] == "125/QĐ-BTNMT"
    assert row.data["decision_date"] == today.isoformat()


def test_reopening_clears_the_decision_and_the_history_keeps_it(
    plan: FilePlan, people: dict[str, User]
) -> None:
    leader = people["leader"]
    plan_approve(plan=plan, actor=leader, **decision())
    plan_reopen(plan=plan, reason="Bổ sung hồ sơ", actor=leader)
    stored = FilePlan.objects.get(pk=plan.pk)
    assert stored.status == PlanStatus.DRAFT
    assert (stored.decision_number, stored.decision_date) == ("", None)
    row = FilePlanHistory.objects.get(plan=plan, action="reopen")
    assert row.note == "Mở lại để sửa: Bổ sung hồ sơ"
    assert row.data["decision_number"] == DECISION_NUMBER
    # approved again: the new decision
    plan_approve(
        plan=plan,
        actor=leader,
        decision_number="130/QĐ-BTNMT",
        decision_date=timezone.localdate(),
    )
    assert FilePlan.objects.get(pk=plan.pk).decision_number == "130/QĐ-BTNMT"
    assert _steps(plan)[-3:] == ["approve", "reopen", "approve"]


def test_every_step_of_the_plan_is_in_its_history(
    ministry: Agency, people: dict[str, User], units: dict[str, Unit]
) -> None:
    clerk = people["clerk"]
    plan = filled_plan(ministry, clerk, units, person=people["specialist"])
    # created, three headings, four files
    assert _steps(plan) == ["create"] + ["heading_add"] * 3 + ["file_add"] * 4
    first = PlanHeading.objects.get(plan=plan, title="Tổ chức, cán bộ")
    heading_update(heading=first, title="Tổ chức cán bộ", actor=clerk)
    second = PlanHeading.objects.get(plan=plan, title="Văn phòng")
    heading_move(heading=second, direction="up", actor=clerk)
    planned = PlannedFile.objects.get(plan=plan, notation="02.TCCB")
    planned_file_update(
        planned=planned,
        data=file_input(planned.heading, "02.TCCB", title="Hồ sơ nâng bậc lương"),
        actor=clerk,
    )
    planned_file_move(planned=planned, direction="up", actor=clerk)
    extra = PlanHeading.objects.create(plan_id=plan.pk, number="III", title="Tạm", position=9)
    heading_delete(heading=PlanHeading.objects.get(pk=extra.pk), actor=clerk)
    planned_file_delete(planned=PlannedFile.objects.get(plan=plan, notation="01.VP"), actor=clerk)
    # a refused step writes no history
    before = FilePlanHistory.objects.count()
    first = PlanHeading.objects.get(pk=first.pk)
    with pytest.raises(ValidationFailed):
        heading_update(heading=first, title=" ", actor=clerk)
    with pytest.raises(Forbidden):
        heading_update(heading=first, title="Khác", actor=people["specialist"])
    assert FilePlanHistory.objects.count() == before
    # a read (an export) is journaled but is not a step of the plan
    plan_export(plan=plan, kind="xlsx", actor=clerk)
    assert FilePlanHistory.objects.count() == before
    plan.refresh_from_db()
    plan_approve(plan=plan, actor=people["leader"], **decision())
    steps = _steps(plan)
    assert steps[8:] == [
        "heading_update",
        "heading_move",
        "file_update",
        "file_move",
        "heading_delete",
        "file_delete",
        "approve",
    ]
    notes = list(FilePlanHistory.objects.filter(plan=plan).order_by("at", "pk"))
    by_action = {row.action: row.note for row in notes}
    assert by_action["create"] == f"Lập danh mục hồ sơ năm {THIS_YEAR}"
    assert by_action["heading_update"] == "Sửa đề mục I: “Tổ chức, cán bộ” thành “Tổ chức cán bộ”"
    assert by_action["heading_move"] == "Chuyển đề mục II thành I"
    assert by_action["file_update"] == "Sửa hồ sơ 02.TCCB"
    assert by_action["file_delete"].startswith("Xóa hồ sơ 01.VP")
    assert all(row.actor_name for row in notes)
    # append-only: the rows are protected with the plan
    with pytest.raises(ProtectedError):
        FilePlan.objects.filter(pk=plan.pk).delete()


def test_copy_and_import_are_in_the_history(
    plan: FilePlan, people: dict[str, User], ministry: Agency
) -> None:
    copy = plan_copy(source=plan, year=THIS_YEAR + 1, actor=people["archivist"])
    (row,) = FilePlanHistory.objects.filter(plan=copy)
    assert row.action == "copy" and row.actor == people["archivist"]
    assert row.note == f"Sao chép từ danh mục năm {THIS_YEAR}: 3 đề mục, 4 hồ sơ"
    empty = plan_create(agency=ministry, year=THIS_YEAR - 1, actor=people["clerk"])
    rows = [("I", "", "VĂN PHÒNG", "", "", ""), ("", "01.VP", "Sổ đăng ký", "VV", "", "")]
    report = plan_import(
        plan=empty, name="danh-muc.xlsx", data=workbook(rows), actor=people["clerk"]
    )
    assert report.committed
    assert _steps(empty) == ["create", "import"]
    note = FilePlanHistory.objects.get(plan=empty, action="import").note
    assert note == "Nhập từ tệp danh-muc.xlsx: 1 đề mục, 0 đề mục con, 1 hồ sơ"


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join("\n".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_exports_carry_the_decision(plan: FilePlan, people: dict[str, User]) -> None:
    # a draft has none
    fresh = FilePlan.objects.select_related("agency").get(pk=plan.pk)
    assert "Quyết định số" not in _pdf_text(plan_pdf(fresh))
    day = timezone.localdate() - dt.timedelta(days=3)
    plan_approve(
        plan=plan, actor=people["leader"], decision_number="125/QĐ-BTNMT", decision_date=day
    )
    fresh = FilePlan.objects.select_related("agency", "approved_by").get(pk=plan.pk)
    line = f"(Ban hành kèm theo Quyết định số 125/QĐ-BTNMT ngày {day:%d/%m/%Y})"
    assert line in _pdf_text(plan_pdf(fresh))
    sheet = load_workbook(io.BytesIO(plan_xlsx(fresh))).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert line in values
    # the title comes first, then the decision
    assert (
        values.index(line)
        == values.index(f"DANH MỤC HỒ SƠ CỦA BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG NĂM {plan.year}") + 1
    )
