"""Work files (hồ sơ) and the annual file plan (danh mục hồ sơ), with the metadata of
NĐ 30 Phụ lục VI Phần II (DOMAIN §3.4) and the append-only history of every step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.documents.models import Document
from govdoc.organizations.models import Agency, Unit
from govdoc.records.workflow import (
    BatchStatus,
    DisposalStatus,
    FileStatus,
    ItemDecision,
    KeepStatus,
    PlanStatus,
    retention_label,
)

USER = settings.AUTH_USER_MODEL
RETENTION_OK = Q(permanent=True, retention_years__isnull=True) | Q(
    permanent=False, retention_years__gte=1
)


class FilePlan(models.Model):
    """Danh mục hồ sơ of one agency for one year, approved by the head (NĐ 30 Điều 28)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The head's decision that issues the plan (số, ngày quyết định ban hành danh mục hồ sơ).
    decision_number = models.CharField("số quyết định ban hành", max_length=50, blank=True)
    decision_date = models.DateField("ngày quyết định ban hành", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="file_plan_once_a_year"),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="file_plan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Danh mục hồ sơ năm {self.year}"


class FilePlanHistory(models.Model):
    """Append-only: every step of a plan (created, copied from last year's, imported,
    heading or planned file added, changed, moved or removed, approved, reopened)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class PlanHeading(models.Model):
    """A heading (Roman numeral) or sub-heading (Arabic numeral, with a parent)."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField("số", max_length=10)
    title = models.CharField("tên đề mục", max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PlannedFile(models.Model):
    """One file the plan expects: number and symbol (`01.TCCB`), title, retention, who is
    in charge."""

    plan = models.ForeignKey(FilePlan, on_delete=models.CASCADE, related_name="files")
    heading = models.ForeignKey(PlanHeading, on_delete=models.CASCADE, related_name="files")
    notation = models.CharField("số và ký hiệu hồ sơ", max_length=20)
    title = models.CharField("tên đề mục và tiêu đề hồ sơ", max_length=500)
    permanent = models.BooleanField("vĩnh viễn", default=False)
    retention_years = models.PositiveSmallIntegerField("thời hạn bảo quản (năm)", null=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_in_charge = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_in_charge_name = models.CharField("người lập hồ sơ", max_length=200, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    capital_construction = models.BooleanField("hồ sơ xây dựng cơ bản", default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "notation"], name="planned_file_notation_once"),
            models.CheckConstraint(condition=RETENTION_OK, name="planned_file_retention_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title}"

    @property
    def retention(self) -> str:
        return retention_label(self.permanent, self.retention_years)


class CaseFile(models.Model):
    """Hồ sơ: FileCode = OrganId.FileCatalog.FileNotation (`000.00.00.G12.2026.01.TCCB`)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    planned = models.ForeignKey(
        PlannedFile, null=True, blank=True, on_delete=models.PROTECT, related_name="case_files"
    )
    year = models.PositiveSmallIntegerField("năm mở hồ sơ")
    notation = models.CharField("số và ký hiệu hồ sơ", max_length=20)
    code = models.CharField("mã hồ sơ", max_length=40, unique=True)
    title = models.CharField("tiêu đề hồ sơ", max_length=500)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    permanent = models.BooleanField("vĩnh viễn", default=False)
    retention_years = models.PositiveSmallIntegerField("thời hạn bảo quản (năm)", null=True)
    rights = models.CharField("chế độ sử dụng", max_length=30, default="Hạn chế")
    creator = models.CharField("người lập hồ sơ", max_length=30, blank=True)
    language = models.CharField("ngôn ngữ", max_length=50, default="Tiếng Việt")
    start_date = models.DateField("thời gian bắt đầu", null=True, blank=True)
    end_date = models.DateField("thời gian kết thúc", null=True, blank=True)
    doc_total = models.PositiveIntegerField("tổng số văn bản", default=0)
    page_total = models.PositiveIntegerField("tổng số trang", default=0)
    description = models.CharField("chú giải", max_length=500, blank=True)
    capital_construction = models.BooleanField("hồ sơ xây dựng cơ bản", default=False)
    final_settlement_on = models.DateField("ngày phê duyệt quyết toán", null=True, blank=True)
    status = models.CharField(max_length=10, choices=FileStatus.choices, default=FileStatus.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    work_ended_on = models.DateField("ngày kết thúc công việc", null=True, blank=True)
    transfer_due = models.DateField("hạn nộp lưu", null=True, blank=True)
    kept_until = models.DateField("giữ lại đến", null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The owner was told the transfer is due in 30 days (once per due date).
    transfer_notified_for = models.DateField(null=True, blank=True)
    on_hold = models.BooleanField("đang bị phong tỏa", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "notation", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "-opened_at"], name="case_file_mine"),
            # The lists' order (newest year first, then notation), covering the visibility
            # rule's columns (PostgreSQL; SQLite ignores INCLUDE): a page's ids are read from
            # the index alone, however deep the page and whatever the rule leaves out.
            models.Index(
                fields=["agency", "-year", "notation", "id"],
                include=["owner", "unit", "status", "rights"],
                name="case_file_listed",
            ),
            # The archive's open material, seen by everyone of the agency.
            models.Index(
                fields=["agency", "-year", "notation"],
                condition=Q(status="ARCHIVED", rights="Công khai"),
                name="case_file_public",
            ),
            models.Index(
                fields=["agency", "transfer_due"],
                condition=Q(status="CLOSED"),
                name="case_file_transfer_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FileStatus.values), name="case_file_status_valid"
            ),
            models.CheckConstraint(condition=RETENTION_OK, name="case_file_retention_valid"),
            models.UniqueConstraint(
                fields=["agency", "year", "notation"], name="case_file_notation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Hồ sơ {self.code}"

    @property
    def retention(self) -> str:
        return retention_label(self.permanent, self.retention_years)


class CaseFileItem(models.Model):
    """A document in a file. The same document may sit in the files of several people: each
    file links it, nothing is copied (F4.e). `ordinal` is DocOrdinal, kept in date order."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    ordinal = models.PositiveIntegerField("số thứ tự trong hồ sơ", default=0)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["ordinal", "pk"]
        indexes = [models.Index(fields=["document"], name="case_file_item_document")]
        constraints = [
            models.UniqueConstraint(fields=["case_file", "document"], name="case_file_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_file_id}#{self.ordinal}"


class CaseFileHistory(models.Model):
    """Append-only: every step of a file (opened, document added or removed, closed,
    reopened with the reason, submitted, accepted, returned, held, handed over…)."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class TransferBatch(models.Model):
    """A transfer to the agency archive (nộp lưu): files submitted together, each accepted
    or returned by the archivist; with its "Mục lục hồ sơ, tài liệu nộp lưu" and its
    "Biên bản giao nhận"."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.SUBMITTED
    )
    received_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="transfer_batch_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="transfer_batch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Đợt nộp lưu {self.number}/{self.year}"


class TransferItem(models.Model):
    batch = models.ForeignKey(TransferBatch, on_delete=models.PROTECT, related_name="items")
    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="transfers")
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(
        max_length=8, choices=ItemDecision.choices, default=ItemDecision.PENDING
    )
    reason = models.CharField("lý do trả lại", max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "case_file"], name="transfer_item_once"),
            models.CheckConstraint(
                condition=Q(decision__in=ItemDecision.values), name="transfer_item_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.case_file_id}"


class KeepRequest(models.Model):
    """A request to keep a file at its unit past its transfer date (at most two years),
    approved or refused by the agency's leader."""

    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="keep_requests")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    until = models.DateField("giữ lại đến")
    reason = models.CharField("lý do", max_length=1000)
    status = models.CharField(max_length=8, choices=KeepStatus.choices, default=KeepStatus.PENDING)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=KeepStatus.values), name="keep_request_status_valid"
            ),
            models.UniqueConstraint(
                fields=["case_file"],
                condition=Q(status="PENDING"),
                name="keep_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Giữ lại {self.case_file_id} đến {self.until:%d/%m/%Y}"


class RecordHold(models.Model):
    """A freeze set by the administrator on one file or on a collection (the files of a
    year, optionally of one unit): while it is in force nothing in it may be changed,
    transferred or destroyed. Lifted, never deleted."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case_file = models.ForeignKey(
        CaseFile, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("lý do phong tỏa", max_length=1000)
    set_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_file__isnull=False) | Q(year__isnull=False),
                name="record_hold_has_scope",
            )
        ]

    def __str__(self) -> str:
        return f"Phong tỏa {self.pk}"


class DisposalDecision(models.Model):
    """The destruction of files whose retention has ended: proposed by the archive after an
    appraisal, approved by every member of the council and by the head, then carried out —
    the content purged, this record and the summary of every file kept for ever."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    title = models.CharField("tên quyết định", max_length=500)
    reason = models.CharField("căn cứ, lý do hủy", max_length=2000)
    status = models.CharField(
        max_length=10, choices=DisposalStatus.choices, default=DisposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Who refused it (a council member who disagreed, or the head), when, and why.
    refused_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_note = models.CharField("lý do không thông qua", max_length=1000, blank=True)
    executed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    # What was destroyed, kept for ever: each file's metadata and its documents' list.
    summary = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="disposal_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DisposalStatus.values), name="disposal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định hủy {self.number}/{self.year}"


class DisposalItem(models.Model):
    decision = models.ForeignKey(DisposalDecision, on_delete=models.PROTECT, related_name="items")
    case_file = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="disposals")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "case_file"], name="disposal_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}/{self.case_file_id}"


class DisposalMember(models.Model):
    """A member of the council (hội đồng xác định giá trị tài liệu) for one decision."""

    decision = models.ForeignKey(DisposalDecision, on_delete=models.PROTECT, related_name="members")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="disposal_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.member_id}"


class DisposalVote(models.Model):
    """One council member's opinion on a decision (append-only)."""

    decision = models.ForeignKey(DisposalDecision, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agree = models.BooleanField()
    note = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="disposal_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.member_id}"
