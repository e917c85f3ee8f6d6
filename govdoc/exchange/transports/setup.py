"""The transports of this installation, registered at start-up: `hub` when GOVDOC_HUB_URL
is set (each hosted agency's token from its exchange account)."""

from __future__ import annotations

import ssl

from django.conf import settings

from govdoc.exchange.transports.base import TransportError
from govdoc.exchange.transports.registry import register_transport


def _token_for(organ_id: str) -> str:
    from govdoc.exchange.models import ExchangeAccount
    from govdoc.exchange.services.accounts import token_of

    account = ExchangeAccount.objects.filter(
        agency__organ_id=organ_id, transport="hub", is_active=True
    ).first()
    return token_of(account) if account is not None else ""


def _ssl_context() -> ssl.SSLContext | None:
    """For an https hub: the CA to check it against and, for mutual TLS, this installation's
    client certificate (GOVDOC_HUB_CA_FILE, GOVDOC_HUB_CLIENT_CERT, GOVDOC_HUB_CLIENT_KEY)."""
    ca = str(getattr(settings, "GOVDOC_HUB_CA_FILE", "") or "")
    cert = str(getattr(settings, "GOVDOC_HUB_CLIENT_CERT", "") or "")
    if not ca and not cert:
        return None
    context = ssl.create_default_context(cafile=ca or None)
    if cert:
        key = str(getattr(settings, "GOVDOC_HUB_CLIENT_KEY", "") or "") or None
        context.load_cert_chain(cert, key)
    return context


def register_transports() -> None:
    from govdoc.exchange.transports.hub import HubTransport

    def hub() -> HubTransport:
        url = str(getattr(settings, "GOVDOC_HUB_URL", "") or "")
        if not url.startswith(("http://", "https://")):
            raise TransportError("Chưa cấu hình địa chỉ trạm liên thông (GOVDOC_HUB_URL).")
        return HubTransport(base_url=url, token_for=_token_for, ssl_context=_ssl_context())

    register_transport("hub", hub)
