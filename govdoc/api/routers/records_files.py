"""Work files over the API: the files one may see and one's own, one file with its documents
in order, opening (from the plan or ad hoc), adding and removing documents, closing after a
review, reopening; and the documents one handled and has not filed.

Files are fetched through `govdoc.records.access`; every write calls a service of the
records app. "Not allowed" on a file one sees answers 403 with the reason (the owner's
leader sees the file and may be told why they cannot fill it); a file one does not see
answers 404."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from govdoc.api.calls import FOUND, WRITE, actor_of, agency_id_of, capped_page_out, refusals
from govdoc.api.records_file_schemas import (
    CloseIn,
    DocumentsIn,
    FileDetailOut,
    FileOpenIn,
    FilePage,
    FileReasonIn,
    RetentionIn,
    UnfiledPage,
)
from govdoc.core.errors import NotFound
from govdoc.documents.models import Document
from govdoc.records.access import case_file_for, visible_case_files
from govdoc.records.models import CaseFile, PlannedFile
from govdoc.records.selectors import my_files, unfiled_documents
from govdoc.records.services.files import (
    ClosingReview,
    FileInput,
    Retention,
    case_file_add_documents,
    case_file_close,
    case_file_open,
    case_file_remove_documents,
    case_file_reopen,
)
from govdoc.records.workflow import FileStatus

router = Router(tags=["Hồ sơ"])


class FileQuery(Schema):
    mine: bool = Field(False, title="Chỉ hồ sơ của tôi")
    year: int | None = Field(None, ge=2000, le=2100, title="Năm")
    status: Literal["", "OPEN", "CLOSED", "SUBMITTED", "ARCHIVED", "DESTROYED"] = ""
    q: str = Field("", title="Tìm theo mã, tiêu đề")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _retention(given: RetentionIn | None) -> Retention | None:
    if given is None:
        return None
    return Retention(permanent=given.permanent, years=None if given.permanent else given.years)


def file_out(case_file: CaseFile) -> dict[str, Any]:
    owner = case_file.owner
    return {
        "id": case_file.pk,
        "code": case_file.code,
        "organ_id": case_file.agency.organ_id,
        "year": case_file.year,
        "notation": case_file.notation,
        "title": case_file.title,
        "retention": case_file.retention,
        "permanent": case_file.permanent,
        "retention_years": case_file.retention_years,
        "rights": case_file.rights,
        "creator": case_file.creator,
        "language": case_file.language,
        "start_date": case_file.start_date,
        "end_date": case_file.end_date,
        "doc_total": case_file.doc_total,
        "page_total": case_file.page_total,
        "description": case_file.description,
        "status": case_file.status,
        "status_label": FileStatus(case_file.status).label,
        "owner_id": owner.pk,
        "owner_name": str(owner.full_name or owner.username),
        "unit_id": case_file.unit_id,
        "planned_id": case_file.planned_id,
        "capital_construction": case_file.capital_construction,
        "final_settlement_on": case_file.final_settlement_on,
        "work_ended_on": case_file.work_ended_on,
        "transfer_due": case_file.transfer_due,
        "on_hold": case_file.on_hold,
        "version": case_file.version,
    }


def _detail(case_file_id: int) -> dict[str, Any]:
    case_file = CaseFile.objects.select_related("agency", "owner").get(pk=case_file_id)
    items = case_file.items.select_related("document", "document__document_type").order_by(
        "ordinal", "pk"
    )
    return {
        **file_out(case_file),
        "items": [
            {
                "ordinal": item.ordinal,
                "document_id": item.document_id,
                "direction": item.document.direction,
                "type_name": item.document.document_type.name,
                "code": item.document.code,
                "issued_date": item.document.issued_date,
                "issuer_name": item.document.issuer_name,
                "subject": item.document.subject,
                "page_count": item.document.page_count,
            }
            for item in items
        ],
    }


def _file(actor: Any, file_id: int) -> CaseFile:
    return case_file_for(actor, agency_id_of(actor), file_id)


@router.get(
    "/files",
    response={200: FilePage, **FOUND},
    summary="Danh sách hồ sơ",
    description="Mục lục hồ sơ người gọi được xem (hoặc chỉ hồ sơ của mình với `mine`).",
    url_name="records_files",
)
def files_list(request: HttpRequest, params: Query[FileQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = agency_id_of(actor)
    files = my_files(actor, agency_id) if params.mine else visible_case_files(actor, agency_id)
    if params.year:
        files = files.filter(year=params.year)
    if params.status:
        files = files.filter(status=params.status)
    text = " ".join(params.q.split())
    if text:
        files = files.filter(title__icontains=text) | files.filter(code__icontains=text)
    return capped_page_out(
        files.select_related("agency", "owner").order_by("-year", "notation", "pk"),
        page=params.page,
        page_size=params.page_size,
        item=file_out,
    )


@router.get(
    "/files/{file_id}",
    response={200: FileDetailOut, **FOUND},
    summary="Xem một hồ sơ",
    description="Thông tin hồ sơ và mục lục văn bản theo thứ tự thời gian.",
    url_name="records_file",
)
def file_get(request: HttpRequest, file_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _detail(_file(actor, file_id).pk)


@router.post(
    "/files",
    response={201: FileDetailOut, **WRITE},
    summary="Lập hồ sơ",
    description=(
        "Từ danh mục (`planned_id`: số, ký hiệu, tiêu đề, thời hạn bảo quản theo danh mục) "
        "hoặc ngoài danh mục (`title`, `notation`, `retention`). Người lập là người gọi."
    ),
    url_name="records_file_open",
)
def file_open(request: HttpRequest, payload: FileOpenIn) -> Any:
    actor = actor_of(request)
    planned = None
    if payload.planned_id is not None:
        planned = (
            PlannedFile.objects.select_related("plan")
            .filter(pk=payload.planned_id, plan__agency_id=agency_id_of(actor) or 0)
            .first()
        )
        if planned is None:
            raise NotFound()
    with refusals(hide_forbidden=False):
        case_file = case_file_open(
            actor=actor,
            planned=planned,
            data=FileInput(
                title=payload.title,
                notation=payload.notation,
                retention=_retention(payload.retention),
                rights=payload.rights,
                language=payload.language,
                description=payload.description,
                start_date=payload.start_date,
                capital_construction=payload.capital_construction,
            ),
        )
    return Respond(201, _detail(case_file.pk))


@router.post(
    "/files/{file_id}/documents",
    response={200: FileDetailOut, **WRITE},
    summary="Thêm văn bản vào hồ sơ",
    description="Chỉ người lập, khi hồ sơ đang lập; văn bản người gọi được xem (khác: 400).",
    url_name="records_file_add",
)
def file_add(request: HttpRequest, file_id: int, payload: DocumentsIn) -> dict[str, Any]:
    actor = actor_of(request)
    case_file = _file(actor, file_id)
    with refusals(hide_forbidden=False):
        case_file_add_documents(case_file=case_file, document_ids=payload.document_ids, actor=actor)
    return _detail(case_file.pk)


@router.post(
    "/files/{file_id}/documents/remove",
    response={200: FileDetailOut, **WRITE},
    summary="Bớt văn bản khỏi hồ sơ",
    description="Chỉ người lập, khi hồ sơ đang lập; văn bản vẫn giữ nguyên ở nơi của nó.",
    url_name="records_file_remove",
)
def file_remove(request: HttpRequest, file_id: int, payload: DocumentsIn) -> dict[str, Any]:
    actor = actor_of(request)
    case_file = _file(actor, file_id)
    with refusals(hide_forbidden=False):
        case_file_remove_documents(
            case_file=case_file,
            document_ids=payload.document_ids,
            actor=actor,
            reason=payload.reason,
        )
    return _detail(case_file.pk)


@router.post(
    "/files/{file_id}/close",
    response={200: FileDetailOut, **WRITE},
    summary="Kết thúc hồ sơ",
    description=(
        "Người lập kết thúc hồ sơ sau khi rà soát: loại bản nháp, bản trùng (`remove_ids`), "
        "đánh giá lại thời hạn bảo quản, ngày kết thúc công việc (hạn nộp lưu tính từ đó). "
        "Hồ sơ không có văn bản: 400; `version` cũ: 409."
    ),
    url_name="records_file_close",
)
def file_close(request: HttpRequest, file_id: int, payload: CloseIn) -> dict[str, Any]:
    actor = actor_of(request)
    case_file = _file(actor, file_id)
    with refusals(hide_forbidden=False):
        case_file_close(
            case_file=case_file,
            actor=actor,
            review=ClosingReview(
                version=payload.version,
                remove_ids=tuple(payload.remove_ids),
                retention=_retention(payload.retention),
                work_ended_on=payload.work_ended_on,
                final_settlement_on=payload.final_settlement_on,
                description=payload.description,
            ),
        )
    return _detail(case_file.pk)


@router.post(
    "/files/{file_id}/reopen",
    response={200: FileDetailOut, **WRITE},
    summary="Mở lại hồ sơ đã kết thúc",
    description="Lãnh đạo của người lập hồ sơ, với lý do.",
    url_name="records_file_reopen",
)
def file_reopen(request: HttpRequest, file_id: int, payload: FileReasonIn) -> dict[str, Any]:
    actor = actor_of(request)
    case_file = _file(actor, file_id)
    with refusals(hide_forbidden=False):
        case_file_reopen(case_file=case_file, actor=actor, reason=payload.reason)
    return _detail(case_file.pk)


def _unfiled_out(document: Document) -> dict[str, Any]:
    return {
        "document_id": document.pk,
        "direction": document.direction,
        "code": document.code,
        "issued_date": document.issued_date,
        "subject": document.subject,
    }


@router.get(
    "/unfiled",
    response={200: UnfiledPage, **FOUND},
    summary="Văn bản chưa lập hồ sơ",
    description=(
        "Văn bản đến người gọi đã giải quyết xong và văn bản đi họ soạn thảo đã phát hành, "
        "chưa nằm trong hồ sơ nào của họ."
    ),
    url_name="records_unfiled",
)
def unfiled_list(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    agency_id = agency_id_of(actor)
    if agency_id is None:
        documents = Document.objects.none()
    else:
        documents = unfiled_documents(int(actor.pk), agency_id)
    return capped_page_out(
        documents.order_by("-issued_date", "-pk"),
        page=params.page,
        page_size=params.page_size,
        item=_unfiled_out,
    )
