"""Shapes of the outgoing API (drafts, their circuit, signing and issuance; issued documents,
their deliveries, changes and copies), documented in Vietnamese for the OpenAPI page. Dates
go out as ISO 8601 (yyyy-mm-dd), times with their offset (+07:00); dates come in as
yyyy-mm-dd or dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from govdoc.api.handling_schemas import PersonOut, UnitOut
from govdoc.api.schemas import DATE_HELP, OptionalInt, OptionalVnDate, RequiredInt

Box = Literal["mine", "to_review", "to_sign", "to_issue"]
BOX_HELP = (
    "mine: dự thảo tôi soạn; to_review: chờ tôi duyệt, cho ý kiến; to_sign: đã duyệt, chờ tôi "
    "ký; to_issue: đã ký, chờ văn thư cấp số và phát hành (chỉ văn thư)."
)
DRAFT_STATUS_HELP = (
    "DRAFTING đang soạn; IN_REVIEW đang trình duyệt; RETURNED trả lại để sửa; APPROVED đã "
    "duyệt, chờ ký; SIGNED đã ký, chờ phát hành; NUMBERED đã cấp số, chờ ký số cơ quan; "
    "ISSUED đã phát hành; CANCELLED đã hủy."
)
OUTGOING_STATUS_HELP = (
    "ISSUED đã phát hành; UPDATED đã được đính chính, cập nhật; REPLACED đã bị thay thế; "
    "REVOKED đã thu hồi."
)
SECRET_HELP = (
    "Mật khẩu chứng thư số (PKCS#12) hoặc mã PIN (thiết bị ký số PKCS#11): gửi một trong "
    "hai theo loại chứng thư."
)

# --- input --------------------------------------------------------------------------------


class RecipientIn(Schema):
    """One recipient: a unit of the agency (unit_id), an agency of the directory (agency_id)
    or anyone else by name with an e-mail or a postal address."""

    kind: Literal["UNIT", "AGENCY", "OTHER"] = Field(
        ...,
        title="Loại nơi nhận",
        description="UNIT đơn vị trong cơ quan; AGENCY cơ quan trong danh bạ; OTHER nơi khác.",
    )
    unit_id: OptionalInt = Field(None, title="Đơn vị (UNIT)")
    agency_id: OptionalInt = Field(None, title="Cơ quan (AGENCY)")
    name: str = Field("", title="Tên nơi nhận (OTHER)", max_length=200)
    email: str = Field("", title="Thư điện tử", max_length=254)
    address: str = Field("", title="Địa chỉ (gửi bưu điện)", max_length=300)
    method: Literal["", "INTERNAL", "LOCAL", "INTERCONNECT", "EMAIL", "POST"] = Field(
        "",
        title="Hình thức gửi",
        description="Để trống: hệ thống chọn (đơn vị: nội bộ; cơ quan cùng hệ thống: LOCAL; "
        "cơ quan khác: trục liên thông; nơi khác: thư điện tử nếu có, nếu không bưu điện).",
    )
    is_addressee: bool = Field(
        True, title="Kính gửi", description="False: chỉ ghi ở “Nơi nhận” (để báo cáo, để biết)."
    )


class DraftIn(Schema):
    """The metadata of a draft (JSON)."""

    document_type_id: RequiredInt = Field(
        ..., title="Loại văn bản", description="Xem GET /api/document-types."
    )
    subject: str = Field(..., title="Trích yếu", description="Tối đa 500 ký tự.")
    signer_id: RequiredInt = Field(
        ..., title="Người ký", description="Mã số người dùng trong cơ quan."
    )
    priority: int = Field(
        0,
        ge=0,
        le=4,
        title="Độ khẩn",
        description="0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ.",
    )
    drafting_unit_id: OptionalInt = Field(
        None, title="Đơn vị soạn thảo", description="Bỏ trống: đơn vị của người gọi."
    )
    signing_authority: Literal["", "TM", "KT", "TL", "TUQ", "Q"] = Field(
        "",
        title="Thẩm quyền ký",
        description="Trống: ký trực tiếp; TM thay mặt; KT ký thay; TL thừa lệnh; TUQ thừa ủy "
        "quyền; Q quyền.",
    )
    authority_title: str = Field(
        "", title="Chức danh thẩm quyền", description="vd: BỘ TRƯỞNG (trong “KT. BỘ TRƯỞNG”)."
    )
    signer_position: str = Field("", title="Chức vụ người ký")
    reply_to_id: OptionalInt = Field(
        None, title="Trả lời văn bản đến", description="Mã số văn bản đến (GET /api/incoming)."
    )
    due_date: OptionalVnDate = Field(None, title="Hạn trả lời", description=DATE_HELP)
    copies: int = Field(1, ge=1, le=999, title="Số lượng bản")
    complete_reply: bool = Field(
        True,
        title="Hoàn thành xử lý văn bản đến khi phát hành",
        description="Khi là văn bản trả lời: phát hành xong thì việc chủ trì của người soạn "
        "thảo trên văn bản đến được hoàn thành.",
    )
    description: str = Field("", title="Ghi chú", description="Tối đa 500 ký tự.")
    recipients: list[RecipientIn] = Field(
        default_factory=list, title="Nơi nhận", description="Tối đa 500 nơi nhận."
    )


class FileIn(Schema):
    name: str = Field(..., title="Tên tệp", max_length=255)
    content_base64: str = Field(..., title="Nội dung tệp (base64)")


class DraftCreateIn(DraftIn):
    """A new draft, with its body as a file (base64) or made from a template. Large files:
    create without a body, then POST .../versions (multipart/form-data)."""

    body_name: str = Field(
        "", title="Tên tệp dự thảo", description="vd: du-thao.docx hoặc du-thao.pdf."
    )
    body_base64: str = Field(
        "",
        title="Nội dung tệp dự thảo (base64)",
        description="DOCX hoặc PDF; cả yêu cầu tối đa 5 MB. Không bắt buộc.",
    )
    template_code: str = Field(
        "",
        title="Mẫu văn bản",
        description="Thay cho tệp: tạo dự thảo theo mẫu NĐ 30 với các giá trị template_values.",
    )
    template_values: dict[str, str | list[str]] = Field(
        default_factory=dict, title="Giá trị các trường của mẫu"
    )
    attachments: list[FileIn] = Field(default_factory=list, title="Phụ lục, tệp đính kèm")


class DraftUpdateIn(DraftIn):
    """New metadata and recipients. `version` is the one read before the edit: if the draft
    changed since, the edit is refused with 409 and nothing changes."""

    version: int = Field(..., ge=1, title="Phiên bản đã đọc", description="Trường version.")


class VersionUploadIn(Schema):
    """Multipart form fields of a new version (the file goes in `body`)."""

    note: str = Field("", title="Ghi chú phiên bản", description="Tối đa 1000 ký tự.")
    version: OptionalInt = Field(
        None, title="Phiên bản đã đọc", description="Không bắt buộc: khi có, đã cũ thì trả 409."
    )


class VersionTemplateIn(Schema):
    template_code: str = Field(..., title="Mẫu văn bản")
    values: dict[str, str | list[str]] = Field(
        default_factory=dict, title="Giá trị các trường của mẫu"
    )
    note: str = Field("", title="Ghi chú phiên bản")
    version: int | None = Field(None, ge=1, title="Phiên bản đã đọc")


class TextIn(Schema):
    text: str = Field(..., title="Ý kiến", description="Tối đa 5000 ký tự.")


class NoteIn(Schema):
    note: str = Field("", title="Ghi chú, ý kiến", description="Tối đa 1000 ký tự.")


class ReasonIn(Schema):
    reason: str = Field(..., title="Lý do", description="Bắt buộc, tối đa 1000 ký tự.")


class StepIn(Schema):
    """An ad hoc step the drafter adds (before the signer's approval)."""

    kind: Literal["CONTENT", "FORM", "OPINION"] = Field(
        ...,
        title="Loại bước",
        description="CONTENT duyệt nội dung; FORM kiểm tra thể thức; OPINION cho ý kiến.",
    )
    stage: int = Field(
        ..., ge=1, title="Lượt", description="Cùng lượt: song song; lượt sau: tuần tự."
    )
    assignee_id: OptionalInt = Field(None, title="Người duyệt")
    assignee_role: Literal["", "CLERK"] = Field(
        "", title="Hoặc nhóm", description="CLERK: bất kỳ văn thư nào của cơ quan."
    )


class SecretIn(Schema):
    password: str | None = Field(None, title="Mật khẩu chứng thư số", description=SECRET_HELP)
    pin: str | None = Field(None, title="Mã PIN thiết bị ký số", description=SECRET_HELP)


class IssueIn(SecretIn):
    keeping_unit_id: OptionalInt = Field(
        None,
        title="Đơn vị giữ bản lưu",
        description="Bỏ trống: đơn vị soạn thảo (Sổ đăng ký văn bản đi: “đơn vị, người nhận "
        "bản lưu”).",
    )


class ChangeIn(Schema):
    kind: Literal["REVOKE", "REPLACE", "UPDATE"] = Field(
        ...,
        title="Loại thay đổi",
        description="REVOKE thu hồi; REPLACE thay thế (cần replacement_id); UPDATE đính chính, "
        "cập nhật.",
    )
    reason: str = Field(..., title="Lý do", description="Bắt buộc, tối đa 1000 ký tự.")
    replacement_id: OptionalInt = Field(
        None, title="Văn bản thay thế, đính chính", description="Mã số văn bản đi đã phát hành."
    )


class PostIn(Schema):
    postal_receipt: str = Field("", title="Số biên lai", description="Tối đa 50 ký tự.")
    postage: str = Field("", title="Cước phí", description="Tối đa 30 ký tự, vd: 25.000 đ.")


class CopyIn(SecretIn):
    kind: Literal["SY", "SL", "TrS"] = Field(
        ..., title="Hình thức sao", description="SY sao y; SL sao lục; TrS trích sao."
    )
    pages: str = Field("", title="Trang trích sao", description="Với TrS, vd: 1-2, 4.")
    recipients: str = Field("", title="Nơi nhận bản sao", description="Tối đa 1000 ký tự.")


# --- output -------------------------------------------------------------------------------


class TypeOut(Schema):
    id: int
    name: str


class RecipientOut(Schema):
    id: int
    kind: str
    unit_id: int | None
    agency_id: int | None
    name: str
    email: str
    address: str
    method: str
    method_label: str
    is_addressee: bool


class VersionOut(Schema):
    number: int
    source: str = Field(..., description="UPLOAD, TEMPLATE, SIGNED (đã ký số), ISSUED.")
    source_label: str
    body_name: str
    size: int
    sha256: str
    content_type: str
    has_pdf: bool
    note: str
    created_at: dt.datetime
    created_by: PersonOut
    download_url: str
    pdf_url: str = Field(..., description="Bản PDF để đọc và ký; rỗng nếu chưa có.")


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str
    added_at: dt.datetime
    added_by: PersonOut
    download_url: str


class StepOut(Schema):
    id: int
    stage: int
    kind: str
    kind_label: str
    assignee: PersonOut | None
    assignee_role: str = Field(..., description="CLERK: bước của nhóm văn thư.")
    status: str = Field(..., description="WAITING, PENDING, APPROVED, RETURNED.")
    status_label: str
    is_ad_hoc: bool
    decided_by: PersonOut | None
    on_behalf_of: PersonOut | None
    decided_at: dt.datetime | None
    decided_version: int | None
    note: str


class CommentOut(Schema):
    id: int
    author: PersonOut
    text: str
    created_at: dt.datetime
    version: int | None = Field(..., description="Phiên bản dự thảo khi cho ý kiến.")


class DraftHistoryOut(Schema):
    at: dt.datetime
    action: str
    actor: PersonOut | None
    on_behalf_of: PersonOut | None
    from_status: str
    to_status: str
    note: str
    data: dict[str, Any]


class DraftOut(Schema):
    id: int
    subject: str
    status: str = Field(..., description=DRAFT_STATUS_HELP)
    status_label: str
    priority: int
    priority_label: str
    document_type: TypeOut
    drafting_unit: UnitOut
    drafter: PersonOut
    signer: PersonOut
    reply_to_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    signed_at: dt.datetime | None
    issue_due: dt.date | None = Field(..., description="Hạn phát hành sau khi ký.")
    issue_late: bool = Field(..., description="Đã ký, quá hạn phát hành mà chưa phát hành.")
    outgoing_id: int | None = Field(..., description="Văn bản đi, khi đã cấp số.")
    code: str = Field(..., description="Số, ký hiệu khi đã cấp số, vd: 01/QĐ-BTNMT.")
    version: int = Field(..., description="Phiên bản thông tin (tăng mỗi lần thay đổi).")


class DraftDetailOut(DraftOut):
    signing_authority: str
    authority_title: str
    signer_position: str
    due_date: dt.date | None
    copies: int
    complete_reply: bool
    description: str
    template_code: str
    template_values: dict[str, Any]
    recipients: list[RecipientOut]
    versions: list[VersionOut]
    attachments: list[AttachmentOut]
    steps: list[StepOut]
    comments: list[CommentOut]
    history: list[DraftHistoryOut]
    pending_step_ids: list[int] = Field(..., description="Các bước chờ người gọi duyệt.")
    actions: list[str] = Field(
        ...,
        description="Thao tác người gọi được làm: edit, submit, add_step, approve, return, "
        "sign, return_to_drafter, issue, cancel, comment.",
    )


class DraftPage(Schema):
    box: str
    count: int
    count_capped: bool = Field(..., description="Nhiều hơn count: chỉ đếm đến giới hạn.")
    page: int
    page_size: int
    has_next: bool
    items: list[DraftOut]


class DispatchEventOut(Schema):
    at: dt.datetime
    status: str
    status_label: str
    reason: str
    by_name: str


class DispatchOut(Schema):
    id: int
    recipient_id: int
    recipient_name: str
    is_addressee: bool
    method: str = Field(..., description="INTERNAL, LOCAL, INTERCONNECT, EMAIL, POST.")
    method_label: str
    status: str = Field(
        ...,
        description="QUEUED, SENT, ARRIVED, ACCEPTED, REFUSED, ASSIGNED, IN_PROGRESS, "
        "COMPLETED, FAILED, WITHDRAWN.",
    )
    status_label: str
    status_at: dt.datetime
    reason: str
    sent_at: dt.datetime | None
    postal_receipt: str
    postage: str
    events: list[DispatchEventOut]
    actions: list[str] = Field(..., description="post (ghi gửi bưu điện), retry (gửi lại).")


class ChangeOut(Schema):
    id: int
    kind: str
    kind_label: str
    reason: str
    replacement_id: int | None
    replacement_code: str
    at: dt.datetime
    actor: PersonOut


class IssuedFileOut(Schema):
    id: int
    name: str
    role: str = Field(..., description="MAIN bản phát hành; ATTACHMENT phụ lục.")
    size: int
    sha256: str
    content_type: str
    download_url: str


class OutgoingOut(Schema):
    id: int
    draft_id: int
    code: str
    code_number: str
    code_notation: str
    number: int
    year: int
    issued_date: dt.date | None
    numbered_at: dt.datetime
    issued_at: dt.datetime | None
    document_type: TypeOut
    subject: str
    priority: int
    priority_label: str
    signer_name: str
    signer_position: str
    status: str = Field(..., description=OUTGOING_STATUS_HELP)
    status_label: str
    keeping_unit: UnitOut | None


class OutgoingDetailOut(OutgoingOut):
    document_identifier: str
    page_count: int | None
    issue_notes: str
    reply_to_id: int | None
    files: list[IssuedFileOut]
    dispatches: list[DispatchOut]
    changes: list[ChangeOut]
    actions: list[str] = Field(..., description="change (thu hồi, thay thế…), copy (sao).")


class OutgoingPage(Schema):
    count: int
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[OutgoingOut]


class IssueOut(Schema):
    document: OutgoingDetailOut
    notes: str = Field(..., description="Những điều cần lưu ý khi phát hành (nếu có).")


class ChangeResultOut(Schema):
    change: ChangeOut
    document: OutgoingDetailOut


class CopyOut(Schema):
    id: int
    kind: str
    kind_label: str
    code: str = Field(..., description="Số, ký hiệu bản sao, vd: 05/SY-BTNMT.")
    number: int
    year: int
    pages: str
    recipients: str
    signed: bool = Field(..., description="Đã ký số bản sao (False: ký lại bằng …/sign).")
    signed_at: dt.datetime | None
    created_at: dt.datetime
    created_by: PersonOut
    download_url: str = Field(..., description="Bản sao đã ký số; rỗng khi chưa ký.")
