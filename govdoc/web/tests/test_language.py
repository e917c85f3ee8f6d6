"""govdoc speaks Vietnamese whatever the browser asks, and its error pages do too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese(personas: dict[str, Any]) -> None:
    # given a browser that prefers English
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # when a sign-in fails
    response = client.post(reverse("login"), {"username": "vanthu", "password": "sai"})
    # then the message and the page are Vietnamese
    html = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert "Please enter" not in html


def test_a_chosen_language_is_kept() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "en"


def test_not_found_is_a_vietnamese_page(personas: dict[str, Any], client_for: Any) -> None:
    response = client_for(personas["clerk"]).get("/van-ban-den/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'lang="vi"' in html and "Không tìm thấy" in html
