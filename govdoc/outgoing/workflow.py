"""Statuses of drafts, approval steps, issued documents and deliveries, and the transitions
allowed between them (NĐ 30 Điều 10–19: draft → approve → sign → number → register →
agency signature → send)."""

from __future__ import annotations

from django.db import models


class DraftStatus(models.TextChoices):
    DRAFTING = "DRAFTING", "Đang soạn thảo"
    IN_REVIEW = "IN_REVIEW", "Đang trình duyệt"
    RETURNED = "RETURNED", "Trả lại để sửa"
    APPROVED = "APPROVED", "Đã duyệt, chờ ký"
    SIGNED = "SIGNED", "Đã ký, chờ phát hành"
    NUMBERED = "NUMBERED", "Đã cấp số, chờ ký số cơ quan"
    ISSUED = "ISSUED", "Đã phát hành"
    CANCELLED = "CANCELLED", "Đã hủy"


# (from status, action) → to status
DRAFT_TRANSITIONS: dict[tuple[str, str], str] = {
    (DraftStatus.DRAFTING, "submit"): DraftStatus.IN_REVIEW,
    (DraftStatus.RETURNED, "submit"): DraftStatus.IN_REVIEW,
    (DraftStatus.IN_REVIEW, "return"): DraftStatus.RETURNED,
    (DraftStatus.APPROVED, "return"): DraftStatus.RETURNED,
    (DraftStatus.IN_REVIEW, "approve_all"): DraftStatus.APPROVED,
    # A new version of an approved draft goes back to the signer.
    (DraftStatus.APPROVED, "revise"): DraftStatus.IN_REVIEW,
    (DraftStatus.APPROVED, "sign"): DraftStatus.SIGNED,
    (DraftStatus.SIGNED, "number"): DraftStatus.NUMBERED,
    (DraftStatus.NUMBERED, "issue"): DraftStatus.ISSUED,
    (DraftStatus.DRAFTING, "cancel"): DraftStatus.CANCELLED,
    (DraftStatus.RETURNED, "cancel"): DraftStatus.CANCELLED,
    (DraftStatus.IN_REVIEW, "cancel"): DraftStatus.CANCELLED,
}

# The content may change (a new version) only before signing.
EDITABLE = frozenset(
    {DraftStatus.DRAFTING, DraftStatus.RETURNED, DraftStatus.IN_REVIEW, DraftStatus.APPROVED}
)
# Waiting for the clerk's issuance.
TO_ISSUE = (DraftStatus.SIGNED, DraftStatus.NUMBERED)


def next_draft_status(current: str, action: str) -> str | None:
    return DRAFT_TRANSITIONS.get((current, action))


class StepKind(models.TextChoices):
    CONTENT = "CONTENT", "Duyệt nội dung"
    FORM = "FORM", "Kiểm tra thể thức, kỹ thuật trình bày"
    OPINION = "OPINION", "Cho ý kiến"
    SIGNER = "SIGNER", "Người ký duyệt"


class StepStatus(models.TextChoices):
    WAITING = "WAITING", "Chưa đến lượt"
    PENDING = "PENDING", "Chờ duyệt"
    APPROVED = "APPROVED", "Đã duyệt"
    RETURNED = "RETURNED", "Đã trả lại"


STEP_TRANSITIONS: dict[tuple[str, str], str] = {
    (StepStatus.WAITING, "activate"): StepStatus.PENDING,
    (StepStatus.PENDING, "approve"): StepStatus.APPROVED,
    (StepStatus.PENDING, "return"): StepStatus.RETURNED,
    (StepStatus.PENDING, "reset"): StepStatus.WAITING,
    (StepStatus.RETURNED, "reset"): StepStatus.WAITING,
    (StepStatus.APPROVED, "reset"): StepStatus.WAITING,
}


def next_step_status(current: str, action: str) -> str | None:
    return STEP_TRANSITIONS.get((current, action))


class AssigneeRule(models.TextChoices):
    """Who takes a step of a default circuit, resolved when the draft is submitted."""

    DRAFTING_UNIT_LEADER = "DRAFTING_UNIT_LEADER", "Lãnh đạo đơn vị soạn thảo"
    CLERK = "CLERK", "Văn thư cơ quan"
    UNIT_LEADER = "UNIT_LEADER", "Lãnh đạo một đơn vị (ví dụ Vụ Pháp chế)"
    PERSON = "PERSON", "Một người cụ thể"
    SIGNER = "SIGNER", "Người ký"


