"""The annual file plan (danh mục hồ sơ) over the API: the agency's plans, one plan with its
headings and files in order, creating one, adding headings and files to a draft, the head's
approval and reopening, copying a plan into a new year, and the PDF or Excel export.

Every write calls a service of govdoc.records on a plan fetched for the caller through
`govdoc.records.access`: a plan of another agency answers 404. Everyone of the agency reads
the plans, so an action they may not take answers 403 with the reason; a stale `version`
or a plan already approved answers 409."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from govdoc.api.calls import ERRORS, FOUND, WRITE, actor_of, agency_id_of, refusals
from govdoc.api.downloads import BINARY_RESPONSE
from govdoc.api.records_schemas import (
    ApproveIn,
    HeadingIn,
    HeadingOut,
    PlanCopyIn,
    PlanCreateIn,
    PlanDetailOut,
    PlannedFileIn,
    PlannedFileOut,
    PlanOut,
    ReopenIn,
)
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.records.access import plan_for, visible_plans
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plan_export import plan_export
from govdoc.records.services.plans import (
    OutlineHeading,
    PlannedFileInput,
    heading_add,
    name_of,
    plan_approve,
    plan_copy,
    plan_create,
    plan_outline,
    plan_reopen,
    planned_file_add,
)

router = Router(tags=["Hồ sơ: danh mục hồ sơ"])

NO_AGENCY = "Tài khoản chưa thuộc cơ quan nào."
# The service's field names → the client's.
RENAMED = {
    "heading": "heading_id",
    "parent": "parent_id",
    "unit": "unit_id",
    "person_in_charge": "person_in_charge_id",
    "retention": "retention_years",
}


def _person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": name_of(user)} if user is not None else None


def _file_out(item: PlannedFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "heading_id": item.heading_id,
        "notation": item.notation,
        "title": item.title,
        "permanent": item.permanent,
        "retention_years": item.retention_years,
        "retention": item.retention,
        "unit": {"id": item.unit.pk, "name": item.unit.name} if item.unit is not None else None,
        "person_in_charge": _person(item.person_in_charge),
        "person_in_charge_name": item.person_in_charge_name,
        "note": item.note,
        "capital_construction": item.capital_construction,
    }


def _heading_out(block: OutlineHeading) -> dict[str, Any]:
    return {
        "id": block.heading.pk,
        "number": block.heading.number,
        "title": block.heading.title,
        "parent_id": block.heading.parent_id,
        "files": [_file_out(f) for f in block.files],
        "children": [_heading_out(c) for c in block.children],
    }


def _plan_out(plan: FilePlan, files_count: int) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "year": plan.year,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "version": plan.version,
        "files_count": files_count,
        "created_at": plan.created_at,
        "approved_at": plan.approved_at,
        "approved_by": _person(plan.approved_by),
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date,
        "copied_from_id": plan.copied_from_id,
    }


def _detail(plan_id: int) -> dict[str, Any]:
    plan = FilePlan.objects.select_related("agency", "approved_by").get(pk=plan_id)
    outline = plan_outline(plan)
    return {
        **_plan_out(plan, outline.total),
        "agency_name": plan.agency.name,
        "permanent_count": outline.permanent,
        "limited_count": outline.limited,
        "headings": [_heading_out(h) for h in outline.headings],
    }


def _plan(actor: Any, plan_id: int) -> FilePlan:
    return plan_for(actor, agency_id_of(actor), plan_id)


class PlanQuery(Schema):
    year: int | None = Field(None, description="Chỉ danh mục của năm này.")


@router.get(
    "/plans",
    response={200: list[PlanOut], **ERRORS},
    summary="Danh mục hồ sơ của cơ quan",
    description="Các danh mục hồ sơ của cơ quan người gọi, năm mới nhất trước.",
    url_name="records_plans",
)
def records_plans(request: HttpRequest, params: Query[PlanQuery]) -> list[dict[str, Any]]:
    actor = actor_of(request)
    plans = visible_plans(actor, agency_id_of(actor)).select_related("approved_by")
    if params.year is not None:
        plans = plans.filter(year=params.year)
    counts: dict[int, int] = {}
    for plan_id in PlannedFile.objects.filter(plan__in=plans).values_list("plan_id", flat=True):
        counts[plan_id] = counts.get(plan_id, 0) + 1
    return [_plan_out(p, counts.get(p.pk, 0)) for p in plans.order_by("-year")]


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **FOUND},
    summary="Một danh mục hồ sơ",
    description="Danh mục với các đề mục (I, II…), đề mục con (1, 2…) và hồ sơ theo thứ tự.",
    url_name="records_plan",
)
def records_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _detail(_plan(actor, plan_id).pk)


@router.post(
    "/plans",
    response={201: PlanDetailOut, **WRITE},
    summary="Lập danh mục hồ sơ của một năm",
    description=(
        "Văn thư, lưu trữ cơ quan hoặc quản trị hệ thống lập danh mục (dự thảo) cho một năm; "
        "mỗi năm một danh mục (năm đã có trả 400). Người khác nhận 403."
    ),
    url_name="records_plan_create",
)
def records_plan_create(request: HttpRequest, payload: PlanCreateIn) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    agency: Agency | None = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationFailed(NO_AGENCY)
    with refusals(hide_forbidden=False):
        plan = plan_create(agency=agency, year=payload.year, actor=actor)
    return Respond(201, _detail(plan.pk))


@router.post(
    "/plans/{plan_id}/headings",
    response={201: HeadingOut, **WRITE},
    summary="Thêm đề mục",
    description=(
        "Thêm đề mục lớn (số La Mã, ở cuối danh mục) hoặc đề mục con (parent_id; số 1, 2… ở "
        "cuối đề mục lớn) vào danh mục đang lập. Danh mục đã phê duyệt trả 409."
    ),
    url_name="records_heading_add",
)
def records_heading_add(
    request: HttpRequest, plan_id: int, payload: HeadingIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    plan = _plan(actor, plan_id)
    with refusals(RENAMED, hide_forbidden=False):
        heading = heading_add(
            plan=plan,
            title=payload.title,
            parent_id=payload.parent_id,
            actor=actor,
            expected_version=payload.version,
        )
    fresh = PlanHeading.objects.get(pk=heading.pk)
    return Respond(
        201,
        {
            "id": fresh.pk,
            "number": fresh.number,
            "title": fresh.title,
            "parent_id": fresh.parent_id,
            "files": [],
            "children": [],
        },
    )


@router.post(
    "/plans/{plan_id}/files",
    response={201: PlannedFileOut, **WRITE},
    summary="Thêm hồ sơ vào danh mục",
    description=(
        "Thêm một hồ sơ (số và ký hiệu không trùng trong danh mục, tiêu đề, thời hạn bảo quản, "
        "đơn vị, người lập hồ sơ) vào cuối một đề mục của danh mục đang lập. Lỗi dữ liệu trả "
        "400 theo từng trường và không thêm gì."
    ),
    url_name="records_file_add",
)
def records_file_add(
    request: HttpRequest, plan_id: int, payload: PlannedFileIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    plan = _plan(actor, plan_id)
    data = PlannedFileInput(
        heading_id=payload.heading_id,
        notation=payload.notation,
        title=payload.title,
        permanent=payload.permanent,
        retention_years=payload.retention_years,
        unit_id=payload.unit_id,
        person_in_charge_id=payload.person_in_charge_id,
        person_in_charge_name=payload.person_in_charge_name,
        note=payload.note,
        capital_construction=payload.capital_construction,
    )
    with refusals(RENAMED, hide_forbidden=False):
        planned = planned_file_add(
            plan=plan, data=data, actor=actor, expected_version=payload.version
        )
    fresh = PlannedFile.objects.select_related("unit", "person_in_charge").get(pk=planned.pk)
    return Respond(201, _file_out(fresh))


@router.post(
    "/plans/{plan_id}/approve",
    response={200: PlanDetailOut, **WRITE},
    summary="Phê duyệt danh mục hồ sơ",
    description=(
        "Thủ trưởng (lãnh đạo) cơ quan phê duyệt danh mục đang lập, ghi số và ngày quyết "
        "định ban hành (bắt buộc). Người khác nhận 403; danh mục đã phê duyệt hoặc phiên bản "
        "cũ trả 409; danh mục chưa có hồ sơ, thiếu số hoặc ngày quyết định trả 400."
    ),
    url_name="records_plan_approve",
)
def records_plan_approve(
    request: HttpRequest, plan_id: int, payload: ApproveIn | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    plan = _plan(actor, plan_id)
    given = payload or ApproveIn(decision_number="", decision_date=None, version=None)
    with refusals(hide_forbidden=False):
        plan_approve(
            plan=plan,
            actor=actor,
            decision_number=given.decision_number,
            decision_date=given.decision_date,
            expected_version=given.version,
        )
    return _detail(plan.pk)


@router.post(
    "/plans/{plan_id}/reopen",
    response={200: PlanDetailOut, **WRITE},
    summary="Mở lại danh mục đã phê duyệt",
    description="Thủ trưởng cơ quan mở lại danh mục đã phê duyệt để sửa, kèm lý do (bắt buộc).",
    url_name="records_plan_reopen",
)
def records_plan_reopen(request: HttpRequest, plan_id: int, payload: ReopenIn) -> dict[str, Any]:
    actor = actor_of(request)
    plan = _plan(actor, plan_id)
    with refusals(hide_forbidden=False):
        plan_reopen(plan=plan, reason=payload.reason, actor=actor, expected_version=payload.version)
    return _detail(plan.pk)


@router.post(
    "/plans/{plan_id}/copy",
    response={201: PlanDetailOut, **WRITE},
    summary="Sao chép danh mục sang năm mới",
    description=(
        "Lập danh mục (dự thảo) của năm mới với các đề mục và hồ sơ của danh mục này. Năm đã "
        "có danh mục trả 400."
    ),
    url_name="records_plan_copy",
)
def records_plan_copy(
    request: HttpRequest, plan_id: int, payload: PlanCopyIn | None = None
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    source = _plan(actor, plan_id)
    with refusals(hide_forbidden=False):
        plan = plan_copy(source=source, year=payload.year if payload else None, actor=actor)
    return Respond(201, _detail(plan.pk))


class ExportQuery(Schema):
    format: str = Field("pdf", description="pdf (A4, mẫu Phụ lục V) hoặc xlsx.")


@router.get(
    "/plans/{plan_id}/export",
    response=FOUND,
    summary="Xuất danh mục hồ sơ (PDF, Excel)",
    description="Danh mục theo mẫu Nghị định 30 Phụ lục V; lượt xuất được ghi nhật ký.",
    url_name="records_plan_export",
    openapi_extra=BINARY_RESPONSE,
)
def records_plan_export(request: HttpRequest, plan_id: int, params: Query[ExportQuery]) -> Any:
    actor = actor_of(request)
    plan = FilePlan.objects.select_related("agency", "approved_by").get(pk=_plan(actor, plan_id).pk)
    export = plan_export(plan=plan, kind=params.format, actor=actor)
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
