"""Outgoing documents: drafts with their versions, comments and approval circuit; the issued
document with its register entry, deliveries per recipient, changes (revocation, update,
replacement); copies; and the default circuits an administrator sets per document type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.documents.models import Document, DocumentType, Priority, StoredFile
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import Agency, Unit
from govdoc.outgoing.workflow import (
    AssigneeRule,
    ChangeKind,
    CopyKind,
    DispatchStatus,
    DraftStatus,
    Method,
    OutgoingStatus,
    RecipientKind,
    SigningAuthority,
    StepKind,
    StepStatus,
)
from govdoc.registers.models import RegisterEntry

USER = settings.AUTH_USER_MODEL


class Draft(models.Model):
    """A document being drafted, reviewed, signed and issued (dự thảo văn bản đi)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    document_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("trích yếu", max_length=500)
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, default=Priority.NORMAL
    )
    drafting_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị soạn thảo", on_delete=models.PROTECT, related_name="+"
    )
    drafter = models.ForeignKey(
        USER, verbose_name="người soạn thảo", on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        USER, verbose_name="người ký", on_delete=models.PROTECT, related_name="+"
    )
    signing_authority = models.CharField(
        "thẩm quyền ký",
        max_length=3,
        choices=SigningAuthority.choices,
        blank=True,
        default=SigningAuthority.DIRECT,
    )
    # "BỘ TRƯỞNG" in "KT. BỘ TRƯỞNG"; the signer's own position is the line below.
    authority_title = models.CharField("chức danh thẩm quyền", max_length=100, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    reply_to = models.ForeignKey(
        IncomingDocument,
        verbose_name="trả lời văn bản đến",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    copies = models.PositiveSmallIntegerField("số lượng bản", default=1)
    complete_reply = models.BooleanField("hoàn thành xử lý văn bản đến khi phát hành", default=True)
    description = models.CharField("ghi chú", max_length=500, blank=True)
    template_code = models.CharField("mẫu", max_length=30, blank=True)
    template_values = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=DraftStatus.choices, default=DraftStatus.DRAFTING
    )
    version = models.PositiveIntegerField(default=1)
    """Optimistic-locking counter of the draft's own fields and status."""
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The next working day after signing (the same day for urgent ones): flagged when late.
    issue_due = models.DateField(null=True, blank=True)
    signed_version = models.ForeignKey(
        "DraftVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status", "-updated_at"]),
            models.Index(fields=["drafter", "status"]),
            models.Index(fields=["signer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DraftStatus.values), name="draft_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(signing_authority__in=SigningAuthority.values),
                name="draft_authority_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=0, priority__lte=4), name="draft_priority_valid"
            ),
        ]
        verbose_name = "dự thảo"
        verbose_name_plural = "dự thảo"

    @property
    def is_urgent(self) -> bool:
        return self.priority > Priority.NORMAL

    def __str__(self) -> str:
        return f"Dự thảo {self.pk}: {self.subject[:80]}"


