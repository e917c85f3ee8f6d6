"""The "Văn bản trả lời" section of an incoming document's page: the drafts and issued
documents answering it that the person looking may see, and — for those who handle it (an
open lead or support assignment of theirs or of the unit they lead, or the agency's
leaders) — the button to draft a reply. Two queries at most; nothing for someone with
nothing to see or do."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import OPEN_STATUSES, WORK_ROLES
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.panels import register_detail_panel
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.access import acting_for_ids, led_unit_ids, roles_in
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import DRAFTING_ROLES
from govdoc.outgoing.selectors import replies_to
from govdoc.outgoing.views.common import DRAFT_STATUS_CSS

TEMPLATE = "outgoing/_replies_panel.html"
CLOSED_INCOMING = frozenset(
    {IncomingStatus.ANNULLED, IncomingStatus.REFUSED, IncomingStatus.WITHDRAWN}
)


def handles(actor: Any, incoming: IncomingDocument) -> bool:
    """Whether the person may answer the document: they (or the unit they lead, or someone
    they act for) hold an open lead or support assignment on it, or they lead the agency."""
    agency_id = incoming.agency_id
    roles = roles_in(actor, agency_id)
    if not roles & DRAFTING_ROLES:
        return False
    if Role.AGENCY_LEADER in roles:
        return True
    mine = Q(assignee_person_id__in=acting_for_ids(actor, agency_id))
    units = led_unit_ids(actor, agency_id)
    if units:
        mine |= Q(assignee_unit_id__in=units)
    return Assignment.objects.filter(
        mine, incoming=incoming, role__in=list(WORK_ROLES), status__in=list(OPEN_STATUSES)
    ).exists()


def replies_panel(request: HttpRequest, incoming: IncomingDocument) -> dict[str, Any] | None:
    actor = request.user
    if getattr(actor, "agency_id", None) != incoming.agency_id:
        return None
    drafts = replies_to(actor, incoming)
    can_reply = incoming.status not in CLOSED_INCOMING and handles(actor, incoming)
    if not drafts and not can_reply:
        return None
    return {
        "template": TEMPLATE,
        "replies": [(d, DRAFT_STATUS_CSS.get(d.status, "")) for d in drafts],
        "can_reply": can_reply,
    }


register_detail_panel(replies_panel)
