"""What the outgoing pages share: fetching through the access rules (not found and not
allowed answer the same 404), serving a stored file with a journal row, the labels and
colours of statuses."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

from govdoc.audit.services import audit_record
from govdoc.core.errors import NotFound
from govdoc.documents.models import StoredFile
from govdoc.documents.storage import stream_stored
from govdoc.organizations.models import Agency
from govdoc.outgoing.access import draft_for, outgoing_for
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.workflow import (
    DispatchStatus,
    DraftStatus,
    OutgoingStatus,
    StepKind,
    StepStatus,
)


def agency_of(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None:
        raise Http404("Tài khoản chưa thuộc cơ quan nào.")
    return agency


def draft_or_404(request: HttpRequest, pk: int) -> Draft:
    try:
        return draft_for(request.user, pk)
    except NotFound:
        raise Http404() from None


def outgoing_or_404(request: HttpRequest, pk: int) -> OutgoingDocument:
    try:
        outgoing = outgoing_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    if outgoing.issued_at is None:
        # Numbered, waiting for the agency's signature: still the draft's business.
        raise Http404()
    return outgoing


def serve_stored(
    request: HttpRequest,
    stored: StoredFile,
    *,
    name: str,
    target: Any,
    agency_id: int,
    label: str,
) -> FileResponse:
    """A stored file, inline when it is a PDF (for the page's frame) unless ?tai=1; one
    journal row per view or download."""
    download = request.GET.get("tai") == "1" or stored.kind != "pdf"
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="file.download" if download else "file.view",
            target=target,
            target_label=f"{name} — {label}"[:300],
            agency_id=agency_id,
            data={"sha256": stored.sha256},
        )
    response = FileResponse(stream_stored(stored), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(download, name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


DRAFT_STATUS_CSS: dict[str, str] = {
    DraftStatus.DRAFTING: "text-bg-light border",
    DraftStatus.IN_REVIEW: "text-bg-warning",
    DraftStatus.RETURNED: "text-bg-danger",
    DraftStatus.APPROVED: "text-bg-info",
    DraftStatus.SIGNED: "text-bg-primary",
    DraftStatus.NUMBERED: "text-bg-primary",
    DraftStatus.ISSUED: "text-bg-success",
    DraftStatus.CANCELLED: "text-bg-secondary",
}

STEP_STATUS_CSS: dict[str, str] = {
    StepStatus.WAITING: "text-bg-light border",
    StepStatus.PENDING: "text-bg-warning",
    StepStatus.APPROVED: "text-bg-success",
    StepStatus.RETURNED: "text-bg-danger",
}

OUTGOING_STATUS_CSS: dict[str, str] = {
    OutgoingStatus.ISSUED: "text-bg-success",
    OutgoingStatus.UPDATED: "text-bg-info",
    OutgoingStatus.REPLACED: "text-bg-warning",
    OutgoingStatus.REVOKED: "text-bg-danger",
}

DISPATCH_STATUS_CSS: dict[str, str] = {
    DispatchStatus.QUEUED: "text-bg-secondary",
    DispatchStatus.SENT: "text-bg-info",
    DispatchStatus.ARRIVED: "text-bg-primary",
    DispatchStatus.ACCEPTED: "text-bg-success",
    DispatchStatus.REFUSED: "text-bg-danger",
    DispatchStatus.ASSIGNED: "text-bg-primary",
    DispatchStatus.IN_PROGRESS: "text-bg-primary",
    DispatchStatus.COMPLETED: "text-bg-success",
    DispatchStatus.FAILED: "text-bg-danger",
    DispatchStatus.WITHDRAWN: "text-bg-dark",
}

STEP_KIND_SHORT: dict[str, str] = {
    StepKind.CONTENT: "Duyệt nội dung",
    StepKind.FORM: "Kiểm tra thể thức",
    StepKind.OPINION: "Cho ý kiến",
    StepKind.SIGNER: "Người ký duyệt",
}

HISTORY_LABELS: dict[str, str] = {
    "create": "Tạo dự thảo",
    "update": "Sửa thông tin dự thảo",
    "version": "Thêm phiên bản nội dung",
    "attach": "Thêm tệp đính kèm",
    "detach": "Gỡ tệp đính kèm",
    "comment": "Cho ý kiến",
    "submit": "Trình duyệt",
    "approve": "Duyệt",
    "return": "Trả lại để sửa",
    "approve_all": "Đã duyệt đủ các bước, chờ ký",
    "revise": "Sửa dự thảo đã duyệt: trình lại người ký",
    "add_step": "Thêm bước duyệt",
    "sign": "Ký số",
    "number": "Cấp số, vào sổ văn bản đi",
    "issue": "Ký số của cơ quan và phát hành",
    "cancel": "Hủy dự thảo",
    "revoke": "Thu hồi văn bản",
    "replace": "Thay thế văn bản",
    "update_issued": "Đính chính, cập nhật văn bản",
    "withdraw_refused": "Nơi nhận không thu hồi được",
    "reply_completed": "Hoàn thành xử lý văn bản đến",
    "reply_not_completed": "Chưa hoàn thành được xử lý văn bản đến",
}


def history_label(action: str, *, issued: bool = False) -> str:
    if action == "update" and issued:
        return HISTORY_LABELS["update_issued"]
    return HISTORY_LABELS.get(action, action)
