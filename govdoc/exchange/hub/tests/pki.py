"""A throw-away PKI for the mutual-TLS tests: a CA, the hub's server certificate and agencies'
client certificates, made with `cryptography` at test time (no committed keys). The
certificates are built by `govdoc.core.testing_pki` (the hub imports only the core)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from govdoc.core.testing_pki import Extension, ca_certificate, issue_certificate

VALID_FROM = dt.timedelta(minutes=5)
VALID_UNTIL = dt.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.cert.public_bytes(serialization.Encoding.DER)).hexdigest()

    def write(self, directory: Path, stem: str) -> tuple[Path, Path]:
        cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
        cert_path.write_bytes(self.pem)
        key_path.write_bytes(self.key_pem)
        return cert_path, key_path


def make_ca(common_name: str = "govdoc hub test CA") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = ca_certificate(
        key,
        common_name,
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
        path_length=0,
        digital_signature=True,
    )
    return Issued(cert=cert, key=key)


def issue(ca: Issued, common_name: str, *, server: bool = False) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    extensions: list[Extension] = [(x509.ExtendedKeyUsage([usage]), False)]
    if server:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        extensions.append((x509.SubjectAlternativeName(names), False))
    cert = issue_certificate(
        key.public_key(),
        common_name,
        ca_key=ca.key,
        ca_cert=ca.cert,
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
        extensions=extensions,
    )
    return Issued(cert=cert, key=key)
