"""A throw-away public-key infrastructure for tests, generated at run time with `cryptography`.

Nothing here is ever committed or used outside tests: `make_test_pki()` builds a root CA, an
intermediate CA, a person's and an agency's signing certificate, an expired one, a revoked one
(with the intermediate's CRL listing it), a timestamp authority, an OCSP responder, and a
foreign root with a certificate of its own (for "untrusted" cases). Every end-entity
certificate names the CRL (CRL distribution point) and the OCSP responder (authority
information access) at `crl_url` / `ocsp_url`: tests serving them on 127.0.0.1 pass their
own. `ocsp_response()` answers an OCSP request as that responder would. Every identity is
available as `cryptography` objects, PEM/DER bytes, `asn1crypto` certificates and a
password-protected PKCS#12 file.

    pki = make_test_pki()
    signer = Pkcs12Signer(pki.person.pkcs12, pki.password)
    verify_pdf(signed, roots=[pki.root.asn1])

`make_root()`, `make_signer()` and `make_identity()` make single certificates with a chosen
issuer, validity or extensions (for the registry's and the trust store's tests).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

PASSWORD = "mat-khau-thu-nghiem"
CRL_URL = "http://crl.govdoc.invalid/ca-trung-gian.crl"
OCSP_URL = "http://ocsp.govdoc.invalid/ocsp"
ORGANIZATION = "Bộ Tài nguyên và Môi trường"
CA_ORGANIZATION = "Cục Chứng thực thử nghiệm"

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


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

    def pkcs12_with(self, password: str | None) -> bytes:
        """The PKCS#12 file protected with another password (None: not protected)."""
        return _pkcs12(self.name, self.private_key, self.certificate, self.chain, password)

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
    """Root → intermediate → end-entity certificates, a CRL, an OCSP responder and a foreign
    hierarchy."""

    __test__ = False

    root: TestIdentity
    intermediate: TestIdentity
    person: TestIdentity
    agency: TestIdentity
    expired: TestIdentity
    revoked: TestIdentity
    tsa: TestIdentity
    ocsp_responder: TestIdentity
    """Issued by the intermediate for OCSP signing (id-kp-OCSPSigning, OCSP no-check)."""
    foreign_root: TestIdentity
    foreign_person: TestIdentity
    """Signed by `foreign_root`, which is not part of this PKI's trust roots."""
    crl: x509.CertificateRevocationList
    """The intermediate CA's CRL: `revoked` is on it."""
    crl_url: str = CRL_URL
    ocsp_url: str = OCSP_URL
    password: str = PASSWORD

    @property
    def crl_der(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.DER)

    @property
    def asn1_crl(self) -> asn1_crl.CertificateList:
        return asn1_crl.CertificateList.load(self.crl_der)


@dataclass(frozen=True)
class RevocationUrls:
    """Where an end-entity certificate says its revocation status is published."""

    crl: str = CRL_URL
    ocsp: str = OCSP_URL


def subject_name(common_name: str, organization: str = CA_ORGANIZATION) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, ca: bool, non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue_certificate(
    public_key: PublicKey,
    *,
    subject: x509.Name,
    issuer: TestIdentity | None,
    self_key: PrivateKey | None = None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool = False,
    basic_constraints: bool = True,
    timestamping: bool = False,
    ocsp_signing: bool = False,
    urls: RevocationUrls | None = None,
) -> x509.Certificate:
    """A certificate for `public_key` signed by `issuer` (or, when None, by `self_key`: a
    self-signed one). With `urls`, it names its CRL and OCSP responder."""
    signing_key = issuer.private_key if issuer is not None else self_key
    if signing_key is None:
        raise ValueError("a self-signed certificate needs its own private key")
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer is not None else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if basic_constraints:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=None), critical=True
        )
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
        builder = builder.add_extension(
            _key_usage(ca=ca, non_repudiation=not (ca or timestamping or ocsp_signing)),
            critical=True,
        )
    if urls is not None:
        # Pointing at a CRL and an OCSP responder makes validators look for them.
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(urls.crl)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        ).add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(urls.ocsp),
                    )
                ]
            ),
            critical=False,
        )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if ocsp_signing:
        # No-check: validators do not ask for the responder's own revocation status.
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
        ).add_extension(x509.OCSPNoCheck(), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pkcs12(
    name: str,
    key: PrivateKey,
    certificate: x509.Certificate,
    chain: tuple[x509.Certificate, ...],
    password: str | None,
) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode("utf-8"))
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=key,
        cert=certificate,
        cas=list(chain) or None,
        encryption_algorithm=encryption,
    )


