"""The browser fixtures for the records app's journeys."""

from __future__ import annotations

from govdoc.web.tests.conftest import browser, flushable_audit, login, page  # noqa: F401
