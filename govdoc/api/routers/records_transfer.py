"""Transfer of work files to the agency archive over the API: batches (list, get, submit),
the archivist's decision on each file, requests to keep a file longer and the leader's
decision; the administrator's hand-over. Writes call the records app's services."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Status as Respond

from govdoc.api.calls import FOUND, WRITE, actor_of, agency_id_of, refusals
from govdoc.core.errors import NotFound
from govdoc.organizations.models import User
from govdoc.records.access import case_file_for, visible_batches
from govdoc.records.models import KeepRequest, TransferBatch, TransferItem
from govdoc.records.services.handover import handover
from govdoc.records.services.transfer import (
    keep_decide,
    keep_request,
    plan_check,
    transfer_accept,
    transfer_return,
    transfer_submit,
)

router = Router(tags=["Hồ sơ: nộp lưu, bàn giao"])


class TransferItemOut(Schema):
    id: int
    file_id: int
    code: str
    title: str
    retention: str
    decision: str
    reason: str
    plan_note: str = Field(..., description="Đối chiếu danh mục: rỗng nếu khớp.")


class BatchOut(Schema):
    id: int
    number: int
    year: int
    status: str
    submitted_by: str
    submitted_at: dt.datetime
    note: str
    items: list[TransferItemOut]


class SubmitIn(Schema):
    file_ids: list[int]
    note: str = ""


class DecisionIn(Schema):
    decision: Literal["accept", "return"]
    reason: str = ""


class KeepIn(Schema):
    until: dt.date | None = None
    reason: str = ""


class KeepOut(Schema):
    id: int
    file_id: int
    until: dt.date
    reason: str
    status: str
    decision_note: str


class KeepDecisionIn(Schema):
    approve: bool
    note: str = ""


class HandoverIn(Schema):
    from_person_id: int
    to_person_id: int
    reason: str = ""


class HandoverOut(Schema):
    files: int
    assignments: int
    drafts: int
    steps: int


def _batch_out(batch: TransferBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "number": batch.number,
        "year": batch.year,
        "status": batch.status,
        "submitted_by": str(batch.submitted_by.full_name or batch.submitted_by.username),
        "submitted_at": batch.submitted_at,
        "note": batch.note,
        "items": [
            {
                "id": item.pk,
                "file_id": item.case_file_id,
                "code": item.case_file.code,
                "title": item.case_file.title,
                "retention": item.case_file.retention,
                "decision": item.decision,
                "reason": item.reason,
                "plan_note": note,
            }
            for item, note in plan_check(batch)
        ],
    }


def _batch(actor: Any, batch_id: int) -> TransferBatch:
    batch = (
        visible_batches(actor, agency_id_of(actor))
        .select_related("submitted_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound()
    return batch


def _keep_out(request: KeepRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "file_id": request.case_file_id,
        "until": request.until,
        "reason": request.reason,
        "status": request.status,
        "decision_note": request.decision_note,
    }


@router.get(
    "/transfers",
    response={200: list[BatchOut], **FOUND},
    summary="Các đợt nộp lưu",
    url_name="records_transfers",
)
def transfers_list(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    batches = visible_batches(actor, agency_id_of(actor)).select_related("submitted_by")
    return [_batch_out(b) for b in batches.order_by("-submitted_at")[:100]]


@router.get(
    "/transfers/{batch_id}",
    response={200: BatchOut, **FOUND},
    summary="Xem một đợt nộp lưu",
    url_name="records_transfer",
)
def transfer_get(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _batch_out(_batch(actor_of(request), batch_id))


@router.post(
    "/transfers",
    response={201: BatchOut, **WRITE},
    summary="Nộp lưu hồ sơ",
    description=(
        "Người lập hồ sơ hoặc lãnh đạo của họ nộp các hồ sơ đã kết thúc, bảo quản từ 5 năm "
        "trở lên. Hồ sơ đang lập, bị phong tỏa hoặc bảo quản dưới 5 năm: 400, không ghi gì."
    ),
    url_name="records_transfer_submit",
)
def transfer_create(request: HttpRequest, payload: SubmitIn) -> Any:
    actor = actor_of(request)
    with refusals(hide_forbidden=False):
        batch = transfer_submit(actor=actor, case_file_ids=payload.file_ids, note=payload.note)
    return Respond(201, _batch_out(_batch(actor, batch.pk)))


@router.post(
    "/transfers/{batch_id}/items/{item_id}",
    response={200: BatchOut, **WRITE},
    summary="Lưu trữ tiếp nhận hoặc trả lại một hồ sơ",
    description="Chỉ lưu trữ cơ quan; trả lại cần `reason`. Đã quyết định rồi: 409.",
    url_name="records_transfer_decide",
)
def transfer_decide(
    request: HttpRequest, batch_id: int, item_id: int, payload: DecisionIn
) -> dict[str, Any]:
    actor = actor_of(request)
    batch = _batch(actor, batch_id)
    item = get_object_or_404(TransferItem, pk=item_id, batch=batch)
    with refusals(hide_forbidden=False):
        if payload.decision == "accept":
            transfer_accept(item=item, actor=actor)
        else:
            transfer_return(item=item, actor=actor, reason=payload.reason)
    return _batch_out(_batch(actor, batch.pk))


@router.post(
    "/files/{file_id}/keep",
    response={201: KeepOut, **WRITE},
    summary="Đề nghị giữ lại hồ sơ quá hạn nộp lưu",
    description="Người lập hồ sơ; tối đa 2 năm sau hạn nộp lưu.",
    url_name="records_keep_request",
)
def keep_create(request: HttpRequest, file_id: int, payload: KeepIn) -> Any:
    actor = actor_of(request)
    case_file = case_file_for(actor, agency_id_of(actor), file_id)
    with refusals(hide_forbidden=False):
        made = keep_request(
            case_file=case_file, actor=actor, until=payload.until, reason=payload.reason
        )
    return Respond(201, _keep_out(made))


@router.post(
    "/keep-requests/{request_id}",
    response={200: KeepOut, **WRITE},
    summary="Phê duyệt đề nghị giữ lại hồ sơ",
    description="Lãnh đạo cơ quan đồng ý hoặc không (cần `note`).",
    url_name="records_keep_decide",
)
def keep_decision(request: HttpRequest, request_id: int, payload: KeepDecisionIn) -> dict[str, Any]:
    actor = actor_of(request)
    found = KeepRequest.objects.filter(
        pk=request_id, case_file__agency_id=agency_id_of(actor) or 0
    ).first()
    if found is None:
        raise NotFound()
    with refusals(hide_forbidden=False):
        decided = keep_decide(
            request=found, actor=actor, approve=payload.approve, note=payload.note
        )
    return _keep_out(decided)


@router.post(
    "/handover",
    response={200: HandoverOut, **WRITE},
    summary="Bàn giao hồ sơ, công việc",
    description=(
        "Quản trị cơ quan chuyển mọi hồ sơ chưa nộp lưu, việc xử lý đang mở, dự thảo đang "
        "soạn và bước duyệt đang chờ của một người cho người khác cùng cơ quan."
    ),
    url_name="records_handover",
)
def handover_post(request: HttpRequest, payload: HandoverIn) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = agency_id_of(actor) or 0
    from_person = User.objects.filter(pk=payload.from_person_id, agency_id=agency_id).first()
    to_person = User.objects.filter(pk=payload.to_person_id).first()
    if from_person is None or to_person is None:
        raise NotFound()
    with refusals(hide_forbidden=False):
        counts = handover(
            actor=actor, from_person=from_person, to_person=to_person, reason=payload.reason
        )
    return {
        "files": counts.files,
        "assignments": counts.assignments,
        "drafts": counts.drafts,
        "steps": counts.steps,
    }
