"""Browser fixtures: Debian's Chromium driven by Playwright against Django's live server.

Playwright cannot download browsers here, so it launches /usr/bin/chromium; the browser tests
are skipped (with the reason) where that binary or Playwright is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection, transaction

from govdoc.audit.models import AuditEvent
from govdoc.conftest import PASSWORD, make_person
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response
    from pytest_django.live_server_helper import LiveServer

# Playwright's sync API keeps an event loop running in this thread, which makes Django refuse
# ORM calls from the test body unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Long enough for a slow CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 15_000
PHONE = {"width": 375, "height": 812}

Login = Callable[..., None]


# Per module, not per session: Playwright's synchronous API keeps an event loop running in
# the main thread while it is open, and pytest-django runs the tests without a database
# last — pyHanko's synchronous calls (asyncio.run) would then fail in them.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright package")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def _new_page(browser: Browser, base_url: str, **options: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    # A page served without its stylesheet or script is broken even if its text is right.
    failed_assets: list[str] = []

    def _watch(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            failed_assets.append(f"{response.status} {response.url}")

    page.on("response", _watch)
    yield page
    context.close()
    assert not failed_assets, f"static files failed to load: {failed_assets}"


@pytest.fixture
def flushable_audit(transactional_db: None) -> Iterator[None]:
    """Let the live-server tests' flush empty the audit journal on SQLite.

    The live server needs committed data, so these tests flush every table afterwards. On
    PostgreSQL that is TRUNCATE, which an append-only trigger does not see; on SQLite it is
    DELETE, which such a trigger refuses. So on SQLite the journal is emptied here first, any
    DELETE trigger lifted for that statement only and put back, unchanged, in one transaction.
    """
    yield
    if connection.vendor != "sqlite":
        return
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
            "AND sql LIKE %s",
            [table, "%BEFORE DELETE%"],
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(f'DELETE FROM "{table}"')
        for _, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, flushable_audit: None) -> Iterator[Page]:
    """A desktop-sized page in a fresh context (no cookies), pointed at the live server."""
    yield from _new_page(browser, live_server.url, viewport={"width": 1366, "height": 900})


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer, flushable_audit: None) -> Iterator[Page]:
    """A phone-sized page (375 px wide, touch) in a fresh context."""
    yield from _new_page(browser, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def clerk(ministry: Agency, units: dict[str, Unit], transactional_db: None) -> User:
    return make_person(
        "vanthu",
        agency=ministry,
        roles=[Role.CLERK],
        unit=units["VP"],
        full_name="Nguyễn Thị Văn Thư",
    )


@pytest.fixture
def login() -> Login:
    """Sign in through the login page, as a person would, and wait for the home page."""

    def _login(page: Page, username: str, password: str = PASSWORD) -> None:
        from playwright.sync_api import expect

        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "/dang-nhap/" not in url)
        # On a phone the button sits in the collapsed menu: present, though not shown.
        expect(page.get_by_role("button", name="Đăng xuất", include_hidden=True)).to_be_attached()

    return _login
