"""Statuses of an incoming document and the transitions allowed between them."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    REGISTERED = "REGISTERED", "Đã vào sổ"
    ANNULLED = "ANNULLED", "Đã hủy đăng ký"


class Medium(models.TextChoices):
    PAPER = "PAPER", "Văn bản giấy (bản quét)"
    ELECTRONIC = "ELECTRONIC", "Văn bản điện tử"


TRANSITIONS: dict[tuple[str, str], str] = {
    # (from status, action) → to status
    (Status.REGISTERED, "annul"): Status.ANNULLED,
}

EDITABLE_STATUSES = frozenset({Status.REGISTERED})


def next_status(current: str, action: str) -> str | None:
    return TRANSITIONS.get((current, action))


def allowed_actions(current: str) -> list[str]:
    return [action for (status, action) in TRANSITIONS if status == current]
