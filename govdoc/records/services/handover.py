"""Hand-over when a person leaves or moves (NĐ 30 Điều 31: staff hand over all their files):
the administrator gives another person of the agency everything still in the first one's
hands — their work files not yet at the archive, their open handling assignments, the
drafts they are writing and the approval steps waiting for them — each step in the history
of what it moved, and one journal event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govdoc.assignments.models import Assignment
from govdoc.assignments.services.common import record_step, subject_of
from govdoc.assignments.workflow import OPEN_STATUSES
from govdoc.audit.services import audit_record
from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.notifications.services import notify
from govdoc.organizations.access import administered_agencies
from govdoc.organizations.models import User
from govdoc.outgoing.models import ApprovalStep, Draft
from govdoc.outgoing.services.common import history as draft_history
from govdoc.outgoing.workflow import DraftStatus, StepStatus
from govdoc.records.models import CaseFile
from govdoc.records.services.common import bump_version, clean, file_step, name_of
from govdoc.records.workflow import FileStatus

# Files still in their owner's hands (an archived or destroyed file belongs to the archive).
HANDED_FILES = (FileStatus.OPEN, FileStatus.CLOSED, FileStatus.SUBMITTED)
HANDED_DRAFTS = (DraftStatus.DRAFTING, DraftStatus.RETURNED)
HANDED_STEPS = (StepStatus.WAITING, StepStatus.PENDING)


@dataclass(frozen=True)
class HandoverCounts:
    files: int
    assignments: int
    drafts: int
    steps: int


def handover_preview(person: User) -> HandoverCounts:
    return HandoverCounts(
        files=CaseFile.objects.filter(owner=person, status__in=HANDED_FILES).count(),
        assignments=Assignment.objects.filter(
            assignee_person=person, status__in=OPEN_STATUSES
        ).count(),
        drafts=Draft.objects.filter(drafter=person, status__in=HANDED_DRAFTS).count(),
        steps=ApprovalStep.objects.filter(assignee=person, status__in=HANDED_STEPS).count(),
    )


def handover(*, actor: Any, from_person: User, to_person: User, reason: str) -> HandoverCounts:
    """Give `to_person` everything `from_person` still holds."""
    text = clean(reason)
    errors: dict[str, str] = {}
    if not text:
        errors["reason"] = "Vui lòng ghi lý do bàn giao."
    elif len(text) > 1000:
        errors["reason"] = "Lý do tối đa 1000 ký tự."
    if from_person.pk == to_person.pk:
        errors["to_person"] = "Người nhận bàn giao phải khác người bàn giao."
    elif from_person.agency_id != to_person.agency_id:
        errors["to_person"] = "Người nhận bàn giao phải cùng cơ quan."
    elif not to_person.is_active:
        errors["to_person"] = "Người nhận bàn giao đã ngừng hoạt động."
    if errors:
        raise ValidationFailed("Thông tin bàn giao chưa hợp lệ.", fields=errors)
    if (
        from_person.agency_id is None
        or not administered_agencies(actor).filter(pk=from_person.agency_id).exists()
    ):
        raise Forbidden("Chỉ quản trị của cơ quan được bàn giao hồ sơ, công việc.")
    now = timezone.now()
    note = f"Bàn giao từ {name_of(from_person)} cho {name_of(to_person)}: {text}"
    with transaction.atomic():
        files = list(
            CaseFile.objects.select_for_update().filter(owner=from_person, status__in=HANDED_FILES)
        )
        for case_file in files:
            bump_version(case_file, owner=to_person)
            file_step(
                case_file,
                actor=actor,
                action="handover",
                note=note,
                data={"from": from_person.pk, "to": to_person.pk},
                at=now,
            )
        assignments = list(
            Assignment.objects.select_for_update().filter(
                assignee_person=from_person, status__in=OPEN_STATUSES
            )
        )
        for assignment in assignments:
            Assignment.objects.filter(pk=assignment.pk).update(assignee_person=to_person)
            record_step(
                subject=subject_of(assignment),
                assignment=assignment,
                actor=actor,
                on_behalf_of=None,
                action="handover",
                note=note,
                data={"from": from_person.pk, "to": to_person.pk},
            )
        drafts = list(
            Draft.objects.select_for_update().filter(drafter=from_person, status__in=HANDED_DRAFTS)
        )
        for draft in drafts:
            Draft.objects.filter(pk=draft.pk).update(drafter=to_person)
            draft_history(draft, actor=actor, action="handover", note=note)
        steps = list(
            ApprovalStep.objects.select_for_update()
            .select_related("draft")
            .filter(assignee=from_person, status__in=HANDED_STEPS)
        )
        for step in steps:
            ApprovalStep.objects.filter(pk=step.pk).update(assignee=to_person)
            draft_history(step.draft, actor=actor, action="handover", note=note)
        counts = HandoverCounts(
            files=len(files), assignments=len(assignments), drafts=len(drafts), steps=len(steps)
        )
        audit_record(
            actor=actor,
            action="records.handover",
            target=from_person,
            agency_id=from_person.agency_id,
            data={
                "to": to_person.pk,
                "reason": text,
                "files": counts.files,
                "assignments": counts.assignments,
                "drafts": counts.drafts,
                "steps": counts.steps,
            },
        )
        notify(
            recipients=[to_person],
            kind="records.handover",
            title=(
                f"Bạn nhận bàn giao từ {name_of(from_person)}: {counts.files} hồ sơ, "
                f"{counts.assignments} việc xử lý, {counts.drafts} dự thảo, "
                f"{counts.steps} bước duyệt"
            ),
            body=text[:500],
            url=reverse("records:my_files"),
            agency_id=from_person.agency_id,
        )
    return counts
