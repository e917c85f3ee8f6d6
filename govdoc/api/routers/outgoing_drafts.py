"""Drafts of outgoing documents over the API: the boxes (mine, to review, to sign, to issue),
drafting with a file or a template, versions, attachments and comments, cancelling.

Every write calls a service of the outgoing app; every draft is fetched for the caller
through `govdoc.outgoing.access` first. "Not allowed" on a draft the caller sees answers 404,
like "not found". The circuit, signing and issuance are in `outgoing_circuit`."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import Field, FileEx, Form, P, Query, Router, Schema
from ninja import Status as Respond
from ninja.files import UploadedFile

from govdoc.api.calls import ERRORS, FOUND, WRITE, actor_of, capped_page_out, to_upload
from govdoc.api.downloads import BINARY_RESPONSE, journaled_download, via
from govdoc.api.outgoing_calls import (
    decoded,
    detail,
    draft_box,
    draft_input,
    from_template,
    input_of,
    refusals,
)
from govdoc.api.outgoing_schemas import (
    BOX_HELP,
    DRAFT_STATUS_HELP,
    Box,
    CommentOut,
    DraftCreateIn,
    DraftDetailOut,
    DraftPage,
    DraftUpdateIn,
    ReasonIn,
    TextIn,
    VersionTemplateIn,
    VersionUploadIn,
)
from govdoc.api.outgoing_shapes import DRAFT_RELATED, comment_out, draft_detail, draft_out
from govdoc.audit.services import audit_record
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import draft_for
from govdoc.outgoing.bodies import PreparedBody, prepare_upload
from govdoc.outgoing.models import DraftAttachment, DraftComment
from govdoc.outgoing.services.drafts import (
    draft_add_version,
    draft_attach,
    draft_cancel,
    draft_comment,
    draft_create,
    draft_detach,
    draft_update,
)

router = Router(tags=["Văn bản đi: dự thảo"])

FILES_HELP = "Tệp phụ lục, đính kèm (PDF, DOCX, ảnh…), gửi được nhiều tệp."
BODY_HELP = "Tệp dự thảo: DOCX (hệ thống chuyển sang PDF) hoặc PDF."
NO_AGENCY = "Tài khoản chưa thuộc cơ quan nào, không soạn thảo được văn bản."


class DraftQuery(Schema):
    box: Box = Field("mine", title="Hộp dự thảo", description=BOX_HELP)
    status: Literal[
        "",
        "DRAFTING",
        "IN_REVIEW",
        "RETURNED",
        "APPROVED",
        "SIGNED",
        "NUMBERED",
        "ISSUED",
        "CANCELLED",
    ] = Field("", title="Trạng thái", description=DRAFT_STATUS_HELP)
    page: int = Field(1, ge=1, title="Trang")
    page_size: int = Field(25, ge=1, le=100, title="Số dự thảo mỗi trang")


@router.get(
    "/drafts",
    response={200: DraftPage, **ERRORS},
    summary="Danh sách dự thảo",
    description=(
        "Dự thảo của một hộp: mine (tôi soạn), to_review (chờ tôi duyệt), to_sign (chờ tôi "
        "ký), to_issue (chờ văn thư phát hành); lọc theo trạng thái, phân trang."
    ),
    url_name="outgoing_draft_list",
)
def outgoing_draft_list(request: HttpRequest, params: Query[DraftQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = draft_box(actor, params.box).select_related(*DRAFT_RELATED)
    if params.status:
        queryset = queryset.filter(status=params.status)
    return capped_page_out(
        queryset, page=params.page, page_size=params.page_size, item=draft_out, box=params.box
    )


# --- one draft ----------------------------------------------------------------------------


@router.post(
    "/drafts",
    response={201: DraftDetailOut, **WRITE},
    summary="Tạo dự thảo văn bản đi",
    description=(
        "Thông tin, nơi nhận và nội dung (JSON): tệp DOCX/PDF mã hóa base64 (body_name, "
        "body_base64), hoặc tạo theo mẫu (template_code, template_values), hoặc chưa có nội "
        "dung (tải lên sau bằng …/versions). Lỗi dữ liệu trả 400 theo từng trường và không "
        "tạo gì; người không soạn thảo văn bản của cơ quan nhận 403."
    ),
    url_name="outgoing_draft_create",
)
def outgoing_draft_create(request: HttpRequest, payload: DraftCreateIn) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    agency: Agency | None = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationFailed(NO_AGENCY)
    data = draft_input(payload)
    with refusals(hide_forbidden=False):
        body: PreparedBody | None = None
        if payload.body_base64:
            upload = decoded(payload.body_name, payload.body_base64, field="body_base64")
            body = prepare_upload(upload, field_name="body_base64")
        elif payload.template_code:
            body = from_template(
                agency=agency,
                data=data,
                template_code=payload.template_code,
                values=payload.template_values,
                actor=actor,
            )
        extra = [
            decoded(f.name, f.content_base64, field="attachments") for f in payload.attachments
        ]
        draft = draft_create(agency=agency, data=data, actor=actor, body=body, attachments=extra)
    return Respond(201, detail(request, actor, draft.pk))


@router.get(
    "/drafts/{draft_id}",
    response={200: DraftDetailOut, **FOUND},
    summary="Xem một dự thảo",
    description=(
        "Thông tin, nơi nhận, các phiên bản, tệp đính kèm, các bước duyệt, ý kiến, lịch sử và "
        "các thao tác người gọi được làm; lượt xem được ghi nhật ký."
    ),
    url_name="outgoing_draft_detail",
)
def outgoing_draft_get(request: HttpRequest, draft_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing.view",
            target=draft,
            agency_id=draft.agency_id,
            data=via(request),
        )
    return draft_detail(request, actor, draft)


@router.put(
    "/drafts/{draft_id}",
    response={200: DraftDetailOut, **WRITE},
    summary="Sửa thông tin, nơi nhận của dự thảo",
    description=(
        "Người soạn thảo (hoặc người đang đến lượt duyệt). Gửi `version` đã đọc: nếu dự thảo "
        "đã thay đổi sau đó, trả 409 và không thay đổi gì. Dự thảo đã duyệt được sửa thì "
        "trình lại người ký."
    ),
    url_name="outgoing_draft_update",
)
def outgoing_draft_update(
    request: HttpRequest, draft_id: int, payload: DraftUpdateIn
) -> dict[str, Any]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        draft_update(
            draft=draft, data=draft_input(payload), expected_version=payload.version, actor=actor
        )
    return detail(request, actor, draft_id)


@router.post(
    "/drafts/{draft_id}/versions",
    response={201: DraftDetailOut, **WRITE},
    summary="Tải lên phiên bản mới",
    description=(
        "multipart/form-data: tệp `body` (DOCX hoặc PDF), `note`, và `version` đã đọc (không "
        "bắt buộc; đã cũ thì trả 409). Dự thảo đã ký số thì không sửa được nữa (409)."
    ),
    url_name="outgoing_draft_version",
)
def outgoing_draft_version(
    request: HttpRequest,
    draft_id: int,
    payload: Form[VersionUploadIn],
    body: FileEx[UploadedFile, P(title="Tệp dự thảo", description=BODY_HELP)],
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        prepared = prepare_upload(to_upload(body, field="body"), field_name="body")
        draft_add_version(
            draft=draft,
            body=prepared,
            actor=actor,
            note=payload.note,
            expected_version=payload.version,
        )
    return Respond(201, detail(request, actor, draft_id))


@router.post(
    "/drafts/{draft_id}/versions/template",
    response={201: DraftDetailOut, **WRITE},
    summary="Tạo phiên bản mới theo mẫu",
    description=(
        "Tạo lại nội dung theo mẫu NĐ 30 với thông tin hiện tại của dự thảo và các giá trị "
        "gửi kèm (JSON). Lỗi giá trị trả 400 theo từng trường."
    ),
    url_name="outgoing_draft_version_template",
)
def outgoing_draft_version_template(
    request: HttpRequest, draft_id: int, payload: VersionTemplateIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        prepared = from_template(
            agency=draft.agency,
            data=input_of(draft),
            template_code=payload.template_code,
            values=payload.values,
            actor=actor,
            values_field="values",
        )
        draft_add_version(
            draft=draft,
            body=prepared,
            actor=actor,
            note=payload.note,
            expected_version=payload.version,
        )
    return Respond(201, detail(request, actor, draft_id))


@router.get(
    "/drafts/{draft_id}/versions/{number}/file",
    response={**FOUND},
    summary="Tải tệp một phiên bản",
    description="Tệp đã tải lên (hoặc bản PDF với pdf=true); lượt tải được ghi nhật ký.",
    url_name="outgoing_version_file",
    openapi_extra=BINARY_RESPONSE,
)
def outgoing_version_file(
    request: HttpRequest, draft_id: int, number: int, pdf: bool = False
) -> FileResponse:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    version = draft.versions.select_related("body", "pdf").filter(number=number).first()
    if version is None:
        raise NotFound()
    stored = version.pdf if pdf else version.body
    if stored is None:
        raise NotFound()
    name = version.body_name
    if pdf and not name.lower().endswith(".pdf"):
        name = f"{name.rsplit('.', 1)[0]}.pdf"
    return journaled_download(
        request,
        actor=actor,
        item=draft,
        name=name,
        stored=stored,
        label=f"{name} — phiên bản {version.number} — {draft}",
        agency_id=draft.agency_id,
    )


@router.post(
    "/drafts/{draft_id}/attachments",
    response={201: DraftDetailOut, **WRITE},
    summary="Thêm tệp đính kèm",
    description="multipart/form-data: các tệp `files` (phụ lục của dự thảo).",
    url_name="outgoing_draft_attach",
)
def outgoing_draft_attach(
    request: HttpRequest,
    draft_id: int,
    files: FileEx[list[UploadedFile], P(title="Tệp đính kèm", description=FILES_HELP)],
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals({"attachments": "files"}):
        uploads = [to_upload(f, field="files") for f in files]
        draft_attach(draft=draft, uploads=uploads, actor=actor)
    return Respond(201, detail(request, actor, draft_id))


@router.delete(
    "/drafts/{draft_id}/attachments/{attachment_id}",
    response={200: DraftDetailOut, **WRITE},
    summary="Bỏ một tệp đính kèm",
    description="Tệp không còn là phụ lục của dự thảo (tệp và dấu vết vẫn được giữ).",
    url_name="outgoing_draft_detach",
)
def outgoing_draft_detach(request: HttpRequest, draft_id: int, attachment_id: int) -> Any:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    if not DraftAttachment.objects.filter(
        pk=attachment_id, draft=draft, removed_at__isnull=True
    ).exists():
        raise NotFound()
    with refusals():
        draft_detach(draft=draft, attachment_id=attachment_id, actor=actor)
    return detail(request, actor, draft_id)


@router.get(
    "/drafts/{draft_id}/attachments/{attachment_id}/file",
    response={**FOUND},
    summary="Tải một tệp đính kèm của dự thảo",
    description="Trả nội dung tệp; lượt tải được ghi nhật ký.",
    url_name="outgoing_attachment_file",
    openapi_extra=BINARY_RESPONSE,
)
def outgoing_attachment_file(
    request: HttpRequest, draft_id: int, attachment_id: int
) -> FileResponse:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    item = draft.attachments.select_related("stored").filter(pk=attachment_id).first()
    if item is None:
        raise NotFound()
    return journaled_download(
        request,
        actor=actor,
        item=item,
        name=item.name,
        stored=item.stored,
        label=f"{item.name} — {draft}",
        agency_id=draft.agency_id,
    )


@router.post(
    "/drafts/{draft_id}/comments",
    response={201: CommentOut, **WRITE},
    summary="Cho ý kiến vào dự thảo",
    description="Người xem được dự thảo ghi ý kiến vào phiên bản hiện tại, đến khi phát hành.",
    url_name="outgoing_draft_comment",
)
def outgoing_draft_comment(
    request: HttpRequest, draft_id: int, payload: TextIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        comment = draft_comment(draft=draft, text=payload.text, actor=actor)
    fresh = DraftComment.objects.select_related("author", "draft_version").get(pk=comment.pk)
    return Respond(201, comment_out(fresh))


@router.post(
    "/drafts/{draft_id}/cancel",
    response={200: DraftDetailOut, **WRITE},
    summary="Hủy dự thảo",
    description="Người soạn thảo hủy dự thảo chưa duyệt xong, kèm lý do (bắt buộc).",
    url_name="outgoing_draft_cancel",
)
def outgoing_draft_cancel(request: HttpRequest, draft_id: int, payload: ReasonIn) -> Any:
    actor = actor_of(request)
    draft = draft_for(actor, draft_id)
    with refusals():
        draft_cancel(draft=draft, reason=payload.reason, actor=actor)
    return detail(request, actor, draft_id)
