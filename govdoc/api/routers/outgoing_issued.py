"""Issued outgoing documents over the API: the list and one document with its deliveries per
recipient, its files, revocation, replacement and update, the post book's entries, a failed
e-mail sent again, and copies (sao y, sao lục, trích sao).

Every document is fetched for the caller through `govdoc.outgoing.access`; every write calls
a service of the outgoing app. "Not allowed" answers 404, like "not found"."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from govdoc.api.calls import ERRORS, FOUND, WRITE, actor_of, agency_id_of, capped_page_out
from govdoc.api.downloads import BINARY_RESPONSE, journaled_download, via
from govdoc.api.outgoing_calls import refusals, secret
from govdoc.api.outgoing_schemas import (
    OUTGOING_STATUS_HELP,
    ChangeIn,
    ChangeResultOut,
    CopyIn,
    CopyOut,
    DispatchOut,
    OutgoingDetailOut,
    OutgoingPage,
    PostIn,
    SecretIn,
)
from govdoc.api.outgoing_shapes import (
    OUTGOING_RELATED,
    change_out,
    copy_out,
    dispatch_out,
    outgoing_detail,
    outgoing_out,
)
from govdoc.audit.services import audit_record
from govdoc.core.errors import NotFound
from govdoc.core.text import fold
from govdoc.documents.models import DocumentFile
from govdoc.outgoing.access import outgoing_for, visible_outgoing
from govdoc.outgoing.models import Dispatch, DocumentCopy, OutgoingChange
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.copies import copy_make, copy_sign
from govdoc.outgoing.services.dispatching import dispatch_record_post, dispatch_retry

router = Router(tags=["Văn bản đi: đã phát hành"])


class OutgoingQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, title="Năm")
    q: str = Field(
        "", title="Tìm nhanh", description="Số, ký hiệu, trích yếu, người ký; không phân biệt dấu."
    )
    status: Literal["", "ISSUED", "UPDATED", "REPLACED", "REVOKED"] = Field(
        "", title="Trạng thái", description=OUTGOING_STATUS_HELP
    )
    page: int = Field(1, ge=1, title="Trang")
    page_size: int = Field(25, ge=1, le=100, title="Số văn bản mỗi trang")


def dispatch_visible(actor: Any, dispatch_id: int) -> Dispatch:
    """A delivery of a document the actor sees; otherwise NotFound."""
    agency_id = agency_id_of(actor)
    dispatch = (
        Dispatch.objects.filter(
            pk=dispatch_id, outgoing__in=visible_outgoing(actor, agency_id).values("pk")
        )
        .select_related("outgoing", "recipient")
        .first()
    )
    if dispatch is None:
        raise NotFound()
    return dispatch


def dispatch_fresh(actor: Any, dispatch: Dispatch) -> dict[str, Any]:
    fresh = (
        Dispatch.objects.select_related("recipient", "outgoing")
        .prefetch_related("events")
        .get(pk=dispatch.pk)
    )
    return dispatch_out(actor, fresh, fresh.outgoing.agency_id)


def _copy_for(actor: Any, outgoing_id: int, copy_id: int) -> tuple[Any, DocumentCopy]:
    outgoing = outgoing_for(actor, outgoing_id)
    copy = (
        DocumentCopy.objects.filter(pk=copy_id, source_id=outgoing.document_id)
        .select_related("created_by", "signed", "stored")
        .first()
    )
    if copy is None:
        raise NotFound()
    return outgoing, copy


@router.get(
    "/documents",
    response={200: OutgoingPage, **ERRORS},
    summary="Danh sách văn bản đi đã phát hành",
    description=(
        "Văn bản đi người gọi được xem (văn thư, lãnh đạo: cả cơ quan; người soạn thảo, người "
        "duyệt, người ký; đơn vị nhận trong cơ quan), mới nhất trước; lọc theo năm, trạng "
        "thái, tìm nhanh."
    ),
    url_name="outgoing_list",
)
def outgoing_list(request: HttpRequest, params: Query[OutgoingQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = visible_outgoing(actor, agency_id_of(actor)).filter(issued_at__isnull=False)
    if params.year:
        queryset = queryset.filter(year=params.year)
    if params.status:
        queryset = queryset.filter(status=params.status)
    for token in fold(params.q).split():
        queryset = queryset.filter(document__search_text__contains=token)
    queryset = queryset.select_related(*OUTGOING_RELATED).order_by("-numbered_at", "-pk")
    return capped_page_out(
        queryset, page=params.page, page_size=params.page_size, item=outgoing_out
    )


@router.get(
    "/documents/{outgoing_id}",
    response={200: OutgoingDetailOut, **FOUND},
    summary="Xem một văn bản đi",
    description=(
        "Thông tin, tệp phát hành, tình trạng gửi đến từng nơi nhận (hình thức, trạng thái, "
        "thời điểm, lý do, các bước), thu hồi, thay thế, đính chính; lượt xem được ghi nhật ký."
    ),
    url_name="outgoing_detail",
)
def outgoing_get(request: HttpRequest, outgoing_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    outgoing = outgoing_for(actor, outgoing_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing.view",
            target=outgoing,
            agency_id=outgoing.agency_id,
            data=via(request),
        )
    return outgoing_detail(request, actor, outgoing.pk)


@router.get(
    "/documents/{outgoing_id}/files/{file_id}",
    response={**FOUND},
    summary="Tải một tệp của văn bản đi",
    description="Bản phát hành hoặc phụ lục đã ký số; lượt tải được ghi nhật ký.",
    url_name="outgoing_file",
    openapi_extra=BINARY_RESPONSE,
)
def outgoing_file(request: HttpRequest, outgoing_id: int, file_id: int) -> FileResponse:
    actor = actor_of(request)
    outgoing = outgoing_for(actor, outgoing_id)
    item = (
        DocumentFile.objects.select_related("stored")
        .filter(pk=file_id, document_id=outgoing.document_id)
        .first()
    )
    if item is None:
        raise NotFound()
    return journaled_download(
        request,
        actor=actor,
        item=item,
        name=item.name,
        stored=item.stored,
        label=f"{item.name} — {outgoing}",
        agency_id=outgoing.agency_id,
    )


@router.post(
    "/documents/{outgoing_id}/change",
    response={201: ChangeResultOut, **WRITE},
    summary="Thu hồi, thay thế, đính chính văn bản đi",
    description=(
        "Văn thư hoặc lãnh đạo cơ quan: REVOKE thu hồi, REPLACE thay thế bằng văn bản khác đã "
        "phát hành (replacement_id), UPDATE đính chính, cập nhật; kèm lý do. Nơi nhận được "
        "báo; văn bản đã thu hồi, thay thế được giữ nguyên trạng. Không đổi được nữa trả 409."
    ),
    url_name="outgoing_change",
)
def outgoing_change_post(
    request: HttpRequest, outgoing_id: int, payload: ChangeIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    outgoing = outgoing_for(actor, outgoing_id)
    with refusals():
        change = outgoing_change(
            outgoing=outgoing,
            kind=payload.kind,
            reason=payload.reason,
            actor=actor,
            replacement_id=payload.replacement_id,
        )
    fresh = OutgoingChange.objects.select_related("actor", "replacement__document").get(
        pk=change.pk
    )
    return Respond(
        201,
        {"change": change_out(fresh), "document": outgoing_detail(request, actor, outgoing.pk)},
    )


@router.post(
    "/dispatches/{dispatch_id}/post",
    response={200: DispatchOut, **WRITE},
    summary="Ghi gửi bưu điện",
    description=(
        "Văn thư ghi văn bản đã gửi qua bưu điện đến nơi nhận này (Sổ gửi văn bản đi bưu "
        "điện): số biên lai, cước phí. Đã ghi rồi hoặc không gửi bưu điện trả 409."
    ),
    url_name="outgoing_dispatch_post",
)
def outgoing_dispatch_post(request: HttpRequest, dispatch_id: int, payload: PostIn) -> Any:
    actor = actor_of(request)
    dispatch = dispatch_visible(actor, dispatch_id)
    with refusals():
        dispatch_record_post(
            dispatch=dispatch,
            actor=actor,
            postal_receipt=payload.postal_receipt,
            postage=payload.postage,
        )
    return dispatch_fresh(actor, dispatch)


@router.post(
    "/dispatches/{dispatch_id}/retry",
    response={200: DispatchOut, **WRITE},
    summary="Gửi lại thư điện tử không thành công",
    description="Văn thư gửi lại; chỉ với thư điện tử đã gửi không thành công (khác: 409).",
    url_name="outgoing_dispatch_retry",
)
def outgoing_dispatch_retry(request: HttpRequest, dispatch_id: int) -> Any:
    actor = actor_of(request)
    dispatch = dispatch_visible(actor, dispatch_id)
    with refusals():
        dispatch_retry(dispatch=dispatch, actor=actor)
    return dispatch_fresh(actor, dispatch)


@router.get(
    "/documents/{outgoing_id}/copies",
    response={200: list[CopyOut], **FOUND},
    summary="Các bản sao của văn bản đi",
    description="Bản sao y, sao lục, trích sao đã cấp số, mới nhất trước.",
    url_name="outgoing_copy_list",
)
def outgoing_copy_list(request: HttpRequest, outgoing_id: int) -> list[dict[str, Any]]:
    actor = actor_of(request)
    outgoing = outgoing_for(actor, outgoing_id)
    copies = DocumentCopy.objects.filter(source_id=outgoing.document_id).select_related(
        "created_by"
    )
    return [copy_out(request, c, outgoing.pk) for c in copies.order_by("-created_at", "-pk")]


@router.post(
    "/documents/{outgoing_id}/copies",
    response={201: CopyOut, **WRITE},
    summary="Sao văn bản đi",
    description=(
        "Văn thư sao y (SY), sao lục (SL) hoặc trích sao (TrS, ghi các trang): cấp số trong sổ "
        "bản sao và ký số của cơ quan. Chữ ký không thành công (sai mật khẩu): trả 400, bản "
        "sao giữ số đã cấp, ký lại bằng …/copies/{copy_id}/sign."
    ),
    url_name="outgoing_copy_make",
)
def outgoing_copy_make(
    request: HttpRequest, outgoing_id: int, payload: CopyIn
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    outgoing = outgoing_for(actor, outgoing_id)
    with refusals():
        copy = copy_make(
            source=outgoing.document,
            kind=payload.kind,
            actor=actor,
            pages=payload.pages,
            recipients=payload.recipients,
            **secret(payload),
        )
    _outgoing, fresh = _copy_for(actor, outgoing_id, copy.pk)
    return Respond(201, copy_out(request, fresh, outgoing.pk))


@router.post(
    "/documents/{outgoing_id}/copies/{copy_id}/sign",
    response={200: CopyOut, **WRITE},
    summary="Ký số lại bản sao",
    description="Bản sao đã cấp số mà chưa ký số được (sai mật khẩu…): văn thư ký lại.",
    url_name="outgoing_copy_sign",
)
def outgoing_copy_sign(
    request: HttpRequest, outgoing_id: int, copy_id: int, payload: SecretIn
) -> dict[str, Any]:
    actor = actor_of(request)
    outgoing, copy = _copy_for(actor, outgoing_id, copy_id)
    with refusals():
        copy_sign(copy=copy, actor=actor, **secret(payload))
    _outgoing, fresh = _copy_for(actor, outgoing_id, copy_id)
    return copy_out(request, fresh, outgoing.pk)


@router.get(
    "/documents/{outgoing_id}/copies/{copy_id}/file",
    response={**FOUND},
    summary="Tải bản sao đã ký số",
    description="Trả tệp PDF của bản sao; lượt tải được ghi nhật ký. Chưa ký số: 404.",
    url_name="outgoing_copy_file",
    openapi_extra=BINARY_RESPONSE,
)
def outgoing_copy_file(request: HttpRequest, outgoing_id: int, copy_id: int) -> FileResponse:
    actor = actor_of(request)
    outgoing, copy = _copy_for(actor, outgoing_id, copy_id)
    if copy.signed is None:
        raise NotFound()
    name = f"{copy.code.replace('/', '-')}.pdf"
    return journaled_download(
        request,
        actor=actor,
        item=copy,
        name=name,
        stored=copy.signed,
        label=f"Bản sao {copy.code} — {outgoing}",
        agency_id=outgoing.agency_id,
    )
