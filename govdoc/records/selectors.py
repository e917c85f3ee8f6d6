"""Reads of the records app, scoped to the person asking: the documents they may put in a
file, their files, the documents they handled and have not filed yet, the files to suggest
for a document."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.documents.models import Document
from govdoc.incoming.access import visible_incoming
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.outgoing.access import visible_outgoing
from govdoc.outgoing.models import OutgoingDocument
from govdoc.records.access import visible_case_files
from govdoc.records.models import CaseFile, CaseFileItem, FilePlan, PlannedFile
from govdoc.records.workflow import FileStatus, PlanStatus

# An incoming document whose content was taken away (revoked by its sender, annulled) is
# not filed.
NOT_FILEABLE_INCOMING = (IncomingStatus.WITHDRAWN, IncomingStatus.ANNULLED)


def readable_documents(actor: Any, agency_id: int | None) -> QuerySet[Document]:
    """Documents `actor` may read: incoming and outgoing ones they see, and whatever sits in
    a file they see."""
    if agency_id is None:
        return Document.objects.none()
    incoming = visible_incoming(actor, agency_id).exclude(status__in=NOT_FILEABLE_INCOMING)
    outgoing = visible_outgoing(actor, agency_id)
    in_files = CaseFileItem.objects.filter(
        case_file__in=visible_case_files(actor, agency_id).values("pk")
    )
    return Document.objects.filter(agency_id=agency_id).filter(
        Q(pk__in=incoming.values("document_id"))
        | Q(pk__in=outgoing.values("document_id"))
        | Q(pk__in=in_files.values("document_id"))
    )


def my_files(actor: Any, agency_id: int | None) -> QuerySet[CaseFile]:
    """The files `actor` owns (the "my files" page)."""
    if agency_id is None:
        return CaseFile.objects.none()
    return CaseFile.objects.filter(agency_id=agency_id, owner_id=actor.pk)


def handled_documents(person_id: int, agency_id: int) -> Q:
    """Documents the person handled to the end: incoming ones they led or supported and
    completed, outgoing ones they drafted and that were issued."""
    completed = Assignment.objects.filter(
        agency_id=agency_id,
        assignee_person_id=person_id,
        role__in=(HandlingRole.LEAD, HandlingRole.SUPPORT),
        status=AssignmentStatus.COMPLETED,
        incoming__isnull=False,
    ).exclude(incoming__status__in=NOT_FILEABLE_INCOMING)
    drafted = OutgoingDocument.objects.filter(agency_id=agency_id, draft__drafter_id=person_id)
    # One list of ids (a UNION), not an OR of two IN: the database then looks up the few
    # documents by key instead of scanning them all.
    return Q(
        pk__in=completed.order_by()
        .values("incoming__document_id")
        .union(drafted.order_by().values("document_id"))
    )


def unfiled_documents(person_id: int, agency_id: int) -> QuerySet[Document]:
    """What the person handled and has not put in any file of theirs yet."""
    filed = CaseFileItem.objects.filter(document_id=OuterRef("pk"), case_file__owner_id=person_id)
    return (
        Document.objects.filter(agency_id=agency_id)
        .filter(handled_documents(person_id, agency_id))
        .exclude(Exists(filed))
    )


def files_holding(actor: Any, agency_id: int | None, document_id: int) -> QuerySet[CaseFile]:
    """The files the actor sees that hold the document."""
    return visible_case_files(actor, agency_id).filter(
        pk__in=CaseFileItem.objects.filter(document_id=document_id).values("case_file_id")
    )


def filing_suggestions(actor: Any, agency_id: int) -> tuple[list[CaseFile], list[PlannedFile]]:
    """Where a document of `actor` may go: their open files (those opened from the plan
    first), then the files of this year's approved plan for their unit or for them that are
    not opened yet (opened and filed in one step)."""
    mine = list(
        my_files(actor, agency_id)
        .filter(status=FileStatus.OPEN)
        .select_related("planned")
        .order_by(F("planned_id").asc(nulls_last=True), "-year", "notation")[:50]
    )
    plan = (
        FilePlan.objects.filter(agency_id=agency_id, status=PlanStatus.APPROVED)
        .order_by("-year")
        .first()
    )
    planned: list[PlannedFile] = []
    if plan is not None:
        opened = CaseFile.objects.filter(planned_id=OuterRef("pk"))
        condition = Q(person_in_charge_id=actor.pk)
        if getattr(actor, "unit_id", None) is not None:
            condition |= Q(unit_id=actor.unit_id)
        planned = list(
            PlannedFile.objects.filter(plan=plan)
            .filter(condition)
            .exclude(Exists(opened))
            .order_by("position", "pk")[:50]
        )
    return mine, planned


def unfiled_by_person(actor: Any, agency_id: int | None) -> list[tuple[Any, int]] | None:
    """For a leader's dashboard: how many handled documents each person of their scope (the
    agency, or the units they lead) has not filed yet; None for someone who leads nobody."""
    from django.db.models import Count

    from govdoc.organizations.access import led_unit_people_ids, roles_in
    from govdoc.organizations.models import User
    from govdoc.organizations.roles import Role

    if agency_id is None:
        return None
    roles = roles_in(actor, agency_id)
    if Role.AGENCY_LEADER in roles:
        scope: list[int] | None = None
    elif Role.UNIT_LEADER in roles:
        scope = led_unit_people_ids(actor, agency_id)
    else:
        return None
    incoming = (
        Assignment.objects.filter(
            agency_id=agency_id,
            role__in=(HandlingRole.LEAD, HandlingRole.SUPPORT),
            status=AssignmentStatus.COMPLETED,
            incoming__isnull=False,
            assignee_person__isnull=False,
        )
        .exclude(incoming__status__in=NOT_FILEABLE_INCOMING)
        .exclude(
            Exists(
                CaseFileItem.objects.filter(
                    document_id=OuterRef("incoming__document_id"),
                    case_file__owner_id=OuterRef("assignee_person_id"),
                )
            )
        )
    )
    outgoing = OutgoingDocument.objects.filter(agency_id=agency_id).exclude(
        Exists(
            CaseFileItem.objects.filter(
                document_id=OuterRef("document_id"),
                case_file__owner_id=OuterRef("draft__drafter_id"),
            )
        )
    )
    if scope is not None:
        incoming = incoming.filter(assignee_person_id__in=scope)
        outgoing = outgoing.filter(draft__drafter_id__in=scope)
    counts: dict[int, int] = {}
    for person_id, n in incoming.values_list("assignee_person_id").annotate(
        n=Count("incoming__document_id", distinct=True)
    ):
        counts[person_id] = counts.get(person_id, 0) + n
    for person_id, n in outgoing.values_list("draft__drafter_id").annotate(
        n=Count("document_id", distinct=True)
    ):
        counts[person_id] = counts.get(person_id, 0) + n
    people = {p.pk: p for p in User.objects.filter(pk__in=counts)}
    return sorted(
        ((people[pk], n) for pk, n in counts.items() if pk in people),
        key=lambda row: (-row[1], str(row[0].full_name)),
    )
