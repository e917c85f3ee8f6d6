"""The "Hồ sơ" section on the pages of incoming and issued documents: which of the files the
person sees hold the document, and filing it — asked for once the incoming document is
completed, or once the outgoing one is issued (for its drafter)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import Status as IncomingStatus
from govdoc.organizations.access import roles_in
from govdoc.outgoing.models import OutgoingDocument
from govdoc.records.selectors import NOT_FILEABLE_INCOMING, files_holding, filing_suggestions


def filing_panel_context(request: HttpRequest, document_id: int, *, done: bool) -> dict[str, Any]:
    """The "Hồ sơ" section of a document's page: the files holding it that the person sees,
    and where they may file it (highlighted once the document is done)."""
    agency_id = getattr(request.user, "agency_id", None) or 0
    holding = list(files_holding(request.user, agency_id, document_id).order_by("-year")[:20])
    mine_holding = any(f.owner_id == request.user.pk for f in holding)
    mine, planned = filing_suggestions(request.user, agency_id)
    return {
        "template": "records/_filing_panel.html",
        "document_id": document_id,
        "holding": holding,
        "mine": mine,
        "planned": planned,
        "prompt": done and not mine_holding,
        "filed_by_me": mine_holding,
        "next": request.get_full_path(),
    }


def _panel(request: HttpRequest, agency_id: int, document_id: int, done: bool) -> Any:
    if not roles_in(request.user, agency_id):
        return None
    return filing_panel_context(request, document_id, done=done)


def incoming_panel(request: HttpRequest, incoming: IncomingDocument) -> dict[str, Any] | None:
    if incoming.status in NOT_FILEABLE_INCOMING:
        return None
    done = incoming.status == IncomingStatus.COMPLETED
    result: dict[str, Any] | None = _panel(request, incoming.agency_id, incoming.document_id, done)
    return result


def issued_panel(request: HttpRequest, outgoing: OutgoingDocument) -> dict[str, Any] | None:
    drafter = outgoing.draft.drafter_id == request.user.pk
    result: dict[str, Any] | None = _panel(
        request, outgoing.agency_id, outgoing.document_id, drafter
    )
    return result


def connect() -> None:
    from govdoc.incoming.panels import register_detail_panel
    from govdoc.outgoing.issued_panels import register_issued_panel

    register_detail_panel(incoming_panel)
    register_issued_panel(issued_panel)
