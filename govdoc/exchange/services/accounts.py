"""Exchange accounts: a hosted agency's token on a transport and its packet-signing key,
set by an administrator, kept encrypted, never shown again."""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core import sql_rows
from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.exchange.models import ExchangeAccount
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.signatures.credentials import decrypt_secret, encrypt_secret


@dataclass(frozen=True)
class PacketKey:
    """The agency's unattended signing key for packets."""

    key: Any
    certificate: Any
    chain: tuple[Any, ...]


def account_set(
    *,
    agency: Agency,
    transport: str,
    actor: Any,
    token: str | None = None,
    pkcs12_data: bytes | None = None,
    password: str | None = None,
) -> ExchangeAccount:
    """Create or change the agency's account on `transport` (only what is given changes)."""
    if not (getattr(actor, "is_superuser", False) or has_role(actor, agency.pk, Role.ADMIN)):
        raise Forbidden("Chỉ quản trị được cấu hình liên thông của cơ quan.")
    changes: dict[str, Any] = {"updated_at": timezone.now(), "is_active": True}
    if token is not None:
        if not token.strip():
            raise ValidationFailed("Mã truy cập trống.", fields={"token": "Nhập mã truy cập."})
        changes["encrypted_token"] = encrypt_secret(token.strip().encode())
    if pkcs12_data is not None:
        try:
            key, certificate, _chain = pkcs12.load_key_and_certificates(
                pkcs12_data, (password or "").encode()
            )
        except ValueError:
            message = "Tệp PKCS#12 hoặc mật khẩu không đúng."
            raise ValidationFailed(message, fields={"pkcs12": message}) from None
        if key is None or certificate is None:
            message = "Tệp PKCS#12 không có khóa và chứng thư số."
            raise ValidationFailed(message, fields={"pkcs12": message})
        changes |= {
            "encrypted_pkcs12": encrypt_secret(pkcs12_data),
            "encrypted_password": encrypt_secret((password or "").encode()),
            "certificate_subject": certificate.subject.rfc4514_string()[:500],
            "certificate_valid_to": certificate.not_valid_after_utc,
        }
    with transaction.atomic():
        account, _created = ExchangeAccount.objects.update_or_create(
            agency=agency, transport=transport, defaults=changes
        )
        audit_record(
            actor=actor,
            action="exchange.account",
            target=account,
            agency_id=agency.pk,
            data={
                "transport": transport,
                "token": token is not None,
                "key": pkcs12_data is not None,
                "subject": account.certificate_subject,
            },
        )
        forget_credentials()
        transaction.on_commit(forget_credentials)
    return account


def token_of(account: ExchangeAccount) -> str:
    if account.encrypted_token is None:
        return ""
    return decrypt_secret(bytes(account.encrypted_token)).decode()


# Opening the PKCS#12 costs ~100 ms (PBKDF2 of its password): each process keeps the opened
# key of each account, under a fingerprint of the encrypted file and password, so that a key
# changed by `account_set` (a new blob: Fernet never encrypts twice alike) is opened anew.
_keys: dict[int, tuple[str, PacketKey]] = {}
_keys_lock = threading.Lock()


def _fingerprint(*blobs: bytes | memoryview | None) -> str:
    digest = hashlib.sha256()
    for blob in blobs:
        part = bytes(blob) if blob is not None else b""
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def packet_key(account: ExchangeAccount) -> PacketKey | None:
    if account.encrypted_pkcs12 is None:
        return None
    fingerprint = _fingerprint(account.encrypted_pkcs12, account.encrypted_password)
    cached = _keys.get(account.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    data = decrypt_secret(bytes(account.encrypted_pkcs12))
    password = (
        decrypt_secret(bytes(account.encrypted_password)) if account.encrypted_password else b""
    )
    key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
    opened = PacketKey(key=key, certificate=certificate, chain=tuple(chain or ()))
    with _keys_lock:
        _keys[account.pk] = (fingerprint, opened)
    return opened


# What `signing_key` last opened per account, under the account's `updated_at` (set by every
# `account_set`): a packet signed asks one short statement, not the whole row with its blobs.
_signing: dict[int, tuple[Any, PacketKey | None]] = {}


@functools.cache
def _version_sql() -> str:
    column = functools.partial(sql_rows.column, ExchangeAccount)
    return (
        f"SELECT {column('id')}, {column('updated_at')} FROM {sql_rows.table(ExchangeAccount)}"
        f" WHERE {column('agency_id')} = %s AND {column('transport')} = %s"
        f" AND {column('is_active')} = %s"
    )


def signing_key(agency_id: int, transport: str) -> PacketKey | None:
    """The active packet key of the agency on `transport` (None without one)."""
    found = sql_rows.rows(
        _version_sql(),
        [agency_id, transport, sql_rows.prep(ExchangeAccount, "is_active", True)],
    )
    if not found:
        return None
    pk, version = found[0]
    cached = _signing.get(pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    key = packet_key(ExchangeAccount.objects.get(pk=pk))
    with _keys_lock:
        _signing[pk] = (version, key)
    return key


# The hub token of each hosted agency, kept per process for TOKEN_TTL seconds instead of a
# query and a decryption on every HTTP call. A token changed here is seen at once by this
# process (`account_set` forgets it) and within TOKEN_TTL by the others; a token the hub
# refuses (401) is read again at once (`hub_token(fresh=True)`, transports/hub.py).
TOKEN_TTL = 30.0
_tokens: dict[tuple[str, str], tuple[float, str]] = {}


def hub_token(organ_id: str, *, transport: str = "hub", fresh: bool = False) -> str:
    """The active token of the hosted agency `organ_id` on `transport` ("" when none)."""
    now = time.monotonic()
    cached = _tokens.get((organ_id, transport))
    if not fresh and cached is not None and cached[0] > now:
        return cached[1]
    account = (
        ExchangeAccount.objects.filter(
            agency__organ_id=organ_id, transport=transport, is_active=True
        )
        .only("pk", "encrypted_token")
        .first()
    )
    token = token_of(account) if account is not None else ""
    _tokens[(organ_id, transport)] = (now + TOKEN_TTL, token)
    return token


def forget_credentials() -> None:
    """Drop what this process keeps (after a change of an account, and in tests)."""
    with _keys_lock:
        _keys.clear()
        _signing.clear()
    _tokens.clear()