def make_identity(
    *,
    name: str = "identity",
    common_name: str,
    organization: str = ORGANIZATION,
    issuer: TestIdentity | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    days: int = 365,
    ca: bool = False,
    basic_constraints: bool = True,
    timestamping: bool = False,
    ocsp_signing: bool = False,
    urls: RevocationUrls | None = None,
) -> TestIdentity:
    """A fresh key and its certificate, issued by `issuer` (self-signed when None), valid
    from `not_before` (default yesterday) to `not_after` (default `days` from now)."""
    # ECDSA keys are fast to make; the TSA gets RSA (pyHanko's test TSA signs RSA only).
    key: PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if timestamping
        else ec.generate_private_key(ec.SECP256R1())
    )
    now = dt.datetime.now(dt.UTC)
    certificate = issue_certificate(
        key.public_key(),
        subject=subject_name(common_name, organization),
        issuer=issuer,
        self_key=key,
        not_before=not_before or now - dt.timedelta(days=1),
        not_after=not_after or now + dt.timedelta(days=days),
        ca=ca,
        basic_constraints=basic_constraints,
        timestamping=timestamping,
        ocsp_signing=ocsp_signing,
        urls=urls,
    )
    chain: tuple[x509.Certificate, ...] = ()
    if issuer is not None and issuer.certificate.issuer != issuer.certificate.subject:
        # The chain up to, not including, the root.
        chain = (issuer.certificate, *issuer.chain)
    return TestIdentity(
        name=name,
        certificate=certificate,
        private_key=key,
        chain=chain,
        pkcs12=_pkcs12(name, key, certificate, chain, PASSWORD),
    )


def make_root(common_name: str = "CA gốc thử nghiệm", *, years: int = 10) -> TestIdentity:
    """A self-signed root CA."""
    return make_identity(
        name="root",
        common_name=common_name,
        organization=CA_ORGANIZATION,
        ca=True,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
        days=365 * years,
    )


def make_signer(
    common_name: str = "Nguyễn Văn Ký", *, issuer: TestIdentity | None = None, days: int = 365
) -> TestIdentity:
    """A signing certificate valid `days` from now, issued by `issuer` (default: a fresh
    root)."""
    return make_identity(
        name="signer", common_name=common_name, issuer=issuer or make_root(), days=days
    )


