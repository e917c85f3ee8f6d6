"""The transports of this installation, registered at start-up: `local` (the agencies
hosted here) and `hub` when GOVDOC_HUB_URL is set (each hosted agency's token from its
exchange account)."""

from __future__ import annotations

import functools
import ssl

from django.conf import settings

from govdoc.exchange.transports.base import TransportError
from govdoc.exchange.transports.registry import register_transport


def _token_for(organ_id: str, fresh: bool = False) -> str:
    """The agency's hub token, kept per process a short while (services/accounts.py)."""
    from govdoc.exchange.services.accounts import hub_token

    return hub_token(organ_id, transport="hub", fresh=fresh)


def _ssl_context() -> ssl.SSLContext | None:
    """For an https hub: the CA to check it against and, for mutual TLS, this installation's
    client certificate (GOVDOC_HUB_CA_FILE, GOVDOC_HUB_CLIENT_CERT, GOVDOC_HUB_CLIENT_KEY)."""
    ca = str(getattr(settings, "GOVDOC_HUB_CA_FILE", "") or "")
    cert = str(getattr(settings, "GOVDOC_HUB_CLIENT_CERT", "") or "")
    key = str(getattr(settings, "GOVDOC_HUB_CLIENT_KEY", "") or "")
    if not ca and not cert:
        return None
    return _context(ca, cert, key)


@functools.lru_cache(maxsize=8)
def _context(ca: str, cert: str, key: str) -> ssl.SSLContext:
    """One context per configuration (so that its keep-alive connections are reused)."""
    context = ssl.create_default_context(cafile=ca or None)
    if cert:
        context.load_cert_chain(cert, key or None)
    return context


def register_transports() -> None:
    from govdoc.exchange.transports.hub import HubTransport
    from govdoc.exchange.transports.local import LocalTransport

    register_transport("local", LocalTransport)

    def hub() -> HubTransport:
        url = str(getattr(settings, "GOVDOC_HUB_URL", "") or "")
        if not url.startswith(("http://", "https://")):
            raise TransportError("Chưa cấu hình địa chỉ trạm liên thông (GOVDOC_HUB_URL).")
        return HubTransport(
            base_url=url,
            token_for=_token_for,
            refresh_token=lambda organ_id: _token_for(organ_id, fresh=True),
            ssl_context=_ssl_context(),
        )

    register_transport("hub", hub)
