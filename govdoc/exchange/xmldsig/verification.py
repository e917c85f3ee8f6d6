"""Verifying a received edXML packet's XML-DSig signature, and checking that the agency that
signed and sent it is the one authenticated on the transport.

Order of the checks (the first failing one is the reason): hardened parse (malformed,
unsafe, too large) → one envelope (wrapping) → exactly one signature, in `edXMLHeader` →
algorithms (SHA-1 only when allowed) → exactly one reference, `URI=""` with the enveloped
transform, i.e. the whole document → certificate in `KeyInfo` → its validity period → its
path to a trusted root → the signature value and the digest.

The last two are computed here on the tree already parsed (`fast.py`): the structural checks
leave one form only (one `URI=""` reference, enveloped-signature plus at most one C14N), so
there is no need for signxml's copies and re-parses of the whole packet. signxml still checks
the rare signatures whose `KeyInfo` also carries a bare public key (`KeyValue`,
`DEREncodedKeyValue`), which it compares with the certificate."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from django.utils import timezone
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as Method
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidSignature, SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from govdoc.exchange.xmldsig.certificates import der_of, organ_id_of, verify_chain
from govdoc.exchange.xmldsig.errors import PacketSenderError, PacketSignatureError
from govdoc.exchange.xmldsig.errors import SignatureProblem as Problem
from govdoc.exchange.xmldsig.fast import (
    BROKEN_SIGNATURE,
    needs_signxml,
    remove_signature,
    verify_enveloped,
)
from govdoc.exchange.xmldsig.parsing import (
    DS_NS,
    ENVELOPE,
    HEADER,
    MAX_PACKET_BYTES,
    from_organ_id,
    hardened_parser,
    packet_header,
    parse_packet,
    signatures_of,
)
from govdoc.signatures.credentials import fingerprint_of

_DS = {"ds": DS_NS}
SIGNATURE_LOCATION = f"./{ENVELOPE}/{HEADER}/"

C14N_METHODS = frozenset(
    {
        CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        CanonicalizationMethod.CANONICAL_XML_1_0,
        CanonicalizationMethod.CANONICAL_XML_1_1,
    }
)
SIGNATURE_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
SHA1_SIGNATURE_METHODS = frozenset({SignatureMethod.RSA_SHA1})
DIGEST_METHODS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
SHA1_DIGEST = DigestAlgorithm.SHA1
MAX_CERTIFICATES = 10

BROKEN_CERTIFICATE = "Chứng thư số trong chữ ký bị hỏng, không đọc được."
MISPLACED = "Chữ ký số không nằm trong phần đầu phong bì (edXMLEnvelope/edXMLHeader)."


@dataclass(frozen=True, kw_only=True)
class VerifiedPacket:
    """A packet whose signature holds: who signed it and how. `signed_xml` is exactly what
    the signature covers (the document canonicalized, without the signature): parse that, not
    the bytes received, to be sure to read only signed content."""

    subject: str
    """The signing certificate's subject (RFC 4514)."""
    issuer: str
    serial_number: str
    """Hexadecimal, upper case (as in the signatures registry)."""
    organ_id: str | None
    """The agency code the certificate names, if any (see `certificates.organ_id_of`)."""
    fingerprint: str
    """SHA-256 of the DER certificate, lower-case hex (as `SigningCredential.fingerprint`)."""
    signature_algorithm: str
    """The SignatureMethod URI, e.g. http://www.w3.org/2001/04/xmldsig-more#rsa-sha256."""
    digest_algorithm: str
    from_organ_id: str | None
    """`From/OrganId` as signed (message header or status message)."""
    valid_from: dt.datetime
    valid_to: dt.datetime
    certificate: x509.Certificate = field(repr=False)
    chain: tuple[x509.Certificate, ...] = field(repr=False)
    """The validated path above the signing certificate, ending with the trusted root."""
    signed_xml: bytes = field(repr=False)
    signed_root: Any = field(default=None, repr=False, compare=False)
    """The tree of what the signature covers: the packet as parsed and verified (comments and
    processing instructions dropped while parsing), the signature taken out; `signed_xml` is
    its canonical form. `edxml.parse.read_tree(signed_root)` reads what
    `read_packet(signed_xml)` reads without parsing the packet again (the caller's own size
    limits, if stricter than `verify_packet`'s, are then to be checked on `signed_xml`)."""

    @property
    def uses_sha1(self) -> bool:
        return self.signature_algorithm.endswith("sha1") or self.digest_algorithm.endswith("sha1")