def make_test_pki(
    directory: Path | None = None, *, crl_url: str = CRL_URL, ocsp_url: str = OCSP_URL
) -> TestPki:
    """Generate a fresh PKI whose end-entity certificates point at `crl_url` and `ocsp_url`;
    with `directory`, also write every certificate (.pem), key (.key.pem), PKCS#12 file
    (.p12) and the CRL (intermediate.crl) there."""
    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    urls = RevocationUrls(crl=crl_url, ocsp=ocsp_url)

    root = make_root("Root CA thử nghiệm")
    intermediate = make_identity(
        name="intermediate",
        common_name="CA trung gian thử nghiệm",
        organization=CA_ORGANIZATION,
        issuer=root,
        ca=True,
        not_before=now - 30 * day,
        days=3650,
    )

    def leaf(
        name: str,
        common_name: str,
        organization: str = ORGANIZATION,
        *,
        expired: bool = False,
        issuer: TestIdentity = intermediate,
        timestamping: bool = False,
        ocsp_signing: bool = False,
    ) -> TestIdentity:
        return make_identity(
            name=name,
            common_name=common_name,
            organization=organization,
            issuer=issuer,
            not_before=now - (400 if expired else 2) * day,
            not_after=now - 30 * day if expired else now + 365 * day,
            timestamping=timestamping,
            ocsp_signing=ocsp_signing,
            urls=None if ocsp_signing else urls,
        )

    foreign_root = make_identity(
        name="foreign_root",
        common_name="Root CA lạ",
        organization="Tổ chức không được tin cậy",
        ca=True,
        not_before=now - 30 * day,
        days=3650,
    )
    revoked = leaf("revoked", "Lê Văn Bị Thu Hồi")
    pki = TestPki(
        root=root,
        intermediate=intermediate,
        person=leaf("person", "Nguyễn Văn An"),
        agency=leaf("agency", "Bộ Tài nguyên và Môi trường"),
        expired=leaf("expired", "Trần Thị Hết Hạn", expired=True),
        revoked=revoked,
        tsa=leaf("tsa", "Máy chủ dấu thời gian thử nghiệm", timestamping=True),
        ocsp_responder=leaf("ocsp", "Máy chủ OCSP thử nghiệm", CA_ORGANIZATION, ocsp_signing=True),
        foreign_root=foreign_root,
        foreign_person=leaf(
            "foreign_person", "Phạm Văn Lạ", "Tổ chức không được tin cậy", issuer=foreign_root
        ),
        crl=_crl(intermediate, revoked_serials=[revoked.certificate.serial_number], now=now),
        crl_url=crl_url,
        ocsp_url=ocsp_url,
    )
    if directory is not None:
        _write(pki, directory)
    return pki


def _crl(
    issuer: TestIdentity, *, revoked_serials: list[int], now: dt.datetime
) -> x509.CertificateRevocationList:
    day = dt.timedelta(days=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - day)
        .next_update(now + 30 * day)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - day)
            .build()
        )
    return builder.sign(issuer.private_key, hashes.SHA256())


def _write(pki: TestPki, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for identity in (
        pki.root,
        pki.intermediate,
        pki.person,
        pki.agency,
        pki.expired,
        pki.revoked,
        pki.tsa,
        pki.ocsp_responder,
        pki.foreign_root,
        pki.foreign_person,
    ):
        (directory / f"{identity.name}.pem").write_bytes(identity.cert_pem)
        (directory / f"{identity.name}.key.pem").write_bytes(identity.key_pem)
        (directory / f"{identity.name}.p12").write_bytes(identity.pkcs12)
    (directory / "intermediate.crl").write_bytes(pki.crl_der)


# --- OCSP ------------------------------------------------------------------------------------


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    response = ocsp.OCSPResponseBuilder.build_unsuccessful(status)
    return response.public_bytes(serialization.Encoding.DER)


def _issuer_hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, ...]:
    """The issuer name and key hashes an OCSP request carries (RFC 6960 CertID)."""
    key_bits = asn1_x509.Certificate.load(issuer.public_bytes(serialization.Encoding.DER))
    public_key = bytes(key_bits.public_key["public_key"])
    return (
        hashlib.new(algorithm.name, issuer.subject.public_bytes()).digest(),
        hashlib.new(algorithm.name, public_key).digest(),
    )


def ocsp_response(pki: TestPki, request_der: bytes, *, now: dt.datetime | None = None) -> bytes:
    """The responder's DER answer to an OCSP request: "revoked" for `pki.revoked`, "good"
    for any other serial of the intermediate CA, "unauthorized" for another issuer. The
    request's nonce is echoed."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    issuer = pki.intermediate.certificate
    asked = (request.issuer_name_hash, request.issuer_key_hash)
    if asked != _issuer_hashes(issuer, request.hash_algorithm):
        return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    moment = now or dt.datetime.now(dt.UTC)
    revoked = request.serial_number == pki.revoked.certificate.serial_number
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=moment - dt.timedelta(minutes=5),
            next_update=moment + dt.timedelta(days=1),
            revocation_time=moment - dt.timedelta(days=1) if revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.ocsp_responder.certificate)
        .certificates([pki.ocsp_responder.certificate])
    )
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(pki.ocsp_responder.private_key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)
