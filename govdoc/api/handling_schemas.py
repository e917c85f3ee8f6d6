"""Shapes of the handling API (presentation, assignment, handling, queues, tasks), documented
in Vietnamese for the OpenAPI page. Dates go out as ISO 8601 (yyyy-mm-dd), times with their
offset (+07:00); dates come in as yyyy-mm-dd or dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from govdoc.api.schemas import DATE_HELP, OptionalInt, OptionalVnDate, RequiredInt, VnDate

RoleCode = Literal["LEAD", "SUPPORT", "INFO"]
ROLE_HELP = "LEAD: chủ trì; SUPPORT: phối hợp; INFO: nhận để biết."

# --- input --------------------------------------------------------------------------------


class PresentIn(Schema):
    leader_id: RequiredInt = Field(
        ..., title="Lãnh đạo được trình", description="Mã số người dùng là lãnh đạo cơ quan."
    )
    note: str = Field("", title="Ghi chú", description="Tối đa 1000 ký tự.")


class ReasonIn(Schema):
    reason: str = Field(..., title="Lý do", description="Bắt buộc, tối đa 1000 ký tự.")


class AssigneeIn(Schema):
    """One line of an assignment: a unit or a person (one of them), a role, a deadline."""

    role: RoleCode = Field(..., title="Vai trò", description=ROLE_HELP)
    unit_id: OptionalInt = Field(None, title="Đơn vị được giao")
    person_id: OptionalInt = Field(None, title="Cá nhân được giao")
    due_date: OptionalVnDate = Field(
        None,
        title="Hạn xử lý",
        description="Bắt buộc với LEAD và SUPPORT: một ngày làm việc, từ hôm nay. " + DATE_HELP,
    )
    note: str = Field("", title="Nội dung giao", description="Tối đa 1000 ký tự.")


class AssignIn(Schema):
    instruction: str = Field("", title="Ý kiến chỉ đạo (bút phê)", description="Tối đa 3000 ký tự.")
    follow_up_id: OptionalInt = Field(
        None, title="Người theo dõi, đôn đốc", description="Mã số người dùng trong cơ quan."
    )
    assignees: list[AssigneeIn] = Field(
        ...,
        title="Đơn vị, cá nhân được giao",
        description="Một chủ trì (trừ khi đã có chủ trì đang xử lý), phối hợp, nhận để biết.",
    )


class SubAssignIn(Schema):
    assignees: list[AssigneeIn] = Field(
        ...,
        title="Cá nhân trong đơn vị",
        description="Chỉ cá nhân thuộc đơn vị; hạn không sau hạn của đơn vị.",
    )


class ProgressIn(Schema):
    """Multipart form fields of a progress report (files go in `files`)."""

    text: str = Field(..., title="Nội dung tiến độ", description="Tối đa 5000 ký tự.")


class ResultIn(Schema):
    result: str = Field(..., title="Kết quả xử lý", description="Tối đa 5000 ký tự.")


class OpinionAskIn(Schema):
    asked_of_id: RequiredInt = Field(
        ..., title="Người được xin ý kiến", description="Mã số người dùng trong cơ quan."
    )
    question: str = Field(..., title="Nội dung xin ý kiến", description="Tối đa 5000 ký tự.")


class OpinionAnswerIn(Schema):
    answer: str = Field(..., title="Ý kiến", description="Tối đa 5000 ký tự.")


class ExtensionIn(Schema):
    requested_due: VnDate = Field(
        ...,
        title="Hạn đề nghị",
        description="Sau hạn hiện tại, là ngày làm việc. " + DATE_HELP,
    )
    reason: str = Field(..., title="Lý do xin gia hạn", description="Tối đa 1000 ký tự.")


class ExtensionDecideIn(Schema):
    approve: bool = Field(..., title="Đồng ý", description="true: đồng ý; false: không đồng ý.")
    note: str = Field(
        "", title="Ghi chú", description="Bắt buộc khi không đồng ý (lý do), tối đa 1000 ký tự."
    )


class ChaseIn(Schema):
    text: str = Field(..., title="Nội dung đôn đốc", description="Tối đa 1000 ký tự.")


class ReopenIn(Schema):
    due_date: OptionalVnDate = Field(
        None, title="Hạn mới", description="Bỏ trống: giữ hạn cũ. " + DATE_HELP
    )
    note: str = Field("", title="Ghi chú", description="Tối đa 1000 ký tự.")


class TaskIn(Schema):
    title: str = Field(..., title="Tên công việc", description="Tối đa 500 ký tự.")
    description: str = Field("", title="Nội dung", description="Tối đa 10.000 ký tự.")
    priority: int = Field(
        0,
        title="Độ khẩn",
        description="0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ.",
    )
    due_date: OptionalVnDate = Field(
        None,
        title="Hạn hoàn thành",
        description="Hạn chung, dùng cho các dòng giao không ghi hạn. " + DATE_HELP,
    )
    follow_up_id: OptionalInt = Field(None, title="Người theo dõi, đôn đốc")
    assignees: list[AssigneeIn] = Field(
        ..., title="Đơn vị, cá nhân được giao", description="Phải có một chủ trì."
    )


class QueueQuery(Schema):
    q: str = Field(
        "", title="Tìm nhanh", description="Trích yếu, tên công việc; không phân biệt dấu."
    )
    role: Literal["", "LEAD", "SUPPORT", "INFO"] = Field("", title="Vai trò", description=ROLE_HELP)
    kind: Literal["", "van-ban", "cong-viec"] = Field(
        "", title="Loại việc", description="van-ban: văn bản đến; cong-viec: công việc."
    )
    sort: Literal["han", "-han", "khan", "moi"] = Field(
        "han",
        title="Sắp xếp",
        description="han: hạn gần nhất trước; -han: hạn xa nhất trước; khan: khẩn trước; "
        "moi: mới giao trước.",
    )
    limit: int = Field(50, ge=1, title="Số mục tối đa", description="Tối đa 200 (lớn hơn: 200).")
    offset: int = Field(0, ge=0, title="Bỏ qua", description="Số mục bỏ qua từ đầu danh sách.")


class TaskQuery(Schema):
    status: Literal["", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "CANCELLED"] = Field(
        "", title="Trạng thái"
    )
    page: int = Field(1, ge=1, title="Trang")
    page_size: int = Field(
        25, ge=1, le=100, title="Số công việc mỗi trang", description="Tối đa 100."
    )


# --- output -------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str = Field(..., description="Họ và tên.")


class UnitOut(Schema):
    id: int
    name: str


class SubjectOut(Schema):
    """What the work is about: an incoming document or a task."""

    kind: Literal["incoming", "task"]
    id: int
    title: str = Field(..., description="Trích yếu văn bản hoặc tên công việc.")
    arrival_number: str = Field("", description="Số đến (văn bản đến).")
    priority: int
    priority_label: str
    status: str
    status_label: str
    due_date: dt.date | None = Field(None, description="Hạn giải quyết của văn bản, công việc.")


class AssignmentOut(Schema):
    id: int
    subject: SubjectOut
    parent_id: int | None = Field(None, description="Phân công của đơn vị (khi giao trong đơn vị).")
    depth: int = Field(0, description="Cấp trong cây phân công (0: lãnh đạo cơ quan giao).")
    role: str = Field(..., description=ROLE_HELP)
    role_label: str
    assignee_unit: UnitOut | None
    assignee_person: PersonOut | None
    assignee_name: str = Field(..., description="Tên đơn vị hoặc cá nhân được giao.")
    assigned_by: PersonOut
    on_behalf_of: PersonOut | None = Field(None, description="Giao thay (ủy quyền) cho ai.")
    assigned_at: dt.datetime
    due_date: dt.date | None
    overdue: bool = Field(..., description="Đang xử lý mà đã quá hạn.")
    follow_up: PersonOut | None = Field(None, description="Người theo dõi, đôn đốc.")
    note: str
    status: str = Field(..., description="NEW, IN_PROGRESS, RETURNED, COMPLETED, CANCELLED.")
    status_label: str
    started_at: dt.datetime | None
    read_at: dt.datetime | None = Field(None, description="Đã đọc lúc (nhận để biết).")
    completed_at: dt.datetime | None
    completed_on: dt.date | None
    completed_late: bool | None
    result: str
    returned_reason: str


class FileRefOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str
    download_url: str


class ProgressOut(Schema):
    id: int
    assignment_id: int
    author: PersonOut
    at: dt.datetime
    text: str
    files: list[FileRefOut]


class OpinionOut(Schema):
    id: int
    assignment_id: int
    asked_by: PersonOut
    asked_of: PersonOut
    question: str
    asked_at: dt.datetime
    answered: bool
    answer: str
    answered_at: dt.datetime | None


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    requested_by: PersonOut
    requested_at: dt.datetime
    current_due: dt.date
    requested_due: dt.date
    reason: str
    status: str = Field(..., description="PENDING, APPROVED, REFUSED.")
    status_label: str
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    decision_note: str


class ChaseOut(Schema):
    id: int
    assignment_id: int
    sent_by: PersonOut
    sent_at: dt.datetime
    text: str


class InstructionOut(Schema):
    id: int
    text: str
    given_by: PersonOut
    on_behalf_of: PersonOut | None
    given_at: dt.datetime


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    actor: PersonOut
    on_behalf_of: PersonOut | None
    assignment_id: int | None
    from_status: str
    from_status_label: str
    to_status: str
    to_status_label: str
    note: str
    data: dict[str, Any]


class AssignmentDetailOut(AssignmentOut):
    actions: list[str] = Field(
        ...,
        description="Thao tác người gọi được làm (đoạn cuối địa chỉ POST "
        "/api/assignments/{id}/…): sub-assign, progress, complete, return, read, opinions, "
        "extensions, chase, cancel, reopen.",
    )
    children: list[AssignmentOut]
    progress: list[ProgressOut]
    opinions: list[OpinionOut]
    extensions: list[ExtensionOut]
    chases: list[ChaseOut]
    history: list[HistoryOut]


class IncomingBriefOut(Schema):
    id: int
    arrival_number: str = Field(..., description="Số đến như ghi trong sổ.")
    subject: str
    priority: int
    priority_label: str
    status: str
    status_label: str
    due_date: dt.date | None
    presented_to: PersonOut | None
    presented_at: dt.datetime | None
    refusal_reason: str
    completed_at: dt.datetime | None


class HandlingOut(Schema):
    incoming: IncomingBriefOut
    actions: list[str] = Field(
        ..., description="Thao tác người gọi được làm: present, refuse, assign."
    )
    instructions: list[InstructionOut]
    assignments: list[AssignmentOut] = Field(
        ..., description="Cây phân công: cha trước con, theo thứ tự giao (xem depth, parent_id)."
    )
    progress: list[ProgressOut]
    opinions: list[OpinionOut]
    extensions: list[ExtensionOut]
    history: list[HistoryOut] = Field(
        ..., description="Mọi bước: vào sổ, trình, phân công, xử lý… theo thời gian."
    )


class AssignedOut(Schema):
    assignments: list[AssignmentOut] = Field(..., description="Các phân công vừa tạo.")


class QueueCountOut(Schema):
    name: str = Field(..., description="Tên hàng đợi (dùng trong GET /api/queues/{name}).")
    label: str
    count: int = Field(..., description="Số mục (nhận để biết: số chưa đọc).")


class QueueItemOut(Schema):
    kind: Literal["assignment", "presented", "opinion", "extension"]
    subject: SubjectOut
    assignment: AssignmentOut | None = None
    incoming: IncomingBriefOut | None = None
    opinion: OpinionOut | None = None
    extension: ExtensionOut | None = None


class QueuePage(Schema):
    name: str
    label: str
    count: int = Field(..., description="Tổng số mục (tối đa count_cap).")
    count_capped: bool = Field(..., description="Có nhiều hơn count_cap mục.")
    limit: int
    offset: int
    has_more: bool = Field(..., description="Còn mục sau trang này.")
    items: list[QueueItemOut]


class TaskOut(Schema):
    id: int
    title: str
    description: str
    priority: int
    priority_label: str
    due_date: dt.date | None
    status: str = Field(..., description="ASSIGNED, IN_PROGRESS, COMPLETED, CANCELLED.")
    status_label: str
    created_by: PersonOut
    on_behalf_of: PersonOut | None
    created_at: dt.datetime
    completed_at: dt.datetime | None


class TaskDetailOut(TaskOut):
    assignments: list[AssignmentOut]
    history: list[HistoryOut]


class TaskPage(Schema):
    count: int = Field(..., description="Tổng số công việc (tối đa 1000; xem count_capped).")
    count_capped: bool
    page: int
    page_size: int
    has_next: bool
    items: list[TaskOut]
