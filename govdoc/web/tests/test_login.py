"""Signing in: Vietnamese errors and the lockout after repeated failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from govdoc.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_wrong_password(personas: Any) -> None:
    client = Client()
    wrong = client.post(reverse("login"), {"username": "vanthu", "password": "sai"})
    assert "mật khẩu chính xác" in wrong.content.decode()  # Django's Vietnamese message
    ok = client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    assert ok.status_code == 302
    home = client.get(reverse("web:home"))
    assert "Xin chào" in home.content.decode()


def test_lockout_after_repeated_failures(settings: Any, personas: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "vanthu", "password": "sai"})
    locked = client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()


def test_pages_need_login() -> None:
    response = Client().get(reverse("incoming:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
