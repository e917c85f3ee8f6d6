"""The small section this app adds to an incoming document's page: print its handling form,
and open the follow-up book (for those who read it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from govdoc.incoming.models import IncomingDocument
from govdoc.reports.handling_scope import can_read_handling


def handling_panel(request: HttpRequest, incoming: IncomingDocument) -> dict[str, Any] | None:
    # The page already fetched the document for this person: whoever sees it may print it.
    register_url = ""
    if can_read_handling(request.user, incoming.agency_id):
        register_url = reverse("reports:handling_register")
    return {
        "template": "reports/_handling_panel.html",
        "slip_url": reverse("reports:handling_slip", args=[incoming.pk]),
        "register_url": register_url,
    }
