"""A tiny test PKI made at run time with ``cryptography`` (nothing committed): a root CA, an
end-entity certificate it issues, and PKCS#12 files of it, for the registry's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

P12_PASSWORD = "mat-khau-thu"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govdoc thử nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Issued:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def p12(self, password: str | None = P12_PASSWORD) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password.encode())
            if password
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            b"govdoc", self.key, self.certificate, None, encryption
        )


def make_certificate(
    common_name: str,
    *,
    issuer: Issued | None = None,
    ca: bool = False,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    basic_constraints: bool = True,
) -> Issued:
    """A certificate for ``common_name``: self-signed unless ``issuer`` is given."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    not_before = not_before or now - dt.timedelta(days=1)
    not_after = not_after or now + dt.timedelta(days=365)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if basic_constraints:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=None), critical=True
        )
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Issued(key=key, certificate=certificate)


def make_root(common_name: str = "CA gốc thử nghiệm") -> Issued:
    return make_certificate(common_name, ca=True)


def make_signer(
    common_name: str = "Nguyễn Văn Ký",
    *,
    root: Issued | None = None,
    days: int = 365,
) -> Issued:
    root = root or make_root()
    now = dt.datetime.now(dt.UTC)
    return make_certificate(
        common_name,
        issuer=root,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=days),
    )
