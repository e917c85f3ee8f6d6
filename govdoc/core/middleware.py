from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from govdoc.core.request_context import reset_client_ip, set_client_ip


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_ip(request: HttpRequest) -> str | None:
    """The client's address for the journal. X-Forwarded-For is believed only from the
    reverse proxies named in GOVDOC_TRUSTED_PROXIES (anyone else could write any address
    there); the address nearest to the trusted proxy wins."""
    remote = _valid_ip(str(request.META.get("REMOTE_ADDR") or ""))
    trusted: frozenset[str] = getattr(settings, "GOVDOC_TRUSTED_PROXIES", frozenset())
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if remote is None or remote not in trusted or not forwarded:
        return remote
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        address = _valid_ip(hop)
        if address is None:
            return remote
        if address not in trusted:
            return address
    return remote


class RequestContextMiddleware:
    """Makes the client IP available to services (audit) without passing the request down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)


class VietnameseByDefaultMiddleware:
    """The UI speaks Vietnamese unless the person chose another language (the language
    cookie); the browser's Accept-Language is not followed, so an English browser still
    gets a Vietnamese govdoc."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
