"""Authentication at the API's door: bearer tokens for programs, the session for browsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from govdoc.api.models import ApiToken
from govdoc.api.tokens import token_create, token_revoke
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db

URL = "/api/document-types"


def _bearer(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def test_valid_token_opens_the_api(personas: dict[str, User], doc_type: object) -> None:
    # given a token of the clerk
    user = personas["clerk"]
    token, raw_key = token_create(user=user, name="Một cửa", actor=user)
    # when a program calls with it
    response = _bearer(raw_key).get(URL)
    # then it is served, and the token's last use is recorded
    assert response.status_code == 200
    assert any(t["name"] == "Quyết định (cá biệt)" for t in response.json())
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("wrong", "không đúng"),
        ("revoked", "thu hồi"),
        ("expired", "hết hạn"),
        ("no header", "Authorization: Bearer"),
        ("other scheme", "Authorization: Bearer"),
    ],
)
def test_unusable_token_is_401_in_vietnamese(
    personas: dict[str, User], case: str, words: str
) -> None:
    # given a token that expires tomorrow
    user = personas["clerk"]
    token, raw_key = token_create(
        user=user, name="A", actor=user, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    client: Client = _bearer(raw_key)
    if case == "wrong":
        client = _bearer("gdk_" + "A" * 43)
    elif case == "revoked":
        token_revoke(token=token, actor=user)
    elif case == "no header":
        client = Client()
    elif case == "other scheme":
        client = Client(headers={"authorization": f"Token {raw_key}"})
    travel = dt.timedelta(days=2) if case == "expired" else dt.timedelta(0)
    # when a program calls
    with time_machine.travel(timezone.now() + travel):
        response = client.get(URL)
    # then it is refused with 401 and the reason, in Vietnamese
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert words in body["message"]
    assert body["fields"] == {}


def test_wrong_token_is_not_rescued_by_a_session(personas: dict[str, User]) -> None:
    # given a signed-in browser that also sends a wrong token
    client = Client(headers={"authorization": "Bearer gdk_wrong"})
    client.force_login(personas["clerk"])
    # then the wrong token is reported, not silently ignored
    assert client.get(URL).status_code == 401


def test_session_reads_without_token(
    personas: dict[str, User], client_for: Callable[[User], Client]
) -> None:
    assert client_for(personas["specialist"]).get(URL).status_code == 200


def test_token_acts_as_its_owner_only_while_active(personas: dict[str, User]) -> None:
    # given a token whose owner is then locked out
    user = personas["clerk"]
    raw_key = token_create(user=user, name="A", actor=user)[1]
    User.objects.filter(pk=user.pk).update(is_active=False)
    # then the token stops working
    response = _bearer(raw_key).get(URL)
    assert response.status_code == 401
    assert "khóa" in response.json()["message"]
    assert ApiToken.objects.count() == 1
