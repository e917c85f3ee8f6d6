"""Statuses of file plans and case files, and the transitions allowed between them
(NĐ 30 Điều 28–31): a plan is drafted then approved by the head; a file is opened, closed
when the work ends (reopened by the owner's leader with a reason), submitted for transfer,
accepted by the agency archive or returned, and at the end of its retention destroyed by a
decision — never silently."""

from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "DRAFT", "Đang lập"
    APPROVED = "APPROVED", "Đã ban hành"


PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, "approve"): PlanStatus.APPROVED,
    # The head may take an approved plan back to amend it (files already opened keep theirs).
    (PlanStatus.APPROVED, "reopen"): PlanStatus.DRAFT,
}


class FileStatus(models.TextChoices):
    OPEN = "OPEN", "Đang lập hồ sơ"
    CLOSED = "CLOSED", "Đã kết thúc"
    SUBMITTED = "SUBMITTED", "Đã nộp lưu, chờ tiếp nhận"
    ARCHIVED = "ARCHIVED", "Đã lưu trữ cơ quan"
    DESTROYED = "DESTROYED", "Đã hủy"


FILE_TRANSITIONS: dict[tuple[str, str], str] = {
    (FileStatus.OPEN, "close"): FileStatus.CLOSED,
    (FileStatus.CLOSED, "reopen"): FileStatus.OPEN,
    (FileStatus.CLOSED, "submit"): FileStatus.SUBMITTED,
    # The archivist returns a file of a batch with a reason: it is the owner's again.
    (FileStatus.SUBMITTED, "return"): FileStatus.CLOSED,
    (FileStatus.SUBMITTED, "accept"): FileStatus.ARCHIVED,
    (FileStatus.ARCHIVED, "destroy"): FileStatus.DESTROYED,
    (FileStatus.CLOSED, "destroy"): FileStatus.DESTROYED,
}

# What may still change inside a file (documents, metadata).
EDITABLE_FILE = frozenset({FileStatus.OPEN})


def next_plan_status(current: str, action: str) -> str | None:
    return PLAN_TRANSITIONS.get((current, action))


def next_file_status(current: str, action: str) -> str | None:
    return FILE_TRANSITIONS.get((current, action))


def retention_label(permanent: bool, years: int | None) -> str:
    """ "Vĩnh viễn" (no end) or "N năm"."""
    return "Vĩnh viễn" if permanent or years is None else f"{years} năm"


class BatchStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "Chờ lưu trữ tiếp nhận"
    CLOSED = "CLOSED", "Đã giao nhận xong"


class ItemDecision(models.TextChoices):
    PENDING = "PENDING", "Chờ kiểm tra"
    ACCEPTED = "ACCEPTED", "Đã tiếp nhận"
    RETURNED = "RETURNED", "Trả lại"


class KeepStatus(models.TextChoices):
    PENDING = "PENDING", "Chờ phê duyệt"
    APPROVED = "APPROVED", "Đồng ý giữ lại"
    REFUSED = "REFUSED", "Không đồng ý"


# Keeping a file past its transfer date: at most two more years (NĐ 30 Điều 31).
KEEP_MAX_YEARS = 2


class DisposalStatus(models.TextChoices):
    PROPOSED = "PROPOSED", "Chờ hội đồng thẩm định"
    REVIEWED = "REVIEWED", "Hội đồng đồng ý, chờ phê duyệt"
    APPROVED = "APPROVED", "Đã phê duyệt, chờ thực hiện"
    EXECUTED = "EXECUTED", "Đã hủy tài liệu"
    REJECTED = "REJECTED", "Không được phê duyệt"


DISPOSAL_TRANSITIONS: dict[tuple[str, str], str] = {
    # The last council member agrees; one who disagrees (with a reason) rejects it.
    (DisposalStatus.PROPOSED, "reviewed"): DisposalStatus.REVIEWED,
    (DisposalStatus.PROPOSED, "council_refuse"): DisposalStatus.REJECTED,
    # Once the council agreed, the head approves or refuses (with a reason); not before.
    (DisposalStatus.REVIEWED, "approve"): DisposalStatus.APPROVED,
    (DisposalStatus.REVIEWED, "head_refuse"): DisposalStatus.REJECTED,
    (DisposalStatus.APPROVED, "execute"): DisposalStatus.EXECUTED,
}

# The refusals of a decision: who refuses, by the action of the table.
DISPOSAL_REFUSALS = frozenset({"council_refuse", "head_refuse"})


def next_disposal_status(current: str, action: str) -> str | None:
    return DISPOSAL_TRANSITIONS.get((current, action))
