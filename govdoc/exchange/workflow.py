"""Statuses of the packets an installation sends and receives, and their transitions."""

from __future__ import annotations

from django.db import models


class PacketKind(models.TextChoices):
    EDOC = "EDOC", "Văn bản"
    STATUS = "STATUS", "Trạng thái"


class OutboxStatus(models.TextChoices):
    QUEUED = "QUEUED", "Chờ gửi"
    SENDING = "SENDING", "Đang gửi"
    SENT = "SENT", "Đã gửi lên trục"
    FAILED = "FAILED", "Gửi không thành công"
    """Permanent: the transport refused it (a typed reason); retried only by an operator."""


OUTBOX_TRANSITIONS: dict[tuple[str, str], str] = {
    (OutboxStatus.QUEUED, "claim"): OutboxStatus.SENDING,
    (OutboxStatus.SENDING, "sent"): OutboxStatus.SENT,
    # A temporary failure: back in the queue, with a later attempt time (back-off).
    (OutboxStatus.SENDING, "retry"): OutboxStatus.QUEUED,
    (OutboxStatus.SENDING, "fail"): OutboxStatus.FAILED,
    # A worker that died while sending: its claim expires.
    (OutboxStatus.SENDING, "expire"): OutboxStatus.QUEUED,
    (OutboxStatus.FAILED, "requeue"): OutboxStatus.QUEUED,
}


class InboxStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "Đã nhận"
    APPLIED = "APPLIED", "Đã xử lý"
    REFUSED = "REFUSED", "Bị từ chối"
    """A typed end state: the packet is invalid, unsigned, from the wrong sender…"""


INBOX_TRANSITIONS: dict[tuple[str, str], str] = {
    (InboxStatus.RECEIVED, "apply"): InboxStatus.APPLIED,
    (InboxStatus.RECEIVED, "refuse"): InboxStatus.REFUSED,
    (InboxStatus.REFUSED, "retry"): InboxStatus.RECEIVED,
}


def next_outbox_status(current: str, action: str) -> str | None:
    return OUTBOX_TRANSITIONS.get((current, action))


def next_inbox_status(current: str, action: str) -> str | None:
    return INBOX_TRANSITIONS.get((current, action))