class DraftRecipient(models.Model):
    """Kính gửi / nơi nhận: a unit of the agency, an agency of the directory, or anyone else
    by name (with an e-mail or a postal address)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=8, choices=RecipientKind.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("nơi nhận", max_length=200)
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    method = models.CharField("hình thức gửi", max_length=12, choices=Method.choices)
    # Kính gửi (True) or only in the "Nơi nhận" list (False, e.g. "để báo cáo", "để biết").
    is_addressee = models.BooleanField("kính gửi", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="UNIT", unit__isnull=False, agency__isnull=True)
                    | Q(kind="AGENCY", agency__isnull=False, unit__isnull=True)
                    | Q(kind="OTHER", agency__isnull=True, unit__isnull=True)
                ),
                name="draft_recipient_kind_target",
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="draft_recipient_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DraftVersion(models.Model):
    """One version of the body: an upload, a generation from a template, or the signed PDF.
    Versions are never changed; each edit adds one."""

    class Source(models.TextChoices):
        UPLOAD = "UPLOAD", "Tải lên"
        TEMPLATE = "TEMPLATE", "Tạo từ mẫu"
        SIGNED = "SIGNED", "Bản đã ký số"
        ISSUED = "ISSUED", "Bản phát hành"

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("phiên bản")
    source = models.CharField(max_length=10, choices=Source.choices)
    body = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    body_name = models.CharField("tên tệp", max_length=255)
    # The PDF that is read and signed: the body itself when it is a PDF, else its conversion.
    pdf = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("ghi chú", max_length=1000, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draft_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Phiên bản {self.number} của dự thảo {self.draft_id}"


class DraftAttachment(models.Model):
    """An attachment in a separate file (phụ lục); it gets the agency's top-right stamp."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="attachments")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên tệp", max_length=255)
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class DraftComment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="comments")
    draft_version = models.ForeignKey(
        DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("ý kiến")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ApprovalStep(models.Model):
    """One step of a draft's circuit. Steps of the same `stage` run in parallel; stages run
    in order. A pool step (no assignee, `assignee_role` set) is taken by any holder of it."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField("lượt")
    kind = models.CharField(max_length=8, choices=StepKind.choices)
    assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_role = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=8, choices=StepStatus.choices, default=StepStatus.WAITING)
    is_ad_hoc = models.BooleanField(default=False)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The delegator when a delegate decided on their behalf.
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_version = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField("ý kiến", max_length=1000, blank=True)

    class Meta:
        ordering = ["stage", "pk"]
        indexes = [
            models.Index(
                fields=["assignee"], condition=Q(status="PENDING"), name="step_pending_person"
            ),
            models.Index(
                fields=["assignee_role"],
                condition=Q(status="PENDING", assignee__isnull=True),
                name="step_pending_pool",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values), name="approval_step_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values), name="approval_step_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(assignee__isnull=False) | ~Q(assignee_role=""),
                name="approval_step_has_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (lượt {self.stage})"


class DraftHistory(models.Model):
    """Append-only: every step of a draft and of its issued document."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class OutgoingDocument(models.Model):
    """An issued document: its number from the outgoing book, the signed file, its status."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="outgoing")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    draft = models.OneToOneField(Draft, on_delete=models.PROTECT, related_name="outgoing")
    register_entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("số")
    year = models.PositiveSmallIntegerField("năm")
    numbered_at = models.DateTimeField("thời điểm cấp số")
    numbered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("thời điểm phát hành", null=True, blank=True)
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OutgoingStatus.choices, default=OutgoingStatus.ISSUED
    )
    # The unit keeping the file copy (Sổ đăng ký văn bản đi: "đơn vị, người nhận bản lưu").
    keeping_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Problems found when writing the number and date into the signed PDF (missing places).
    issue_notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        indexes = [
            models.Index(fields=["agency", "-numbered_at"]),
            models.Index(fields=["agency", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutgoingStatus.values), name="outgoing_status_valid"
            ),
        ]
        verbose_name = "văn bản đi"
        verbose_name_plural = "văn bản đi"

    def __str__(self) -> str:
        return f"{self.document.code}: {self.document.subject[:80]}"


class Dispatch(models.Model):
    """The delivery of an issued document to one recipient, and its latest status there."""

    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="dispatches"
    )
    recipient = models.ForeignKey(
        DraftRecipient, on_delete=models.PROTECT, related_name="dispatches"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    status = models.CharField(max_length=12, choices=DispatchStatus.choices)
    status_at = models.DateTimeField()
    reason = models.CharField("lý do", max_length=1000, blank=True)
    # Where it arrived on the same installation (incoming.ReceivedDocument's id).
    received_ref = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sổ gửi văn bản đi bưu điện: the post's receipt number, the postage, the copies.
    postal_receipt = models.CharField("số biên lai", max_length=50, blank=True)
    postage = models.CharField("cước phí", max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["outgoing_id", "pk"]
        indexes = [
            models.Index(fields=["method", "status"]),
            models.Index(fields=["received_ref"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DispatchStatus.values), name="dispatch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="dispatch_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.get_status_display()}"


class DispatchEvent(models.Model):
    """Append-only: each status a recipient reported or a delivery reached."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=DispatchStatus.choices)
    reason = models.CharField(max_length=1000, blank=True)
    by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%d/%m/%Y %H:%M}"


class OutgoingChange(models.Model):
    """A revocation, update or replacement of an issued document (kept forever, F8.c)."""

    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    reason = models.CharField("lý do", max_length=1000)
    replacement = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="outgoing_change_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="outgoing_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason[:80]}"


class DocumentCopy(models.Model):
    """A sao y, sao lục or trích sao of a document, numbered in the copies book."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="copies")
    kind = models.CharField("hình thức sao", max_length=3, choices=CopyKind.choices)
    register_entry = models.OneToOneField(RegisterEntry, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("số")
    year = models.PositiveSmallIntegerField("năm")
    code = models.CharField("số, ký hiệu bản sao", max_length=42)
    pages = models.CharField("trang trích sao", max_length=100, blank=True)
    recipients = models.CharField("nơi nhận", max_length=1000, blank=True)
    # The copied pages before the agency's copy signature; then the signed copy.
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    signed = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CopyKind.values), name="document_copy_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CircuitTemplate(models.Model):
    """The default circuit of an agency, for one document type or (no type) for all."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("tên quy trình", max_length=200)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "document_type"], name="circuit_template_unique"
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(document_type__isnull=True),
                name="circuit_template_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CircuitTemplateStep(models.Model):
    template = models.ForeignKey(CircuitTemplate, on_delete=models.CASCADE, related_name="steps")
    stage = models.PositiveSmallIntegerField("lượt")
    kind = models.CharField(max_length=8, choices=StepKind.choices)
    rule = models.CharField(max_length=24, choices=AssigneeRule.choices)
    person = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["stage", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rule="PERSON") | Q(person__isnull=False),
                name="circuit_step_person_given",
            ),
            models.CheckConstraint(
                condition=~Q(rule="UNIT_LEADER") | Q(unit__isnull=False),
                name="circuit_step_unit_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (lượt {self.stage})"
