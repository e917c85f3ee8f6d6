"""Sections that apps above this one add to an incoming document's page (the handling of
the document, later its replies and files): each gives its template and context for the
person looking, or None when it has nothing to show them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from govdoc.incoming.models import IncomingDocument

# A panel: {"template": "app/_panel.html", ...context} or None.
DetailPanel = Callable[[HttpRequest, IncomingDocument], dict[str, Any] | None]
_panels: list[DetailPanel] = []


def register_detail_panel(panel: DetailPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def detail_panels(request: HttpRequest, incoming: IncomingDocument) -> list[dict[str, Any]]:
    shown = (panel(request, incoming) for panel in _panels)
    return [context for context in shown if context is not None]
