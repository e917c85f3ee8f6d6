"""Register books and their entries. A book's `last_number` is the counter; numbers are
handed out only by `registers.services.number_allocate`, under a row lock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.core.models import TimeStampedModel
from govdoc.core.urgency import Priority
from govdoc.organizations.models import Agency


class BookKind(models.TextChoices):
    INCOMING = "INCOMING", "Sổ đăng ký văn bản đến"
    OUTGOING = "OUTGOING", "Sổ đăng ký văn bản đi"
    LEGAL = "LEGAL", "Sổ văn bản quy phạm pháp luật (theo loại)"
    COPY = "COPY", "Sổ bản sao"


class RegisterBook(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="register_books")
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại sổ", max_length=10, choices=BookKind.choices)
    # For LEGAL books: the abbreviation of the document type with its own series (e.g. "TT").
    series = models.CharField("loại văn bản riêng", max_length=20, blank=True, default="")
    name = models.CharField("tên sổ", max_length=200)
    last_number = models.PositiveIntegerField("số cuối đã cấp", default=0)
    is_closed = models.BooleanField("đã khóa sổ", default=False)

    class Meta:
        ordering = ["-year", "agency_id", "kind", "series"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind", "series"], name="register_book_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BookKind.values), name="register_book_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="LEGAL", series__gt="") | ~Q(kind="LEGAL"),
                name="register_book_legal_has_series",
            ),
        ]
        verbose_name = "sổ văn bản"
        verbose_name_plural = "sổ văn bản"

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class RegisterEntry(models.Model):
    book = models.ForeignKey(RegisterBook, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField("số")
    given_at = models.DateTimeField("thời điểm cấp")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64, blank=True)
    label = models.CharField("nội dung", max_length=500, blank=True)
    # The urgency of what was numbered (edXML Priority codes: 0 normal … 4), shown in the book.
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, default=Priority.NORMAL
    )
    annulled_at = models.DateTimeField("thời điểm hủy", null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    annul_reason = models.CharField("lý do hủy", max_length=500, blank=True)

    class Meta:
        ordering = ["book_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="register_entry_number_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="register_entry_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(annulled_at__isnull=True) | ~Q(annul_reason=""),
                name="register_entry_annul_has_reason",
            ),
        ]
        verbose_name = "số đã cấp"
        verbose_name_plural = "số đã cấp"

    @property
    def display_number(self) -> str:
        from govdoc.registers.numbering import format_number

        return format_number(self.number)

    def __str__(self) -> str:
        return f"{self.display_number} — {self.book}"