def verify_packet(
    xml: bytes,
    *,
    trust_roots: Sequence[x509.Certificate],
    allow_sha1: bool = False,
    at: dt.datetime | None = None,
    max_bytes: int = MAX_PACKET_BYTES,
) -> VerifiedPacket:
    """Check the packet's one signature (covering the whole document) and its certificate's
    path to `trust_roots` at `at` (default now); `PacketSignatureError` otherwise. RSA-SHA1
    and SHA-1 digests (older samples) are refused unless `allow_sha1`. Revocation is not
    checked here."""
    moment = at or timezone.now()
    root = parse_packet(xml, max_bytes=max_bytes)
    header = packet_header(root)
    signature = _the_signature(root, header)
    method, digest = _check_signed_info(signature, allow_sha1=allow_sha1)
    leaf, path = verify_chain(_key_info_certificates(signature), trust_roots=trust_roots, at=moment)
    signed = _verify_xml(root, signature, leaf, method=method, digest=digest, at=moment)
    from_organ = from_organ_id(header)
    remove_signature(signature)  # `root` is now exactly what `signed` is the canonical form of
    return VerifiedPacket(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        serial_number=format(leaf.serial_number, "X"),
        organ_id=organ_id_of(leaf),
        fingerprint=fingerprint_of(der_of(leaf)),
        signature_algorithm=method.value,
        digest_algorithm=digest.value,
        from_organ_id=from_organ,
        valid_from=leaf.not_valid_before_utc,
        valid_to=leaf.not_valid_after_utc,
        certificate=leaf,
        chain=path,
        signed_xml=signed,
        signed_root=root,
    )


def check_sender(
    verified: VerifiedPacket, *, authenticated_organ_id: str, packet_from_organ_id: str
) -> None:
    """Refuse (`PacketSenderError`) a packet whose `From/OrganId` is not the agency
    authenticated on the transport, or signed with a certificate naming another agency. A
    certificate that names no agency code is accepted (the trust store vouches for it)."""
    authenticated = _code(authenticated_organ_id)
    claimed = _code(packet_from_organ_id)
    if not authenticated or claimed != authenticated:
        raise PacketSenderError(
            Problem.SENDER_MISMATCH,
            f"Gói tin ghi cơ quan gửi «{packet_from_organ_id.strip()}» nhưng cơ quan đã xác thực "
            f"khi gửi là «{authenticated_organ_id.strip()}».",
        )
    if verified.from_organ_id is not None and _code(verified.from_organ_id) != claimed:
        raise PacketSenderError(
            Problem.SENDER_MISMATCH,
            f"Cơ quan gửi «{packet_from_organ_id.strip()}» khác cơ quan gửi đã được ký trong "
            f"gói tin «{verified.from_organ_id}».",
        )
    if verified.organ_id is not None and verified.organ_id != authenticated:
        raise PacketSenderError(
            Problem.CERTIFICATE_ORGAN_MISMATCH,
            f"Gói tin được ký bằng chứng thư số của cơ quan có mã định danh «{verified.organ_id}», "
            f"không phải cơ quan gửi «{authenticated_organ_id.strip()}».",
        )


def trust_roots_from_store() -> list[x509.Certificate]:
    """The installation's trusted roots (active trust anchors of the signatures app)."""
    from govdoc.signatures.selectors import active_trust_anchors

    return [
        x509.load_der_x509_certificate(bytes(anchor.certificate_der))
        for anchor in active_trust_anchors()
    ]


def _code(value: str) -> str:
    return "".join(value.split()).upper()


def _the_signature(root: Any, header: Any) -> Any:
    found = signatures_of(root)
    if not found:
        raise PacketSignatureError(Problem.NO_SIGNATURE)
    if len(found) > 1:
        raise PacketSignatureError(Problem.MULTIPLE_SIGNATURES)
    if found[0].getparent() is not header:
        raise PacketSignatureError(Problem.WRONG_REFERENCE, MISPLACED)
    return found[0]


def _algorithm(element: Any) -> str:
    if element is None:
        raise PacketSignatureError(Problem.BAD_SIGNATURE, BROKEN_SIGNATURE)
    return str(element.get("Algorithm") or "")


