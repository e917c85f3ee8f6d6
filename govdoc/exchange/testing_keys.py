"""A throw-away CA for packet keys (RSA-2048), generated at run time with `cryptography`, and
password-protected PKCS#12 packet keys under it — for the exchange tests and the exchange
benchmark. Nothing here is committed or used by the installation itself (like
`govdoc.signatures.testing_pki`). The certificates are built by `govdoc.core.testing_pki`,
which the hub's tests share.

    ca = make_rsa_ca("CA liên thông thử nghiệm")
    p12 = ca.issue_p12("Bộ Tài nguyên và Môi trường")   # password PASSWORD
    trust_anchor_add(actor=admin, data=ca.pem)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from govdoc.core.testing_pki import ca_certificate, issue_certificate

PASSWORD = "mat-khau-goi-tin"
"""The password of the packet keys `RsaCa.issue_p12` makes, unless told another."""


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
        certificate = issue_certificate(
            key.public_key(),
            name,
            ca_key=self.key,
            ca_cert=self.certificate,
            valid_from=dt.timedelta(days=1),
            valid_until=dt.timedelta(days=365),
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
    certificate = ca_certificate(
        key,
        common_name,
        valid_from=dt.timedelta(days=valid_from_days),
        valid_until=dt.timedelta(days=valid_days),
    )
    return RsaCa(key=key, certificate=certificate)
