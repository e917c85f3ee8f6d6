"""Statuses of an incoming document and the transitions allowed between them.

The clerk's steps (register, present, refuse, annul) are services of this app; the handling
steps (assign, progress, complete, return) are taken by the assignments app, which moves the
document's status through `incoming_set_handling_status` with the same table.
"""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    REGISTERED = "REGISTERED", "Đã vào sổ"
    PRESENTED = "PRESENTED", "Đã trình lãnh đạo"
    ASSIGNED = "ASSIGNED", "Đã phân công"
    IN_PROGRESS = "IN_PROGRESS", "Đang xử lý"
    COMPLETED = "COMPLETED", "Đã hoàn thành"
    REFUSED = "REFUSED", "Đã trả lại nơi gửi"
    ANNULLED = "ANNULLED", "Đã hủy đăng ký"
    # The sender revoked the document (an electronic one received from another agency): the
    # record and its trace stay, its files are no longer shown to anyone (NĐ 30 Phụ lục VI
    # F8.b-c).
    WITHDRAWN = "WITHDRAWN", "Đã thu hồi"


class Medium(models.TextChoices):
    PAPER = "PAPER", "Văn bản giấy (bản quét)"
    ELECTRONIC = "ELECTRONIC", "Văn bản điện tử"


# (from status, action) → to status
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.REGISTERED, "present"): Status.PRESENTED,
    # Presented again, to another leader (the first is away, or sent it back).
    (Status.PRESENTED, "present"): Status.PRESENTED,
    (Status.REGISTERED, "refuse"): Status.REFUSED,
    (Status.PRESENTED, "refuse"): Status.REFUSED,
    (Status.REGISTERED, "annul"): Status.ANNULLED,
    (Status.PRESENTED, "annul"): Status.ANNULLED,
    # Handling, moved by the assignments app.
    (Status.PRESENTED, "assign"): Status.ASSIGNED,
    (Status.ASSIGNED, "assign"): Status.ASSIGNED,
    (Status.IN_PROGRESS, "assign"): Status.IN_PROGRESS,
    (Status.ASSIGNED, "start"): Status.IN_PROGRESS,
    (Status.ASSIGNED, "complete"): Status.COMPLETED,
    (Status.IN_PROGRESS, "complete"): Status.COMPLETED,
    # The lead handler sent it back: it waits for the leader again.
    (Status.ASSIGNED, "return"): Status.PRESENTED,
    (Status.IN_PROGRESS, "return"): Status.PRESENTED,
    # The sender revoked it (received_services.received_withdraw), from any non-final status.
    (Status.REGISTERED, "withdraw"): Status.WITHDRAWN,
    (Status.PRESENTED, "withdraw"): Status.WITHDRAWN,
    (Status.ASSIGNED, "withdraw"): Status.WITHDRAWN,
    (Status.IN_PROGRESS, "withdraw"): Status.WITHDRAWN,
    # Even when handled: the receiver destroys a revoked document (NĐ 30 Phụ lục VI F8.b).
    (Status.COMPLETED, "withdraw"): Status.WITHDRAWN,
}

# Actions that belong to the clerk's desk (shown on the document page by this app).
CLERK_ACTIONS = frozenset({"present", "refuse", "annul"})

EDITABLE_STATUSES = frozenset({Status.REGISTERED, Status.PRESENTED})
# Statuses in which the document is being handled (someone has work on it).
HANDLING_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
# Statuses nothing leaves.
FINAL_STATUSES = frozenset({Status.COMPLETED, Status.REFUSED, Status.ANNULLED, Status.WITHDRAWN})


def next_status(current: str, action: str) -> str | None:
    return TRANSITIONS.get((current, action))


def allowed_actions(current: str) -> list[str]:
    return [action for (status, action) in TRANSITIONS if status == current]
