"""Who may see which incoming documents. The rule is a query filter, so lists and single
fetches apply it inside SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from govdoc.core.errors import Conflict, NotFound
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.workflow import Status
from govdoc.organizations.access import acting_for_ids, led_unit_ids, roles_in
from govdoc.organizations.roles import Role

AGENCY_WIDE_ROLES = frozenset({Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN})

# Apps above this one add who else sees a document (e.g. the people assigned to handle it):
# each gives a condition on IncomingDocument for an actor in an agency, or None.
VisibilityRule = Callable[[Any, int], Q | None]
_extra_rules: list[VisibilityRule] = []


def register_visibility(rule: VisibilityRule) -> None:
    if rule not in _extra_rules:
        _extra_rules.append(rule)


def visible_filter(actor: Any, agency_id: int) -> Q | None:
    """The condition an incoming document of the agency must meet to be visible, or None
    when the actor sees nothing there."""
    roles = roles_in(actor, agency_id)
    if roles & AGENCY_WIDE_ROLES:
        return Q(agency_id=agency_id)
    people = acting_for_ids(actor, agency_id)
    condition = Q(receiving_person_id=actor.pk) | Q(presented_to_id__in=people)
    if Role.UNIT_LEADER in roles:
        condition |= Q(receiving_unit_id__in=led_unit_ids(actor, agency_id))
    for rule in _extra_rules:
        extra = rule(actor, agency_id)
        if extra is not None:
            condition |= extra
    return Q(agency_id=agency_id) & condition


def visible_incoming(actor: Any, agency_id: int | None) -> QuerySet[IncomingDocument]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return IncomingDocument.objects.none()
    condition = visible_filter(actor, agency_id)
    if condition is None:
        return IncomingDocument.objects.none()
    return IncomingDocument.objects.filter(condition)


def can_register(actor: Any, agency_id: int | None) -> bool:
    return Role.CLERK in roles_in(actor, agency_id)


def incoming_for(actor: Any, pk: int, *, action: str = "view") -> IncomingDocument:
    """Fetch one incoming document the actor may act on; otherwise NotFound (the same answer
    for "does not exist" and "not allowed")."""
    agency_id = getattr(actor, "agency_id", None)
    queryset = visible_incoming(actor, agency_id)
    if action in {"update", "annul", "present", "refuse"} and not can_register(actor, agency_id):
        raise NotFound()
    try:
        return queryset.select_related(
            "document",
            "document__document_type",
            "register_entry",
            "receiving_unit",
            "receiving_person",
        ).get(pk=pk)
    except IncomingDocument.DoesNotExist:
        raise NotFound() from None


FILES_WITHDRAWN_MESSAGE = (
    "Văn bản đã bị nơi gửi thu hồi: tệp của văn bản không còn được xem hay tải về. "
    "Thông tin đăng ký và quá trình xử lý vẫn được lưu."
)


class FilesWithdrawn(Conflict):
    """The files of a revoked document are asked for: they are gone for everyone."""

    status = 410
    code = "withdrawn"


def files_available(incoming: IncomingDocument) -> bool:
    """Whether anyone may still open the document's files (not after the sender revoked it:
    NĐ 30 Phụ lục VI F8.b)."""
    return incoming.status != Status.WITHDRAWN


def require_files_available(incoming: IncomingDocument) -> None:
    """For every place that hands out an incoming document's file (page, API, checks)."""
    if not files_available(incoming):
        raise FilesWithdrawn(FILES_WITHDRAWN_MESSAGE)


# -- electronic documents received from other agencies, waiting for the clerk ----------------


def can_receive(actor: Any, agency_id: int | None) -> bool:
    """Who takes in the electronic documents sent to the agency: its clerks."""
    return Role.CLERK in roles_in(actor, agency_id)


def visible_received(actor: Any, agency_id: int | None) -> QuerySet[ReceivedDocument]:
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return ReceivedDocument.objects.none()
    if not can_receive(actor, agency_id):
        return ReceivedDocument.objects.none()
    return ReceivedDocument.objects.filter(agency_id=agency_id)


def received_for(actor: Any, pk: int) -> ReceivedDocument:
    """One received document of the actor's agency, for its clerk; otherwise NotFound (the
    same answer for "does not exist" and "not allowed")."""
    queryset = visible_received(actor, getattr(actor, "agency_id", None))
    try:
        return queryset.select_related(
            "agency", "sender_agency", "document_type", "incoming", "decided_by"
        ).get(pk=pk)
    except ReceivedDocument.DoesNotExist:
        raise NotFound() from None
