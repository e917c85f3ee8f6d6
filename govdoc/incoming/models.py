"""An incoming document's registration: arrival number and date, receiver, status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.documents.models import Document
from govdoc.incoming.workflow import Medium, Status
from govdoc.organizations.models import Agency, Unit
from govdoc.registers.models import RegisterEntry


class IncomingDocument(models.Model):
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="incoming")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    register_entry = models.OneToOneField(
        RegisterEntry, on_delete=models.PROTECT, related_name="incoming"
    )
    arrival_number = models.PositiveIntegerField("số đến")
    arrival_year = models.PositiveSmallIntegerField()
    arrival_date = models.DateTimeField("ngày đến")
    medium = models.CharField("hình thức", max_length=10, choices=Medium.choices)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    receiving_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_places = models.CharField("nơi nhận", max_length=1000, blank=True)
    notes = models.CharField("ghi chú", max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duplicate_reason = models.CharField("lý do vẫn đăng ký", max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The leader the clerk presented it to (the latest presentation), and when.
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="trình lãnh đạo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    presented_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField("lý do trả lại", max_length=1000, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-arrival_date", "-arrival_number"]
        indexes = [
            models.Index(fields=["agency", "-arrival_date", "-arrival_number"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["agency", "receiving_unit"]),
            models.Index(fields=["presented_to", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "arrival_year", "arrival_number"],
                name="incoming_arrival_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="incoming_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(medium__in=Medium.values), name="incoming_medium_valid"
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_reason=""),
                name="incoming_duplicate_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="REFUSED") | ~Q(refusal_reason=""),
                name="incoming_refusal_has_reason",
            ),
        ]
        verbose_name = "văn bản đến"
        verbose_name_plural = "văn bản đến"

    @property
    def display_arrival_number(self) -> str:
        return f"{self.arrival_number:02d}"

    def __str__(self) -> str:
        return f"Số đến {self.display_arrival_number}/{self.arrival_year}"


class IncomingHistory(models.Model):
    """Append-only history of an incoming document: one row per step."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["incoming_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.incoming_id} {self.action} {self.at:%d/%m/%Y %H:%M}"
