"""Signing in, signing out and failed sign-ins are journaled with the client's address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import PASSWORD
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db


def test_sign_in_and_out_are_journaled(personas: dict[str, User]) -> None:
    # given the clerk at a known address
    clerk = personas["clerk"]
    client = Client(REMOTE_ADDR="10.1.2.3")
    # when they sign in and out
    response = client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    # then both are in the journal under their name, agency and address
    login = AuditEvent.objects.get(action="auth.login")
    logout = AuditEvent.objects.get(action="auth.logout")
    for event in (login, logout):
        assert event.actor_id == clerk.pk
        assert event.actor_name == "Nguyễn Thị Văn Thư"
        assert event.agency_id == clerk.agency_id
        assert event.ip == "10.1.2.3"
        assert event.target_id == str(clerk.pk)


def test_forwarded_address_is_used_behind_a_trusted_proxy(
    personas: dict[str, User], settings: Any
) -> None:
    # given govdoc behind a reverse proxy at 127.0.0.1, which sits behind another at 10.0.0.1
    settings.GOVDOC_TRUSTED_PROXIES = frozenset({"127.0.0.1", "10.0.0.1"})
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    # when someone signs in through them
    client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    # then the journal keeps the client's address
    assert AuditEvent.objects.get(action="auth.login").ip == "203.0.113.7"


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(
    personas: dict[str, User],
) -> None:
    # given a client that writes its own X-Forwarded-For, with no trusted proxy configured
    client = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    # then the journal keeps the real peer address
    assert AuditEvent.objects.get(action="auth.login").ip == "198.51.100.9"


def test_a_malformed_forwarded_address_does_not_break_the_page(
    personas: dict[str, User], settings: Any
) -> None:
    settings.GOVDOC_TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="garbage")
    response = client.post(reverse("login"), {"username": "vanthu", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.login").ip == "127.0.0.1"


def test_failed_sign_in_is_journaled_without_the_password(personas: dict[str, User]) -> None:
    # given someone trying the clerk's account with a wrong password
    client = Client(REMOTE_ADDR="198.51.100.4")
    # when the sign-in fails
    response = client.post(reverse("login"), {"username": "vanthu", "password": "sai-mat-khau"})
    assert response.status_code == 200
    # then the attempt is journaled under the account tried, its agency and the address
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_id is None and event.actor_name == ""
    assert event.target_label == "vanthu" and event.target_id == str(personas["clerk"].pk)
    assert event.agency_id == personas["clerk"].agency_id
    assert event.ip == "198.51.100.4"
    assert "sai-mat-khau" not in str(event.data) and event.data == {"username": "vanthu"}
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_failed_sign_in_of_an_unknown_name_is_journaled_too(db: None) -> None:
    Client(REMOTE_ADDR="198.51.100.5").post(
        reverse("login"), {"username": "khong-ton-tai", "password": "x"}
    )
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.target_label, event.target_id, event.agency_id) == ("khong-ton-tai", "", None)


def test_failed_sign_ins_show_in_the_agency_admins_journal(
    personas: dict[str, User], client_for: Any
) -> None:
    Client().post(reverse("login"), {"username": "vanthu", "password": "sai"})
    response = client_for(personas["admin"]).get(
        reverse("audit:journal"), {"action": "auth.login_failed", "actor": "vanthu"}
    )
    body = response.content.decode()
    assert "Đăng nhập thất bại" in body and "Chưa đăng nhập:" in body and "vanthu" in body
    assert response.context["page"].paginator.count == 1
