"""Shapes of the API's input and output, documented in Vietnamese for the OpenAPI page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from govdoc.core.dates import parse_vn_date

DATE_MESSAGE = "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy hoặc yyyy-mm-dd."


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(value: Any) -> Any:
    # A form field sent empty counts as not sent: the client gets "required", not "not a number".
    if _blank(value):
        raise PydanticCustomError("missing", "Field required")
    return value.strip() if isinstance(value, str) else value


def _optional(value: Any) -> Any:
    if _blank(value):
        return None
    return value.strip() if isinstance(value, str) else value


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_vn_date(str(value))
    except ValueError:
        raise PydanticCustomError("vn_date", DATE_MESSAGE) from None


def _required_date(value: Any) -> dt.date | None:
    return _date(_required(value))


def _optional_date(value: Any) -> dt.date | None:
    return None if _blank(value) else _date(value)


RequiredInt = Annotated[int, BeforeValidator(_required)]
OptionalInt = Annotated[int | None, BeforeValidator(_optional)]
VnDate = Annotated[dt.date, BeforeValidator(_required_date)]
OptionalVnDate = Annotated[dt.date | None, BeforeValidator(_optional_date)]

DATE_HELP = "Dạng yyyy-mm-dd hoặc dd/mm/yyyy."


class ErrorOut(Schema):
    code: str = Field(..., description="Mã lỗi: validation, duplicate, not_found, unauthorized…")
    message: str = Field(..., description="Thông báo lỗi bằng tiếng Việt.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Lỗi theo từng trường: tên trường → thông báo."
    )


class IncomingIn(Schema):
    """Metadata of an incoming document to register (multipart form fields)."""

    document_type_id: RequiredInt = Field(
        ..., title="Loại văn bản", description="Mã số loại văn bản (xem GET /api/document-types)."
    )
    subject: str = Field(
        ..., title="Trích yếu", description="Trích yếu nội dung, tối đa 500 ký tự."
    )
    issued_date: VnDate = Field(..., title="Ngày văn bản", description=DATE_HELP)
    issuer_id: OptionalInt = Field(
        None,
        title="Cơ quan ban hành (danh bạ)",
        description="Mã số cơ quan trong danh bạ (xem GET /api/agencies). "
        "Không có thì ghi issuer_name.",
    )
    issuer_name: str = Field(
        "", title="Tên cơ quan ban hành", description="Khi không dùng issuer_id."
    )
    code_number: str = Field("", title="Số", description="Số của văn bản, vd: 15.")
    code_notation: str = Field("", title="Ký hiệu", description="Ký hiệu, vd: QĐ-BTNMT.")
    signer_name: str = Field("", title="Người ký")
    signer_position: str = Field("", title="Chức vụ người ký")
    priority: OptionalInt = Field(
        0,
        title="Độ khẩn",
        ge=0,
        le=4,
        description="0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ.",
    )
    confidentiality: Literal["", "MAT", "TOI_MAT", "TUYET_MAT"] = Field(
        "",
        title="Độ mật",
        description="Để trống. Văn bản mật (MAT, TOI_MAT, TUYET_MAT) không được đăng ký "
        "trên hệ thống mạng và bị từ chối.",
    )
    page_count: OptionalInt = Field(
        None, title="Số trang", description="Bỏ trống: hệ thống đọc từ tệp PDF."
    )
    due_date: OptionalVnDate = Field(None, title="Hạn giải quyết", description=DATE_HELP)
    receiving_unit_id: OptionalInt = Field(None, title="Đơn vị nhận")
    receiving_person_id: OptionalInt = Field(None, title="Người nhận")
    to_places: str = Field("", title="Nơi nhận (ghi trên văn bản)")
    notes: str = Field("", title="Ghi chú")
    medium: Literal["PAPER", "ELECTRONIC"] = Field(
        "ELECTRONIC",
        title="Hình thức",
        description="PAPER: văn bản giấy (bản quét); ELECTRONIC: văn bản điện tử.",
    )
    document_identifier: str = Field(
        "", title="Mã văn bản (liên thông)", description="vd: 000.00.00.G12,2026/01/15,15/QĐ-BTC"
    )
    duplicate_reason: str = Field(
        "",
        title="Lý do vẫn đăng ký",
        description="Khi hệ thống báo có thể trùng (409 duplicate), gửi lại kèm lý do.",
    )


class IncomingUpdateIn(IncomingIn):
    """New metadata of a registered document (JSON). `version` is the one read before the
    edit: if someone changed the document since, the edit is refused with 409."""

    version: int = Field(..., ge=1, title="Phiên bản đã đọc", description="Trường version.")
    reason: str = Field("", title="Lý do sửa", max_length=500)


class IncomingQuery(Schema):
    """Filters of the incoming list (query string)."""

    date_from: OptionalVnDate = Field(None, title="Đến từ ngày", description=DATE_HELP)
    date_to: OptionalVnDate = Field(None, title="Đến hết ngày", description=DATE_HELP)
    document_type_id: OptionalInt = Field(None, title="Loại văn bản")
    issuer: str = Field("", title="Cơ quan ban hành", description="Một phần tên cơ quan.")
    priority: OptionalInt = Field(None, title="Độ khẩn", ge=0, le=4)
    status: Literal[
        "",
        "REGISTERED",
        "PRESENTED",
        "ASSIGNED",
        "IN_PROGRESS",
        "COMPLETED",
        "REFUSED",
        "ANNULLED",
        "WITHDRAWN",
    ] = Field(
        "",
        title="Trạng thái",
        description="REGISTERED đã vào sổ; PRESENTED đã trình; ASSIGNED đã phân công; "
        "IN_PROGRESS đang xử lý; COMPLETED đã hoàn thành; REFUSED đã trả lại nơi gửi; "
        "ANNULLED đã hủy đăng ký; WITHDRAWN nơi gửi đã thu hồi.",
    )
    unit_id: OptionalInt = Field(None, title="Đơn vị nhận")
    q: str = Field(
        "",
        title="Tìm nhanh",
        description="Số, ký hiệu, cơ quan ban hành, trích yếu; không phân biệt dấu.",
    )
    sort: Literal["-arrival", "arrival", "-priority", "due", "-issued", "issued"] = Field(
        "-arrival",
        title="Sắp xếp",
        description="-arrival mới đến trước; arrival đến trước; -priority khẩn trước; "
        "due hạn gần nhất; -issued / issued theo ngày văn bản.",
    )
    page: int = Field(1, ge=1, title="Trang")
    page_size: int = Field(
        25, ge=1, le=100, title="Số văn bản mỗi trang", description="Tối đa 100."
    )


class FileSignatureOut(Schema):
    field_name: str = Field(..., description="Tên trường chữ ký trong tệp PDF.")
    signer_name: str = Field(..., description="Người ký (tên trong chứng thư số).")
    signing_time: dt.datetime | None = Field(
        None, description="Thời điểm ký: theo dấu thời gian nếu có, nếu không theo người ký."
    )
    intact: bool = Field(..., description="Nội dung không bị thay đổi sau khi ký.")
    covers_whole_document: bool = Field(..., description="Chữ ký bao phủ toàn bộ tệp.")
    later_changes_allowed: bool
    timestamped: bool = Field(..., description="Có dấu thời gian hợp lệ.")
    trusted: bool = Field(..., description="Chứng thư số được kho chứng thư gốc tin cậy.")
    problems: list[str] = Field(default_factory=list, description="Các vấn đề phát hiện được.")
    valid: bool
    outcome: str = Field(
        ..., description="Kết quả lần kiểm tra gần nhất của tệp: VALID, INVALID, UNKNOWN_TRUST."
    )


class FileOut(Schema):
    id: int
    name: str = Field(..., description="Tên tệp khi nhận.")
    role: str = Field(..., description="MAIN: tệp chính; ATTACHMENT: phụ lục, tệp đính kèm.")
    size: int = Field(..., description="Dung lượng (byte).")
    sha256: str
    content_type: str
    download_url: str = Field(..., description="Địa chỉ tải tệp (cần xác thực như mọi lời gọi).")
    signatures: list[FileSignatureOut] = Field(
        default_factory=list,
        description="Chữ ký số của tệp PDF theo lần kiểm tra gần nhất (rỗng: không có chữ ký).",
    )


class IncomingOut(Schema):
    id: int
    arrival_number: int = Field(..., description="Số đến.")
    arrival_number_display: str = Field(..., description="Số đến như ghi trong sổ, vd: 01.")
    arrival_year: int
    arrival_date: dt.datetime = Field(..., description="Ngày giờ đến (ISO 8601).")
    status: str = Field(
        ...,
        description="REGISTERED, PRESENTED, ASSIGNED, IN_PROGRESS, COMPLETED, REFUSED, ANNULLED.",
    )
    status_label: str
    medium: str
    document_type_id: int
    document_type_name: str
    subject: str
    code_number: str
    code_notation: str
    issued_date: dt.date | None
    issuer_id: int | None
    issuer_name: str
    signer_name: str
    signer_position: str
    priority: int
    priority_label: str
    confidentiality: str
    page_count: int | None
    due_date: dt.date | None
    language: str
    receiving_unit_id: int | None
    receiving_unit_name: str
    receiving_person_id: int | None
    receiving_person_name: str
    to_places: str
    notes: str
    document_identifier: str
    duplicate_of_id: int | None
    duplicate_reason: str
    version: int = Field(..., description="Phiên bản thông tin (tăng mỗi lần sửa).")
    files: list[FileOut]


class IncomingPage(Schema):
    count: int = Field(..., description="Tổng số văn bản khớp điều kiện.")
    page: int
    page_size: int
    items: list[IncomingOut]


class DocumentTypeOut(Schema):
    id: int
    name: str
    abbreviation: str
    is_legal: bool = Field(..., description="Văn bản quy phạm pháp luật.")


class AgencyOut(Schema):
    id: int
    organ_id: str = Field(..., description="Mã định danh cơ quan (13 ký tự).")
    name: str
    abbreviation: str
    parent_id: int | None
    is_hosted: bool = Field(..., description="Cơ quan dùng govdoc trên hệ thống này.")
