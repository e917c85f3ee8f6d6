"""The navigation's counters (work waiting, drafts waiting, documents to receive, unread
notices, documents not filed, whether to show "Ký số"), kept in the person's session for
`GOVDOC_NAV_COUNTS_SECONDS` (20 by default) instead of counted on every page: they cost
≈ 40 ms of CPU a page, most of a light page's time (docs/benchmarks.md, work files).

What the person does themselves shows at once: any POST, PUT, PATCH or DELETE of theirs
drops the kept counters. What others do shows within the period. The pages' own lists and
counts are never kept: only the badges of the menu. 0 seconds: counted on every page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

SESSION_KEY = "govdoc_nav_counts"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def now() -> float:
    """The clock of the kept counters (seconds; a test moves it)."""
    return time.time()


def _period() -> float:
    return float(getattr(settings, "GOVDOC_NAV_COUNTS_SECONDS", 20))


def kept(request: HttpRequest, name: str, count: Callable[[], T]) -> T:
    """`count()`, or its value kept in the session less than the period ago."""
    period = _period()
    session = getattr(request, "session", None)
    if period <= 0 or session is None:
        return count()
    moment = now()
    stored: dict[str, Any] | None = session.get(SESSION_KEY)
    if not stored or not 0 <= moment - float(stored.get("at", 0)) < period:
        stored = {"at": moment, "values": {}}
    values: dict[str, Any] = stored["values"]
    if name not in values:
        values[name] = count()
        session[SESSION_KEY] = stored
    return values[name]  # type: ignore[no-any-return]


def forget(request: HttpRequest) -> None:
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        del session[SESSION_KEY]


class KeptLabel:
    """A badge's `label` as the navigation shows it, kept (see the module)."""

    def __init__(self, request: HttpRequest, name: str, badge: Any) -> None:
        self._request, self._name, self._badge = request, name, badge

    @property
    def label(self) -> str:
        return kept(self._request, self._name, lambda: str(self._badge.label))

    def __getattr__(self, name: str) -> Any:
        # Anything else (a page's own use of the badge) is the badge's, counted live.
        return getattr(self._badge, name)


class KeptCount:
    """A callable badge (`{{ nav_unfiled }}` calls it), kept."""

    def __init__(self, request: HttpRequest, name: str, badge: Callable[[], int]) -> None:
        self._request, self._name, self._badge = request, name, badge

    def __call__(self) -> int:
        return kept(self._request, self._name, self._badge)


class NavCountsMiddleware:
    """Drops the kept counters when the person changes something (after the response: the
    page they are redirected to counts afresh)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            forget(request)
        return response
