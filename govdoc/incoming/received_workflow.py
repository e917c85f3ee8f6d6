"""Electronic documents other agencies sent to this one, waiting for the clerk: their
channels, statuses and the transitions allowed between them (pure Python)."""

from __future__ import annotations

from django.db import models


class Channel(models.TextChoices):
    # Sent by another agency working on this same installation (the outgoing app).
    LOCAL = "LOCAL", "Cùng hệ thống"
    # Received through the national interconnection axis (the exchange app, later).
    INTERCONNECT = "INTERCONNECT", "Trục liên thông"


class ReceivedStatus(models.TextChoices):
    WAITING = "WAITING", "Chờ tiếp nhận"
    REGISTERED = "REGISTERED", "Đã vào sổ"
    REFUSED = "REFUSED", "Đã trả lại"
    WITHDRAWN = "WITHDRAWN", "Nơi gửi đã thu hồi"


# (from status, action) → to status
RECEIVED_TRANSITIONS: dict[tuple[str, str], str] = {
    # The clerk registers it (an incoming document with an arrival number) …
    (ReceivedStatus.WAITING, "register"): ReceivedStatus.REGISTERED,
    # … or sends it back to the sender with a reason (wrong addressee, invalid).
    (ReceivedStatus.WAITING, "refuse"): ReceivedStatus.REFUSED,
    # The sender revoked it: before registration, or after (the incoming document is then
    # withdrawn too, when its own status allows it).
    (ReceivedStatus.WAITING, "withdraw"): ReceivedStatus.WITHDRAWN,
    (ReceivedStatus.REGISTERED, "withdraw"): ReceivedStatus.WITHDRAWN,
}


def next_received_status(current: str, action: str) -> str | None:
    return RECEIVED_TRANSITIONS.get((current, action))


def received_actions(current: str) -> list[str]:
    return [action for (status, action) in RECEIVED_TRANSITIONS if status == current]
