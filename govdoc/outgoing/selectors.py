"""Reads of outgoing documents scoped to the person asking, inside the SQL query: the queues
(drafts waiting for my review, my signature or the clerk's issuance; my own drafts; the
issued documents I may see), their counters in one aggregate, and small read-only helpers
of the pages (the signers to propose, the credential kind that decides password or PIN,
the replies to an incoming document)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.functional import cached_property

from govdoc.core.dates import today
from govdoc.core.text import fold
from govdoc.organizations.access import acting_for_ids, roles_in
from govdoc.organizations.models import RoleAssignment, User
from govdoc.organizations.roles import Role
from govdoc.organizations.selectors import agency_people_with_role
from govdoc.outgoing.access import is_clerk, visible_drafts, visible_outgoing
from govdoc.outgoing.models import ApprovalStep, Draft, OutgoingDocument
from govdoc.outgoing.workflow import TO_ISSUE, DraftStatus, StepStatus
from govdoc.signatures.models import SigningCredential

BADGE_CAP = 99
CLOSED = (DraftStatus.ISSUED, DraftStatus.CANCELLED)
DRAFT_ROW_RELATED = ("document_type", "drafter", "signer", "drafting_unit")


# -- the conditions ----------------------------------------------------------------------------


def agency_clerks(agency_id: int) -> QuerySet[User]:
    """The agency's active clerks (văn thư), each once: who is told of work for the clerks."""
    return agency_people_with_role(agency_id, Role.CLERK)


def my_pending_steps(actor: Any, agency_id: int) -> QuerySet[ApprovalStep]:
    """Pending steps the actor may decide: their own, those of the people they act for by
    delegation, and the pool steps of a role they hold (the clerks' form check)."""
    people = acting_for_ids(actor, agency_id)
    roles = list(roles_in(actor, agency_id))
    return ApprovalStep.objects.filter(status=StepStatus.PENDING).filter(
        Q(assignee_id__in=people) | Q(assignee__isnull=True, assignee_role__in=roles)
    )


def _to_review(actor: Any, agency_id: int) -> Q:
    mine = my_pending_steps(actor, agency_id).filter(draft_id=OuterRef("pk"))
    return Q(status=DraftStatus.IN_REVIEW) & Q(Exists(mine))


def _to_sign(actor: Any) -> Q:
    # Only the competent person signs (draft_sign): not a delegate.
    return Q(status=DraftStatus.APPROVED, signer_id=actor.pk)


def _to_issue() -> Q:
    return Q(status__in=TO_ISSUE)


def _mine(actor: Any) -> Q:
    return Q(drafter_id=actor.pk)


# -- the queues --------------------------------------------------------------------------------


def _drafts(actor: Any, agency_id: int | None) -> QuerySet[Draft]:
    return visible_drafts(actor, agency_id).select_related(*DRAFT_ROW_RELATED)


def drafts_to_review(actor: Any, agency_id: int | None) -> QuerySet[Draft]:
    """In review with a step waiting for me, urgent first, oldest submission first; each row
    carries the kind of my step (`my_step_kind`)."""
    if agency_id is None:
        return Draft.objects.none()
    step_kind = (
        my_pending_steps(actor, agency_id)
        .filter(draft_id=OuterRef("pk"))
        .order_by("stage", "pk")
        .values("kind")[:1]
    )
    return (
        _drafts(actor, agency_id)
        .filter(_to_review(actor, agency_id))
        .annotate(my_step_kind=Subquery(step_kind))
        .order_by("-priority", "submitted_at", "pk")
    )


def drafts_to_sign(actor: Any, agency_id: int | None) -> QuerySet[Draft]:
    if agency_id is None:
        return Draft.objects.none()
    return _drafts(actor, agency_id).filter(_to_sign(actor)).order_by("-priority", "updated_at")


def drafts_to_issue(actor: Any, agency_id: int | None) -> QuerySet[Draft]:
    """Signed (or numbered, waiting for the agency's signature): for the clerks only; the
    most urgent and the longest waiting first."""
    if agency_id is None or not is_clerk(actor, agency_id):
        return Draft.objects.none()
    return (
        _drafts(actor, agency_id)
        .filter(_to_issue())
        .select_related("outgoing__document")
        .order_by("-priority", "issue_due", "signed_at", "pk")
    )


