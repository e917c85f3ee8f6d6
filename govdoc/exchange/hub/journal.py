"""The journal of every call to the hub: when, which agency, which call, which packet, the
outcome (HTTP status and result code) and the client's address.

API calls are journaled by a decorator around each ninja operation (authentication included).
A call that succeeds writes its row in its own transaction (one commit for the call and its
row); a refused call is rolled back (it changes nothing) and its row written after, so a
refused call leaves its row too. Sending (`send_packet`) streams the body to a file before
its transaction begins, so it does not run inside one: its row is written inside the
packet's transaction (`journal_now`, called by the view through `services.packet_send`).
Commands (`govdoc hub agency add`, `purge`…) journal themselves.

One exception: an inbox listing that finds nothing (an installation polls each agency's inbox
every 30 s, ~2,900 times a day) is not journaled row by row; it is counted on the agency
(`Agency.last_polled_at`, `Agency.empty_polls`, see `services.agency_polled`). The view says so
with `skip_journal`; a call that then fails is journaled all the same.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from govdoc.core import sql_rows as rows
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


def skip_journal(request: HttpRequest) -> None:
    """This call succeeded and is accounted for elsewhere (an empty inbox listing): no row."""
    request.hub_unjournaled = True  # type: ignore[attr-defined]


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


def _accounted_elsewhere(request: HttpRequest, response: HttpResponseBase | None) -> bool:
    return (
        bool(getattr(request, "hub_unjournaled", False))
        and response is not None
        and response.status_code < 400
    )


STREAMING_CALLS = frozenset({"send_packet", "send_packets"})
"""Calls that read a large body: not run inside a transaction (see the module's text)."""


def _write(
    request: HttpRequest,
    call: str,
    status_code: int,
    result: str,
    kwargs: dict[str, Any],
) -> None:
    caller = getattr(request, "hub_caller", None)
    # Every API call writes one: one INSERT in SQL (`rows`), the row journal_record writes.
    rows.insert(
        HubCall,
        {
            "at": timezone.now(),
            "agency": caller.label if isinstance(caller, Caller) else "",
            "credential": caller.credential.prefix if isinstance(caller, Caller) else "",
            "call": call,
            "packet": _packet_of(request, kwargs),
            "status_code": status_code,
            "result": result[:64],
            "client_ip": client_ip(request),
            "detail": getattr(request, "hub_detail", None) or {},
        },
    )


def journal_now(request: HttpRequest, *, status_code: int, result: str = "ok") -> None:
    """Write this call's row now, in the transaction of what the call changes (sending)."""
    _write(request, getattr(request, "hub_call", "call"), status_code, result, {})
    request.hub_journaled = True  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PacketEntry:
    """One packet's row of a batch call: its outcome within the call."""

    packet: uuid.UUID | None
    status_code: int
    result: str
    detail: dict[str, Any]


def journal_each(request: HttpRequest, entries: Sequence[PacketEntry]) -> None:
    """A batch call's rows, one per packet, now (in the transaction of what the call changes,
    one INSERT); the call writes no row of its own then. Every row names the batch's size."""
    caller = getattr(request, "hub_caller", None)
    at, ip = timezone.now(), client_ip(request)
    call = getattr(request, "hub_call", "call")
    rows.save_new_many(
        [
            HubCall(
                at=at,
                agency=caller.label if isinstance(caller, Caller) else "",
                credential=caller.credential.prefix if isinstance(caller, Caller) else "",
                call=call,
                packet=entry.packet,
                status_code=entry.status_code,
                result=entry.result[:64],
                client_ip=ip,
                detail={**entry.detail, "batch": len(entries)},
            )
            for entry in entries
        ]
    )
    request.hub_journaled = True  # type: ignore[attr-defined]


def journaled(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a ninja operation's `run` (mode "view": around authentication and the handler)."""
    operation = getattr(run, "__self__", None)
    view_func = getattr(operation, "view_func", None)
    call = getattr(view_func, "__name__", "call")
    streaming = call in STREAMING_CALLS

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request.hub_call = call  # type: ignore[attr-defined]
        response: HttpResponseBase | None = None
        written = False
        try:
            if streaming:
                response = run(request, *args, **kwargs)
                return response
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                in_call = (
                    response.status_code < 400
                    and not _accounted_elsewhere(request, response)
                    and not getattr(request, "hub_journaled", False)
                )
                if response.status_code >= 400:
                    transaction.set_rollback(True)  # a refused call changes nothing
                elif in_call:
                    result = _result_of(request, response)
                    _write(request, call, response.status_code, result, kwargs)
            written = in_call
            return response
        except BaseException:
            response = None  # journaled as the 500 the client gets
            if not streaming:  # rows written in the call's transaction were rolled back
                request.hub_journaled = False  # type: ignore[attr-defined]
            raise
        finally:
            if (
                not written
                and not getattr(request, "hub_journaled", False)
                and not _accounted_elsewhere(request, response)
            ):
                _write(
                    request,
                    call,
                    response.status_code if response is not None else 500,
                    _result_of(request, response),
                    kwargs,
                )

    return wrapper
