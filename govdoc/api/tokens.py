"""API access tokens: creation, revocation and checking a presented key.

A key is 256 random bits; only its SHA-256 is stored, so a database leak gives no usable key.
Looking a key up by its hash needs no constant-time comparison: the hash of a guess reveals
nothing about the stored hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govdoc.api.models import ApiToken
from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from govdoc.organizations.access import has_role
from govdoc.organizations.roles import Role

KEY_PREFIX = "gdk_"
PREFIX_SHOWN = 12
MAX_ACTIVE_TOKENS = 20
# Writing last_used_at on every call would turn each read into a write; a minute is precise
# enough to tell whether a token is still in use.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


class TokenRejected(DomainError):
    """The presented key does not open the API (wrong, expired, revoked)."""

    status = 401
    code = "unauthorized"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _may_revoke(actor: Any, token: ApiToken) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == token.user_id or actor.is_superuser:
        return True
    # An agency's administrator may cut off a person who left or lost a key.
    return has_role(actor, token.user.agency_id, Role.ADMIN)


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's tokens, newest first."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for(actor: Any, pk: int) -> ApiToken:
    """A token the actor may revoke; otherwise NotFound."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not _may_revoke(actor, token):
        raise NotFound()
    return token


def token_create(
    *, user: Any, name: str, actor: Any, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its raw key (shown once, never stored).

    Only the person themself creates their tokens: a token acts with all their rights.
    """
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise Forbidden("Chỉ chính người dùng được tạo mã truy cập cho mình.")
    if not user.is_active:
        raise ValidationFailed("Tài khoản đã bị khóa, không tạo được mã truy cập.")
    clean_name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not clean_name:
        errors["name"] = "Vui lòng đặt tên gợi nhớ cho mã (vd: Phần mềm một cửa)."
    elif len(clean_name) > 100:
        errors["name"] = "Tên gợi nhớ tối đa 100 ký tự."
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = "Ngày hết hạn phải sau thời điểm hiện tại."
    if errors:
        raise ValidationFailed("Thông tin mã truy cập chưa hợp lệ.", fields=errors)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
            expires_at__lte=now
        )
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise Conflict(
                f"Mỗi người dùng có tối đa {MAX_ACTIVE_TOKENS} mã truy cập còn hiệu lực. "
                "Hãy thu hồi mã không còn dùng."
            )
        token = ApiToken.objects.create(
            user=user,
            name=clean_name,
            prefix=raw_key[:PREFIX_SHOWN],
            key_hash=hash_key(raw_key),
            created_by=actor,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="api.token_create",
            target=token,
            agency_id=user.agency_id,
            data={
                "prefix": token.prefix,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw_key


def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke a token at once; it stays listed, marked revoked, for the record."""
    if not _may_revoke(actor, token):
        raise NotFound()
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-set: two revocations at once leave one trace, not two.
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if not updated:
            raise Conflict("Mã truy cập này đã bị thu hồi trước đó.")
        token.revoked_at = now
        token.revoked_by = actor
        audit_record(
            actor=actor,
            action="api.token_revoke",
            target=token,
            agency_id=token.user.agency_id,
            data={"prefix": token.prefix, "owner": token.user_id},
        )
    return token


def token_authenticate(raw_key: str) -> ApiToken:
    """The token a presented key belongs to, if it is usable; else TokenRejected."""
    raw_key = raw_key.strip()
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_key(raw_key)).first()
        if raw_key
        else None
    )
    if token is None:
        raise TokenRejected("Mã truy cập API không đúng.")
    if token.revoked_at is not None:
        raise TokenRejected("Mã truy cập API đã bị thu hồi.")
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRejected("Mã truy cập API đã hết hạn.")
    if not token.user.is_active:
        raise TokenRejected("Tài khoản gắn với mã truy cập API đã bị khóa.")
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        # Bookkeeping, not an action: not journaled (the calls themselves are).
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_is_active(token: ApiToken, *, now: dt.datetime | None = None) -> bool:
    moment = now or timezone.now()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > moment)
