"""Shapes of work files over the API (NĐ 30 Phụ lục VI Phần II: the file's metadata, and
each document's place in it)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

FILE_STATUS_HELP = (
    "OPEN đang lập hồ sơ; CLOSED đã kết thúc; SUBMITTED đã nộp lưu, chờ tiếp nhận; "
    "ARCHIVED đã lưu trữ cơ quan; DESTROYED đã hủy."
)
RETENTION_HELP = "Thời hạn bảo quản: `permanent` (vĩnh viễn) hoặc `years` (1–70)."


class RetentionIn(Schema):
    permanent: bool = False
    years: int | None = Field(None, ge=1, le=70)


class FileItemOut(Schema):
    ordinal: int = Field(..., description="Số thứ tự văn bản trong hồ sơ (DocOrdinal).")
    document_id: int
    direction: str
    type_name: str
    code: str
    issued_date: dt.date | None
    issuer_name: str
    subject: str
    page_count: int | None


class FileOut(Schema):
    id: int
    code: str = Field(..., description="FileCode = OrganId.FileCatalog.FileNotation.")
    organ_id: str
    year: int
    notation: str
    title: str
    retention: str
    permanent: bool
    retention_years: int | None
    rights: str
    creator: str
    language: str
    start_date: dt.date | None
    end_date: dt.date | None
    doc_total: int
    page_total: int
    description: str
    status: str = Field(..., description=FILE_STATUS_HELP)
    status_label: str
    owner_id: int
    owner_name: str
    unit_id: int | None
    planned_id: int | None
    capital_construction: bool
    final_settlement_on: dt.date | None
    work_ended_on: dt.date | None
    transfer_due: dt.date | None
    on_hold: bool
    version: int


class FileDetailOut(FileOut):
    items: list[FileItemOut]


class FilePage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[FileOut]


class FileOpenIn(Schema):
    planned_id: int | None = Field(None, description="Hồ sơ trong danh mục đã ban hành.")
    title: str = ""
    notation: str = Field("", description="Số và ký hiệu hồ sơ, ví dụ 01.TCCB (ngoài danh mục).")
    retention: RetentionIn | None = Field(None, description=RETENTION_HELP)
    rights: Literal["Hạn chế", "Công khai"] = "Hạn chế"
    language: str = "Tiếng Việt"
    description: str = ""
    start_date: dt.date | None = None
    capital_construction: bool = False


class DocumentsIn(Schema):
    document_ids: list[int] = Field(..., description="Văn bản đến, đi hoặc tài liệu khác.")
    reason: str = ""


class CloseIn(Schema):
    version: int
    remove_ids: list[int] = Field(default_factory=list, description="Bản nháp, bản trùng loại ra.")
    retention: RetentionIn | None = None
    work_ended_on: dt.date | None = None
    final_settlement_on: dt.date | None = None
    description: str | None = None


class FileReasonIn(Schema):
    reason: str = Field(..., description="Bắt buộc, tối đa 1000 ký tự.")


class UnfiledOut(Schema):
    document_id: int
    direction: str
    code: str
    issued_date: dt.date | None
    subject: str


class UnfiledPage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[UnfiledOut]
