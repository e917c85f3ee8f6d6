"""An incoming document's registration: arrival number and date, receiver, status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.documents.models import Document, FileRole, Priority, StoredFile
from govdoc.incoming.received_workflow import Channel, ReceivedStatus
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
    # The sender revoked it (an electronic document received from another agency).
    withdrawal_reason = models.CharField("lý do thu hồi", max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)

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
            models.CheckConstraint(
                condition=~Q(status="WITHDRAWN") | ~Q(withdrawal_reason=""),
                name="incoming_withdrawal_has_reason",
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
    """Append-only history of an incoming document: one row per step. The actor is empty
    for a step the system took on someone else's word (a revocation received through the
    interconnection axis); `data["actor_name"]` then says who asked for it."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["incoming_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.incoming_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class ReceivedDocument(models.Model):
    """An electronic document another agency sent to this one (văn bản điện tử đến), as
    sent, waiting for the clerk to register it as an incoming document or send it back.

    `external_ref` names the delivery on the sender's side ("outgoing-dispatch:123", an
    edXML document id): delivering the same one twice gives one received document.
    """

    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan nhận", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("kênh nhận", max_length=12, choices=Channel.choices)
    sender_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan gửi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_organ_id = models.CharField("mã định danh nơi gửi", max_length=13, blank=True)
    sender_name = models.CharField("nơi gửi", max_length=200)
    # The metadata as sent; the clerk may correct it when registering.
    document_type = models.ForeignKey(
        "documents.DocumentType",
        verbose_name="loại văn bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_type_name = models.CharField("tên loại văn bản", max_length=100, blank=True)
    code_number = models.CharField("số", max_length=50, blank=True)
    code_notation = models.CharField("ký hiệu", max_length=100, blank=True)
    issued_date = models.DateField("ngày văn bản", null=True, blank=True)
    subject = models.CharField("trích yếu", max_length=2000)
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=200, blank=True)
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, default=Priority.NORMAL
    )
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    document_identifier = models.CharField("mã văn bản", max_length=200, blank=True)
    page_count = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    to_places = models.CharField("nơi nhận", max_length=2000, blank=True)
    description = models.CharField("ghi chú của nơi gửi", max_length=2000, blank=True)
    external_ref = models.CharField("mã lần gửi", max_length=200)
    received_at = models.DateTimeField("thời điểm nhận")
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=ReceivedStatus.choices,
        default=ReceivedStatus.WAITING,
    )
    incoming = models.OneToOneField(
        IncomingDocument,
        verbose_name="văn bản đến đã vào sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received",
    )
    refusal_reason = models.CharField("lý do trả lại", max_length=1000, blank=True)
    withdrawal_reason = models.CharField("lý do thu hồi", max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # The clerk's list: one agency's documents in one status, newest first.
            models.Index(
                fields=["agency", "status", "-received_at"], name="received_clerk_list_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_ref"], name="received_external_ref_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReceivedStatus.values), name="received_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="received_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=0, priority__lte=4), name="received_priority_valid"
            ),
            models.CheckConstraint(condition=~Q(external_ref=""), name="received_has_external_ref"),
            models.CheckConstraint(
                condition=~Q(status="REGISTERED") | Q(incoming__isnull=False),
                name="received_registered_has_incoming",
            ),
            models.CheckConstraint(
                condition=~Q(status="REFUSED") | ~Q(refusal_reason=""),
                name="received_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="WITHDRAWN") | ~Q(withdrawal_reason=""),
                name="received_withdrawal_has_reason",
            ),
        ]
        verbose_name = "văn bản điện tử đến"
        verbose_name_plural = "văn bản điện tử đến"

    @property
    def code(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    def __str__(self) -> str:
        return f"{self.code or 'Không số'} của {self.sender_name}"[:300]


class ReceivedFile(models.Model):
    """A file of a received document: the sender's stored bytes (content-addressed, so the
    same row is shared, not copied)."""

    received = models.ForeignKey(ReceivedDocument, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=FileRole.choices)
    name = models.CharField("tên tệp", max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["received_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["received"], condition=Q(role="MAIN"), name="received_one_main_file"
            ),
            models.CheckConstraint(
                condition=Q(role__in=FileRole.values), name="received_file_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReceivedHistory(models.Model):
    """Append-only history of a received document. `actor` is empty for the system's own
    steps (the delivery, a revocation through the axis); `actor_name` says who, as told."""

    received = models.ForeignKey(ReceivedDocument, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["received_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.received_id} {self.action} {self.at:%d/%m/%Y %H:%M}"
