"""Sections that apps above this one add to an issued document's page (the records app: the
files holding it and filing it): each gives its template and context for the person
looking, or None when it has nothing to show them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from govdoc.outgoing.models import OutgoingDocument

IssuedPanel = Callable[[HttpRequest, OutgoingDocument], dict[str, Any] | None]
_panels: list[IssuedPanel] = []


def register_issued_panel(panel: IssuedPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def issued_panels(request: HttpRequest, outgoing: OutgoingDocument) -> list[dict[str, Any]]:
    shown = (panel(request, outgoing) for panel in _panels)
    return [context for context in shown if context is not None]
