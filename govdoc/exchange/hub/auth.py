"""Who is calling the hub: a bearer token names an agency (or an administrator); mutual TLS,
when the agency requires it, proves the channel is the agency's.

The client certificate's SHA-256 fingerprint comes from one of two places:
- gunicorn's own TLS (`govdoc hub serve --certfile … --ca-certs …`): read from the connection
  (`gunicorn.socket` in the WSGI environment); gunicorn has already refused a client without
  a certificate signed by the configured CA;
- a TLS proxy listed in GOVDOC_HUB_TRUSTED_PROXIES that verified the certificate: the header
  `X-Client-Cert-Sha256` (hex, colons allowed) or `X-Client-Cert` (the PEM, URL-escaped as
  nginx's `$ssl_client_escaped_cert`, or RFC 9440 `:base64 DER:`); `X-Client-Verify`, when
  sent, must be `SUCCESS`. From anyone else these headers are ignored.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import ipaddress
import re
import secrets
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from govdoc.core import sql_rows as rows
from govdoc.exchange.hub import conf
from govdoc.exchange.hub.errors import (
    AgencyInactive,
    MtlsMismatch,
    MtlsRequired,
    Unauthorized,
)
from govdoc.exchange.hub.models import Agency, Credential

AGENCY_KEY_PREFIX = "ghk_"
ADMIN_KEY_PREFIX = "gha_"
PREFIX_SHOWN = 12
TOUCH_INTERVAL = dt.timedelta(minutes=1)

CERT_SHA256_HEADER = "X-Client-Cert-Sha256"
CERT_HEADER = "X-Client-Cert"
CERT_VERIFY_HEADER = "X-Client-Verify"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: an agency, or an administrator (agency None)."""

    credential: Credential
    agency: Agency | None

    @property
    def is_admin(self) -> bool:
        return self.credential.is_admin

    @property
    def label(self) -> str:
        return self.agency.organ_id if self.agency is not None else ""


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def new_key(*, admin: bool) -> str:
    return (ADMIN_KEY_PREFIX if admin else AGENCY_KEY_PREFIX) + secrets.token_urlsafe(32)


def normalize_fingerprint(value: str) -> str | None:
    """`AB:CD:…`, `abcd…` or openssl's `sha256 Fingerprint=AB:…` → 64 lower-case hex digits."""
    text = value.strip()
    if "=" in text:
        text = text.rsplit("=", 1)[1]
    text = re.sub(r"[\s:]", "", text).lower()
    return text if _HEX64.match(text) else None


def certificate_fingerprint(data: bytes) -> str:
    """SHA-256 of a certificate given as PEM or DER."""
    if b"-----BEGIN" in data:
        body = re.search(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", data, re.S)
        if body is None:
            raise ValueError("no certificate in PEM data")
        data = base64.b64decode(b"".join(body.group(1).split()))
    return hashlib.sha256(data).hexdigest()


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _from_trusted_proxy(request: HttpRequest) -> bool:
    remote = _ip(str(request.META.get("REMOTE_ADDR") or ""))
    return remote is not None and any(remote in net for net in conf.trusted_proxies())


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For
    when the request comes through a trusted proxy."""
    remote = _ip(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = conf.trusted_proxies()
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if not forwarded or not any(remote in net for net in networks):
        return str(remote)
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        address = _ip(hop)
        if address is None:
            return str(remote)
        if not any(address in net for net in networks):
            return str(address)
    return str(remote)


def _header_certificate(value: str) -> str | None:
    text = value.strip()
    try:
        if text.startswith(":") and text.endswith(":"):  # RFC 9440 Client-Cert
            return certificate_fingerprint(base64.b64decode(text.strip(":")))
        return certificate_fingerprint(unquote(text).encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None


def presented_fingerprint(request: HttpRequest) -> str | None:
    """The SHA-256 of the client certificate this request came with, if one is known."""
    sock = request.META.get("gunicorn.socket")
    if isinstance(sock, ssl.SSLSocket):
        der = sock.getpeercert(binary_form=True)
        if der:
            return hashlib.sha256(der).hexdigest()
    if not _from_trusted_proxy(request):
        return None
    verify = request.headers.get(CERT_VERIFY_HEADER)
    if verify is not None and verify.strip().upper() != "SUCCESS":
        return None
    fingerprint = request.headers.get(CERT_SHA256_HEADER)
    if fingerprint:
        return normalize_fingerprint(fingerprint)
    certificate = request.headers.get(CERT_HEADER)
    if certificate:
        return _header_certificate(certificate)
    return None


def authenticate_key(request: HttpRequest, raw_key: str) -> Caller:
    """The caller a presented key belongs to, or a refusal (401 bad key, 403 inactive agency
    or a client certificate that is missing or not the agency's)."""
    raw_key = raw_key.strip()
    credential = _credential(hash_key(raw_key)) if raw_key else None
    if credential is None:
        raise Unauthorized("Mã truy cập không đúng hoặc đã bị thu hồi.")
    caller = Caller(credential=credential, agency=credential.agency)
    request.hub_caller = caller  # type: ignore[attr-defined]  # for the journal
    agency = credential.agency
    if agency is not None:
        if not agency.active:
            raise AgencyInactive(
                f"Cơ quan {agency.organ_id} đang ngừng hoạt động trên trạm trung chuyển."
            )
        if agency.mtls_fingerprints:
            fingerprint = presented_fingerprint(request)
            if fingerprint is None:
                raise MtlsRequired(
                    f"Cơ quan {agency.organ_id} phải kết nối bằng chứng thư TLS của mình "
                    "(mutual TLS) nhưng không có chứng thư nào được xác minh."
                )
            if fingerprint not in agency.mtls_fingerprints:
                raise MtlsMismatch(
                    "Chứng thư TLS của kết nối không phải chứng thư đã đăng ký cho cơ quan "
                    f"{agency.organ_id}."
                )
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at >= TOUCH_INTERVAL:
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return caller


_CREDENTIAL = ("id", "agency_id", "is_admin", "prefix", "last_used_at")
_AGENCY = ("id", "organ_id", "name", "active", "mtls_fingerprints")


def _credential(key_hash: str) -> Credential | None:
    """The live credential with this hash and its agency (the columns the call needs; the
    others are deferred), in one statement: it runs on every call (`rows`)."""
    found = rows.rows(
        f"SELECT {rows.columns(Credential, _CREDENTIAL, 'c')}, "
        f"{rows.columns(Agency, _AGENCY, 'a')} "
        f"FROM {rows.table(Credential)} c LEFT JOIN {rows.table(Agency)} a "
        f"ON a.{rows.column(Agency, 'id')} = c.{rows.column(Credential, 'agency_id')} "
        f"WHERE c.{rows.column(Credential, 'key_hash')} = %s "
        f"AND c.{rows.column(Credential, 'revoked_at')} IS NULL",
        [key_hash],
    )
    if not found:
        return None
    row = found[0]
    credential = rows.load(Credential, _CREDENTIAL, row[: len(_CREDENTIAL)])
    agency_values = row[len(_CREDENTIAL) :]
    # The related object set as select_related sets it (None for an administrator's key).
    credential.agency = (
        rows.load(Agency, _AGENCY, agency_values) if agency_values[0] is not None else None
    )
    return credential


class HubTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with an agency's or an administrator's key."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return authenticate_key(request, token)
