"""The hub's records: agencies (known by OrganId only), their credentials, packets and their
deliveries, and the append-only journal of calls.

Packets are never deleted: retention removes the stored bytes and marks the row (`purged_at`),
so the metadata stays as a trace of what passed through the hub.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class Agency(models.Model):
    """An agency allowed to use the hub, identified by its 13-character code (mã định danh)."""

    organ_id = models.CharField("mã định danh", max_length=13, unique=True)
    name = models.CharField("tên cơ quan", max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.CharField("thư điện tử", max_length=254, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    address = models.CharField("địa chỉ", max_length=500, blank=True)
    active = models.BooleanField("đang hoạt động", default=True)
    # SHA-256 fingerprints (lower-case hex) of the client certificates the agency may use;
    # any registered fingerprint means the agency requires mutual TLS. Several allow a
    # certificate to be renewed without a gap.
    mtls_fingerprints = models.JSONField("vân tay chứng thư TLS", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # An inbox listing that finds nothing is not journaled row by row (an installation polls
    # every 30 s): the agency's last listing and the number of empty ones are kept here.
    # Written with UPDATE … SET (not save()), so `updated_at` — what the directory's
    # `since` follows — does not move.
    last_polled_at = models.DateTimeField("lần lấy hộp thư gần nhất", null=True, blank=True)
    empty_polls = models.PositiveBigIntegerField("số lần hộp thư trống", default=0)

    class Meta:
        ordering = ["organ_id"]
        verbose_name = "cơ quan trên trạm"
        verbose_name_plural = "cơ quan trên trạm"

    def __str__(self) -> str:
        return f"{self.organ_id} {self.name}"

    @property
    def mtls_required(self) -> bool:
        return bool(self.mtls_fingerprints)


class Credential(models.Model):
    """A bearer token: an agency's (opens its own mailbox) or an administrator's (writes the
    directory). Only the SHA-256 of the key is stored; the key is shown once."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="credentials"
    )
    is_admin = models.BooleanField(default=False)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_admin=True, agency__isnull=True)
                | models.Q(is_admin=False, agency__isnull=False),
                name="hub_credential_admin_xor_agency",
            ),
        ]

    def __str__(self) -> str:
        owner = "admin" if self.is_admin else str(self.agency_id)
        return f"{self.prefix}… ({owner})"


class PacketKind(models.TextChoices):
    EDOC = "edoc", "Văn bản (edoc)"
    STATUS = "status", "Trạng thái (status)"


class Packet(models.Model):
    """One edXML packet as sent: its bytes in the packet store, one Delivery per recipient."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sent_packets")
    kind = models.CharField(max_length=10, choices=PacketKind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(db_index=True)
    # The last time the packet or one of its deliveries changed: what `sent?since=` follows.
    changed_at = models.DateTimeField()
    # When the last delivery ended (done, failed or expired): the retention clock.
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When retention removed the bytes; the row stays.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PacketKind.values), name="hub_packet_kind_valid"
            ),
            # Idempotent sending: the same bytes from the same sender are one packet while
            # they are kept; once purged, sending them again makes a new packet.
            models.UniqueConstraint(
                fields=["sender", "sha256"],
                condition=models.Q(purged_at__isnull=True),
                name="hub_packet_once_per_sender",
            ),
        ]
        indexes = [models.Index(fields=["sender", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.uuid} {self.kind} từ {self.sender_id}"


class DeliveryStatus(models.TextChoices):
    WAITING = "waiting", "Chờ lấy"
    FETCHED = "fetched", "Đã tải về"
    DONE = "done", "Đã nhận (done)"
    FAILED = "failed", "Nhận lỗi (fail)"
    EXPIRED = "expired", "Quá hạn lưu giữ"


OPEN_STATUSES = (DeliveryStatus.WAITING, DeliveryStatus.FETCHED)


class Delivery(models.Model):
    """A packet for one recipient: waiting → fetched → done | failed (or expired)."""

    packet = models.ForeignKey(Packet, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.WAITING
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_count = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["packet", "recipient"], name="hub_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="hub_delivery_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status"])]

    def __str__(self) -> str:
        return f"{self.packet_id} → {self.recipient_id}: {self.status}"


class AppendOnlyError(RuntimeError):
    pass


class HubCallQuerySet(models.QuerySet["HubCall"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("hub calls are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("hub calls are append-only")


class HubCall(models.Model):
    """One call to the hub (API or command): who, what, which packet, the outcome, from where.
    Append-only: refused by the ORM, and by a trigger on PostgreSQL."""

    at = models.DateTimeField(db_index=True)
    # The calling agency's OrganId ("" for an administrator or an unidentified caller).
    agency = models.CharField(max_length=13, blank=True, db_index=True)
    credential = models.CharField(max_length=16, blank=True)
    call = models.CharField(max_length=64)
    packet = models.UUIDField(null=True, blank=True, db_index=True)
    status_code = models.PositiveSmallIntegerField()
    result = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = HubCallQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("hub calls are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("hub calls are append-only")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {self.agency or '-'} {self.call} {self.status_code}"
