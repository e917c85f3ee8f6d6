"""Incoming documents over the API: register with files, list, read one, download a file."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import FileEx, Form, P, Query, Router
from ninja import Status as Respond
from ninja.files import UploadedFile

from govdoc.api.calls import ERRORS, actor_of, agency_id_of, numbered_page, to_upload
from govdoc.api.downloads import BINARY_RESPONSE, journaled_download, via
from govdoc.api.schemas import (
    ErrorOut,
    IncomingIn,
    IncomingOut,
    IncomingPage,
    IncomingQuery,
    IncomingUpdateIn,
)
from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.documents.models import DocumentFile, Priority
from govdoc.incoming.access import incoming_for, require_files_available
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.selectors import IncomingFilters, incoming_list
from govdoc.incoming.services import incoming_register, incoming_update
from govdoc.incoming.signature_checks import signatures_json
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency
from govdoc.signatures.models import PdfVerification
from govdoc.signatures.verification import latest_verifications

router = Router(tags=["Văn bản đến"])

FILE_HELP = (
    "PDF, DOCX, DOC, ODT, XLSX, ảnh JPEG/PNG/TIFF hoặc ZIP; nội dung phải đúng như phần mở rộng "
    "của tên tệp."
)

# The services name fields after the model; the API client sent them under these names.
_SERVICE_TO_API_FIELD = {
    "document_type": "document_type_id",
    "receiving_unit": "receiving_unit_id",
    "receiving_person": "receiving_person_id",
}


def _api_fields(error: DomainError, payload: IncomingIn) -> None:
    renamed: dict[str, str] = {}
    for field, message in error.fields.items():
        if field == "issuer":
            field = "issuer_id" if payload.issuer_id is not None else "issuer_name"
        renamed[_SERVICE_TO_API_FIELD.get(field, field)] = message
    error.fields = renamed


def _file_out(
    request: HttpRequest,
    incoming: IncomingDocument,
    item: DocumentFile,
    latest: dict[str, PdfVerification],
) -> dict[str, Any]:
    url = reverse("api:incoming_file", kwargs={"incoming_id": incoming.pk, "file_id": item.pk})
    return {
        "id": item.pk,
        "name": item.name,
        "role": item.role,
        "size": item.stored.size,
        "sha256": item.stored.sha256,
        "content_type": item.stored.content_type,
        "download_url": request.build_absolute_uri(url),
        "signatures": signatures_json(item, latest),
    }


def incoming_out(
    request: HttpRequest,
    incoming: IncomingDocument,
    files: list[DocumentFile],
    latest: dict[str, PdfVerification] | None = None,
) -> dict[str, Any]:
    """`latest`: the files' latest signature checks by SHA-256 (looked up when not given)."""
    if latest is None:
        latest = latest_verifications(f.stored.sha256 for f in files)
    document = incoming.document
    person = incoming.receiving_person
    return {
        "id": incoming.pk,
        "arrival_number": incoming.arrival_number,
        "arrival_number_display": incoming.display_arrival_number,
        "arrival_year": incoming.arrival_year,
        "arrival_date": timezone.localtime(incoming.arrival_date),
        "status": incoming.status,
        "status_label": Status(incoming.status).label,
        "medium": incoming.medium,
        "document_type_id": document.document_type_id,
        "document_type_name": document.document_type.name,
        "subject": document.subject,
        "code_number": document.code_number,
        "code_notation": document.code_notation,
        "issued_date": document.issued_date,
        "issuer_id": document.issuer_id,
        "issuer_name": document.issuer_name,
        "signer_name": document.signer_name,
        "signer_position": document.signer_position,
        "priority": document.priority,
        "priority_label": Priority(document.priority).label,
        "confidentiality": document.confidentiality,
        "page_count": document.page_count,
        "due_date": document.due_date,
        "language": document.language,
        "receiving_unit_id": incoming.receiving_unit_id,
        "receiving_unit_name": incoming.receiving_unit.name if incoming.receiving_unit else "",
        "receiving_person_id": incoming.receiving_person_id,
        "receiving_person_name": getattr(person, "display_name", "") if person else "",
        "to_places": incoming.to_places,
        "notes": incoming.notes,
        "document_identifier": document.document_identifier,
        "duplicate_of_id": incoming.duplicate_of_id,
        "duplicate_reason": incoming.duplicate_reason,
        "version": document.version,
        "files": [_file_out(request, incoming, f, latest) for f in files],
    }


def _input(payload: IncomingIn, **files: Any) -> IncomingInput:
    return IncomingInput(
        document_type_id=payload.document_type_id,
        subject=payload.subject,
        issued_date=payload.issued_date,
        issuer_id=payload.issuer_id,
        issuer_name=payload.issuer_name,
        code_number=payload.code_number,
        code_notation=payload.code_notation,
        signer_name=payload.signer_name,
        signer_position=payload.signer_position,
        priority=payload.priority if payload.priority is not None else Priority.NORMAL,
        confidentiality=payload.confidentiality,
        page_count=payload.page_count,
        due_date=payload.due_date,
        receiving_unit_id=payload.receiving_unit_id,
        receiving_person_id=payload.receiving_person_id,
        to_places=payload.to_places,
        notes=payload.notes,
        medium=payload.medium,
        document_identifier=payload.document_identifier,
        duplicate_reason=payload.duplicate_reason,
        **files,
    )


