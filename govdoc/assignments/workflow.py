"""Statuses of assignments, tasks and requests for more time, and their transition tables."""

from __future__ import annotations

from django.db import models


class HandlingRole(models.TextChoices):
    LEAD = "LEAD", "Chủ trì"
    SUPPORT = "SUPPORT", "Phối hợp"
    INFO = "INFO", "Nhận để biết"


class AssignmentStatus(models.TextChoices):
    NEW = "NEW", "Chờ xử lý"
    IN_PROGRESS = "IN_PROGRESS", "Đang xử lý"
    RETURNED = "RETURNED", "Đã trả lại người giao"
    COMPLETED = "COMPLETED", "Đã hoàn thành"
    CANCELLED = "CANCELLED", "Đã thu hồi"


class TaskStatus(models.TextChoices):
    ASSIGNED = "ASSIGNED", "Đã giao"
    IN_PROGRESS = "IN_PROGRESS", "Đang thực hiện"
    COMPLETED = "COMPLETED", "Đã hoàn thành"
    CANCELLED = "CANCELLED", "Đã hủy"


class ExtensionStatus(models.TextChoices):
    PENDING = "PENDING", "Chờ quyết định"
    APPROVED = "APPROVED", "Đồng ý gia hạn"
    REFUSED = "REFUSED", "Không đồng ý"


# Ordered (not a set): queries built from them have the same text every time, and match the
# partial indexes of open work (models.Assignment.Meta).
OPEN_STATUSES = (AssignmentStatus.NEW, AssignmentStatus.IN_PROGRESS)
WORK_ROLES = (HandlingRole.LEAD, HandlingRole.SUPPORT)

# (from status, action) → to status. Actions a handler takes on an assignment of work
# (LEAD or SUPPORT); INFO assignments are only read.
ASSIGNMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (AssignmentStatus.NEW, "progress"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.IN_PROGRESS, "progress"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.NEW, "sub_assign"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.IN_PROGRESS, "sub_assign"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.NEW, "ask_opinion"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.IN_PROGRESS, "ask_opinion"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.NEW, "request_extension"): AssignmentStatus.NEW,
    (AssignmentStatus.IN_PROGRESS, "request_extension"): AssignmentStatus.IN_PROGRESS,
    (AssignmentStatus.NEW, "return"): AssignmentStatus.RETURNED,
    (AssignmentStatus.IN_PROGRESS, "return"): AssignmentStatus.RETURNED,
    (AssignmentStatus.NEW, "complete"): AssignmentStatus.COMPLETED,
    (AssignmentStatus.IN_PROGRESS, "complete"): AssignmentStatus.COMPLETED,
    # By the assigner: take the work back (when re-assigning) …
    (AssignmentStatus.NEW, "cancel"): AssignmentStatus.CANCELLED,
    (AssignmentStatus.IN_PROGRESS, "cancel"): AssignmentStatus.CANCELLED,
    (AssignmentStatus.RETURNED, "cancel"): AssignmentStatus.CANCELLED,
    # … or give the returned work back to the same assignee.
    (AssignmentStatus.RETURNED, "reopen"): AssignmentStatus.NEW,
}

HANDLER_ACTIONS = (
    "progress",
    "sub_assign",
    "ask_opinion",
    "request_extension",
    "return",
    "complete",
)

TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (TaskStatus.ASSIGNED, "start"): TaskStatus.IN_PROGRESS,
    (TaskStatus.ASSIGNED, "complete"): TaskStatus.COMPLETED,
    (TaskStatus.IN_PROGRESS, "complete"): TaskStatus.COMPLETED,
    (TaskStatus.ASSIGNED, "cancel"): TaskStatus.CANCELLED,
    (TaskStatus.IN_PROGRESS, "cancel"): TaskStatus.CANCELLED,
    (TaskStatus.ASSIGNED, "assign"): TaskStatus.ASSIGNED,
    (TaskStatus.IN_PROGRESS, "assign"): TaskStatus.IN_PROGRESS,
}

EXTENSION_TRANSITIONS: dict[tuple[str, str], str] = {
    (ExtensionStatus.PENDING, "approve"): ExtensionStatus.APPROVED,
    (ExtensionStatus.PENDING, "refuse"): ExtensionStatus.REFUSED,
}


def next_assignment_status(current: str, action: str) -> str | None:
    return ASSIGNMENT_TRANSITIONS.get((current, action))


def next_task_status(current: str, action: str) -> str | None:
    return TASK_TRANSITIONS.get((current, action))


def next_extension_status(current: str, action: str) -> str | None:
    return EXTENSION_TRANSITIONS.get((current, action))


def handler_actions(status: str, role: str) -> list[str]:
    """The handling actions the table allows on an assignment (before permissions)."""
    if role == HandlingRole.INFO:
        return []
    actions = [a for a in HANDLER_ACTIONS if (status, a) in ASSIGNMENT_TRANSITIONS]
    if role == HandlingRole.SUPPORT:
        # Co-handlers contribute; the lead alone returns the document to its assigner.
        actions = [a for a in actions if a != "return"]
    return actions
