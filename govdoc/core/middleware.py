from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from govdoc.core.request_context import reset_client_ip, set_client_ip


def request_ip(request: HttpRequest) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return str(forwarded).split(",")[0].strip() or None
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


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
