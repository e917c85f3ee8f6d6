"""The notifications page and the bell: one's own only, marking read, opening, pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from govdoc.notifications.models import Notification
from govdoc.notifications.services import notify
from govdoc.organizations.models import User
from govdoc.web.context import navigation

pytestmark = pytest.mark.django_db

LIST = "/thong-bao/"


def _notify(
    person: User, title: str = "Văn bản đến số 15", url: str = "/van-ban-den/15/"
) -> Notification:
    return notify(recipients=[person], kind="test", title=title, url=url, email=False)[0]


def _ids(html: str, unread: str | None = None) -> list[int]:
    pattern = r'data-testid="notification" data-id="(\d+)" data-unread="([01])"'
    return [int(pk) for pk, flag in re.findall(pattern, html) if unread in (None, flag)]


def test_the_page_is_at_thong_bao_and_needs_sign_in() -> None:
    assert reverse("notifications:list") == LIST
    response = Client().get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_shows_ones_own_newest_first_unread_highlighted(
    people: dict[str, User], client_for: Any
) -> None:
    # given two notifications of the specialist (one read) and one of the clerk
    specialist, clerk = people["specialist"], people["clerk"]
    read = _notify(specialist, "Đã xem: Công văn 7")
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    unread = _notify(specialist, "Được giao xử lý văn bản đến số 15")
    theirs = _notify(clerk, "Của người khác")
    # when the specialist opens the page
    response = client_for(specialist).get(LIST)
    html = response.content.decode()
    # then only their two appear, newest first, the unread one marked for sight and speech
    assert response.status_code == 200
    assert _ids(html) == [unread.pk, read.pk]
    assert _ids(html, unread="1") == [unread.pk]
    assert "list-group-item-primary" in html and "Chưa đọc: " in html
    assert "Của người khác" not in html and theirs.pk not in _ids(html)
    assert "Đánh dấu tất cả đã đọc" in html and "Đánh dấu đã đọc" in html
    # and the unread filter shows only the unread one
    only_unread = client_for(specialist).get(LIST, {"chua_doc": "1"}).content.decode()
    assert _ids(only_unread) == [unread.pk]


def test_an_empty_list_says_so(people: dict[str, User], client_for: Any) -> None:
    html = client_for(people["leader"]).get(LIST).content.decode()
    assert "Chưa có thông báo nào." in html
    assert "Đánh dấu tất cả đã đọc" not in html


def test_the_list_is_paginated(people: dict[str, User], client_for: Any) -> None:
    specialist = people["specialist"]
    made = [_notify(specialist, f"Thông báo {i}") for i in range(25)]
    client = client_for(specialist)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"trang": "2"}).content.decode()
    assert len(_ids(first)) == 20 and "Trang 1/2" in first
    assert _ids(second) == [n.pk for n in reversed(made[:5])]


def test_opening_marks_read_and_goes_to_the_target(
    people: dict[str, User], client_for: Any
) -> None:
    specialist = people["specialist"]
    notification = _notify(specialist, url="/van-ban-den/15/?tab=xu-ly")
    response = client_for(specialist).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/van-ban-den/15/?tab=xu-ly"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["", "https://evil.example/", "//evil.example/"])
def test_opening_without_a_safe_target_goes_back_to_the_list(
    people: dict[str, User], client_for: Any, url: str
) -> None:
    # given a notification whose url is empty, or foreign (written behind notify()'s back)
    specialist = people["specialist"]
    notification = Notification.objects.create(recipient=specialist, kind="x", title="t", url=url)
    response = client_for(specialist).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == LIST


def test_marking_read_one_and_all(people: dict[str, User], client_for: Any) -> None:
    # given three unread notifications of the specialist and one of the clerk
    specialist, clerk = people["specialist"], people["clerk"]
    first, *_rest = [_notify(specialist, f"Thông báo {i}") for i in range(3)]
    theirs = _notify(clerk)
    client = client_for(specialist)
    # when one is marked read from page 1 of the unread filter
    response = client.post(
        reverse("notifications:read", args=[first.pk]), {"trang": "1", "chua_doc": "1"}
    )
    # then it is read and the person is back where they were
    assert response.status_code == 302 and response["Location"] == f"{LIST}?trang=1&chua_doc=1"
    first.refresh_from_db()
    assert first.read_at is not None
    # when all are marked read, then the other two are read, the clerk's untouched
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.content.decode()
    assert not Notification.objects.filter(recipient=specialist, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_not_found(people: dict[str, User], client_for: Any) -> None:
    # given the clerk's notification
    theirs = _notify(people["clerk"])
    client = client_for(people["specialist"])
    # when the specialist tries to mark it read or open it, then 404 and it stays unread
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_post(people: dict[str, User], client_for: Any) -> None:
    mine = _notify(people["specialist"])
    client = client_for(people["specialist"])
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# --- the bell ------------------------------------------------------------------------------


def _bell(html: str) -> str | None:
    match = re.search(r'data-testid="bell-count">([^<]*)<', html)
    return match.group(1) if match else None


def test_the_bell_shows_ones_unread_count_on_every_page(
    people: dict[str, User], client_for: Any
) -> None:
    specialist, clerk = people["specialist"], people["clerk"]
    for _ in range(3):
        _notify(specialist)
    _notify(clerk)
    client = client_for(specialist)
    home = client.get(reverse("web:home")).content.decode()
    assert _bell(home) == "3"
    assert 'aria-label="Thông báo: 3 chưa đọc"' in home
    client.post(reverse("notifications:read_all"))
    after = client.get(reverse("web:home")).content.decode()
    assert _bell(after) is None and 'data-testid="bell"' in after


def test_the_bell_says_99_plus_beyond_99(people: dict[str, User], client_for: Any) -> None:
    specialist = people["specialist"]
    Notification.objects.bulk_create(
        Notification(recipient=specialist, kind="x", title=f"Thông báo {i}") for i in range(150)
    )
    assert _bell(client_for(specialist).get(LIST).content.decode()) == "99+"


def test_the_bell_costs_one_query(people: dict[str, User], django_assert_num_queries: Any) -> None:
    # given the navigation context of a signed-in person with two unread notifications
    specialist = people["specialist"]
    _notify(specialist)
    _notify(specialist)
    request = RequestFactory().get("/")
    request.user = specialist
    context = navigation(request)
    badge = context["nav_unread"]
    # when the page shows the count and the label (several times), then one query
    with django_assert_num_queries(1):
        assert badge.count == 2
        assert badge.label == "2"
        assert badge.count == 2
