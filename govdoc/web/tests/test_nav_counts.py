"""The menu's counters kept in the session for a few seconds: what others do shows within
the period, what the person does shows at once, 0 seconds counts every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from govdoc.conftest import PASSWORD
from govdoc.notifications.services import notify
from govdoc.organizations.models import User
from govdoc.web import nav_counts

pytestmark = pytest.mark.django_db


def _bell(client: Client) -> str:
    html = client.get("/thong-bao/").content.decode()
    found = re.search(r'data-testid="bell-count">([^<]*)<', html)
    return found.group(1) if found else ""


def _notify(person: User) -> None:
    notify(recipients=[person], kind="test", title="Văn bản đến số 15", url="/", email=False)


def _signed_in(person: User) -> Client:
    client = Client()
    assert client.login(username=person.username, password=PASSWORD)
    return client


def test_others_changes_show_within_the_period_and_ones_own_at_once(
    personas: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GOVDOC_NAV_COUNTS_SECONDS = 20
    clock = [1_000_000.0]
    monkeypatch.setattr(nav_counts, "now", lambda: clock[0])
    specialist = personas["specialist"]
    client = _signed_in(specialist)
    # Given one unread notice, counted on the first page
    _notify(specialist)
    assert _bell(client) == "1"
    # When someone else's action notifies again, within the period: the menu keeps its count
    _notify(specialist)
    clock[0] += 5
    assert _bell(client) == "1"
    # and once the period has passed, counts afresh
    clock[0] += 20
    assert _bell(client) == "2"
    # When the person changes something (any POST of theirs), the next page counts at once
    _notify(specialist)
    assert _bell(client) == "2"
    client.post("/thong-bao/da-doc-tat-ca/")
    assert _bell(client) == ""


def test_nothing_is_kept_with_a_period_of_zero(personas: dict[str, User], settings: Any) -> None:
    settings.GOVDOC_NAV_COUNTS_SECONDS = 0
    specialist = personas["specialist"]
    client = _signed_in(specialist)
    _notify(specialist)
    assert _bell(client) == "1"
    _notify(specialist)
    assert _bell(client) == "2"
    assert nav_counts.SESSION_KEY not in client.session


def test_the_counters_are_each_persons_own(personas: dict[str, User], settings: Any) -> None:
    settings.GOVDOC_NAV_COUNTS_SECONDS = 20
    specialist, clerk = personas["specialist"], personas["clerk"]
    _notify(specialist)
    assert _bell(_signed_in(specialist)) == "1"
    # another person's session holds their own count, not the first one's
    assert _bell(_signed_in(clerk)) == ""