class OutgoingStatus(models.TextChoices):
    ISSUED = "ISSUED", "Đã phát hành"
    UPDATED = "UPDATED", "Đã được đính chính, cập nhật"
    REPLACED = "REPLACED", "Đã bị thay thế"
    REVOKED = "REVOKED", "Đã thu hồi"


OUTGOING_TRANSITIONS: dict[tuple[str, str], str] = {
    (OutgoingStatus.ISSUED, "revoke"): OutgoingStatus.REVOKED,
    (OutgoingStatus.UPDATED, "revoke"): OutgoingStatus.REVOKED,
    (OutgoingStatus.ISSUED, "replace"): OutgoingStatus.REPLACED,
    (OutgoingStatus.UPDATED, "replace"): OutgoingStatus.REPLACED,
    (OutgoingStatus.ISSUED, "update"): OutgoingStatus.UPDATED,
    (OutgoingStatus.UPDATED, "update"): OutgoingStatus.UPDATED,
}

# Frozen: nothing about it changes any more, only its record stays.
FROZEN_OUTGOING = frozenset({OutgoingStatus.REVOKED, OutgoingStatus.REPLACED})


def next_outgoing_status(current: str, action: str) -> str | None:
    return OUTGOING_TRANSITIONS.get((current, action))


class ChangeKind(models.TextChoices):
    REVOKE = "REVOKE", "Thu hồi"
    REPLACE = "REPLACE", "Thay thế"
    UPDATE = "UPDATE", "Đính chính, cập nhật"


class RecipientKind(models.TextChoices):
    UNIT = "UNIT", "Đơn vị trong cơ quan"
    AGENCY = "AGENCY", "Cơ quan trong danh bạ"
    OTHER = "OTHER", "Nơi nhận khác"


class Method(models.TextChoices):
    INTERNAL = "INTERNAL", "Gửi nội bộ"
    LOCAL = "LOCAL", "Cùng hệ thống govdoc"
    INTERCONNECT = "INTERCONNECT", "Trục liên thông"
    EMAIL = "EMAIL", "Thư điện tử"
    POST = "POST", "Bưu điện"


class DispatchStatus(models.TextChoices):
    QUEUED = "QUEUED", "Chờ gửi"
    SENT = "SENT", "Đã gửi"
    ARRIVED = "ARRIVED", "Đã đến"
    ACCEPTED = "ACCEPTED", "Đã tiếp nhận"
    REFUSED = "REFUSED", "Bị từ chối"
    ASSIGNED = "ASSIGNED", "Đã phân công"
    IN_PROGRESS = "IN_PROGRESS", "Đang xử lý"
    COMPLETED = "COMPLETED", "Đã hoàn thành"
    FAILED = "FAILED", "Gửi không thành công"
    WITHDRAWN = "WITHDRAWN", "Đã thu hồi"


# The receiving side's steps in their order: a late or repeated event never moves back.
DISPATCH_ORDER: dict[str, int] = {
    DispatchStatus.QUEUED: 0,
    DispatchStatus.FAILED: 1,
    DispatchStatus.SENT: 2,
    DispatchStatus.ARRIVED: 3,
    DispatchStatus.ACCEPTED: 4,
    DispatchStatus.REFUSED: 4,
    DispatchStatus.ASSIGNED: 5,
    DispatchStatus.IN_PROGRESS: 6,
    DispatchStatus.COMPLETED: 7,
    DispatchStatus.WITHDRAWN: 8,
}


def dispatch_moves_to(current: str, new: str) -> bool:
    """Whether a delivery in `current` takes the newer status `new`."""
    if current == DispatchStatus.WITHDRAWN:
        return False
    if current == DispatchStatus.REFUSED:
        return new == DispatchStatus.WITHDRAWN
    if new == DispatchStatus.REFUSED:
        # The receiving clerk may still send it back after registering or presenting it.
        return current != DispatchStatus.COMPLETED
    if current == DispatchStatus.FAILED:
        return new != DispatchStatus.QUEUED
    return DISPATCH_ORDER[new] > DISPATCH_ORDER[current]


class SigningAuthority(models.TextChoices):
    DIRECT = "", "Ký trực tiếp"
    TM = "TM", "TM. — thay mặt tập thể"
    KT = "KT", "KT. — ký thay người đứng đầu"
    TL = "TL", "TL. — thừa lệnh"
    TUQ = "TUQ", "TUQ. — thừa ủy quyền"
    Q = "Q", "Q. — quyền"


class CopyKind(models.TextChoices):
    SY = "SY", "Bản sao y"
    SL = "SL", "Bản sao lục"
    TRS = "TrS", "Bản trích sao"
