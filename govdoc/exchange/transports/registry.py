"""Transports by name. The installation's own are registered at start-up (`local`, `hub`);
an adapter for the national axis registers itself the same way."""

from __future__ import annotations

from collections.abc import Callable

from govdoc.exchange.transports.base import Transport, TransportError

TransportFactory = Callable[[], Transport]
_factories: dict[str, TransportFactory] = {}


def register_transport(name: str, factory: TransportFactory) -> None:
    _factories[name] = factory


def transport_for(name: str) -> Transport:
    factory = _factories.get(name)
    if factory is None:
        raise TransportError(f"Chưa cấu hình kênh liên thông “{name}”.")
    return factory()


def known_transports() -> list[str]:
    return sorted(_factories)
