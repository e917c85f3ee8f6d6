"""Exchange accounts: a hosted agency's token on a transport and its packet-signing key,
set by an administrator, kept encrypted, never shown again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
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
    return account


def account_for(agency_id: int, transport: str) -> ExchangeAccount | None:
    return ExchangeAccount.objects.filter(
        agency_id=agency_id, transport=transport, is_active=True
    ).first()


def token_of(account: ExchangeAccount) -> str:
    if account.encrypted_token is None:
        return ""
    return decrypt_secret(bytes(account.encrypted_token)).decode()


def packet_key(account: ExchangeAccount) -> PacketKey | None:
    if account.encrypted_pkcs12 is None:
        return None
    data = decrypt_secret(bytes(account.encrypted_pkcs12))
    password = (
        decrypt_secret(bytes(account.encrypted_password)) if account.encrypted_password else b""
    )
    key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
    return PacketKey(key=key, certificate=certificate, chain=tuple(chain or ()))
