"""Holds, appraisal and destruction over the API (mounted under "/records"): the holds of the
agency (administrator), setting and lifting one; the files whose retention has ended; the
destruction decisions one may see, one decision, proposing (archivist), the council's
opinions, the head's approval or refusal, the execution.

Every write calls a service of the records app. A hold or decision one does not see answers
404; an action one may not take on a decision one sees answers 403 with the reason, like
the work files; a list reserved to a role answers 403 to the others. Bad input: 400 with
field errors; a step out of turn (a second opinion, executing before approval): 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from govdoc.api.calls import FOUND, WRITE, actor_of, agency_id_of, capped_page_out, refusals
from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.records.models import CaseFile, DisposalDecision, RecordHold
from govdoc.records.services.disposal import (
    ProposalInput,
    decision_for,
    disposal_decide,
    disposal_execute,
    disposal_propose,
    disposal_vote,
    files_due_for_appraisal,
    may_appraise,
    rejection_note,
    retention_ends_on,
    visible_decisions,
)
from govdoc.records.services.holds import (
    covered_files,
    hold_for,
    hold_lift,
    hold_set,
    may_hold,
    scope_label,
    visible_holds,
)
from govdoc.records.workflow import DisposalStatus

router = Router(tags=["Hồ sơ: phong tỏa, hủy"])


# -- schemas ---------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class HoldQuery(PageQuery):
    active: bool = Field(False, title="Chỉ lệnh đang hiệu lực")
    agency_id: int | None = Field(
        None, title="Cơ quan (quản trị cài đặt không thuộc cơ quan nào chọn cơ quan)"
    )


class HoldOut(Schema):
    id: int
    scope: str
    case_file_id: int | None
    year: int | None
    unit_id: int | None
    reason: str
    set_by_name: str
    set_at: dt.datetime
    lifted_at: dt.datetime | None
    lift_reason: str
    files: int


class HoldPage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[HoldOut]


class HoldIn(Schema):
    case_file_id: int | None = Field(None, title="Một hồ sơ")
    year: int | None = Field(None, title="Hoặc các hồ sơ của một năm")
    unit_id: int | None = Field(None, title="… của một đơn vị (không bắt buộc)")
    reason: str = Field("", max_length=2000, title="Lý do phong tỏa")
    agency_id: int | None = Field(
        None, title="Cơ quan (chỉ quản trị cài đặt; mặc định: cơ quan của hồ sơ)"
    )


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class DueFileOut(Schema):
    id: int
    code: str
    title: str
    status: str
    retention: str
    retention_years: int | None
    work_ended_on: dt.date | None
    end_date: dt.date | None
    retention_ends_on: dt.date | None
    on_hold: bool


class DuePage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[DueFileOut]


class MemberOut(Schema):
    id: int
    name: str
    voted: bool
    agree: bool | None
    note: str
    at: dt.datetime | None


class DecisionOut(Schema):
    id: int
    number: int
    year: int
    title: str
    reason: str
    status: str
    status_label: str
    proposed_by_name: str
    proposed_at: dt.datetime
    approved_at: dt.datetime | None
    executed_at: dt.datetime | None
    files: int


class DecisionPage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[DecisionOut]


class DecisionDetailOut(DecisionOut):
    file_items: list[DueFileOut]
    members: list[MemberOut]
    rejection_note: str
    summary: list[dict[str, Any]]


class ProposalIn(Schema):
    title: str = Field("", max_length=1000)
    reason: str = Field("", max_length=4000)
    case_file_ids: list[int] = Field(default_factory=list, max_length=1000)
    member_ids: list[int] = Field(default_factory=list, max_length=100)


class VoteIn(Schema):
    agree: bool
    note: str = Field("", max_length=2000)


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


# -- answers ---------------------------------------------------------------------------------


def _hold_out(hold: RecordHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "scope": scope_label(hold),
        "case_file_id": hold.case_file_id,
        "year": hold.year,
        "unit_id": hold.unit_id,
        "reason": hold.reason,
        "set_by_name": str(hold.set_by.full_name or hold.set_by.username),
        "set_at": hold.set_at,
        "lifted_at": hold.lifted_at,
        "lift_reason": hold.lift_reason,
        "files": covered_files(hold).count(),
    }


def _file_out(case_file: CaseFile) -> dict[str, Any]:
    return {
        "id": case_file.pk,
        "code": case_file.code,
        "title": case_file.title,
        "status": case_file.status,
        "retention": case_file.retention,
        "retention_years": case_file.retention_years,
        "work_ended_on": case_file.work_ended_on,
        "end_date": case_file.end_date,
        "retention_ends_on": retention_ends_on(case_file),
        "on_hold": case_file.on_hold,
    }


def _decision_out(decision: DisposalDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "number": decision.number,
        "year": decision.year,
        "title": decision.title,
        "reason": decision.reason,
        "status": decision.status,
        "status_label": DisposalStatus(decision.status).label,
        "proposed_by_name": str(decision.proposed_by.full_name or decision.proposed_by.username),
        "proposed_at": decision.proposed_at,
        "approved_at": decision.approved_at,
        "executed_at": decision.executed_at,
        "files": decision.items.count(),
    }


def _detail(decision_id: int) -> dict[str, Any]:
    decision = DisposalDecision.objects.select_related("proposed_by").get(pk=decision_id)
    votes = {v.member_id: v for v in decision.votes.all()}
    members = []
    for row in decision.members.select_related("member").order_by("member__full_name", "pk"):
        vote = votes.get(row.member_id)
        members.append(
            {
                "id": row.member_id,
                "name": str(row.member.full_name or row.member.username),
                "voted": vote is not None,
                "agree": vote.agree if vote is not None else None,
                "note": vote.note if vote is not None else "",
                "at": vote.at if vote is not None else None,
            }
        )
    files = [
        _file_out(item.case_file)
        for item in decision.items.select_related("case_file").order_by(
            "case_file__year", "case_file__notation", "pk"
        )
    ]
    return {
        **_decision_out(decision),
        "file_items": files,
        "members": members,
        "rejection_note": rejection_note(decision),
        "summary": list(decision.summary or []),
    }


def _decision(actor: Any, decision_id: int) -> DisposalDecision:
    return decision_for(actor, agency_id_of(actor), decision_id)


# -- holds -----------------------------------------------------------------------------------


def _holds_agency(actor: Any, chosen: int | None) -> int | None:
    """The agency whose holds are asked for: the one chosen by a superuser (who administers
    every agency, and may belong to none), else the caller's own."""
    if chosen is not None and getattr(actor, "is_superuser", False):
        return chosen
    return agency_id_of(actor)