def _check_signed_info(
    signature: Any, *, allow_sha1: bool
) -> tuple[SignatureMethod, DigestAlgorithm]:
    signed_info = signature.find("ds:SignedInfo", _DS)
    if signed_info is None:
        raise PacketSignatureError(Problem.BAD_SIGNATURE, BROKEN_SIGNATURE)
    c14n = _algorithm(signed_info.find("ds:CanonicalizationMethod", _DS))
    if c14n not in {m.value for m in C14N_METHODS}:
        raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM)
    method = _signature_method(_algorithm(signed_info.find("ds:SignatureMethod", _DS)), allow_sha1)
    references = signed_info.findall("ds:Reference", _DS)
    if len(references) != 1:
        raise PacketSignatureError(
            Problem.WRONG_REFERENCE,
            f"Chữ ký số phải có đúng một tham chiếu tới toàn bộ gói tin (có {len(references)}).",
        )
    reference = references[0]
    if reference.get("URI") != "":
        raise PacketSignatureError(
            Problem.WRONG_REFERENCE,
            "Chữ ký số chỉ ký một phần của gói tin (tham chiếu "
            f'«{reference.get("URI")}»), không phải toàn bộ gói tin (URI="").',
        )
    transforms = [_algorithm(t) for t in reference.findall("ds:Transforms/ds:Transform", _DS)]
    allowed = {Method.enveloped.value, *(m.value for m in C14N_METHODS)}
    if Method.enveloped.value not in transforms or any(t not in allowed for t in transforms):
        raise PacketSignatureError(
            Problem.WRONG_REFERENCE,
            "Tham chiếu của chữ ký số phải dùng phép biến đổi enveloped-signature và chuẩn hóa "
            "C14N, không phép biến đổi nào khác.",
        )
    digest = _digest_method(_algorithm(reference.find("ds:DigestMethod", _DS)), allow_sha1)
    return method, digest


def _signature_method(uri: str, allow_sha1: bool) -> SignatureMethod:
    try:
        method = SignatureMethod(uri)
    except ValueError:
        raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM) from None
    if method.name.startswith("HMAC"):  # a shared secret proves nothing about the sender
        raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM)
    if method in SIGNATURE_METHODS or (allow_sha1 and method in SHA1_SIGNATURE_METHODS):
        return method
    if "SHA1" in method.name:
        raise PacketSignatureError(Problem.WEAK_ALGORITHM)
    raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM)


def _digest_method(uri: str, allow_sha1: bool) -> DigestAlgorithm:
    try:
        digest = DigestAlgorithm(uri)
    except ValueError:
        raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM) from None
    if digest in DIGEST_METHODS or (allow_sha1 and digest == SHA1_DIGEST):
        return digest
    if digest == SHA1_DIGEST:
        raise PacketSignatureError(Problem.WEAK_ALGORITHM)
    raise PacketSignatureError(Problem.UNSUPPORTED_ALGORITHM)


def _key_info_certificates(signature: Any) -> list[x509.Certificate]:
    elements = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _DS)
    if not elements:
        raise PacketSignatureError(Problem.NO_CERTIFICATE)
    if len(elements) > MAX_CERTIFICATES:
        raise PacketSignatureError(Problem.BAD_SIGNATURE, BROKEN_SIGNATURE)
    certificates = []
    for element in elements:
        text = "".join((element.text or "").split())
        try:
            certificates.append(x509.load_der_x509_certificate(base64.b64decode(text)))
        except (ValueError, binascii.Error):
            raise PacketSignatureError(Problem.MALFORMED, BROKEN_CERTIFICATE) from None
    return certificates


def _verify_xml(
    root: Any,
    signature: Any,
    certificate: x509.Certificate,
    *,
    method: SignatureMethod,
    digest: DigestAlgorithm,
    at: dt.datetime,
) -> bytes:
    """The bytes the signature covers, once its digest and signature value hold with
    `certificate` (already validated)."""
    if needs_signxml(signature):
        return _verify_with_signxml(root, certificate, method=method, digest=digest, at=at)
    return verify_enveloped(root, signature, certificate.public_key(), method=method, digest=digest)


def _verify_with_signxml(
    root: Any,
    certificate: x509.Certificate,
    *,
    method: SignatureMethod,
    digest: DigestAlgorithm,
    at: dt.datetime,
) -> bytes:
    """signxml's check (its own copies of the tree), for the forms `verify_enveloped` leaves
    to it."""
    config = SignatureConfiguration(
        require_x509=True,
        location=SIGNATURE_LOCATION,
        expect_references=1,
        signature_methods=frozenset({method}),
        digest_algorithms=frozenset({digest}),
        verification_time=at,
    )
    try:
        result = XMLVerifier().verify(
            root, x509_cert=certificate, parser=hardened_parser(), expect_config=config
        )
    except InvalidDigest as error:
        raise PacketSignatureError(Problem.BAD_SIGNATURE) from error
    except InvalidCertificate as error:
        raise PacketSignatureError(Problem.UNTRUSTED_CERTIFICATE) from error
    except InvalidSignature as error:
        raise PacketSignatureError(Problem.BAD_SIGNATURE) from error
    except (
        SignXMLException,
        etree.DocumentInvalid,
        ValueError,
        TypeError,  # e.g. an empty DigestValue, or two C14N transforms one after the other
        binascii.Error,
    ) as error:
        raise PacketSignatureError(Problem.BAD_SIGNATURE, BROKEN_SIGNATURE) from error
    if isinstance(result, list):  # pragma: no cover - expect_references=1 returns one
        raise PacketSignatureError(Problem.WRONG_REFERENCE)
    return bytes(result.signed_data)
