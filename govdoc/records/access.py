"""Who may see and do what with file plans and work files, as query conditions (inside SQL).

File plan: everyone of the agency reads it (it says where documents go); the clerk, the
archivist and the administrator prepare it; the agency's leader (the head) approves it.

Work file: its owner (and whoever acts for them by delegation) reads and fills it while it is
open; the leaders of its unit and the agency's leaders read every file of theirs and reopen a
closed one; the archivist reads every file that left its owner's hands (closed, submitted,
archived, destroyed); an archived file whose use is "Công khai" is read by everyone of the
agency (the archive's rule for open material). Anything else: not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govdoc.core.errors import NotFound
from govdoc.organizations.access import acting_for_ids, has_role, led_unit_ids, roles_in
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, FilePlan, TransferBatch
from govdoc.records.workflow import FileStatus

PLAN_EDITORS = (Role.CLERK, Role.ARCHIVIST, Role.ADMIN)
PUBLIC_RIGHTS = "Công khai"
RIGHTS_CHOICES = (("Hạn chế", "Hạn chế"), ("Công khai", "Công khai"))


def may_edit_plan(actor: Any, agency_id: int) -> bool:
    return has_role(actor, agency_id, *PLAN_EDITORS)


def may_approve_plan(actor: Any, agency_id: int) -> bool:
    return has_role(actor, agency_id, Role.AGENCY_LEADER)


def visible_plans(actor: Any, agency_id: int | None) -> QuerySet[FilePlan]:
    if agency_id is None or not roles_in(actor, agency_id):
        return FilePlan.objects.none()
    return FilePlan.objects.filter(agency_id=agency_id)


def plan_for(actor: Any, agency_id: int | None, plan_id: int) -> FilePlan:
    plan = visible_plans(actor, agency_id).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def case_file_filter(actor: Any, agency_id: int) -> Q | None:
    """The condition a file of the agency must meet to be visible to `actor`, or None."""
    roles = roles_in(actor, agency_id)
    if not roles:
        return None
    if roles & {Role.AGENCY_LEADER, Role.ADMIN}:
        return Q(agency_id=agency_id)
    condition = Q(owner_id__in=acting_for_ids(actor, agency_id))
    condition |= Q(status=FileStatus.ARCHIVED, rights=PUBLIC_RIGHTS)
    if Role.UNIT_LEADER in roles:
        condition |= Q(unit_id__in=led_unit_ids(actor, agency_id))
    if Role.ARCHIVIST in roles:
        condition |= ~Q(status=FileStatus.OPEN)
    return Q(agency_id=agency_id) & condition


def visible_case_files(actor: Any, agency_id: int | None) -> QuerySet[CaseFile]:
    if agency_id is None:
        return CaseFile.objects.none()
    condition = case_file_filter(actor, agency_id)
    if condition is None:
        return CaseFile.objects.none()
    return CaseFile.objects.filter(condition)


def case_file_for(actor: Any, agency_id: int | None, file_id: int) -> CaseFile:
    found = visible_case_files(actor, agency_id).filter(pk=file_id).first()
    if found is None:
        raise NotFound()
    return found


def is_owner(actor: Any, case_file: CaseFile) -> bool:
    """The owner, or someone acting for them by delegation."""
    return case_file.owner_id in acting_for_ids(actor, case_file.agency_id)


def leads_owner(actor: Any, case_file: CaseFile) -> bool:
    """The owner's leader: a leader of the file's unit, or of the agency."""
    agency_id = case_file.agency_id
    if has_role(actor, agency_id, Role.AGENCY_LEADER):
        return True
    return case_file.unit_id is not None and case_file.unit_id in led_unit_ids(actor, agency_id)


def is_archivist(actor: Any, agency_id: int) -> bool:
    return has_role(actor, agency_id, Role.ARCHIVIST)


def visible_batches(actor: Any, agency_id: int | None) -> QuerySet[TransferBatch]:
    """The archivist and the agency's leaders see every batch; others those they submitted
    or that hold their files, and unit leaders those of their units."""
    if agency_id is None:
        return TransferBatch.objects.none()
    batches = TransferBatch.objects.filter(agency_id=agency_id)
    if is_archivist(actor, agency_id) or has_role(actor, agency_id, Role.AGENCY_LEADER):
        return batches
    condition = Q(submitted_by_id=actor.pk) | Q(items__case_file__owner_id=actor.pk)
    led = led_unit_ids(actor, agency_id)
    if led:
        condition |= Q(unit_id__in=led) | Q(items__case_file__unit_id__in=led)
    return batches.filter(condition).distinct()
