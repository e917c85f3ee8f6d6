"""The circuit of a draft over the API: submitting it, ad hoc steps, each step's approval or
return, the signer's return or signature, and the clerk's numbering and issuance.

Every write calls a service of the outgoing app on a draft (or a step of a draft) fetched for
the caller through `govdoc.outgoing.access`. "Not allowed" answers 404, like "not found"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja import Status as Respond

from govdoc.api.calls import WRITE, actor_of
from govdoc.api.outgoing_calls import detail, refusals, secret, step_for
from govdoc.api.outgoing_schemas import (
    DraftDetailOut,
    IssueIn,
    IssueOut,
    NoteIn,
    ReasonIn,
    SecretIn,
    StepIn,
    StepOut,
)
from govdoc.api.outgoing_shapes import outgoing_detail, step_out
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Unit
from govdoc.outgoing.access import draft_for
from govdoc.outgoing.inputs import StepInput
from govdoc.outgoing.models import ApprovalStep
from govdoc.outgoing.services.circuits import (
    draft_return_by_signer,
    draft_submit,
    step_add,
    step_approve,
    step_return,
)
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign

router = Router(tags=["Văn bản đi: duyệt, ký, phát hành"])

NOT_A_UNIT = "Chọn một đơn vị của cơ quan."


@router.post(
    "/drafts/{draft_id}/submit",
    response={200: DraftDetailOut, **WRITE},
    summary="Trình duyệt dự thảo",
    description=(
        "Người soạn thảo trình dự thảo vào quy trình duyệt (mặc định: lãnh đạo đơn vị duyệt "
        "nội dung → văn thư kiểm tra thể thức → người ký duyệt), hoặc trình lại sau khi bị "
        "trả lại. Chưa có nội dung trả 400."
    ),
    url_name="outgoing_draft_submit",
)
def outgoing_draft_submit(
    request: HttpRequest, draft_id: int, payload: NoteIn | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        draft_submit(draft=draft, actor=actor, note=payload.note if payload else "")
    return detail(request, actor, draft_id)


@router.post(
    "/drafts/{draft_id}/steps",
    response={201: StepOut, **WRITE},
    summary="Thêm bước duyệt",
    description=(
        "Người soạn thảo thêm một bước (một người trong cơ quan, hoặc nhóm văn thư) vào một "
        "lượt; cùng lượt thì song song. Bước ký luôn là lượt cuối."
    ),
    url_name="outgoing_step_add",
)
def outgoing_step_add(
    request: HttpRequest, draft_id: int, payload: StepIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        step = step_add(
            draft=draft,
            data=StepInput(
                kind=payload.kind,
                stage=payload.stage,
                assignee_id=payload.assignee_id,
                assignee_role=payload.assignee_role,
            ),
            actor=actor,
        )
    fresh = ApprovalStep.objects.select_related("assignee", "decided_by", "on_behalf_of")
    return Respond(201, step_out(fresh.get(pk=step.pk)))


@router.post(
    "/steps/{step_id}/approve",
    response={200: DraftDetailOut, **WRITE},
    summary="Duyệt một bước",
    description=(
        "Người được giao bước (hoặc người được ủy quyền, hoặc văn thư với bước của nhóm văn "
        "thư) đồng ý; duyệt đủ một lượt thì lượt sau mở. Bước đã được xử lý trả 409."
    ),
    url_name="outgoing_step_approve",
)
def outgoing_step_approve(
    request: HttpRequest, step_id: int, payload: NoteIn | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    step = step_for(actor, step_id)
    with refusals():
        step_approve(step=step, actor=actor, note=payload.note if payload else "")
    return detail(request, actor, step.draft_id)


@router.post(
    "/steps/{step_id}/return",
    response={200: DraftDetailOut, **WRITE},
    summary="Trả lại dự thảo để sửa",
    description="Người duyệt bước trả dự thảo cho người soạn thảo, kèm lý do (bắt buộc).",
    url_name="outgoing_step_return",
)
def outgoing_step_return(request: HttpRequest, step_id: int, payload: ReasonIn) -> dict[str, Any]:
    actor = actor_of(request)
    step = step_for(actor, step_id)
    with refusals():
        step_return(step=step, actor=actor, reason=payload.reason)
    return detail(request, actor, step.draft_id)


@router.post(
    "/drafts/{draft_id}/return",
    response={200: DraftDetailOut, **WRITE},
    summary="Người ký trả lại dự thảo đã duyệt",
    description="Thay vì ký, người ký trả dự thảo đã duyệt cho người soạn thảo, kèm lý do.",
    url_name="outgoing_draft_return",
)
def outgoing_draft_return(request: HttpRequest, draft_id: int, payload: ReasonIn) -> Any:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        draft_return_by_signer(draft=draft, actor=actor, reason=payload.reason)
    return detail(request, actor, draft_id)


@router.post(
    "/drafts/{draft_id}/sign",
    response={200: DraftDetailOut, **WRITE},
    summary="Ký số dự thảo đã duyệt",
    description=(
        "Người có thẩm quyền ký số phiên bản hiện tại bằng chứng thư số của mình (mật khẩu "
        "hoặc mã PIN). Từ đó nội dung không sửa được nữa. Chưa duyệt xong hoặc đã ký trả 409; "
        "sai mật khẩu trả 400."
    ),
    url_name="outgoing_draft_sign",
)
def outgoing_draft_sign(request: HttpRequest, draft_id: int, payload: SecretIn) -> Any:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        draft_sign(draft=draft, actor=actor, **secret(payload))
    return detail(request, actor, draft_id)


@router.post(
    "/drafts/{draft_id}/issue",
    response={201: IssueOut, **WRITE},
    summary="Cấp số và phát hành",
    description=(
        "Văn thư cấp số, ngày từ sổ văn bản đi, ghi vào văn bản đã ký, ký số của cơ quan và "
        "gửi đến các nơi nhận. Sai mật khẩu chứng thư của cơ quan: trả 400, văn bản giữ số đã "
        "cấp để thử lại. Đã phát hành trả 409."
    ),
    url_name="outgoing_draft_issue",
)
def outgoing_draft_issue(
    request: HttpRequest, draft_id: int, payload: IssueIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    unit_id = payload.keeping_unit_id
    if (
        unit_id is not None
        and not Unit.objects.filter(pk=unit_id, agency_id=draft.agency_id).exists()
    ):
        # The service would quietly keep the file copy in the drafting unit instead.
        raise ValidationFailed(NOT_A_UNIT, fields={"keeping_unit_id": NOT_A_UNIT})
    with refusals():
        result = draft_issue(
            draft=draft, actor=actor, keeping_unit_id=payload.keeping_unit_id, **secret(payload)
        )
    document = outgoing_detail(request, actor, result.outgoing.pk)
    return Respond(201, {"document": document, "notes": result.notes})
