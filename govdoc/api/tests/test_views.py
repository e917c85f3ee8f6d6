"""The token screen: list one's own tokens, create one (key shown once), revoke one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govdoc.api.models import ApiToken
from govdoc.api.tokens import hash_key, token_create
from govdoc.audit.models import AuditEvent
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lists_only_own_tokens(personas: dict[str, User], client_for: ClientFor) -> None:
    # given a token of the specialist and one of the clerk
    specialist, clerk = personas["specialist"], personas["clerk"]
    token_create(user=specialist, name="Máy quét của tôi", actor=specialist)
    token_create(user=clerk, name="Cổng dịch vụ công", actor=clerk)
    # when the specialist opens the screen
    body = client_for(specialist).get(reverse("api_tokens")).content.decode()
    # then only their own token is listed
    assert "Máy quét của tôi" in body
    assert "Cổng dịch vụ công" not in body


def test_create_shows_the_key_once(personas: dict[str, User], client_for: ClientFor) -> None:
    # given a signed-in specialist
    client = client_for(personas["specialist"])
    # when they create a token valid through a future date
    day = dt.date.today() + dt.timedelta(days=30)
    response = client.post(
        reverse("api_tokens"), {"name": "Máy quét", "expires_at": day.strftime("%d/%m/%Y")}
    )
    # then the page shows the raw key with a copy hint, kept out of caches
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="raw-key"' in body
    token = ApiToken.objects.get()
    key = re.search(r'value="(gdk_[^"]+)"', body)
    assert key is not None and hash_key(key.group(1)) == token.key_hash
    assert "chỉ hiện một lần" in body and "Sao chép" in body
    assert response["Cache-Control"] == "no-store"
    # and the token works through the whole chosen day
    assert token.expires_at is not None
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    assert timezone.localtime(token.expires_at) == timezone.make_aware(next_midnight)
    assert AuditEvent.objects.filter(action="api.token_create").count() == 1
    # and opening the screen again never shows the key
    again = client.get(reverse("api_tokens")).content.decode()
    assert key.group(1) not in again
    assert token.prefix in again


@pytest.mark.parametrize(
    ("data", "field_words"),
    [
        ({"name": ""}, "đặt tên"),
        ({"name": "A", "expires_at": "01/01/2020"}, "sau thời điểm hiện tại"),
        ({"name": "A", "expires_at": "31/02/2030"}, "dd/mm/yyyy"),
    ],
)
def test_create_errors_are_shown_and_nothing_is_written(
    personas: dict[str, User], client_for: ClientFor, data: dict[str, str], field_words: str
) -> None:
    response = client_for(personas["clerk"]).post(reverse("api_tokens"), data)
    assert response.status_code == 200
    assert field_words in response.content.decode()
    assert 'data-testid="raw-key"' not in response.content.decode()
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api.token_create").exists()


def test_revoke_own_token(personas: dict[str, User], client_for: ClientFor) -> None:
    # given a token of the clerk
    clerk = personas["clerk"]
    token = token_create(user=clerk, name="Một cửa", actor=clerk)[0]
    client = client_for(clerk)
    # when they revoke it
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    # then it is revoked, journaled, and the screen says so
    assert response.status_code == 302 and response["Location"] == reverse("api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token_revoke", actor=clerk).count() == 1
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Đã thu hồi" in page
    # and revoking again explains instead of failing
    again = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "đã bị thu hồi trước đó" in again.content.decode()


def test_cannot_revoke_someone_elses_token(
    personas: dict[str, User], client_for: ClientFor
) -> None:
    clerk = personas["clerk"]
    token = token_create(user=clerk, name="Một cửa", actor=clerk)[0]
    response = client_for(personas["specialist"]).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(personas: dict[str, User], client_for: ClientFor) -> None:
    clerk = personas["clerk"]
    token = token_create(user=clerk, name="Một cửa", actor=clerk)[0]
    assert client_for(clerk).get(reverse("api_token_revoke", args=[token.pk])).status_code == 405
