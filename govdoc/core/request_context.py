"""The client address of the request being served, for the audit journal."""

from __future__ import annotations

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("govdoc_client_ip", default=None)


def set_client_ip(ip: str | None) -> object:
    return _client_ip.set(ip)


def reset_client_ip(token: object) -> None:
    _client_ip.reset(token)  # type: ignore[arg-type]


def client_ip() -> str | None:
    return _client_ip.get()
