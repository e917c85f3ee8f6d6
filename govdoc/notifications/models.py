"""In-app notifications, one row per recipient; e-mailed after commit when the person has an
address."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TITLE_MAX_LENGTH = 300
URL_MAX_LENGTH = 500
KIND_MAX_LENGTH = 50
DEDUPE_KEY_MAX_LENGTH = 200


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("loại", max_length=KIND_MAX_LENGTH)
    title = models.CharField("tiêu đề", max_length=TITLE_MAX_LENGTH)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=URL_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField("thời điểm", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    email_sent_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)
    # The same key is never notified twice to the same person (e.g. one reminder per deadline
    # occurrence). NULL: no deduplication (NULLs are distinct in the unique constraint).
    dedupe_key = models.CharField(  # noqa: DJ001 (NULL on purpose: see above)
        "khóa chống trùng", max_length=DEDUPE_KEY_MAX_LENGTH, null=True, blank=True
    )

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_key"
            ),
        ]
        indexes = [
            # A person's list, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The bell: a person's unread ones (small, since read rows leave it).
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
