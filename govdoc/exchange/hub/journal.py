"""The journal of every call to the hub: when, which agency, which call, which packet, the
outcome (HTTP status and result code) and the client's address.

API calls are journaled by a decorator around each ninja operation (authentication included),
after the call has committed or rolled back, so a refused call leaves its row too. Commands
(`govdoc hub agency add`, `purge`…) journal themselves.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from govdoc.exchange.hub.auth import Caller, client_ip
from govdoc.exchange.hub.models import HubCall


def journal_record(
    *,
    call: str,
    status_code: int,
    result: str = "",
    agency: str = "",
    credential: str = "",
    packet: uuid.UUID | None = None,
    client: str | None = None,
    detail: dict[str, Any] | None = None,
) -> HubCall:
    return HubCall.objects.create(
        at=timezone.now(),
        agency=agency,
        credential=credential,
        call=call,
        packet=packet,
        status_code=status_code,
        result=result[:64],
        client_ip=client,
        detail=detail or {},
    )


def note_packet(request: HttpRequest, packet_uuid: uuid.UUID) -> None:
    request.hub_packet = packet_uuid  # type: ignore[attr-defined]


def note_detail(request: HttpRequest, **detail: Any) -> None:
    current: dict[str, Any] = getattr(request, "hub_detail", {})
    request.hub_detail = {**current, **detail}  # type: ignore[attr-defined]


def _packet_of(request: HttpRequest, kwargs: dict[str, Any]) -> uuid.UUID | None:
    noted = getattr(request, "hub_packet", None)
    if isinstance(noted, uuid.UUID):
        return noted
    raw = kwargs.get("packet_id")
    try:
        return uuid.UUID(str(raw)) if raw is not None else None
    except ValueError:
        return None


def _result_of(request: HttpRequest, response: HttpResponseBase | None) -> str:
    noted = getattr(request, "hub_result", None)
    if noted:
        return str(noted)
    if response is None:
        return "error"
    if response.status_code < 400:
        return "ok"
    content = getattr(response, "content", b"")
    try:
        return str(json.loads(content).get("code", "")) if content else ""
    except (ValueError, AttributeError):
        return ""


def journaled(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a ninja operation's `run` (mode "view": around authentication and the handler)."""
    operation = getattr(run, "__self__", None)
    view_func = getattr(operation, "view_func", None)
    call = getattr(view_func, "__name__", "call")

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase | None = None
        try:
            response = run(request, *args, **kwargs)
            return response
        finally:
            caller = getattr(request, "hub_caller", None)
            journal_record(
                call=call,
                status_code=response.status_code if response is not None else 500,
                result=_result_of(request, response),
                agency=caller.label if isinstance(caller, Caller) else "",
                credential=caller.credential.prefix if isinstance(caller, Caller) else "",
                packet=_packet_of(request, kwargs),
                client=client_ip(request),
                detail=getattr(request, "hub_detail", None),
            )

    return wrapper
