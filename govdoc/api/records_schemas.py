"""Shapes of the file plan API (danh mục hồ sơ), documented in Vietnamese for the OpenAPI
page. Times go out as ISO 8601 with their offset (+07:00)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from govdoc.api.handling_schemas import PersonOut, UnitOut
from govdoc.api.schemas import OptionalInt, RequiredInt

PLAN_STATUS_HELP = "DRAFT đang lập (sửa được); APPROVED đã được thủ trưởng phê duyệt."
VERSION_HELP = (
    "Phiên bản danh mục đã đọc (trường version của danh mục). Danh mục đã bị người khác "
    "thay đổi thì trả 409; bỏ trống: không kiểm tra."
)

# --- input --------------------------------------------------------------------------------


class PlanCreateIn(Schema):
    year: RequiredInt = Field(..., title="Năm", description="Mỗi cơ quan một danh mục mỗi năm.")


class PlanCopyIn(Schema):
    year: OptionalInt = Field(
        None, title="Năm của danh mục mới", description="Bỏ trống: năm sau năm của danh mục gốc."
    )


class VersionIn(Schema):
    version: OptionalInt = Field(None, description=VERSION_HELP)


class ApproveIn(VersionIn):
    decision_number: str = Field(
        "", title="Số quyết định ban hành danh mục", max_length=50, description="Bắt buộc."
    )
    decision_date: dt.date | None = Field(
        None, title="Ngày quyết định (yyyy-mm-dd)", description="Bắt buộc, không sau hôm nay."
    )


class ReopenIn(VersionIn):
    reason: str = Field(..., title="Lý do mở lại", max_length=1000)


class HeadingIn(VersionIn):
    title: str = Field(..., title="Tên đề mục", max_length=500)
    parent_id: OptionalInt = Field(
        None,
        title="Đề mục lớn",
        description="Có: đề mục con (đánh số 1, 2…) của đề mục này; không: đề mục lớn (I, II…).",
    )


class PlannedFileIn(VersionIn):
    heading_id: RequiredInt = Field(..., title="Đề mục (hoặc đề mục con) chứa hồ sơ")
    notation: str = Field(
        ..., title="Số và ký hiệu hồ sơ", description="Ví dụ 01.TCCB; tối đa 20 ký tự, không trùng."
    )
    title: str = Field(..., title="Tiêu đề hồ sơ", description="Tối đa 500 ký tự.")
    permanent: bool = Field(False, title="Bảo quản vĩnh viễn")
    retention_years: OptionalInt = Field(
        None, title="Thời hạn bảo quản (năm)", description="Bắt buộc khi không vĩnh viễn (1–100)."
    )
    unit_id: OptionalInt = Field(None, title="Đơn vị lập hồ sơ")
    person_in_charge_id: OptionalInt = Field(None, title="Người lập hồ sơ (người dùng)")
    person_in_charge_name: str = Field("", title="Hoặc tên người lập hồ sơ", max_length=200)
    note: str = Field("", title="Ghi chú")
    capital_construction: bool = Field(False, title="Hồ sơ xây dựng cơ bản")


# --- output -------------------------------------------------------------------------------


class PlannedFileOut(Schema):
    id: int
    heading_id: int
    notation: str
    title: str
    permanent: bool
    retention_years: int | None
    retention: str = Field(..., description="“Vĩnh viễn” hoặc “N năm”.")
    unit: UnitOut | None
    person_in_charge: PersonOut | None
    person_in_charge_name: str
    note: str
    capital_construction: bool


class HeadingOut(Schema):
    id: int
    number: str = Field(..., description="I, II… (đề mục lớn) hoặc 1, 2… (đề mục con).")
    title: str
    parent_id: int | None
    files: list[PlannedFileOut]
    children: list[HeadingOut] = Field(default_factory=list, description="Đề mục con.")


class PlanOut(Schema):
    id: int
    year: int
    status: Literal["DRAFT", "APPROVED"] = Field(..., description=PLAN_STATUS_HELP)
    status_label: str
    version: int
    files_count: int
    created_at: dt.datetime
    approved_at: dt.datetime | None
    approved_by: PersonOut | None
    decision_number: str = Field("", title="Số quyết định ban hành")
    decision_date: dt.date | None = Field(None, title="Ngày quyết định ban hành")
    copied_from_id: int | None


class PlanDetailOut(PlanOut):
    agency_name: str
    permanent_count: int
    limited_count: int
    headings: list[HeadingOut]
