"""Throw-away certificates for tests and benchmarks, made with `cryptography` at run time: a
self-signed CA and certificates it issues, for any key type. In the core so that both the
installation's exchange (`govdoc.exchange.testing_keys`) and the hub, which imports only the
core (`govdoc.exchange.hub.tests.pki`), build theirs here. Nothing here is committed or used
by the running system.

    ca = ca_certificate(ca_key, "CA thử nghiệm", valid_from=dt.timedelta(days=2),
                        valid_until=dt.timedelta(days=3650))
    cert = issue_certificate(key.public_key(), "Cơ quan A", ca_key=ca_key, ca_cert=ca,
                             valid_from=dt.timedelta(days=1), valid_until=dt.timedelta(days=365))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
)
from cryptography.x509.oid import NameOID

Extension = tuple[x509.ExtensionType, bool]
"""An extension and whether it is critical."""


def common_name(value: str) -> x509.Name:
    """A name with only a common name (CN)."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, value)])


def _build(
    subject: x509.Name,
    public_key: CertificateIssuerPublicKeyTypes,
    *,
    issuer: x509.Name,
    signing_key: CertificateIssuerPrivateKeyTypes,
    valid_from: dt.timedelta,
    valid_until: dt.timedelta,
    extensions: Iterable[Extension],
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - valid_from)
        .not_valid_after(now + valid_until)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def ca_certificate(
    key: CertificateIssuerPrivateKeyTypes,
    name: str,
    *,
    valid_from: dt.timedelta,
    valid_until: dt.timedelta,
    path_length: int | None = None,
    digital_signature: bool = False,
) -> x509.Certificate:
    """A self-signed CA certificate (certificate and CRL signing) for `key`, valid from
    `valid_from` ago until `valid_until` from now."""
    usage = x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    subject = common_name(name)
    return _build(
        subject,
        key.public_key(),
        issuer=subject,
        signing_key=key,
        valid_from=valid_from,
        valid_until=valid_until,
        extensions=[(x509.BasicConstraints(ca=True, path_length=path_length), True), (usage, True)],
    )


def issue_certificate(
    public_key: CertificateIssuerPublicKeyTypes,
    name: str,
    *,
    ca_key: CertificateIssuerPrivateKeyTypes,
    ca_cert: x509.Certificate,
    valid_from: dt.timedelta,
    valid_until: dt.timedelta,
    extensions: Iterable[Extension] = (),
) -> x509.Certificate:
    """An end-entity certificate for `public_key` under the CA, with `extensions` after the
    (critical, not-a-CA) basic constraints."""
    return _build(
        common_name(name),
        public_key,
        issuer=ca_cert.subject,
        signing_key=ca_key,
        valid_from=valid_from,
        valid_until=valid_until,
        extensions=[(x509.BasicConstraints(ca=False, path_length=None), True), *extensions],
    )