@router.get(
    "/holds",
    response={200: HoldPage, **FOUND},
    summary="Danh sách lệnh phong tỏa",
    description=(
        "Quản trị hệ thống của cơ quan (quản trị cài đặt: của cơ quan chọn bằng `agency_id`); "
        "người khác: 403."
    ),
    url_name="records_holds",
)
def holds_list(request: HttpRequest, params: Query[HoldQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = _holds_agency(actor, params.agency_id)
    if agency_id is None and getattr(actor, "is_superuser", False):
        message = "Vui lòng chọn cơ quan (agency_id) để xem các lệnh phong tỏa."
        raise ValidationFailed(message, fields={"agency_id": message})
    if not may_hold(actor, agency_id):
        raise Forbidden("Chỉ quản trị hệ thống của cơ quan được xem các lệnh phong tỏa.")
    holds = visible_holds(actor, agency_id).select_related("case_file", "unit", "set_by")
    if params.active:
        holds = holds.filter(lifted_at__isnull=True)
    return capped_page_out(
        holds.order_by("-set_at", "-pk"),
        page=params.page,
        page_size=params.page_size,
        item=_hold_out,
    )


@router.post(
    "/holds",
    response={201: HoldOut, **WRITE},
    summary="Phong tỏa hồ sơ",
    description=(
        "Một hồ sơ (`case_file_id`) hoặc các hồ sơ của một năm (`year`, có thể kèm "
        "`unit_id`), với lý do. Hồ sơ bị phong tỏa không thay đổi, nộp lưu hay hủy được."
    ),
    url_name="records_hold_set",
)
def holds_set(request: HttpRequest, payload: HoldIn) -> Any:
    actor = actor_of(request)
    with refusals(
        {"unit": "unit_id", "case_file": "case_file_id", "agency": "agency_id"},
        hide_forbidden=False,
    ):
        hold = hold_set(
            actor=actor,
            reason=payload.reason,
            case_file_id=payload.case_file_id,
            year=payload.year,
            unit_id=payload.unit_id,
            agency_id=payload.agency_id,
        )
    return Respond(201, _hold_out(RecordHold.objects.select_related("set_by").get(pk=hold.pk)))


@router.post(
    "/holds/{hold_id}/lift",
    response={200: HoldOut, **WRITE},
    summary="Gỡ phong tỏa",
    description="Với lý do; hồ sơ còn thuộc lệnh phong tỏa khác vẫn bị phong tỏa.",
    url_name="records_hold_lift",
)
def holds_lift(request: HttpRequest, hold_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = agency_id_of(actor)
    if getattr(actor, "is_superuser", False):
        # Every agency's holds are the installation administrator's to lift.
        agency_id = (
            RecordHold.objects.filter(pk=hold_id).values_list("agency_id", flat=True).first()
        )
    hold = hold_for(actor, agency_id, hold_id)
    with refusals(hide_forbidden=False):
        lifted = hold_lift(hold=hold, actor=actor, reason=payload.reason)
    return _hold_out(RecordHold.objects.select_related("set_by").get(pk=lifted.pk))


# -- appraisal and decisions -----------------------------------------------------------------


@router.get(
    "/appraisal",
    response={200: DuePage, **FOUND},
    summary="Hồ sơ hết thời hạn bảo quản",
    description=(
        "Hồ sơ đã kết thúc hoặc đã lưu trữ, không vĩnh viễn, không bị phong tỏa, chưa có "
        "trong quyết định hủy đang xử lý, đã hết thời hạn bảo quản. Lưu trữ cơ quan và "
        "lãnh đạo cơ quan; người khác: 403."
    ),
    url_name="records_appraisal",
)
def appraisal_list(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = agency_id_of(actor)
    if agency_id is None or not may_appraise(actor, agency_id):
        raise Forbidden("Chỉ lưu trữ cơ quan và lãnh đạo cơ quan được xem danh sách này.")
    return capped_page_out(
        files_due_for_appraisal(agency_id).order_by("year", "notation", "pk"),
        page=params.page,
        page_size=params.page_size,
        item=_file_out,
    )


@router.get(
    "/disposals",
    response={200: DecisionPage, **FOUND},
    summary="Danh sách quyết định hủy",
    description="Lưu trữ, lãnh đạo, quản trị: mọi quyết định; thành viên hội đồng: của mình.",
    url_name="records_disposals",
)
def disposals_list(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    decisions = visible_decisions(actor, agency_id_of(actor)).select_related("proposed_by")
    return capped_page_out(
        decisions.order_by("-proposed_at", "-pk"),
        page=params.page,
        page_size=params.page_size,
        item=_decision_out,
    )


@router.get(
    "/disposals/{decision_id}",
    response={200: DecisionDetailOut, **FOUND},
    summary="Xem một quyết định hủy",
    description="Hồ sơ, ý kiến hội đồng, phê duyệt; sau khi thực hiện: thông tin lưu giữ.",
    url_name="records_disposal",
)
def disposal_get(request: HttpRequest, decision_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _detail(_decision(actor, decision_id).pk)


@router.post(
    "/disposals",
    response={201: DecisionDetailOut, **WRITE},
    summary="Đề nghị hủy hồ sơ",
    description=(
        "Lưu trữ cơ quan: tên, căn cứ, hồ sơ đã hết thời hạn bảo quản, hội đồng (ít nhất 2 "
        "người của cơ quan). Hồ sơ vĩnh viễn, bị phong tỏa, đang lập hay chưa hết hạn: 400."
    ),
    url_name="records_disposal_propose",
)
def disposal_create(request: HttpRequest, payload: ProposalIn) -> Any:
    actor = actor_of(request)
    with refusals({"files": "case_file_ids", "members": "member_ids"}, hide_forbidden=False):
        decision = disposal_propose(
            actor=actor,
            data=ProposalInput(
                title=payload.title,
                reason=payload.reason,
                case_file_ids=payload.case_file_ids,
                member_ids=payload.member_ids,
            ),
        )
    return Respond(201, _detail(decision.pk))


@router.post(
    "/disposals/{decision_id}/vote",
    response={200: DecisionDetailOut, **WRITE},
    summary="Ý kiến thành viên hội đồng",
    description="Một lần; không đồng ý (kèm ý kiến) thì quyết định không được thông qua.",
    url_name="records_disposal_vote",
)
def disposal_vote_api(request: HttpRequest, decision_id: int, payload: VoteIn) -> dict[str, Any]:
    actor = actor_of(request)
    decision = _decision(actor, decision_id)
    with refusals(hide_forbidden=False):
        disposal_vote(decision=decision, actor=actor, agree=payload.agree, note=payload.note)
    return _detail(decision.pk)


@router.post(
    "/disposals/{decision_id}/decide",
    response={200: DecisionDetailOut, **WRITE},
    summary="Phê duyệt hoặc không phê duyệt quyết định hủy",
    description="Lãnh đạo cơ quan, sau khi hội đồng đồng ý; không phê duyệt cần lý do.",
    url_name="records_disposal_decide",
)
def disposal_decide_api(
    request: HttpRequest, decision_id: int, payload: DecideIn
) -> dict[str, Any]:
    actor = actor_of(request)
    decision = _decision(actor, decision_id)
    with refusals(hide_forbidden=False):
        disposal_decide(decision=decision, actor=actor, approve=payload.approve, note=payload.note)
    return _detail(decision.pk)


@router.post(
    "/disposals/{decision_id}/execute",
    response={200: DecisionDetailOut, **WRITE},
    summary="Thực hiện quyết định hủy",
    description=(
        "Lưu trữ cơ quan, sau khi được phê duyệt: hồ sơ chuyển “Đã hủy”, nội dung tệp bị xóa, "
        "thông tin hồ sơ và mục lục văn bản được lưu giữ. Hồ sơ bị phong tỏa: 409."
    ),
    url_name="records_disposal_execute",
)
def disposal_execute_api(request: HttpRequest, decision_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    decision = _decision(actor, decision_id)
    with refusals(hide_forbidden=False):
        disposal_execute(decision=decision, actor=actor)
    return _detail(decision.pk)
