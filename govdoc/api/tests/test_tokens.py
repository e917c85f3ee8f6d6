"""The token service: creation shows the key once and stores only its hash; revocation;
checking a presented key."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone

from govdoc.api.models import ApiToken
from govdoc.api.tokens import (
    MAX_ACTIVE_TOKENS,
    TokenRejected,
    token_authenticate,
    token_create,
    token_for,
    token_revoke,
)
from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from govdoc.organizations.models import User

pytestmark = pytest.mark.django_db


def test_create_returns_the_key_once_and_keeps_only_its_hash(personas: dict[str, User]) -> None:
    # given a specialist
    user = personas["specialist"]
    # when they create a token
    token, raw_key = token_create(user=user, name="  Máy   quét  tầng 2 ", actor=user)
    # then the raw key is returned, long and random, and only its SHA-256 is stored
    assert raw_key.startswith("gdk_") and len(raw_key) > 40
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert stored.prefix == raw_key[:12]
    assert raw_key not in {stored.name, stored.prefix, stored.key_hash}
    assert stored.name == "Máy quét tầng 2"
    assert stored.user == user and stored.expires_at is None and stored.revoked_at is None
    # and the creation is journaled, without the key
    event = AuditEvent.objects.get(action="api.token_create")
    assert event.actor == user and event.target_id == str(token.pk)
    assert raw_key not in str(event.data) and event.data["prefix"] == stored.prefix


def test_two_tokens_have_different_keys(personas: dict[str, User]) -> None:
    user = personas["clerk"]
    first = token_create(user=user, name="A", actor=user)[1]
    second = token_create(user=user, name="B", actor=user)[1]
    assert first != second


def test_nobody_creates_a_token_for_someone_else(personas: dict[str, User]) -> None:
    # given an administrator of the same agency
    # when they try to create a token that would act as the clerk
    with pytest.raises(Forbidden):
        token_create(user=personas["clerk"], name="Hộ", actor=personas["admin"])
    # then nothing is written
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api.token_create").exists()


def test_name_and_expiry_are_checked(personas: dict[str, User]) -> None:
    user = personas["clerk"]
    with pytest.raises(ValidationFailed) as error:
        token_create(
            user=user, name="  ", actor=user, expires_at=timezone.now() - dt.timedelta(hours=1)
        )
    assert set(error.value.fields) == {"name", "expires_at"}
    with pytest.raises(ValidationFailed) as too_long:
        token_create(user=user, name="x" * 101, actor=user)
    assert "100" in too_long.value.fields["name"]
    assert not ApiToken.objects.exists()


def test_number_of_active_tokens_is_capped(personas: dict[str, User]) -> None:
    user = personas["clerk"]
    tokens = [token_create(user=user, name=f"Mã {i}", actor=user)[0] for i in range(20)]
    assert len(tokens) == MAX_ACTIVE_TOKENS
    with pytest.raises(Conflict):
        token_create(user=user, name="Thêm", actor=user)
    # a revoked token frees a place
    token_revoke(token=tokens[0], actor=user)
    token_create(user=user, name="Thêm", actor=user)


def test_owner_revokes_and_it_is_journaled(personas: dict[str, User]) -> None:
    # given a token of the specialist
    user = personas["specialist"]
    token = token_create(user=user, name="Phần mềm", actor=user)[0]
    # when they revoke it
    token_revoke(token=token, actor=user)
    # then it is marked revoked, by them, and journaled
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == user
    event = AuditEvent.objects.get(action="api.token_revoke")
    assert event.actor == user and event.target_id == str(token.pk)
    # and revoking again is a conflict that changes nothing
    revoked_at = token.revoked_at
    with pytest.raises(Conflict):
        token_revoke(token=token, actor=user)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("admin", True), ("clerk", False), ("leader", False), ("outsider", False)],
)
def test_who_may_revoke_someone_elses_token(
    personas: dict[str, User], persona: str, allowed: bool
) -> None:
    # given a token of the specialist
    owner = personas["specialist"]
    token = token_create(user=owner, name="Phần mềm", actor=owner)[0]
    actor = personas[persona]
    if allowed:
        # then the agency's administrator may cut it off
        token_revoke(token=token_for(actor, token.pk), actor=actor)
        token.refresh_from_db()
        assert token.revoked_by == actor
    else:
        # and nobody else even finds it
        with pytest.raises(NotFound):
            token_for(actor, token.pk)
        with pytest.raises(NotFound):
            token_revoke(token=token, actor=actor)
        token.refresh_from_db()
        assert token.revoked_at is None


def test_authenticate_accepts_a_good_key_and_records_use(personas: dict[str, User]) -> None:
    user = personas["clerk"]
    token, raw_key = token_create(user=user, name="A", actor=user)
    assert token_authenticate(raw_key).user == user
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("wrong", "không đúng"),
        ("empty", "không đúng"),
        ("revoked", "thu hồi"),
        ("expired", "hết hạn"),
        ("inactive", "khóa"),
    ],
)
def test_authenticate_refuses(personas: dict[str, User], case: str, words: str) -> None:
    user = personas["clerk"]
    token, raw_key = token_create(
        user=user, name="A", actor=user, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    presented = raw_key
    if case == "wrong":
        presented = raw_key[:-2] + "xx"
    elif case == "empty":
        presented = "   "
    elif case == "revoked":
        token_revoke(token=token, actor=user)
    elif case == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    travel = dt.timedelta(days=2) if case == "expired" else dt.timedelta(0)
    with time_machine.travel(timezone.now() + travel), pytest.raises(TokenRejected) as error:
        token_authenticate(presented)
    assert error.value.status == 401
    assert words in error.value.message
