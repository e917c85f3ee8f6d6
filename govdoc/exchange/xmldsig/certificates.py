"""The certificates of a packet signature: which one signed, whether it chains to a trusted
root at the moment of checking, and the agency code (mã định danh) it names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import verification
from cryptography.x509.oid import NameOID

from govdoc.exchange.xmldsig.errors import PacketSignatureError, SignatureProblem

# An agency code inside a longer value ("MĐĐT:000.00.00.G22", "UID=000.00.00.G22").
ORGAN_ID_IN_TEXT = re.compile(r"(?<![\d.])(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})(?![0-9A-Za-z])")
# Where an agency code is looked for in the subject, in this order; then any other attribute.
ORGAN_ID_ATTRIBUTES = (
    NameOID.USER_ID,  # UID (0.9.2342.19200300.100.1.1), where Vietnamese CAs put identifiers
    NameOID.SERIAL_NUMBER,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.ORGANIZATION_IDENTIFIER,
    NameOID.COMMON_NAME,
    NameOID.ORGANIZATION_NAME,
)


def as_cryptography(certificate: Any) -> x509.Certificate:
    """A `cryptography` certificate from one of `cryptography` or `asn1crypto` (the Signer
    protocol's)."""
    if isinstance(certificate, x509.Certificate):
        return certificate
    dump = getattr(certificate, "dump", None)
    if callable(dump):
        return x509.load_der_x509_certificate(bytes(dump()))
    raise TypeError("expected a cryptography or asn1crypto X.509 certificate")


def vn_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")


def validity_problem(certificate: x509.Certificate, at: dt.datetime) -> PacketSignatureError | None:
    """The refusal for a certificate outside its validity period at `at`, or None."""
    name = _common_name(certificate)
    if at > certificate.not_valid_after_utc:
        return PacketSignatureError(
            SignatureProblem.EXPIRED_CERTIFICATE,
            f"Chứng thư số «{name}» đã hết hạn (hiệu lực đến "
            f"{vn_date(certificate.not_valid_after_utc)}).",
        )
    if at < certificate.not_valid_before_utc:
        return PacketSignatureError(
            SignatureProblem.CERTIFICATE_NOT_YET_VALID,
            f"Chứng thư số «{name}» chưa có hiệu lực (hiệu lực từ "
            f"{vn_date(certificate.not_valid_before_utc)}).",
        )
    return None


def leaf_of(certificates: Sequence[x509.Certificate]) -> x509.Certificate:
    """The end-entity certificate among those of `KeyInfo` (whose order XML-DSig leaves
    open): the one that issued none of the others; the first when that is ambiguous."""
    issuers = {c.issuer for c in certificates if c.issuer != c.subject}
    candidates = [c for c in certificates if c.subject not in issuers]
    return candidates[0] if len(candidates) == 1 else certificates[0]


def _end_entity_key_usage(_policy: Any, _certificate: Any, usage: x509.KeyUsage | None) -> None:
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise ValueError("key usage allows neither digitalSignature nor nonRepudiation")


def _not_a_ca(_policy: Any, _certificate: Any, constraints: x509.BasicConstraints | None) -> None:
    if constraints is not None and constraints.ca:
        raise ValueError("a CA certificate cannot sign packets")


def _end_entity_policy() -> verification.ExtensionPolicy:
    return (
        verification.ExtensionPolicy.permit_all()
        .may_be_present(x509.KeyUsage, verification.Criticality.AGNOSTIC, _end_entity_key_usage)
        .may_be_present(x509.BasicConstraints, verification.Criticality.AGNOSTIC, _not_a_ca)
    )


def verify_chain(
    certificates: Sequence[x509.Certificate],
    *,
    trust_roots: Sequence[x509.Certificate],
    at: dt.datetime,
) -> tuple[x509.Certificate, tuple[x509.Certificate, ...]]:
    """The signing certificate and its validated path (issuers up to and including the
    trusted root). Refuses an expired or not yet valid certificate on the path, and one that
    does not chain to `trust_roots` (RFC 5280 path validation by `cryptography`, Web PKI
    rules for the CAs: basic constraints, key usage, RSA ≥ 2048, no SHA-1 certificates)."""
    leaf = leaf_of(certificates)
    problem = validity_problem(leaf, at)
    if problem is not None:
        raise problem
    if not trust_roots:
        raise PacketSignatureError(
            SignatureProblem.UNTRUSTED_CERTIFICATE,
            "Kho chứng thư gốc tin cậy của hệ thống đang trống: chưa kiểm tra được chữ ký số.",
        )
    intermediates = [c for c in certificates if c is not leaf]
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(trust_roots)))
        .time(at)
        .extension_policies(
            ee_policy=_end_entity_policy(),
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
        )
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, intermediates)
    except verification.VerificationError as error:
        expired = _expired_issuer(leaf, [*intermediates, *trust_roots], at)
        if expired is not None:
            raise expired from error
        raise PacketSignatureError(SignatureProblem.UNTRUSTED_CERTIFICATE) from error
    return leaf, tuple(verified.chain[1:])


def _expired_issuer(
    leaf: x509.Certificate, pool: Sequence[x509.Certificate], at: dt.datetime
) -> PacketSignatureError | None:
    """Why the path failed when it is an issuer out of its validity period."""
    current, seen = leaf, 0
    while current.issuer != current.subject and seen < 10:
        issuer = next((c for c in pool if c.subject == current.issuer), None)
        if issuer is None:
            return None
        problem = validity_problem(issuer, at)
        if problem is not None:
            return problem
        current, seen = issuer, seen + 1
    return None


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else certificate.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def organ_id_of(certificate: x509.Certificate) -> str | None:
    """The agency code (13 characters, `XXX.XX.XX.Y99`) the certificate's subject names:
    looked for in UID, then serialNumber, OU, organizationIdentifier, CN, O, then any other
    subject attribute, as the whole value or inside it ("MĐĐT:000.00.00.G22"). None when the
    subject names none (public CAs' certificates often carry only the tax code)."""
    attributes = list(certificate.subject)
    ordered = [a for oid in ORGAN_ID_ATTRIBUTES for a in attributes if a.oid == oid]
    ordered += [a for a in attributes if a not in ordered]
    for attribute in ordered:
        value = attribute.value
        text = value if isinstance(value, str) else value.decode("utf-8", "replace")
        match = ORGAN_ID_IN_TEXT.search(text.upper())
        if match:
            return match.group(1)
    return None


def der_of(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.DER)
