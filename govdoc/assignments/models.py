"""Handling of incoming documents and tasks: the leader's instructions, assignments with
deadlines, progress notes, opinions, requests for more time, and the history of every step.

An assignment is work given to a unit or a person about one incoming document or one task
(giao việc). Unit leaders split their unit's assignment into child assignments. Whether an
assignment is overdue is computed from its due date and the calendar, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from govdoc.assignments.workflow import (
    OPEN_STATUSES,
    WORK_ROLES,
    AssignmentStatus,
    ExtensionStatus,
    HandlingRole,
    TaskStatus,
)
from govdoc.documents.models import Priority, StoredFile
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import Agency, Unit

USER = settings.AUTH_USER_MODEL


class Task(models.Model):
    """Work a leader gives without a document (giao việc)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("tên công việc", max_length=500)
    description = models.TextField("nội dung", blank=True)
    priority = models.PositiveSmallIntegerField(
        "độ khẩn", choices=Priority.choices, default=Priority.NORMAL
    )
    due_date = models.DateField("hạn hoàn thành", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # Title and content folded (no diacritics, lower case) for the queues' quick search.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
        ]
        verbose_name = "công việc"
        verbose_name_plural = "công việc"

    def __str__(self) -> str:
        return self.title[:80]


class Instruction(models.Model):
    """The leader's instruction (bút phê) on an incoming document or a task."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("ý kiến chỉ đạo")
    given_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, task__isnull=True)
                | Q(incoming__isnull=True, task__isnull=False),
                name="instruction_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Assignment(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        IncomingDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    # A unit leader's assignment within the unit hangs under the unit's assignment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    role = models.CharField("vai trò", max_length=10, choices=HandlingRole.choices)
    assignee_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_person = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    due_date = models.DateField("hạn xử lý", null=True, blank=True)
    follow_up = models.ForeignKey(
        USER,
        verbose_name="người theo dõi, đôn đốc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("nội dung giao", max_length=1000, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.NEW,
    )
    started_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_late = models.BooleanField(null=True, blank=True)
    result = models.TextField("kết quả", blank=True)
    returned_reason = models.CharField("lý do trả lại", max_length=1000, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        indexes = [
            models.Index(fields=["assignee_person", "status", "due_date"]),
            models.Index(fields=["assignee_unit", "status", "due_date"]),
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["assigned_by", "status"]),
            # Open work (lead and co-handling, new or in progress) is a small part of all
            # assignments: the queues, counters and reminders read it by these, in deadline
            # order, without touching closed work or readers' copies.
            *(
                models.Index(
                    fields=[column, "due_date"],
                    condition=Q(status__in=OPEN_STATUSES, role__in=WORK_ROLES),
                    name=f"assignment_open_{short}_idx",
                )
                for column, short in (
                    ("agency", "agency"),
                    ("assignee_person", "person"),
                    ("assignee_unit", "unit"),
                    ("assigned_by", "assigner"),
                    ("on_behalf_of", "behalf"),
                    ("follow_up", "followup"),
                )
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, task__isnull=True)
                | Q(incoming__isnull=True, task__isnull=False),
                name="assignment_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=False, assignee_person__isnull=True)
                | Q(assignee_unit__isnull=True, assignee_person__isnull=False),
                name="assignment_has_one_assignee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=HandlingRole.values), name="assignment_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(role=HandlingRole.INFO) | Q(due_date__isnull=False),
                name="assignment_work_has_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.RETURNED) | ~Q(returned_reason=""),
                name="assignment_return_has_reason",
            ),
        ]
        verbose_name = "phân công"
        verbose_name_plural = "phân công"

    @property
    def assignee_label(self) -> str:
        if self.assignee_unit is not None:
            return self.assignee_unit.name
        person = self.assignee_person
        return (getattr(person, "full_name", "") or str(person)) if person else ""

    def __str__(self) -> str:
        return f"{HandlingRole(self.role).label}: {self.assignee_label}"


class ProgressNote(models.Model):
    """What a handler reports while working, with attachments."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="progress")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    text = models.TextField("nội dung")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.text[:60]}"


class ProgressAttachment(models.Model):
    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="attachments")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["note_id", "id"]

    def __str__(self) -> str:
        return self.name


class OpinionRequest(models.Model):
    """A handler asks someone's opinion; the answer is kept with the question."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="opinions")
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_of = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    question = models.TextField("nội dung xin ý kiến")
    asked_at = models.DateTimeField()
    answer = models.TextField("ý kiến", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["asked_of", "answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="opinion_answer_has_text",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]


class ExtensionRequest(models.Model):
    """A request for more time, decided by the person who gave the assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    current_due = models.DateField()
    requested_due = models.DateField("hạn đề nghị")
    reason = models.CharField("lý do", max_length=1000)
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExtensionStatus.values), name="extension_status_valid"
            ),
            # One open request per assignment at a time.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="PENDING"),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Gia hạn đến {self.requested_due:%d/%m/%Y}"


class HandlingHistory(models.Model):
    """Append-only: one row per handling step of an incoming document or a task."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="history"
    )
    at = models.DateTimeField()
    # None for a step the system took (the sender revoked the document).
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=2000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["incoming", "at"]),
            models.Index(fields=["task", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class ChaseMessage(models.Model):
    """A follow-up message (đôn đốc) sent to the people handling an assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="chases")
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    text = models.CharField("nội dung đôn đốc", max_length=1000)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]
