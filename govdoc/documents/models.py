"""Metadata shared by incoming and outgoing documents, their files and types."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from govdoc.core.models import TimeStampedModel
from govdoc.core.urgency import Priority as Priority  # re-exported: documents speak of it
from govdoc.organizations.models import Agency


class Confidentiality(models.TextChoices):
    NONE = "", "Không mật"
    SECRET = "MAT", "Mật"
    TOP_SECRET = "TOI_MAT", "Tối mật"
    ABSOLUTE = "TUYET_MAT", "Tuyệt mật"


class Direction(models.TextChoices):
    INCOMING = "INCOMING", "Văn bản đến"
    OUTGOING = "OUTGOING", "Văn bản đi"
    # Other material of a work file (an internal document, a photo, a record of a meeting)
    # uploaded into it by its owner (the records app).
    OTHER = "OTHER", "Tài liệu khác"


class DocumentType(TimeStampedModel):
    name = models.CharField("tên loại văn bản", max_length=100, unique=True)
    # Công văn and thư công have no abbreviation (NĐ 30 Phụ lục III).
    abbreviation = models.CharField("chữ viết tắt", max_length=10, blank=True)
    is_legal = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    is_active = models.BooleanField("đang dùng", default=True)
    rank = models.PositiveSmallIntegerField("thứ tự", default=100)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"

    def __str__(self) -> str:
        return self.name


class StoredFile(models.Model):
    """A file's bytes, content-addressed by SHA-256: written once, never overwritten."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Document(TimeStampedModel):
    """One document's registered metadata (NĐ 30 Phụ lục VI Phần II)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="documents")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    document_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    code_number = models.CharField("số", max_length=11, blank=True)
    code_notation = models.CharField("ký hiệu", max_length=30, blank=True)
    issued_date = models.DateField("ngày văn bản", null=True, blank=True)
    issuer = models.ForeignKey(
        Agency,
        verbose_name="cơ quan ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer_name = models.CharField("tên cơ quan ban hành", max_length=200)
    subject = models.CharField("trích yếu", max_length=500)
    language = models.CharField("ngôn ngữ", max_length=30, default="Tiếng Việt")
    page_count = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    description = models.CharField("ghi chú", max_length=500, blank=True)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, default=Priority.NORMAL
    )
    confidentiality = models.CharField(
        "độ mật", max_length=10, choices=Confidentiality.choices, blank=True, default=""
    )
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    # edXML DocumentId: "{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}".
    document_identifier = models.CharField("mã văn bản", max_length=100, blank=True)
    # Folded copy of number, symbol, issuer and subject, for diacritics-insensitive search.
    search_text = models.TextField(blank=True, default="")
    # The issuer's name folded like search_text, for the issuer filter.
    issuer_folded = models.CharField(max_length=200, blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "direction", "issued_date"]),
            # The duplicate check compares number and symbol without regard to case.
            models.Index(
                F("agency"),
                Upper("code_number"),
                Upper("code_notation"),
                name="document_code_upper_idx",
            ),
            models.Index(fields=["document_identifier"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(confidentiality=""), name="document_not_secret"),
            models.CheckConstraint(
                condition=Q(priority__gte=0, priority__lte=4), name="document_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="document_direction_valid"
            ),
        ]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    @property
    def code(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def is_urgent(self) -> bool:
        return self.priority > Priority.NORMAL

    def __str__(self) -> str:
        return f"{self.code or '—'}: {self.subject[:80]}"


class FileRole(models.TextChoices):
    MAIN = "MAIN", "Tệp chính"
    ATTACHMENT = "ATTACHMENT", "Phụ lục, tệp đính kèm"


class DocumentFile(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=FileRole.choices)
    name = models.CharField("tên tệp", max_length=255)
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(role="MAIN"), name="document_one_main_file"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MetadataVersion(models.Model):
    """One edit of registered metadata: who, when, and each field's old and new value."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["document_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="metadata_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.version}"


class DeadlineRule(TimeStampedModel):
    """An agency's default handling time, in working days, for incoming documents of a type
    and urgency; a blank type or urgency means any. The most specific rule applies
    (govdoc/documents/deadlines.py)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="deadline_rules")
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name="loại văn bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, null=True, blank=True
    )
    working_days = models.PositiveSmallIntegerField("số ngày làm việc")

    class Meta:
        ordering = ["agency_id", "document_type_id", "priority"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1), name="deadline_rule_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(priority__isnull=True) | Q(priority__gte=0, priority__lte=4),
                name="deadline_rule_priority_valid",
            ),
            # One rule per agency, type and urgency; a blank counts as a value of its own
            # (NULLs are distinct in a plain unique constraint, hence four partial ones).
            models.UniqueConstraint(
                fields=["agency", "document_type", "priority"],
                condition=Q(document_type__isnull=False, priority__isnull=False),
                name="deadline_rule_unique_type_priority",
            ),
            models.UniqueConstraint(
                fields=["agency", "document_type"],
                condition=Q(document_type__isnull=False, priority__isnull=True),
                name="deadline_rule_unique_type",
            ),
            models.UniqueConstraint(
                fields=["agency", "priority"],
                condition=Q(document_type__isnull=True, priority__isnull=False),
                name="deadline_rule_unique_priority",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(document_type__isnull=True, priority__isnull=True),
                name="deadline_rule_unique_default",
            ),
        ]
        verbose_name = "hạn xử lý mặc định"
        verbose_name_plural = "hạn xử lý mặc định"

    def __str__(self) -> str:
        kind = self.document_type.name if self.document_type is not None else "Mọi loại"
        urgency = Priority(self.priority).label if self.priority is not None else "mọi độ khẩn"
        return f"{kind}, {urgency}: {self.working_days} ngày làm việc"
