"""Urgency (độ khẩn): shared by documents, register entries, tasks and exchange packets."""

from __future__ import annotations

from django.db import models


class Priority(models.IntegerChoices):
    """Urgency (độ khẩn); values are the edXML Priority codes."""

    NORMAL = 0, "Thường"
    URGENT = 1, "Khẩn"
    VERY_URGENT = 2, "Thượng khẩn"
    FLASH = 3, "Hỏa tốc"
    FLASH_TIMED = 4, "Hỏa tốc hẹn giờ"