def _files_of(incoming: IncomingDocument) -> list[DocumentFile]:
    return list(
        DocumentFile.objects.filter(document_id=incoming.document_id).select_related("stored")
    )


@router.post(
    "",
    response={201: IncomingOut, 409: ErrorOut, **ERRORS},
    summary="Vào sổ văn bản đến",
    description=(
        "Đăng ký một văn bản đến kèm tệp (multipart/form-data): cấp số đến, ghi sổ và nhật ký. "
        "Chỉ văn thư của cơ quan được gọi. Lỗi dữ liệu trả 400 với thông báo theo từng trường; "
        'văn bản có thể trùng trả 409 (code "duplicate"): gửi lại kèm duplicate_reason.'
    ),
    url_name="incoming_register",
)
def register(
    request: HttpRequest,
    payload: Form[IncomingIn],
    main_file: FileEx[UploadedFile, P(title="Tệp văn bản chính", description=FILE_HELP)],
    attachments: FileEx[
        list[UploadedFile] | None,
        P(title="Phụ lục, tệp đính kèm", description="Không bắt buộc, gửi được nhiều tệp."),
    ] = None,
) -> Respond[dict[str, Any]]:
    actor = actor_of(request)
    agency: Agency | None = getattr(actor, "agency", None)
    if agency is None:
        raise ValidationFailed("Tài khoản chưa thuộc cơ quan nào, không đăng ký được văn bản.")
    try:
        main = to_upload(main_file, field="main_file")
        extra = tuple(to_upload(f, field="attachments") for f in attachments or [])
        data = _input(payload, main_file=main, attachments=extra)
        incoming = incoming_register(agency=agency, data=data, actor=actor)
    except DomainError as error:
        _api_fields(error, payload)
        raise
    incoming = incoming_for(actor, incoming.pk)
    return Respond(201, incoming_out(request, incoming, _files_of(incoming)))


@router.get(
    "",
    response={200: IncomingPage, **ERRORS},
    summary="Danh sách văn bản đến",
    description=(
        "Văn bản đến mà người gọi được xem (văn thư, lãnh đạo: cả cơ quan; lãnh đạo đơn vị: "
        "văn bản giao đơn vị mình; chuyên viên: văn bản giao mình), có lọc và phân trang."
    ),
    url_name="incoming_list",
)
def list_incoming(request: HttpRequest, filters: Query[IncomingQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    queryset = incoming_list(
        actor=actor,
        agency_id=agency_id_of(actor),
        filters=IncomingFilters(
            date_from=filters.date_from,
            date_to=filters.date_to,
            document_type_id=filters.document_type_id,
            issuer=filters.issuer,
            priority=filters.priority,
            status=filters.status,
            unit_id=filters.unit_id,
            q=filters.q,
            sort=filters.sort,
        ),
    )
    count, rows = numbered_page(
        queryset.prefetch_related(
            Prefetch("document__files", queryset=DocumentFile.objects.select_related("stored"))
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    latest = latest_verifications(f.stored.sha256 for r in rows for f in r.document.files.all())
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [incoming_out(request, r, list(r.document.files.all()), latest) for r in rows],
    }


@router.put(
    "/{incoming_id}",
    response={200: IncomingOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Sửa thông tin văn bản đến",
    description=(
        "Chỉ văn thư; mỗi lần sửa tạo một phiên bản (người sửa, thời điểm, giá trị cũ và mới). "
        "Gửi `version` đã đọc: nếu văn bản đã được người khác sửa sau đó, trả 409 (conflict) "
        "và không thay đổi gì."
    ),
    url_name="incoming_update",
)
def update_incoming(
    request: HttpRequest, incoming_id: int, payload: IncomingUpdateIn
) -> dict[str, Any]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id, action="update")
    try:
        incoming_update(
            incoming=incoming,
            data=_input(payload),
            expected_version=payload.version,
            actor=actor,
            reason=payload.reason,
        )
    except DomainError as error:
        _api_fields(error, payload)
        raise
    incoming = incoming_for(actor, incoming_id)
    return incoming_out(request, incoming, _files_of(incoming))


@router.get(
    "/{incoming_id}",
    response={200: IncomingOut, 404: ErrorOut, **ERRORS},
    summary="Xem một văn bản đến",
    description="Thông tin và danh sách tệp; lượt xem được ghi nhật ký.",
    url_name="incoming_detail",
)
def get_incoming(request: HttpRequest, incoming_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="incoming.view",
            target=incoming,
            agency_id=incoming.agency_id,
            data=via(request),
        )
    return incoming_out(request, incoming, _files_of(incoming))


@router.get(
    "/{incoming_id}/files/{file_id}",
    response={404: ErrorOut, **ERRORS},
    summary="Tải một tệp của văn bản đến",
    description="Trả nội dung tệp; lượt tải được ghi nhật ký.",
    url_name="incoming_file",
    openapi_extra=BINARY_RESPONSE,
)
def download_file(request: HttpRequest, incoming_id: int, file_id: int) -> FileResponse:
    actor = actor_of(request)
    incoming = incoming_for(actor, incoming_id)
    require_files_available(incoming)
    item = (
        DocumentFile.objects.select_related("stored")
        .filter(pk=file_id, document_id=incoming.document_id)
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
        label=f"{item.name} — {incoming}",
        agency_id=incoming.agency_id,
    )
