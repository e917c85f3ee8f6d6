"""A throw-away CA for packet keys (RSA-2048), generated at run time with `cryptography`, and
password-protected PKCS#12 packet keys under it — for the exchange tests and the exchange
benchmark. Nothing here is committed or used by the installation itself (like
`govdoc.signatures.testing_pki`).

    ca = make_rsa_ca("CA liên thông thử nghiệm")
    p12 = ca.issue_p12("Bộ Tài nguyên và Môi trường")   # password PASSWORD
    trust_anchor_add(actor=admin, data=ca.pem)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "mat-khau-goi-tin"
"""The password of the packet keys `RsaCa.issue_p12` makes, unless told another."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass(frozen=True)
class RsaCa:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        """The CA's certificate, PEM (what the installation trusts)."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue_p12(self, name: str, *, password: str = PASSWORD) -> bytes:
        """A packet key for `name` (a year's certificate under this CA), as PKCS#12."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        return pkcs12.serialize_key_and_certificates(
            name=b"goi-tin",
            key=key,
            cert=certificate,
            cas=None,
            encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
        )


def make_rsa_ca(common_name: str, *, valid_from_days: int = 2, valid_days: int = 3650) -> RsaCa:
    """A self-signed CA valid from `valid_from_days` ago for `valid_days`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=valid_from_days))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return RsaCa(key=key, certificate=certificate)
