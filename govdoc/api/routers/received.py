"""The electronic inbox over the API: documents other agencies sent electronically, waiting
for the clerk to register them (vào sổ) or send them back (trả lại)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticValidationError

from govdoc.api.calls import FOUND, actor_of, agency_id_of, numbered_page
from govdoc.api.downloads import BINARY_RESPONSE, journaled_download, via
from govdoc.api.routers.incoming import incoming_out
from govdoc.api.schemas import DATE_HELP, ErrorOut, IncomingOut, OptionalInt, OptionalVnDate
from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, Forbidden, NotFound
from govdoc.documents.models import DocumentFile, Priority
from govdoc.incoming.access import (
    FILES_WITHDRAWN_MESSAGE,
    FilesWithdrawn,
    can_receive,
    incoming_for,
    received_for,
)
from govdoc.incoming.models import ReceivedDocument, ReceivedFile
from govdoc.incoming.received_selectors import received_list
from govdoc.incoming.received_services import (
    received_incoming_input,
    received_refuse,
    received_register,
)
from govdoc.incoming.received_workflow import Channel, ReceivedStatus

router = Router(tags=["Văn bản điện tử đến"])

FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
NOT_CLERK = "Chỉ văn thư của cơ quan được xem và tiếp nhận văn bản điện tử đến."

# The services name fields after the model; the API client sent them under these names.
_SERVICE_TO_API_FIELD = {
    "document_type": "document_type_id",
    "receiving_unit": "receiving_unit_id",
    "receiving_person": "receiving_person_id",
    "issuer": "issuer_id",
}


class ReceivedFileOut(Schema):
    id: int
    name: str
    role: str = Field(..., description="MAIN: tệp chính; ATTACHMENT: phụ lục, tệp đính kèm.")
    size: int = Field(..., description="Dung lượng (byte).")
    sha256: str
    content_type: str
    download_url: str = Field(
        ..., description="Địa chỉ tải tệp; rỗng khi nơi gửi đã thu hồi văn bản."
    )


class ReceivedOut(Schema):
    id: int
    status: str = Field(
        ...,
        description="WAITING chờ tiếp nhận; REGISTERED đã vào sổ; REFUSED đã trả lại; "
        "WITHDRAWN nơi gửi đã thu hồi.",
    )
    status_label: str
    channel: str = Field(..., description="LOCAL cùng hệ thống; INTERCONNECT trục liên thông.")
    channel_label: str
    received_at: dt.datetime = Field(..., description="Thời điểm nhận (ISO 8601).")
    sender_agency_id: int | None
    sender_organ_id: str = Field(..., description="Mã định danh cơ quan gửi.")
    sender_name: str
    document_type_id: int | None = Field(
        ..., description="Loại văn bản trong danh mục, nếu khớp được."
    )
    document_type_name: str = Field(..., description="Tên loại văn bản như nơi gửi ghi.")
    code_number: str
    code_notation: str
    issued_date: dt.date | None
    subject: str
    signer_name: str
    signer_position: str
    priority: int
    priority_label: str
    due_date: dt.date | None
    document_identifier: str
    page_count: int | None
    to_places: str
    description: str
    refusal_reason: str
    withdrawal_reason: str
    incoming_id: int | None = Field(..., description="Văn bản đến đã vào sổ từ văn bản này.")
    decided_at: dt.datetime | None
    files: list[ReceivedFileOut]


class ReceivedPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReceivedOut]


class ReceivedQuery(Schema):
    status: Literal["", "WAITING", "REGISTERED", "REFUSED", "WITHDRAWN"] = Field(
        "WAITING",
        title="Trạng thái",
        description="Mặc định WAITING (chờ tiếp nhận); để trống: mọi trạng thái.",
    )
    page: int = Field(1, ge=1, title="Trang")
    page_size: int = Field(25, ge=1, le=100, title="Số văn bản mỗi trang")


class ReceivedRegisterIn(Schema):
    """What the clerk corrects before registering; a field not sent keeps the value the
    sender sent (JSON; an empty body registers it as sent)."""

    document_type_id: OptionalInt = Field(None, title="Loại văn bản")
    subject: str | None = Field(None, title="Trích yếu")
    issued_date: OptionalVnDate = Field(None, title="Ngày văn bản", description=DATE_HELP)
    issuer_id: OptionalInt = Field(None, title="Cơ quan ban hành (danh bạ)")
    issuer_name: str | None = Field(None, title="Tên cơ quan ban hành")
    code_number: str | None = Field(None, title="Số")
    code_notation: str | None = Field(None, title="Ký hiệu")
    signer_name: str | None = Field(None, title="Người ký")
    signer_position: str | None = Field(None, title="Chức vụ người ký")
    priority: OptionalInt = Field(None, title="Độ khẩn", ge=0, le=4)
    page_count: OptionalInt = Field(None, title="Số trang")
    due_date: OptionalVnDate = Field(None, title="Hạn giải quyết", description=DATE_HELP)
    receiving_unit_id: OptionalInt = Field(None, title="Đơn vị nhận")
    receiving_person_id: OptionalInt = Field(None, title="Người nhận")
    to_places: str | None = Field(None, title="Nơi nhận (ghi trên văn bản)")
    notes: str | None = Field(None, title="Ghi chú")
    duplicate_reason: str | None = Field(
        None,
        title="Lý do vẫn đăng ký",
        description="Khi hệ thống báo có thể trùng (409 duplicate), gửi lại kèm lý do.",
    )


class RefuseIn(Schema):
    reason: str = Field(..., title="Lý do trả lại", description="Bắt buộc, tối đa 1000 ký tự.")


def _overrides(request: HttpRequest) -> ReceivedRegisterIn:
    """The corrections sent, if any: the body may be empty (register it as sent)."""
    raw = request.body.strip()
    if request.content_type != "application/json":
        if not raw or (
            request.content_type in FORM_TYPES and not request.POST and not request.FILES
        ):
            return ReceivedRegisterIn.model_validate({})
        raise HttpError(400, "Cannot parse request body")
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    try:
        return ReceivedRegisterIn.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError([dict(e) for e in error.errors(include_url=False)]) from None


def _require_clerk(actor: Any) -> int:
    agency_id = agency_id_of(actor)
    if agency_id is None or not can_receive(actor, agency_id):
        raise Forbidden(NOT_CLERK)
    return agency_id


def _api_fields(error: DomainError) -> None:
    error.fields = {_SERVICE_TO_API_FIELD.get(k, k): v for k, v in error.fields.items()}


def _files(received: ReceivedDocument) -> list[ReceivedFile]:
    return list(
        ReceivedFile.objects.filter(received=received)
        .select_related("stored")
        .order_by("position", "id")
    )


def _file_out(request: HttpRequest, received: ReceivedDocument, item: ReceivedFile) -> Any:
    url = ""
    if received.status != ReceivedStatus.WITHDRAWN:
        path = reverse("api:received_file", kwargs={"received_id": received.pk, "file_id": item.pk})
        url = request.build_absolute_uri(path)
    return {
        "id": item.pk,
        "name": item.name,
        "role": item.role,
        "size": item.stored.size,
        "sha256": item.stored.sha256,
        "content_type": item.stored.content_type,
        "download_url": url,
    }


def received_out(
    request: HttpRequest, received: ReceivedDocument, files: list[ReceivedFile]
) -> dict[str, Any]:
    return {
        "id": received.pk,
        "status": received.status,
        "status_label": ReceivedStatus(received.status).label,
        "channel": received.channel,
        "channel_label": Channel(received.channel).label,
        "received_at": timezone.localtime(received.received_at),
        "sender_agency_id": received.sender_agency_id,
        "sender_organ_id": received.sender_organ_id,
        "sender_name": received.sender_name,
        "document_type_id": received.document_type_id,
        "document_type_name": received.document_type_name,
        "code_number": received.code_number,
        "code_notation": received.code_notation,
        "issued_date": received.issued_date,
        "subject": received.subject,
        "signer_name": received.signer_name,
        "signer_position": received.signer_position,
        "priority": received.priority,
        "priority_label": Priority(received.priority).label,
        "due_date": received.due_date,
        "document_identifier": received.document_identifier,
        "page_count": received.page_count,
        "to_places": received.to_places,
        "description": received.description,
        "refusal_reason": received.refusal_reason,
        "withdrawal_reason": received.withdrawal_reason,
        "incoming_id": received.incoming_id,
        "decided_at": timezone.localtime(received.decided_at) if received.decided_at else None,
        "files": [_file_out(request, received, f) for f in files],
    }


@router.get(
    "",
    response={200: ReceivedPage, **FOUND},
    summary="Văn bản điện tử đến chờ tiếp nhận",
    description=(
        "Văn bản các cơ quan khác gửi điện tử đến cơ quan của người gọi (mặc định: đang chờ "
        "tiếp nhận; khẩn trước, mới nhận trước). Chỉ văn thư của cơ quan được gọi (403)."
    ),
    url_name="received_list",
)
def list_received(request: HttpRequest, filters: Query[ReceivedQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = _require_clerk(actor)
    queryset = received_list(actor=actor, agency_id=agency_id, status=filters.status)
    count, rows = numbered_page(
        queryset.prefetch_related(
            Prefetch(
                "files",
                queryset=ReceivedFile.objects.select_related("stored").order_by("position", "id"),
            )
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [received_out(request, r, list(r.files.all())) for r in rows],
    }


@router.get(
    "/{received_id}",
    response={200: ReceivedOut, **FOUND},
    summary="Xem một văn bản điện tử đến",
    description="Thông tin như nơi gửi ghi và danh sách tệp; lượt xem được ghi nhật ký.",
    url_name="received_detail",
)
def get_received(request: HttpRequest, received_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    received = received_for(actor, received_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="incoming.received.view",
            target=received,
            agency_id=received.agency_id,
            data=via(request),
        )
    return received_out(request, received, _files(received))


@router.get(
    "/{received_id}/files/{file_id}",
    response={410: ErrorOut, **FOUND},
    summary="Tải một tệp của văn bản điện tử đến",
    description=(
        "Trả nội dung tệp; lượt tải được ghi nhật ký. Văn bản nơi gửi đã thu hồi: 410 "
        '(code "withdrawn").'
    ),
    url_name="received_file",
    openapi_extra=BINARY_RESPONSE,
)
def download_received_file(request: HttpRequest, received_id: int, file_id: int) -> FileResponse:
    actor = actor_of(request)
    received = received_for(actor, received_id)
    item = (
        ReceivedFile.objects.select_related("stored").filter(pk=file_id, received=received).first()
    )
    if item is None:
        raise NotFound()
    if received.status == ReceivedStatus.WITHDRAWN:
        raise FilesWithdrawn(FILES_WITHDRAWN_MESSAGE)
    return journaled_download(
        request,
        actor=actor,
        item=item,
        name=item.name,
        stored=item.stored,
        label=f"{item.name} — {received}",
        agency_id=received.agency_id,
    )


@router.post(
    "/{received_id}/register",
    response={201: IncomingOut, 409: ErrorOut, **FOUND},
    summary="Vào sổ văn bản điện tử đến",
    description=(
        "Văn thư vào sổ văn bản: cấp số đến, thông tin như nơi gửi ghi — trừ các trường gửi "
        "kèm để sửa (JSON, không bắt buộc) —, tệp là tệp nơi gửi đã gửi, hình thức điện tử. "
        "Lỗi dữ liệu trả 400 theo từng trường và không thay đổi gì; văn bản có thể trùng trả "
        '409 (code "duplicate"): gửi lại kèm duplicate_reason; văn bản không còn chờ tiếp '
        "nhận trả 409."
    ),
    url_name="received_register",
    # The body is optional (ninja's body parameters are not): read by _overrides.
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ReceivedRegisterIn.model_json_schema()}},
        }
    },
)
def register_received(request: HttpRequest, received_id: int) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    received = received_for(actor, received_id)
    payload = _overrides(request)
    data = received_incoming_input(received)
    # A text field sent as null means empty; a number or date sent as null clears it.
    overrides: dict[str, Any] = {
        key: "" if value is None and isinstance(getattr(data, key), str) else value
        for key, value in payload.model_dump(exclude_unset=True).items()
    }
    data = dataclasses.replace(data, **overrides)
    try:
        incoming = received_register(received=received, data=data, actor=actor)
    except DomainError as error:
        _api_fields(error)
        raise
    incoming = incoming_for(actor, incoming.pk)
    files = list(
        DocumentFile.objects.filter(document_id=incoming.document_id).select_related("stored")
    )
    return Respond(201, incoming_out(request, incoming, files))


@router.post(
    "/{received_id}/refuse",
    response={200: ReceivedOut, 409: ErrorOut, **FOUND},
    summary="Trả lại văn bản điện tử đến cho nơi gửi",
    description=(
        "Văn thư trả lại văn bản (gửi nhầm, không hợp lệ) kèm lý do; nơi gửi được báo tự động. "
        "Thiếu lý do trả 400 (trường reason) và không thay đổi gì."
    ),
    url_name="received_refuse",
)
def refuse_received(request: HttpRequest, received_id: int, payload: RefuseIn) -> dict[str, Any]:
    actor = actor_of(request)
    received = received_for(actor, received_id)
    received_refuse(received=received, reason=payload.reason, actor=actor)
    return received_out(request, received_for(actor, received_id), _files(received))
