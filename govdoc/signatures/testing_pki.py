"""A throw-away public-key infrastructure for tests, generated at run time with `cryptography`.

Nothing here is ever committed or used outside tests: `make_test_pki()` builds a root CA, an
intermediate CA, a person's and an agency's signing certificate, an expired one, a revoked one
(with the intermediate's CRL listing it), a timestamp authority, and a foreign root with a
certificate of its own (for "untrusted" cases). Every identity is available as `cryptography`
objects, PEM/DER bytes, `asn1crypto` certificates and a password-protected PKCS#12 file.

    pki = make_test_pki()
    signer = Pkcs12Signer(pki.person.pkcs12, pki.password)
    verify_pdf(signed, roots=[pki.root.asn1])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mat-khau-thu-nghiem"
CRL_URL = "http://crl.govdoc.invalid/ca-trung-gian.crl"

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class TestIdentity:
    """One key pair and its certificate, with the chain up to (not including) the root."""

    __test__ = False

    name: str
    certificate: x509.Certificate
    private_key: PrivateKey
    chain: tuple[x509.Certificate, ...]
    pkcs12: bytes
    """PKCS#12 file (key, certificate, chain) protected with `TestPki.password`."""

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def key_der(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def asn1(self) -> asn1_x509.Certificate:
        """The certificate as pyHanko wants it."""
        return asn1_x509.Certificate.load(self.cert_der)

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(self.key_der)

    @property
    def asn1_chain(self) -> tuple[asn1_x509.Certificate, ...]:
        return tuple(
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in self.chain
        )


@dataclass(frozen=True)
class TestPki:
    """Root → intermediate → end-entity certificates, plus a CRL and a foreign hierarchy."""

    __test__ = False

    root: TestIdentity
    intermediate: TestIdentity
    person: TestIdentity
    agency: TestIdentity
    expired: TestIdentity
    revoked: TestIdentity
    tsa: TestIdentity
    foreign_root: TestIdentity
    foreign_person: TestIdentity
    """Signed by `foreign_root`, which is not part of this PKI's trust roots."""
    crl: x509.CertificateRevocationList
    """The intermediate CA's CRL: `revoked` is on it."""
    password: str = PASSWORD

    @property
    def crl_der(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.DER)

    @property
    def asn1_crl(self) -> asn1_crl.CertificateList:
        return asn1_crl.CertificateList.load(self.crl_der)


def _name(common_name: str, organization: str = "Cục Chứng thực thử nghiệm") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    *,
    name: str,
    subject: x509.Name,
    issuer: TestIdentity | None,
    is_ca: bool,
    not_before: dt.datetime,
    not_after: dt.datetime,
    timestamping: bool = False,
) -> TestIdentity:
    # ECDSA keys are fast to make; the TSA gets RSA (pyHanko's test TSA signs RSA only).
    key: PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if timestamping
        else ec.generate_private_key(ec.SECP256R1())
    )
    issuer_key: PrivateKey = issuer.private_key if issuer else key
    issuer_name = issuer.certificate.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not is_ca,
                content_commitment=not is_ca and not timestamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=is_ca,
                crl_sign=is_ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not is_ca and issuer is not None:
        # Pointing at a CRL makes validators look for one (pass `TestPki.crl` to them).
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    certificate = builder.sign(issuer_key, hashes.SHA256())
    chain: tuple[x509.Certificate, ...] = ()
    if issuer is not None:
        issuer_is_root = issuer.certificate.issuer == issuer.certificate.subject
        # The chain up to, not including, the root.
        chain = () if issuer_is_root else (issuer.certificate, *issuer.chain)
    bundle = pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=key,
        cert=certificate,
        cas=list(chain) or None,
        encryption_algorithm=serialization.BestAvailableEncryption(PASSWORD.encode("utf-8")),
    )
    return TestIdentity(
        name=name, certificate=certificate, private_key=key, chain=chain, pkcs12=bundle
    )


def make_test_pki(directory: Path | None = None) -> TestPki:
    """Generate a fresh PKI; with `directory`, also write every certificate (.pem), key
    (.key.pem), PKCS#12 file (.p12) and the CRL (intermediate.crl) there."""
    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    years = dt.timedelta(days=3650)

    root = _issue(
        name="root",
        subject=_name("Root CA thử nghiệm"),
        issuer=None,
        is_ca=True,
        not_before=now - 30 * day,
        not_after=now + years,
    )
    intermediate = _issue(
        name="intermediate",
        subject=_name("CA trung gian thử nghiệm"),
        issuer=root,
        is_ca=True,
        not_before=now - 30 * day,
        not_after=now + years,
    )

    def leaf(
        name: str,
        common_name: str,
        organization: str = "Bộ Tài nguyên và Môi trường",
        *,
        expired: bool = False,
        timestamping: bool = False,
        issuer: TestIdentity = intermediate,
    ) -> TestIdentity:
        return _issue(
            name=name,
            subject=_name(common_name, organization),
            issuer=issuer,
            is_ca=False,
            not_before=now - (400 if expired else 2) * day,
            not_after=now - 30 * day if expired else now + 365 * day,
            timestamping=timestamping,
        )

    person = leaf("person", "Nguyễn Văn An")
    agency = leaf("agency", "Bộ Tài nguyên và Môi trường")
    expired = leaf("expired", "Trần Thị Hết Hạn", expired=True)
    revoked = leaf("revoked", "Lê Văn Bị Thu Hồi")
    tsa = leaf("tsa", "Máy chủ dấu thời gian thử nghiệm", timestamping=True)
    foreign_root = _issue(
        name="foreign_root",
        subject=_name("Root CA lạ", "Tổ chức không được tin cậy"),
        issuer=None,
        is_ca=True,
        not_before=now - 30 * day,
        not_after=now + years,
    )
    foreign_person = leaf(
        "foreign_person", "Phạm Văn Lạ", "Tổ chức không được tin cậy", issuer=foreign_root
    )

    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(intermediate.certificate.subject)
        .last_update(now - day)
        .next_update(now + 30 * day)
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.certificate.serial_number)
            .revocation_date(now - day)
            .build()
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                intermediate.private_key.public_key()
            ),
            critical=False,
        )
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(intermediate.private_key, hashes.SHA256())
    )
    pki = TestPki(
        root=root,
        intermediate=intermediate,
        person=person,
        agency=agency,
        expired=expired,
        revoked=revoked,
        tsa=tsa,
        foreign_root=foreign_root,
        foreign_person=foreign_person,
        crl=crl,
    )
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        for identity in (
            root,
            intermediate,
            person,
            agency,
            expired,
            revoked,
            tsa,
            foreign_root,
            foreign_person,
        ):
            (directory / f"{identity.name}.pem").write_bytes(identity.cert_pem)
            (directory / f"{identity.name}.key.pem").write_bytes(identity.key_pem)
            (directory / f"{identity.name}.p12").write_bytes(identity.pkcs12)
        (directory / "intermediate.crl").write_bytes(pki.crl_der)
    return pki
