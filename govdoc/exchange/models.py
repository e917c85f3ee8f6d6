"""The installation's side of the interconnection: the outbox of packets to send (documents
and status answers), the inbox of packets received, each durable, with its history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from govdoc.documents.models import StoredFile
from govdoc.exchange.workflow import InboxStatus, OutboxStatus, PacketKind
from govdoc.organizations.models import Agency


class OutboxPacket(models.Model):
    """One packet to send through a transport. Sending is claimed with a compare-and-set
    (QUEUED → SENDING) by one worker at a time, retried with exponential back-off."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6, choices=PacketKind.choices)
    transport = models.CharField(max_length=20)
    to_organ_ids = models.JSONField(default=list)
    packet = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    document_identifier = models.CharField(max_length=100, blank=True)
    # What the packet is about on our side: "outgoing-dispatch:12", "status:incoming:7:03"…
    subject_ref = models.CharField(max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    external_id = models.CharField("mã trên trục", max_length=100, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-priority", "next_attempt_at"],
                condition=Q(status="QUEUED"),
                name="outbox_due",
            ),
            # Every round of the worker looks for claims left by a dead worker: without it, a
            # scan of the whole outbox (which only grows) each time.
            models.Index(
                fields=["claimed_at"], condition=Q(status="SENDING"), name="outbox_claimed"
            ),
            models.Index(fields=["agency", "status", "-created_at"]),
            models.Index(fields=["subject_ref"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PacketKind.values), name="outbox_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Gói gửi {self.pk} ({self.get_status_display()})"


class InboxPacket(models.Model):
    """One packet received for an agency of this installation; receiving the same packet
    twice (same transport id, or same bytes) gives one row, so one incoming document."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6, choices=PacketKind.choices, blank=True)
    transport = models.CharField(max_length=20)
    external_id = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    packet = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_organ_id = models.CharField(max_length=13, blank=True)
    document_identifier = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=8, choices=InboxStatus.choices, default=InboxStatus.RECEIVED
    )
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    # What it became here: "received:15" (a document in the electronic inbox), "dispatch:9"…
    result_ref = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status", "-received_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "transport", "external_id"], name="inbox_packet_once"
            ),
            models.UniqueConstraint(fields=["agency", "sha256"], name="inbox_packet_bytes_once"),
            models.CheckConstraint(
                condition=Q(status__in=InboxStatus.values), name="inbox_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Gói nhận {self.pk} ({self.get_status_display()})"


class PacketEvent(models.Model):
    """Append-only: every step of a packet, sent or received (attempts, errors, results)."""

    outbox = models.ForeignKey(
        OutboxPacket, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    inbox = models.ForeignKey(
        InboxPacket, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField()
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=8, blank=True)
    to_status = models.CharField(max_length=8, blank=True)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outbox__isnull=False) | Q(inbox__isnull=False),
                name="packet_event_has_packet",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class ExchangeAccount(models.Model):
    """How one hosted agency speaks on a transport: its credentials there (a hub token), and
    the key its packets are signed with — unattended, since the receiver answers "arrived"
    the same day without a person: a PKCS#12 file and its password, both encrypted at rest
    with GOVDOC_SIGNING_KEY (signatures.credentials)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    transport = models.CharField(max_length=20)
    encrypted_token = models.BinaryField(null=True, blank=True)
    encrypted_pkcs12 = models.BinaryField(null=True, blank=True)
    encrypted_password = models.BinaryField(null=True, blank=True)
    certificate_subject = models.CharField(max_length=500, blank=True)
    certificate_valid_to = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "transport"], name="exchange_account_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} @ {self.transport}"


class LocalMail(models.Model):
    """The `local` transport's mailbox: one packet for one agency hosted on this
    installation, from another one. The transport's far side is this same database, so the
    sender is authenticated by the installation itself (ADR 0013)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Chờ nhận"
        DONE = "done", "Đã nhận"
        FAILED = "failed", "Bị từ chối"

    message_id = models.CharField(max_length=36, db_index=True)
    sender_organ_id = models.CharField(max_length=13)
    recipient = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6)
    packet = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.WAITING)
    reason = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(status="waiting"),
                name="local_mail_waiting",
            ),
            models.Index(fields=["sender_organ_id", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "done", "failed"]), name="local_mail_status"
            )
        ]

    def __str__(self) -> str:
        return f"Thư nội bộ {self.pk} → {self.recipient_id}"
