"""Who is calling: a program with a bearer token, or a signed-in browser (session + CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from govdoc.api.tokens import token_authenticate
from govdoc.core.errors import DomainError


class CsrfRefused(DomainError):
    status = 403
    code = "csrf"


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. A key that is presented but unusable is refused with
    the reason, rather than falling back to the session: the program must know."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = token_authenticate(token)
        # Code below the API reads request.user, as for the browser.
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class BrowserSessionAuth(APIKeyCookie):
    """The Django session of a signed-in person. Writes need the CSRF token, since the
    browser sends the session cookie on its own (a forged form could use it)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfRefused(
                "Thiếu hoặc sai mã chống giả mạo (CSRF). Tải lại trang rồi thử lại; "
                "chương trình gọi API hãy dùng mã truy cập (Authorization: Bearer)."
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None
