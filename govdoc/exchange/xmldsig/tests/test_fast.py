"""The digest and signature value computed on the parsed tree (`xmldsig/fast.py`): the same
answers as signxml, both ways, and the same refusals.

The packets, identities and fixtures are those of govdoc/exchange/tests/test_xmldsig.py."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as Method
from signxml.verifier import XMLVerifier

from govdoc.exchange.tests.test_xmldsig import (
    NOW,
    NS,
    SUBJECT,
    RsaIdentity,
    _AnySigner,
    header_of,
    packet,
    parse,
    refusal,
    rsa_identity,
    signed_by,
)
from govdoc.exchange.xmldsig import (
    DS_NS,
    PacketSignatureError,
    SignatureProblem,
    sign_packet,
    verify_packet,
)
from govdoc.exchange.xmldsig.fast import (
    BROKEN_SIGNATURE,
    EXCLUSIVE,
    C14n,
    check_value,
    verify_enveloped,
    without_signature,
)
from govdoc.exchange.xmldsig.parsing import parse_packet
from govdoc.exchange.xmldsig.verification import _verify_with_signxml
from govdoc.signatures.testing_pki import TestPki

EXC = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0


def signxml_signed(
    key: Any,
    certificates: list[x509.Certificate],
    xml: bytes,
    *,
    c14n: CanonicalizationMethod = EXC,
    signature: SignatureMethod = SignatureMethod.RSA_SHA256,
    digest: DigestAlgorithm = DigestAlgorithm.SHA256,
    first_in_header: bool = False,
    **sign_options: Any,
) -> bytes:
    """`xml` signed by signxml itself, the signature in edXMLHeader (last child, or first)."""
    root = parse(xml)
    header = header_of(root)
    placeholder = etree.Element(f"{{{DS_NS}}}Signature", {"Id": "placeholder"}, nsmap={"ds": DS_NS})
    if first_in_header:
        placeholder.tail = header.text
        header.insert(0, placeholder)
    else:
        header.append(placeholder)
    signer = _AnySigner(
        method=Method.enveloped,
        signature_algorithm=signature,
        digest_algorithm=digest,
        c14n_algorithm=c14n,
    )
    signed = signer.sign(root, key=key, cert=certificates, **sign_options)
    result: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return result


def by_signxml(identity: RsaIdentity, xml: bytes | None = None, **options: Any) -> bytes:
    certificates = [identity.certificate, *identity.chain]
    return signxml_signed(identity.key, certificates, xml or packet(), **options)


def signxml_verifies(xml: bytes, certificate: x509.Certificate) -> bytes:
    result: Any = XMLVerifier().verify(xml, x509_cert=certificate, expect_references=1)
    return bytes(result.signed_data)


def signature_of(root: Any) -> Any:
    return root.find(".//ds:Signature", NS)


# --- interoperability ------------------------------------------------------------------------


def test_a_packet_signed_here_verifies_with_signxml(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet signed by govdoc (its own enveloped signature, not signxml's signer)
    signed = signed_by(agency)
    # when signxml's XMLVerifier checks it
    covered = signxml_verifies(signed, agency.certificate)
    # then it holds, and covers the very bytes govdoc's verifier returns
    assert covered == verify_packet(signed, trust_roots=roots).signed_xml


def test_a_compact_packet_signed_here_verifies_with_signxml(agency: RsaIdentity) -> None:
    # given a packet without indentation (no text around the signature)
    compact = etree.tostring(parse(packet()), xml_declaration=True, encoding="UTF-8")
    compact = compact.replace(b">\n", b">").replace(b"  ", b"")
    signed = signed_by(agency, compact)
    # then signxml accepts its signature
    assert signxml_verifies(signed, agency.certificate)


@pytest.mark.parametrize(
    ("c14n", "signature", "digest"),
    [
        (EXC, SignatureMethod.RSA_SHA256, DigestAlgorithm.SHA256),
        (
            CanonicalizationMethod.CANONICAL_XML_1_0,
            SignatureMethod.RSA_SHA256,
            DigestAlgorithm.SHA256,
        ),
        (
            CanonicalizationMethod.CANONICAL_XML_1_1,
            SignatureMethod.RSA_SHA384,
            DigestAlgorithm.SHA384,
        ),
        (EXC, SignatureMethod.RSA_SHA512, DigestAlgorithm.SHA512),
    ],
)
def test_a_packet_signed_by_signxml_verifies_here(
    agency: RsaIdentity,
    roots: list[x509.Certificate],
    c14n: CanonicalizationMethod,
    signature: SignatureMethod,
    digest: DigestAlgorithm,
) -> None:
    # given a packet signed by signxml with one of the accepted algorithms
    signed = by_signxml(agency, c14n=c14n, signature=signature, digest=digest)
    # when govdoc verifies it
    verified = verify_packet(signed, trust_roots=roots)
    # then it holds, with the same covered bytes as signxml's
    assert verified.signature_algorithm == signature.value
    assert verified.signed_xml == signxml_verifies(signed, agency.certificate)


def test_inclusive_namespace_prefixes_are_refused_as_before(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet signed by signxml with exclusive C14N and an InclusiveNamespaces
    # PrefixList (which signxml's XML-DSig schema does not allow)
    xml = packet().replace(b"<edXML:edXMLEnvelope>", b'<edXML:edXMLEnvelope xmlns:x="urn:x">')
    signed = by_signxml(agency, xml, inclusive_ns_prefixes=["x"])
    assert b"InclusiveNamespaces" in signed
    # then it is refused as a malformed signature, here as by signxml's verifier
    error = refusal(signed, roots)
    assert (error.reason, error.message_vi) == (SignatureProblem.BAD_SIGNATURE, BROKEN_SIGNATURE)
    root = parse_packet(signed)
    with pytest.raises(PacketSignatureError) as caught:
        _verify_with_signxml(
            root,
            agency.certificate,
            method=SignatureMethod.RSA_SHA256,
            digest=DigestAlgorithm.SHA256,
            at=NOW,
        )
    assert caught.value.message_vi == BROKEN_SIGNATURE


def test_inclusive_c14n_covers_the_namespaces_signed_info_inherits(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given an inclusive-C14N signature in a packet whose root declares an extra namespace
    xml = packet().replace(b"<edXML:edXML ", b'<edXML:edXML xmlns:x="urn:x" ')
    signed = by_signxml(agency, xml, c14n=CanonicalizationMethod.CANONICAL_XML_1_0)
    # when verified, then it holds (SignedInfo canonicalised with the inherited xmlns:x)
    assert verify_packet(signed, trust_roots=roots).organ_id is not None
    # and removing that declaration breaks the signature (SignedInfo changed)
    assert refusal(signed.replace(b' xmlns:x="urn:x"', b""), roots).reason == (
        SignatureProblem.BAD_SIGNATURE
    )


def test_a_signature_first_in_the_header_keeps_the_text_after_it(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signxml signature placed first in edXMLHeader, text after it
    signed = by_signxml(agency, first_in_header=True)
    assert header_of(parse(signed))[0].tag == f"{{{DS_NS}}}Signature"
    # then govdoc's enveloped-signature transform keeps that text as signxml does
    verified = verify_packet(signed, trust_roots=roots)
    assert verified.signed_xml == signxml_verifies(signed, agency.certificate)


def test_an_ecdsa_signature_verifies(pki: TestPki) -> None:
    # given a packet signed by signxml with the test PKI's ECDSA P-256 agency key
    identity = pki.agency
    assert isinstance(identity.private_key, ec.EllipticCurvePrivateKey)
    signed = signxml_signed(
        identity.private_key,
        [identity.certificate, *identity.chain],
        packet(),
        signature=SignatureMethod.ECDSA_SHA256,
    )
    # then it verifies (raw r||s turned into DER for cryptography)
    verified = verify_packet(signed, trust_roots=[pki.root.certificate])
    assert verified.signature_algorithm == SignatureMethod.ECDSA_SHA256.value
    # and a changed byte of the value breaks it
    root = parse(signed)
    value = root.find(".//ds:SignatureValue", NS)
    raw = bytearray(base64.b64decode(value.text))
    raw[5] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    error = refusal(etree.tostring(root), [pki.root.certificate])
    assert error.reason == SignatureProblem.BAD_SIGNATURE


def test_a_key_value_next_to_the_certificate_is_checked_by_signxml(
    agency: RsaIdentity, roots: list[x509.Certificate], pki: TestPki
) -> None:
    # given a signxml signature whose KeyInfo also carries the key as RSAKeyValue
    signed = by_signxml(agency, always_add_key_value=True)
    assert b"RSAKeyValue" in signed
    # then it verifies (signxml compares the key with the certificate)
    assert verify_packet(signed, trust_roots=roots).certificate == agency.certificate
    # and a KeyValue of another key is refused as a broken signature
    other = rsa_identity(pki.intermediate)
    foreign = by_signxml(other, always_add_key_value=True)
    root, other_root = parse(signed), parse(foreign)
    signature_of(root).find("ds:KeyInfo/ds:KeyValue", NS).getparent().replace(
        signature_of(root).find("ds:KeyInfo/ds:KeyValue", NS),
        signature_of(other_root).find("ds:KeyInfo/ds:KeyValue", NS),
    )
    assert refusal(etree.tostring(root), roots).reason == SignatureProblem.BAD_SIGNATURE


# --- refusals --------------------------------------------------------------------------------


def test_changed_content_fails_on_the_digest(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signed packet whose subject is changed, SignedInfo untouched
    tampered = signed_by(agency).replace(SUBJECT.encode(), "Về việc khác".encode())
    root = parse_packet(tampered)
    signature = signature_of(root)
    signed_info = signature.find("ds:SignedInfo", NS)
    value = base64.b64decode(signature.find("ds:SignatureValue", NS).text)
    # (the signature value over SignedInfo still holds: only the digest can fail)
    check_value(
        agency.certificate.public_key(),
        SignatureMethod.RSA_SHA256,
        value,
        EXCLUSIVE.apply(signed_info),
    )
    # then verification refuses it with the "content changed" problem
    error = refusal(tampered, roots)
    assert error.reason == SignatureProblem.BAD_SIGNATURE
    assert "đã bị thay đổi" in error.message_vi


def test_changed_signed_info_fails_on_the_signature(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a tampered packet whose DigestValue the attacker recomputed to match
    tampered = parse_packet(signed_by(agency).replace(SUBJECT.encode(), "Về việc khác".encode()))
    signature = signature_of(tampered)
    digest = hashlib.sha256(without_signature(signature, EXCLUSIVE)).digest()
    signature.find(".//ds:DigestValue", NS).text = base64.b64encode(digest).decode()
    # then the signature value over SignedInfo no longer holds
    error = refusal(etree.tostring(tampered), roots)
    assert error.reason == SignatureProblem.BAD_SIGNATURE


def test_a_signature_checked_with_the_wrong_key_fails(
    agency: RsaIdentity, pki: TestPki, roots: list[x509.Certificate]
) -> None:
    # given a packet signed by the agency, and another agency's key under the same CA
    other = rsa_identity(pki.intermediate, common_name="Cơ quan khác")
    root = parse_packet(signed_by(agency))
    # when checked with the other key, then it fails
    with pytest.raises(Exception) as caught:
        verify_enveloped(
            root,
            signature_of(root),
            other.certificate.public_key(),
            method=SignatureMethod.RSA_SHA256,
            digest=DigestAlgorithm.SHA256,
        )
    assert getattr(caught.value, "reason", None) == SignatureProblem.BAD_SIGNATURE
    # and a packet whose certificate is swapped for the other (trusted) one is refused
    swapped = signed_by(agency)
    original = signature_of(parse(swapped)).find(".//ds:X509Certificate", NS).text
    replacement = signature_of(parse(signed_by(other))).find(".//ds:X509Certificate", NS).text
    error = refusal(swapped.replace(original.encode(), replacement.encode()), roots)
    assert error.reason == SignatureProblem.BAD_SIGNATURE


def test_an_ecdsa_value_of_the_wrong_size_is_a_bad_signature(pki: TestPki) -> None:
    key = pki.agency.private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    with pytest.raises(Exception) as caught:
        check_value(key.public_key(), SignatureMethod.ECDSA_SHA256, b"\x01" * 63, b"<a></a>")
    assert getattr(caught.value, "reason", None) == SignatureProblem.BAD_SIGNATURE


def test_an_rsa_method_with_an_ecdsa_certificate_is_a_broken_signature(pki: TestPki) -> None:
    key = pki.agency.private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    with pytest.raises(Exception) as caught:
        check_value(key.public_key(), SignatureMethod.RSA_SHA256, b"\x01" * 256, b"<a></a>")
    assert getattr(caught.value, "reason", None) == SignatureProblem.BAD_SIGNATURE
    assert "cấu trúc" in str(caught.value)


def test_a_second_signature_value_is_refused_by_the_schema(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signed packet with a second SignatureValue after the first
    root = parse(signed_by(agency))
    value = signature_of(root).find("ds:SignatureValue", NS)
    value.addnext(etree.fromstring(etree.tostring(value)))
    # then it is a malformed signature (the XML-DSig schema, as signxml checked it)
    error = refusal(etree.tostring(root), roots)
    assert error.reason == SignatureProblem.BAD_SIGNATURE
    assert "cấu trúc" in error.message_vi


def test_two_c14n_transforms_are_refused_not_crashed(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signature whose reference lists a second C14N transform
    root = parse(signed_by(agency))
    transforms = signature_of(root).find(".//ds:Transforms", NS)
    transforms.append(etree.fromstring(etree.tostring(transforms[-1])))
    # then it is refused with a typed reason (signxml raised a TypeError here)
    assert refusal(etree.tostring(root), roots).reason == SignatureProblem.BAD_SIGNATURE


def test_an_empty_digest_value_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    root = parse(signed_by(agency))
    signature_of(root).find(".//ds:DigestValue", NS).text = None
    assert refusal(etree.tostring(root), roots).reason == SignatureProblem.BAD_SIGNATURE


# --- the tree ---------------------------------------------------------------------------------


def test_verification_leaves_the_tree_as_it_was(agency: RsaIdentity) -> None:
    # given a parsed signed packet
    root = parse_packet(signed_by(agency))
    before = etree.tostring(root)
    # when its signature is checked on the tree
    covered = verify_enveloped(
        root,
        signature_of(root),
        agency.certificate.public_key(),
        method=SignatureMethod.RSA_SHA256,
        digest=DigestAlgorithm.SHA256,
    )
    # then the tree is unchanged and what is covered is the document without the signature
    assert etree.tostring(root) == before
    assert b"Signature" not in covered
    assert covered == C14n(exclusive=True).apply(_without(root))


def _without(root: Any) -> Any:
    copy = etree.fromstring(etree.tostring(root))
    signature = signature_of(copy)
    previous = signature.getprevious()
    previous.tail = (previous.tail or "") + (signature.tail or "")
    signature.getparent().remove(signature)
    return copy


def test_signing_does_not_depend_on_signxml_signer(
    agency: RsaIdentity, roots: list[x509.Certificate], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given signxml's signer made unusable
    import signxml.signer

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("signxml's signer is not used")

    monkeypatch.setattr(signxml.signer.XMLSigner, "sign", refuse)
    # when a packet is signed, then it verifies
    signed = sign_packet(
        packet(), key=agency.key, certificate=agency.certificate, chain=agency.chain
    )
    assert verify_packet(signed, trust_roots=roots).certificate == agency.certificate
    assert isinstance(agency.key, rsa.RSAPrivateKey)


def test_the_signed_root_reads_as_the_signed_bytes(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet from the edXML builder, signed
    from govdoc.exchange.edxml import build_document_packet
    from govdoc.exchange.edxml.parse import read_packet, read_tree
    from govdoc.exchange.edxml.tests.samples import document

    signed = signed_by(agency, build_document_packet(document()))
    # when verified
    verified = verify_packet(signed, trust_roots=roots)
    # then the verified tree has no signature, canonicalises to the signed bytes, and reads as
    # they read
    assert signature_of(verified.signed_root) is None
    assert EXCLUSIVE.apply(verified.signed_root) == verified.signed_xml
    assert read_tree(verified.signed_root).packet == read_packet(verified.signed_xml).packet