def my_drafts(actor: Any, agency_id: int | None, *, status: str = "") -> QuerySet[Draft]:
    """My drafts; `status` "mo" the open ones (neither issued nor cancelled), a DraftStatus
    value that one, "" all."""
    if agency_id is None:
        return Draft.objects.none()
    rows = _drafts(actor, agency_id).filter(_mine(actor)).select_related("outgoing__document")
    if status == "mo":
        rows = rows.exclude(status__in=CLOSED)
    elif status in DraftStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-updated_at", "-pk")


def is_late(draft: Draft, *, day: dt.date | None = None) -> bool:
    """Signed but not issued after its issue date (NĐ 30: the same day, at the latest the
    next working day)."""
    return (
        draft.status in TO_ISSUE
        and draft.issue_due is not None
        and (day or today()) > draft.issue_due
    )


@dataclass(frozen=True)
class IssuedFilters:
    year: int | None = None
    number: int | None = None
    q: str = ""
    status: str = ""
    document_type_id: int | None = None


def issued_list(
    actor: Any, agency_id: int | None, filters: IssuedFilters | None = None
) -> QuerySet[OutgoingDocument]:
    """The issued documents the actor may see, newest number first, with what a row shows
    and whether a delivery failed or was refused (`delivery_problem`)."""
    from govdoc.outgoing.models import Dispatch
    from govdoc.outgoing.workflow import DispatchStatus

    filters = filters or IssuedFilters()
    rows = visible_outgoing(actor, agency_id).filter(issued_at__isnull=False)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.number:
        rows = rows.filter(number=filters.number)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.document_type_id:
        rows = rows.filter(document__document_type_id=filters.document_type_id)
    for token in fold(filters.q).split():
        rows = rows.filter(document__search_text__contains=token)
    problem = Dispatch.objects.filter(
        outgoing_id=OuterRef("pk"),
        status__in=[DispatchStatus.FAILED, DispatchStatus.REFUSED],
    )
    return (
        rows.select_related("document", "document__document_type", "draft", "draft__signer")
        .annotate(delivery_problem=Exists(problem))
        .order_by("-year", "-number", "-pk")
    )


# -- the counters ------------------------------------------------------------------------------


def queue_counts(actor: Any, agency_id: int | None, *, with_mine: bool = True) -> dict[str, int]:
    """Every draft counter in one aggregate: to review, to sign, to issue (clerks) and how
    many of those are late, my open drafts."""
    counts = {"cho-duyet": 0, "cho-ky": 0, "cho-phat-hanh": 0, "qua-han": 0, "cua-toi": 0}
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return counts
    if not roles_in(actor, agency_id):
        return counts
    clerk = is_clerk(actor, agency_id)
    aggregates: dict[str, Any] = {
        "cho_duyet": Count("pk", filter=_to_review(actor, agency_id)),
        "cho_ky": Count("pk", filter=_to_sign(actor)),
    }
    if clerk:
        aggregates["cho_phat_hanh"] = Count("pk", filter=_to_issue())
        aggregates["qua_han"] = Count("pk", filter=_to_issue() & Q(issue_due__lt=today()))
    if with_mine:
        aggregates["cua_toi"] = Count("pk", filter=_mine(actor) & ~Q(status__in=CLOSED))
    result = Draft.objects.filter(agency_id=agency_id).aggregate(**aggregates)
    for key, value in result.items():
        counts[key.replace("_", "-")] = int(value or 0)
    return counts


def issued_count(actor: Any, agency_id: int | None, *, cap: int = 1000) -> tuple[int, bool]:
    """How many issued documents the actor sees, stopping at `cap` (count, capped)."""
    counted = (
        visible_outgoing(actor, agency_id).filter(issued_at__isnull=False).order_by()[: cap + 1]
    ).count()
    return min(counted, cap), counted > cap


