"""Exports of work files over the API (mounted under /records): a whole file as PDF or XML,
the index of its documents and the index of files ("Mục lục hồ sơ") as PDF or Excel, and a
file's archival package (BagIt in a ZIP, docs/records-export.md).

Files are fetched through `govdoc.records.access`: a file the caller does not see answers
404. Each download is journaled by the export services ("via" the token that called) and
streamed from a temporary file."""

from __future__ import annotations

from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema

from govdoc.api.calls import FOUND, actor_of, agency_id_of
from govdoc.api.downloads import BINARY_RESPONSE, via
from govdoc.records.access import case_file_for, visible_case_files
from govdoc.records.models import CaseFile
from govdoc.records.selectors import my_files
from govdoc.records.services.archival_package import archival_package_export
from govdoc.records.services.file_export import (
    Export,
    case_file_export,
    file_index_export,
    file_items_export,
)
from govdoc.records.workflow import FileStatus

router = Router(tags=["Hồ sơ: xuất hồ sơ"])


class FileExportQuery(Schema):
    format: Literal["pdf", "xml"] = Field(
        "pdf", description="pdf (bìa, mục lục, các văn bản theo thứ tự) hoặc xml (siêu dữ liệu)."
    )


class IndexQuery(Schema):
    format: Literal["pdf", "xlsx"] = Field("pdf", description="pdf hoặc xlsx.")


class FileIndexQuery(IndexQuery):
    mine: bool = Field(False, title="Chỉ hồ sơ của tôi")
    year: int | None = Field(None, ge=2000, le=2100, title="Năm")
    status: Literal["", "OPEN", "CLOSED", "SUBMITTED", "ARCHIVED", "DESTROYED"] = ""
    q: str = Field("", title="Tìm theo mã, tiêu đề")


def _file(actor: Any, file_id: int) -> CaseFile:
    return case_file_for(actor, agency_id_of(actor), file_id)


def _answer(export: Export) -> FileResponse:
    response = FileResponse(
        export.stream, content_type=export.content_type, as_attachment=True, filename=export.name
    )
    response["Content-Length"] = str(export.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/files/{file_id}/export",
    response=FOUND,
    summary="Xuất toàn bộ hồ sơ (PDF, XML)",
    description=(
        "PDF: bìa hồ sơ, mục lục văn bản, rồi từng văn bản theo thứ tự trong hồ sơ, mọi trang "
        "đánh số. XML: siêu dữ liệu hồ sơ và văn bản (Nghị định 30 Phụ lục VI). Tệp của văn "
        "bản đã bị thu hồi hay hủy không được đưa vào. Lượt xuất được ghi nhật ký."
    ),
    url_name="records_file_export",
    openapi_extra=BINARY_RESPONSE,
)
def records_file_export(request: HttpRequest, file_id: int, params: Query[FileExportQuery]) -> Any:
    actor = actor_of(request)
    export = case_file_export(
        case_file=_file(actor, file_id), kind=params.format, actor=actor, data=via(request)
    )
    return _answer(export)


@router.get(
    "/files/{file_id}/items/export",
    response=FOUND,
    summary="Xuất mục lục văn bản trong hồ sơ (PDF, Excel)",
    description="Mục lục văn bản theo mẫu Nghị định 30 Phụ lục V; lượt xuất được ghi nhật ký.",
    url_name="records_file_items_export",
    openapi_extra=BINARY_RESPONSE,
)
def records_file_items_export(request: HttpRequest, file_id: int, params: Query[IndexQuery]) -> Any:
    actor = actor_of(request)
    export = file_items_export(
        case_file=_file(actor, file_id), kind=params.format, actor=actor, data=via(request)
    )
    return _answer(export)


@router.get(
    "/files/{file_id}/package",
    response=FOUND,
    summary="Gói lưu trữ của hồ sơ (BagIt, ZIP)",
    description=(
        "Gói BagIt (RFC 8493) trong một tệp ZIP để nộp lưu vào lưu trữ lịch sử: siêu dữ liệu "
        "XML, mục lục, các tệp văn bản theo thứ tự, manifest SHA-256 và Payload-Oxum."
    ),
    url_name="records_file_package",
    openapi_extra=BINARY_RESPONSE,
)
def records_file_package(request: HttpRequest, file_id: int) -> Any:
    actor = actor_of(request)
    export = archival_package_export(
        case_file=_file(actor, file_id), actor=actor, data=via(request)
    )
    return _answer(export)


@router.get(
    "/file-index/export",
    response=FOUND,
    summary="Xuất mục lục hồ sơ (PDF, Excel)",
    description=(
        "Mục lục các hồ sơ người gọi được xem (hoặc của mình với `mine`), lọc theo năm, "
        "trạng thái, từ khóa như danh sách hồ sơ; lượt xuất được ghi nhật ký."
    ),
    url_name="records_file_index_export",
    openapi_extra=BINARY_RESPONSE,
)
def records_file_index_export(request: HttpRequest, params: Query[FileIndexQuery]) -> Any:
    actor = actor_of(request)
    agency_id = agency_id_of(actor)
    files = my_files(actor, agency_id) if params.mine else visible_case_files(actor, agency_id)
    filters: dict[str, str] = {}
    if params.mine:
        filters["Hồ sơ"] = "của tôi"
    if params.year:
        files = files.filter(year=params.year)
        filters["Năm"] = str(params.year)
    if params.status:
        files = files.filter(status=params.status)
        filters["Trạng thái"] = str(FileStatus(params.status).label)
    text = " ".join(params.q.split())
    if text:
        files = files.filter(title__icontains=text) | files.filter(code__icontains=text)
        filters["Tìm"] = text
    export = file_index_export(
        files=files,
        agency_id=agency_id,
        kind=params.format,
        actor=actor,
        filters=filters,
        data=via(request),
    )
    return _answer(export)
