"""Who may see which drafts and issued documents, as query conditions (inside SQL).

A draft is seen by its drafter, its signer, the people of its circuit (or those acting for
them by delegation), and — once submitted — by the agency's clerks and leaders and by the
leaders of the drafting unit. An issued document is also seen by the people of the units it
was sent to inside the agency.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from govdoc.core.errors import NotFound
from govdoc.organizations.access import acting_for_ids, led_unit_ids, roles_in
from govdoc.organizations.roles import Role
from govdoc.outgoing.models import ApprovalStep, Draft, DraftRecipient, OutgoingDocument
from govdoc.outgoing.workflow import DraftStatus, RecipientKind, StepStatus

# As for incoming documents (ADR 0003): the agency's administrator reads what its clerks do.
AGENCY_WIDE_ROLES = frozenset({Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN})
DRAFTING_ROLES = frozenset({Role.SPECIALIST, Role.UNIT_LEADER, Role.AGENCY_LEADER, Role.CLERK})
NOT_SUBMITTED = (DraftStatus.DRAFTING, DraftStatus.CANCELLED)


def can_draft(actor: Any, agency_id: int | None) -> bool:
    return bool(roles_in(actor, agency_id) & DRAFTING_ROLES)


def is_clerk(actor: Any, agency_id: int | None) -> bool:
    return Role.CLERK in roles_in(actor, agency_id)


def draft_filter(actor: Any, agency_id: int) -> Q | None:
    """The condition a draft of the agency must meet to be visible, or None."""
    roles = roles_in(actor, agency_id)
    if not roles:
        return None
    people = acting_for_ids(actor, agency_id)
    in_circuit = Exists(
        ApprovalStep.objects.filter(draft_id=OuterRef("pk"), assignee_id__in=people)
    )
    condition = Q(drafter_id=actor.pk) | Q(signer_id__in=people) | Q(in_circuit)
    submitted = ~Q(status__in=NOT_SUBMITTED)
    if roles & AGENCY_WIDE_ROLES:
        condition |= submitted
    if Role.UNIT_LEADER in roles:
        condition |= submitted & Q(drafting_unit_id__in=led_unit_ids(actor, agency_id))
    if actor.unit_id is not None:
        # Issued to one's own unit inside the agency.
        sent_to_my_unit = Exists(
            DraftRecipient.objects.filter(
                draft_id=OuterRef("pk"), kind=RecipientKind.UNIT, unit_id=actor.unit_id
            )
        )
        condition |= Q(status=DraftStatus.ISSUED) & Q(sent_to_my_unit)
    return Q(agency_id=agency_id) & condition


def visible_drafts(actor: Any, agency_id: int | None) -> QuerySet[Draft]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return Draft.objects.none()
    condition = draft_filter(actor, agency_id)
    if condition is None:
        return Draft.objects.none()
    return Draft.objects.filter(condition)


def visible_outgoing(actor: Any, agency_id: int | None) -> QuerySet[OutgoingDocument]:
    drafts = visible_drafts(actor, agency_id)
    return OutgoingDocument.objects.filter(draft__in=drafts.values("pk"))


def draft_for(actor: Any, pk: int) -> Draft:
    """One draft the actor may see; otherwise NotFound (the same answer as a missing one)."""
    agency_id = getattr(actor, "agency_id", None)
    draft = (
        visible_drafts(actor, agency_id)
        .select_related("document_type", "drafting_unit", "drafter", "signer", "agency")
        .filter(pk=pk)
        .first()
    )
    if draft is None:
        raise NotFound()
    return draft


def outgoing_for(actor: Any, pk: int) -> OutgoingDocument:
    agency_id = getattr(actor, "agency_id", None)
    outgoing = (
        visible_outgoing(actor, agency_id)
        .select_related("document", "draft", "document__document_type")
        .filter(pk=pk)
        .first()
    )
    if outgoing is None:
        raise NotFound()
    return outgoing


def pending_steps_for(actor: Any, draft: Draft) -> list[ApprovalStep]:
    """The steps of the draft waiting for the actor now: their own, those of people they act
    for, and pool steps of a role they hold."""
    people = acting_for_ids(actor, draft.agency_id)
    roles = roles_in(actor, draft.agency_id)
    return list(
        ApprovalStep.objects.filter(draft=draft, status=StepStatus.PENDING)
        .filter(Q(assignee_id__in=people) | Q(assignee__isnull=True, assignee_role__in=list(roles)))
        .select_related("assignee")
        .order_by("stage", "pk")
    )