WAITING_KEYS = ("cho-duyet", "cho-ky", "cho-phat-hanh")


class OutgoingBadge:
    """The navigation's counter of drafts waiting for me (to review, to sign, to issue),
    counted by one aggregate the first time a template shows it; the queue page reuses the
    same counts."""

    def __init__(self, user: Any, agency_id: int) -> None:
        self._user = user
        self._agency_id = agency_id

    @cached_property
    def counts(self) -> dict[str, int]:
        return queue_counts(self._user, self._agency_id)

    @property
    def total(self) -> int:
        return sum(self.counts.get(key, 0) for key in WAITING_KEYS)

    @property
    def label(self) -> str:
        """ "" when nothing waits, "99+" beyond the cap."""
        total = self.total
        if not total:
            return ""
        return f"{BADGE_CAP}+" if total > BADGE_CAP else str(total)


def outgoing_badge(request: HttpRequest) -> OutgoingBadge | None:
    """The request's counter (the same object for the navigation and the queue page), or
    None for an anonymous person or one without an agency (no query at all)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return None
    badge: OutgoingBadge | None = getattr(request, "_govdoc_outgoing_badge", None)
    if badge is None:
        badge = OutgoingBadge(user, agency_id)
        request._govdoc_outgoing_badge = badge  # type: ignore[attr-defined]
    return badge


# -- helpers of the pages ----------------------------------------------------------------------


def signer_choices(agency_id: int) -> list[tuple[str, list[tuple[int, str]]]]:
    """The people who may be proposed as signer, grouped: the agency's leaders first, then
    the units' leaders, then everyone else of the agency (one query)."""
    leaders = RoleAssignment.objects.filter(user_id=OuterRef("pk"), agency_id=agency_id)
    people = (
        User.objects.filter(agency_id=agency_id, is_active=True)
        .select_related("position")
        .annotate(
            agency_leader=Exists(leaders.filter(role=Role.AGENCY_LEADER)),
            unit_leader=Exists(leaders.filter(role=Role.UNIT_LEADER)),
        )
        .order_by("position__rank", "full_name", "username")
    )
    groups: dict[str, list[tuple[int, str]]] = {
        "Lãnh đạo cơ quan": [],
        "Lãnh đạo đơn vị": [],
        "Người khác trong cơ quan": [],
    }
    for person in people:
        label = person.display_name + (f" — {person.position.name}" if person.position else "")
        if getattr(person, "agency_leader", False):
            groups["Lãnh đạo cơ quan"].append((person.pk, label))
        elif getattr(person, "unit_leader", False):
            groups["Lãnh đạo đơn vị"].append((person.pk, label))
        else:
            groups["Người khác trong cơ quan"].append((person.pk, label))
    return [(name, rows) for name, rows in groups.items() if rows]


def personal_credential_kind(person: Any) -> str:
    """The kind of the credential a person signs with ("PKCS12", "PKCS11", …) or ""."""
    kind = (
        SigningCredential.objects.filter(owner_person=person, is_active=True)
        .order_by("-valid_to", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return str(kind or "")


def agency_credential_kind(agency_id: int) -> str:
    kind = (
        SigningCredential.objects.filter(owner_agency_id=agency_id, is_active=True)
        .order_by("-valid_to", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return str(kind or "")


def replies_to(actor: Any, incoming: Any) -> list[Draft]:
    """The drafts and issued documents answering an incoming document that the actor sees."""
    return list(
        visible_drafts(actor, incoming.agency_id)
        .filter(reply_to_id=incoming.pk)
        .select_related("drafter", "signer", "document_type", "outgoing__document")
        .order_by("created_at", "pk")
    )


def replacement_choices(
    actor: Any, outgoing: OutgoingDocument, *, limit: int = 200
) -> list[OutgoingDocument]:
    """Issued documents of the same agency, seen by the actor, that may replace this one
    (newest first)."""
    return list(
        visible_outgoing(actor, outgoing.agency_id)
        .filter(issued_at__isnull=False)
        .exclude(pk=outgoing.pk)
        .select_related("document")
        .order_by("-year", "-number")[:limit]
    )
