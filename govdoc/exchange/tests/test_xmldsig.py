"""XML-DSig signing and verification of edXML packets (govdoc.exchange.xmldsig).

The agency's RSA-2048 certificates are issued at run time under the test PKI of
`govdoc.signatures.testing_pki` (root → intermediate); nothing is committed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as Method
from signxml.signer import XMLSigner

from govdoc.exchange.xmldsig import (
    DS_NS,
    EDXML_NS,
    PacketSenderError,
    PacketSignatureError,
    PacketSigningError,
    SignatureProblem,
    VerifiedPacket,
    check_sender,
    organ_id_of,
    sign_packet,
    sign_packet_with_signer,
    trust_roots_from_store,
    verify_packet,
)
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import (
    TestIdentity,
    TestPki,
    issue_certificate,
    make_identity,
    make_test_pki,
)

NS = {"e": EDXML_NS, "ds": DS_NS}
SENDER = "000.00.00.G22"
RECEIVER = "000.00.00.G12"
SUBJECT = "Về việc triển khai liên thông văn bản điện tử"
ATTACHMENT = b"PK\x03\x04 noi dung tep dinh kem thu nghiem"
PASSWORD = "mat-khau-p12"
NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RsaIdentity:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def pkcs12(self) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name=b"agency",
            key=self.key,
            cert=self.certificate,
            cas=list(self.chain),
            encryption_algorithm=serialization.BestAvailableEncryption(PASSWORD.encode()),
        )


def rsa_identity(
    issuer: TestIdentity,
    *,
    common_name: str = "Văn phòng Chính phủ",
    uid: str | None = f"MĐĐT:{SENDER}",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> RsaIdentity:
    """An RSA-2048 agency certificate issued by `issuer` (a CA of the test PKI)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if uid is not None:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    certificate = issue_certificate(
        key.public_key(),
        subject=x509.Name(attributes),
        issuer=issuer,
        not_before=not_before or NOW - DAY,
        not_after=not_after or NOW + 365 * DAY,
    )
    chain = (issuer.certificate, *issuer.chain) if _not_root(issuer) else ()
    return RsaIdentity(key=key, certificate=certificate, chain=chain)


def _not_root(identity: TestIdentity) -> bool:
    return identity.certificate.issuer != identity.certificate.subject


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="module")
def agency(pki: TestPki) -> RsaIdentity:
    return rsa_identity(pki.intermediate)


@pytest.fixture(scope="module")
def roots(pki: TestPki) -> list[x509.Certificate]:
    return [pki.root.certificate]


def packet(
    *,
    subject: str = SUBJECT,
    from_organ_id: str = SENDER,
    attachment: bytes = ATTACHMENT,
    attachment_id: str | None = None,
    envelope_id: str | None = None,
) -> bytes:
    """A small edXML-shaped packet: envelope (header, body with manifest) and one attachment."""
    envelope_attr = f' Id="{envelope_id}"' if envelope_id else ""
    attachment_attr = f' Id="{attachment_id}"' if attachment_id else ""
    content = base64.b64encode(attachment).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXML xmlns:edXML="{EDXML_NS}">
  <edXML:edXMLEnvelope{envelope_attr}>
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>{from_organ_id}</edXML:OrganId>
          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>{RECEIVER}</edXML:OrganId>
          <edXML:OrganName>Bộ Tài nguyên và Môi trường</edXML:OrganName>
        </edXML:To>
        <edXML:DocumentId>{SENDER},2026/11/20,7816/VPCP-TTĐT</edXML:DocumentId>
        <edXML:Subject>{subject}</edXML:Subject>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference>
          <edXML:ContentId>cid:vanban-1</edXML:ContentId>
          <edXML:ContentType>application/zip</edXML:ContentType>
          <edXML:AttachmentName>vanban.zip</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <edXML:AttachmentEncoded>
    <edXML:Attachment{attachment_attr}>
      <edXML:ContentId>cid:vanban-1</edXML:ContentId>
      <edXML:AttachmentName>vanban.zip</edXML:AttachmentName>
      <edXML:ContentType>application/zip</edXML:ContentType>
      <edXML:ContentTransferEncoded>{content}</edXML:ContentTransferEncoded>
    </edXML:Attachment>
  </edXML:AttachmentEncoded>
</edXML:edXML>
""".encode()


def signed_by(identity: RsaIdentity, xml: bytes | None = None, **kwargs: Any) -> bytes:
    return sign_packet(
        xml if xml is not None else packet(),
        key=identity.key,
        certificate=identity.certificate,
        chain=identity.chain,
        **kwargs,
    )


def refusal(xml: bytes, roots: list[x509.Certificate], **kwargs: Any) -> PacketSignatureError:
    with pytest.raises(PacketSignatureError) as caught:
        verify_packet(xml, trust_roots=roots, **kwargs)
    assert caught.value.message_vi  # always a Vietnamese message to show
    return caught.value


def parse(xml: bytes) -> Any:
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


def header_of(root: Any) -> Any:
    return root.find("e:edXMLEnvelope/e:edXMLHeader", NS)


class _AnySigner(XMLSigner):
    """signxml as an older or foreign producer uses it (SHA-1 allowed, any reference)."""

    def check_deprecated_methods(self) -> None:
        return None


def foreign_signed(
    identity: RsaIdentity,
    xml: bytes,
    *,
    signature: SignatureMethod = SignatureMethod.RSA_SHA256,
    digest: DigestAlgorithm = DigestAlgorithm.SHA256,
    reference_uri: str | None = None,
) -> bytes:
    """`xml` signed by signxml directly, the signature placed in edXMLHeader."""
    root = parse(xml)
    etree.SubElement(
        header_of(root), f"{{{DS_NS}}}Signature", {"Id": "placeholder"}, nsmap={"ds": DS_NS}
    )
    signer = _AnySigner(
        method=Method.enveloped,
        signature_algorithm=signature,
        digest_algorithm=digest,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(
        root,
        key=identity.key,
        cert=[identity.certificate, *identity.chain],
        reference_uri=reference_uri,
    )
    result: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return result


# --- signing then verifying ------------------------------------------------------------------


def test_signed_packet_verifies_and_names_the_signer(
    agency: RsaIdentity, roots: list[x509.Certificate], pki: TestPki
) -> None:
    # given an unsigned packet and the agency's RSA key and certificate
    # when it is signed and verified against the test root
    signed = signed_by(agency)
    verified = verify_packet(signed, trust_roots=roots)
    # then the signer is the agency's certificate
    der = agency.certificate.public_bytes(serialization.Encoding.DER)
    assert isinstance(verified, VerifiedPacket)
    assert "CN=Văn phòng Chính phủ" in verified.subject
    assert verified.organ_id == SENDER
    assert verified.from_organ_id == SENDER
    assert verified.fingerprint == hashlib.sha256(der).hexdigest()
    assert verified.signature_algorithm == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert verified.digest_algorithm == "http://www.w3.org/2001/04/xmlenc#sha256"
    assert not verified.uses_sha1
    assert verified.certificate == agency.certificate
    assert verified.chain == (pki.intermediate.certificate, pki.root.certificate)


def test_signature_has_the_required_shape(agency: RsaIdentity) -> None:
    # given a signed packet
    root = parse(signed_by(agency))
    # then the signature is the last child of edXMLHeader, over the whole document
    header = header_of(root)
    signature = header[-1]
    assert signature.tag == f"{{{DS_NS}}}Signature"
    assert len(root.findall(".//ds:Signature", NS)) == 1
    info = signature.find("ds:SignedInfo", NS)
    assert info.find("ds:CanonicalizationMethod", NS).get("Algorithm") == (
        "http://www.w3.org/2001/10/xml-exc-c14n#"
    )
    assert info.find("ds:SignatureMethod", NS).get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    (reference,) = info.findall("ds:Reference", NS)
    assert reference.get("URI") == ""
    assert [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)] == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
    ]
    assert reference.find("ds:DigestMethod", NS).get("Algorithm") == (
        "http://www.w3.org/2001/04/xmlenc#sha256"
    )
    # and KeyInfo carries the certificate then its chain
    certificates = [
        x509.load_der_x509_certificate(base64.b64decode("".join(c.text.split())))
        for c in signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    ]
    assert certificates == [agency.certificate, *agency.chain]
    # and the rest of the packet is unchanged
    assert header.find("e:MessageHeader/e:Subject", NS).text == SUBJECT


def test_signed_xml_is_the_packet_without_its_signature(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    verified = verify_packet(signed_by(agency), trust_roots=roots)
    signed_root = etree.fromstring(verified.signed_xml)
    assert signed_root.find(".//ds:Signature", NS) is None
    assert signed_root.find(".//e:Subject", NS).text == SUBJECT
    encoded = signed_root.find(".//e:ContentTransferEncoded", NS).text
    assert base64.b64decode(encoded) == ATTACHMENT


def test_signing_with_a_pkcs12_signer_keeps_to_the_signer_protocol(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given the agency's PKCS#12 file opened as a govdoc Signer
    signer = Pkcs12Signer(agency.pkcs12(), PASSWORD)
    # when the packet is signed through the signer (its pyHanko raw signature)
    signed = sign_packet_with_signer(packet(), signer=signer)
    # then it verifies and names the same certificate
    verified = verify_packet(signed, trust_roots=roots)
    assert verified.certificate == agency.certificate


def test_signing_with_a_key_on_a_pkcs11_token(
    pki: TestPki, roots: list[x509.Certificate], tmp_path: Path
) -> None:
    softhsm = pytest.importorskip("govdoc.signatures.tests.softhsm")
    if softhsm.softhsm_missing_reason():
        pytest.skip(softhsm.softhsm_missing_reason())
    from govdoc.signatures.pkcs11_provider import Pkcs11Signer

    # given an RSA key generated on a SoftHSM token, its certificate from the test PKI
    with softhsm.softhsm_token(tmp_path) as token:
        token.add_key("ky-goi-tin", b"\x01", issuer=pki.intermediate, common_name="Cơ quan A")
        with Pkcs11Signer(
            module_path=token.module_path,
            token_label=token.label,
            pin=token.pin,
            key_label="ky-goi-tin",
            chain=[pki.intermediate.asn1],
        ) as signer:
            # when the packet is signed on the token (the key never leaves it)
            signed = sign_packet_with_signer(packet(), signer=signer)
    # then the packet verifies
    verified = verify_packet(signed, trust_roots=roots)
    assert "CN=Cơ quan A" in verified.subject
    assert verified.organ_id is None


def test_a_large_attachment_is_signed_and_verified(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given an attachment whose base64 text is over libxml2's default 10 MB text node cap
    big = bytes(range(256)) * (8 * 1024 * 4)  # 8 MiB, 11 MB in base64
    signed = signed_by(agency, packet(attachment=big))
    # when verified, then it holds
    assert verify_packet(signed, trust_roots=roots).organ_id == SENDER


# --- tampering -------------------------------------------------------------------------------


def test_changed_subject_breaks_the_signature(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signed packet whose subject is changed afterwards
    signed = signed_by(agency)
    tampered = signed.replace(SUBJECT.encode(), "Về việc khác hẳn".encode())
    assert tampered != signed
    # then verification refuses it
    assert refusal(tampered, roots).reason == SignatureProblem.BAD_SIGNATURE


def test_changed_attachment_breaks_the_signature(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signed packet whose attachment bytes are replaced (outside the envelope)
    signed = signed_by(agency)
    original = base64.b64encode(ATTACHMENT)
    tampered = signed.replace(original, base64.b64encode(b"PK\x03\x04 tep da bi thay the"))
    assert tampered != signed
    # then the whole-document reference catches it
    error = refusal(tampered, roots)
    assert error.reason == SignatureProblem.BAD_SIGNATURE
    assert "tệp đính kèm" in error.message_vi


def test_changed_sender_breaks_the_signature(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    signed = signed_by(agency)
    tampered = signed.replace(
        f"<edXML:OrganId>{SENDER}</edXML:OrganId>".encode(),
        b"<edXML:OrganId>000.00.00.H41</edXML:OrganId>",
    )
    assert refusal(tampered, roots).reason == SignatureProblem.BAD_SIGNATURE


def test_unsigned_packet_is_refused(roots: list[x509.Certificate]) -> None:
    error = refusal(packet(), roots)
    assert error.reason == SignatureProblem.NO_SIGNATURE
    assert error.message_vi == "Gói tin không có chữ ký số."


def test_signature_without_certificate_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    root = parse(signed_by(agency))
    key_info = root.find(".//ds:KeyInfo", NS)
    key_info.getparent().remove(key_info)
    error = refusal(etree.tostring(root), roots)
    assert error.reason == SignatureProblem.NO_CERTIFICATE


# --- certificates ----------------------------------------------------------------------------


def test_certificate_from_a_foreign_root_is_untrusted(
    pki: TestPki, roots: list[x509.Certificate]
) -> None:
    # given a packet signed with a certificate issued under a root the installation does not trust
    stranger = rsa_identity(pki.foreign_root, common_name="Cơ quan lạ", uid=None)
    signed = signed_by(stranger)
    # then it is refused as untrusted
    error = refusal(signed, roots)
    assert error.reason == SignatureProblem.UNTRUSTED_CERTIFICATE
    # and trusting the foreign root makes it pass
    assert verify_packet(signed, trust_roots=[pki.foreign_root.certificate]).organ_id is None


def test_certificate_without_its_chain_is_untrusted(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet whose KeyInfo lacks the intermediate CA
    signed = sign_packet(packet(), key=agency.key, certificate=agency.certificate)
    assert refusal(signed, roots).reason == SignatureProblem.UNTRUSTED_CERTIFICATE


def test_empty_trust_store_trusts_nothing(agency: RsaIdentity) -> None:
    error = refusal(signed_by(agency), [])
    assert error.reason == SignatureProblem.UNTRUSTED_CERTIFICATE
    assert "trống" in error.message_vi


def test_expired_certificate_is_refused(pki: TestPki, roots: list[x509.Certificate]) -> None:
    # given a packet signed while a certificate was valid, which has expired since
    old = rsa_identity(pki.intermediate, not_before=NOW - 25 * DAY, not_after=NOW - 5 * DAY)
    signed = signed_by(old, now=NOW - 10 * DAY)
    # then it is refused as expired, with the end date in Vietnamese
    error = refusal(signed, roots)
    assert error.reason == SignatureProblem.EXPIRED_CERTIFICATE
    assert "đã hết hạn" in error.message_vi
    # and it verifies at a moment within the validity period
    assert verify_packet(signed, trust_roots=roots, at=NOW - 10 * DAY).organ_id == SENDER


def test_expired_intermediate_ca_is_refused_as_expired(
    pki: TestPki, roots: list[x509.Certificate]
) -> None:
    # given a valid agency certificate issued by an intermediate CA that has since expired
    old_ca = make_identity(
        name="old-ca",
        common_name="CA trung gian cũ",
        issuer=pki.root,
        ca=True,
        not_before=NOW - 20 * DAY,
        not_after=NOW - 2 * DAY,
    )
    signed = signed_by(rsa_identity(old_ca, not_before=NOW - 10 * DAY))
    # then the refusal says expired, naming the CA
    error = refusal(signed, roots)
    assert error.reason == SignatureProblem.EXPIRED_CERTIFICATE
    assert "CA trung gian cũ" in error.message_vi


def test_certificate_not_yet_valid_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    error = refusal(signed_by(agency), roots, at=NOW - 10 * DAY)
    assert error.reason == SignatureProblem.CERTIFICATE_NOT_YET_VALID


def test_organ_id_is_read_from_the_subject(pki: TestPki, agency: RsaIdentity) -> None:
    assert organ_id_of(agency.certificate) == SENDER
    assert organ_id_of(rsa_identity(pki.intermediate, uid=None).certificate) is None
    plain = rsa_identity(pki.intermediate, uid="000.00.18.G12").certificate
    assert organ_id_of(plain) == "000.00.18.G12"


# --- algorithms ------------------------------------------------------------------------------


def test_sha1_signature_is_refused_unless_allowed(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet signed as older samples are: RSA-SHA1 with a SHA-1 digest
    signed = foreign_signed(
        agency, packet(), signature=SignatureMethod.RSA_SHA1, digest=DigestAlgorithm.SHA1
    )
    # then it is refused by default
    error = refusal(signed, roots)
    assert error.reason == SignatureProblem.WEAK_ALGORITHM
    assert "SHA-1" in error.message_vi
    # and accepted when the installation allows SHA-1
    verified = verify_packet(signed, trust_roots=roots, allow_sha1=True)
    assert verified.uses_sha1
    assert verified.signature_algorithm == "http://www.w3.org/2000/09/xmldsig#rsa-sha1"


def test_sha1_digest_alone_is_refused(agency: RsaIdentity, roots: list[x509.Certificate]) -> None:
    signed = foreign_signed(agency, packet(), digest=DigestAlgorithm.SHA1)
    assert refusal(signed, roots).reason == SignatureProblem.WEAK_ALGORITHM


# --- signature wrapping and misplaced signatures ----------------------------------------------


def test_second_envelope_is_refused(agency: RsaIdentity, roots: list[x509.Certificate]) -> None:
    # given a signed packet into which an evil envelope is inserted before the signed one
    root = parse(signed_by(agency))
    evil = parse(packet(subject="Lệnh chuyển tiền khẩn")).find("e:edXMLEnvelope", NS)
    root.insert(0, evil)
    # then it is refused as a wrapping attempt
    error = refusal(etree.tostring(root), roots)
    assert error.reason == SignatureProblem.WRONG_REFERENCE


def test_signed_envelope_moved_into_the_signature_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given an attacker who moves the signed envelope into a ds:Object of the signature and
    # puts an evil envelope, carrying that signature, in its place
    root = parse(signed_by(agency))
    signed_envelope = root.find("e:edXMLEnvelope", NS)
    signature = signed_envelope.find("e:edXMLHeader/ds:Signature", NS)
    evil_root = parse(packet(subject="Lệnh chuyển tiền khẩn"))
    evil_envelope = evil_root.find("e:edXMLEnvelope", NS)
    header_of(evil_root).append(signature)
    hidden = etree.SubElement(signature, f"{{{DS_NS}}}Object")
    root.remove(signed_envelope)
    hidden.append(signed_envelope)
    root.insert(0, evil_envelope)
    # then it is refused
    assert refusal(etree.tostring(root), roots).reason == SignatureProblem.WRONG_REFERENCE


def test_reference_to_the_envelope_alone_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signature whose reference covers only the envelope (attachments unprotected)
    signed = foreign_signed(agency, packet(envelope_id="phong-bi"), reference_uri="#phong-bi")
    # then it is refused: the signature must cover the whole document
    error = refusal(signed, roots)
    assert error.reason == SignatureProblem.WRONG_REFERENCE
    assert "#phong-bi" in error.message_vi


def test_reference_to_another_element_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a valid signature over the attachment only, placed in the header
    signed = foreign_signed(agency, packet(attachment_id="tep-1"), reference_uri="#tep-1")
    # then the envelope is not taken as signed
    assert refusal(signed, roots).reason == SignatureProblem.WRONG_REFERENCE


def test_signature_outside_the_header_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    root = parse(signed_by(agency))
    signature = root.find(".//ds:Signature", NS)
    root.find("e:edXMLEnvelope/e:edXMLBody", NS).append(signature)
    error = refusal(etree.tostring(root), roots)
    assert error.reason == SignatureProblem.WRONG_REFERENCE


def test_two_signatures_are_refused(agency: RsaIdentity, roots: list[x509.Certificate]) -> None:
    # given a signed packet with a copy of its signature added to the header
    root = parse(signed_by(agency))
    header = header_of(root)
    header.append(etree.fromstring(etree.tostring(header[-1])))
    # then it is refused
    error = refusal(etree.tostring(root), roots)
    assert error.reason == SignatureProblem.MULTIPLE_SIGNATURES


# --- hostile XML -----------------------------------------------------------------------------


def test_external_entity_in_a_signed_packet_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate], tmp_path: Path
) -> None:
    # given a signed packet into which a DOCTYPE with an external entity is spliced
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("noi dung bi mat", encoding="utf-8")
    signed = signed_by(agency)
    declaration, rest = signed.split(b"\n", 1)
    doctype = f'<!DOCTYPE edXML:edXML [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    hostile = declaration + b"\n" + doctype + b"\n" + rest.replace(SUBJECT.encode(), b"&xxe;")
    # then the parser refuses it before anything is resolved
    error = refusal(hostile, roots)
    assert error.reason == SignatureProblem.UNSAFE_XML
    assert "noi dung bi mat" not in error.message_vi


def test_doctype_hidden_in_utf16_is_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a packet in UTF-16 with an internal entity (the byte scan cannot see it)
    signed = signed_by(agency).decode("utf-8").split("\n", 1)[1]
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE edXML:edXML [<!ENTITY a "aaaaaaaaaa">]>\n' + signed
    )
    # then it is refused after parsing
    assert refusal(text.encode("utf-16"), roots).reason == SignatureProblem.UNSAFE_XML


def test_not_xml_and_not_edxml_are_malformed(roots: list[x509.Certificate]) -> None:
    assert refusal(b"khong phai xml <", roots).reason == SignatureProblem.MALFORMED
    other = b'<a:edXML xmlns:a="urn:khac"><a:edXMLEnvelope/></a:edXML>'
    assert refusal(other, roots).reason == SignatureProblem.MALFORMED


def test_oversized_and_too_deep_packets_are_refused(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    signed = signed_by(agency)
    assert refusal(signed, roots, max_bytes=1000).reason == SignatureProblem.TOO_LARGE
    deep = signed.replace(b"<edXML:Subject>", b"<x>" * 100 + b"</x>" * 100 + b"<edXML:Subject>", 1)
    assert refusal(deep, roots).reason == SignatureProblem.TOO_LARGE


def test_comments_added_after_signing_are_not_read_as_signed(
    agency: RsaIdentity, roots: list[x509.Certificate]
) -> None:
    # given a signed packet where a comment is slipped into the subject (C14N ignores it)
    signed = signed_by(agency)
    words = SUBJECT.split(" ", 2)
    truncated = f"{words[0]} {words[1]}<!-- -->{' '}{words[2]}"
    tampered = signed.replace(SUBJECT.encode(), truncated.encode())
    # when verified
    verified = verify_packet(tampered, trust_roots=roots)
    # then what is signed reads the whole subject, the comment dropped
    assert etree.fromstring(verified.signed_xml).find(".//e:Subject", NS).text == SUBJECT


# --- the sending agency ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def verified(agency: RsaIdentity, roots: list[x509.Certificate]) -> VerifiedPacket:
    return verify_packet(signed_by(agency), trust_roots=roots)


def test_sender_matching_everything_is_accepted(verified: VerifiedPacket) -> None:
    check_sender(verified, authenticated_organ_id=SENDER, packet_from_organ_id=f" {SENDER} ")


def test_packet_from_another_agency_than_authenticated_is_refused(
    verified: VerifiedPacket,
) -> None:
    # given a packet whose From/OrganId is not the agency authenticated on the transport
    with pytest.raises(PacketSenderError) as caught:
        check_sender(verified, authenticated_organ_id="000.00.00.H41", packet_from_organ_id=SENDER)
    # then it is refused with both codes named
    assert caught.value.reason == SignatureProblem.SENDER_MISMATCH
    assert "000.00.00.H41" in caught.value.message_vi
    assert isinstance(caught.value, PacketSignatureError)


def test_claimed_sender_other_than_the_signed_one_is_refused(verified: VerifiedPacket) -> None:
    # given a caller passing a From/OrganId that is not the one signed in the packet
    with pytest.raises(PacketSenderError) as caught:
        check_sender(
            verified, authenticated_organ_id="000.00.00.H41", packet_from_organ_id="000.00.00.H41"
        )
    assert caught.value.reason == SignatureProblem.SENDER_MISMATCH


def test_certificate_of_another_agency_is_refused(
    pki: TestPki, roots: list[x509.Certificate]
) -> None:
    # given a packet from G22 signed with a certificate naming the agency H41
    other = rsa_identity(pki.intermediate, common_name="UBND tỉnh Nghệ An", uid="000.00.00.H41")
    verified = verify_packet(signed_by(other), trust_roots=roots)
    # then the sender check refuses it
    with pytest.raises(PacketSenderError) as caught:
        check_sender(verified, authenticated_organ_id=SENDER, packet_from_organ_id=SENDER)
    assert caught.value.reason == SignatureProblem.CERTIFICATE_ORGAN_MISMATCH


def test_certificate_naming_no_agency_is_accepted(
    pki: TestPki, roots: list[x509.Certificate]
) -> None:
    plain = rsa_identity(pki.intermediate, uid=None)
    verified = verify_packet(signed_by(plain), trust_roots=roots)
    assert verified.organ_id is None
    check_sender(verified, authenticated_organ_id=SENDER, packet_from_organ_id=SENDER)


# --- refusals when signing -------------------------------------------------------------------


def test_already_signed_packet_is_not_signed_again(agency: RsaIdentity) -> None:
    with pytest.raises(PacketSigningError, match="đã có chữ ký số"):
        signed_by(agency, signed_by(agency))


def test_non_rsa_key_is_refused(pki: TestPki) -> None:
    # given the test PKI's agency identity, whose key is ECDSA
    key: Any = pki.agency.private_key
    with pytest.raises(PacketSigningError, match="khóa RSA"):
        sign_packet(packet(), key=key, certificate=pki.agency.certificate)


def test_key_not_matching_the_certificate_is_refused(pki: TestPki, agency: RsaIdentity) -> None:
    other = rsa_identity(pki.intermediate)
    with pytest.raises(PacketSigningError, match="không khớp"):
        sign_packet(packet(), key=other.key, certificate=agency.certificate)


def test_key_that_cannot_sign_is_refused_in_vietnamese(agency: RsaIdentity) -> None:
    class OpaqueKey:
        """A key held elsewhere that offers no way to sign."""

    with pytest.raises(PacketSigningError, match="không xuất ra được"):
        sign_packet(packet(), key=OpaqueKey(), certificate=agency.certificate)  # type: ignore[arg-type]


def test_device_answering_with_another_keys_signature_is_caught(
    pki: TestPki, agency: RsaIdentity
) -> None:
    # given a signer that claims the agency's certificate but signs with another key
    other = Pkcs12Signer(rsa_identity(pki.intermediate).pkcs12(), PASSWORD)
    own = Pkcs12Signer(agency.pkcs12(), PASSWORD)

    class WrongDevice:
        certificate = own.certificate
        chain = own.chain

        def pyhanko_signer(self) -> object:
            return other.pyhanko_signer()

    # then the packet is not handed back
    with pytest.raises(PacketSigningError, match="chữ ký không hợp lệ"):
        sign_packet_with_signer(packet(), signer=WrongDevice())


def test_expired_certificate_cannot_sign(pki: TestPki) -> None:
    old = rsa_identity(pki.intermediate, not_before=NOW - 400 * DAY, not_after=NOW - 30 * DAY)
    with pytest.raises(PacketSigningError, match="đã hết hạn"):
        signed_by(old)


def test_not_an_edxml_packet_cannot_be_signed(agency: RsaIdentity) -> None:
    with pytest.raises(PacketSigningError, match="edXML"):
        signed_by(agency, b"<goi-tin/>")


def test_ecdsa_key_with_an_rsa_certificate_is_refused(agency: RsaIdentity) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(PacketSigningError, match="khóa RSA"):
        sign_packet(packet(), key=key, certificate=agency.certificate)  # type: ignore[arg-type]


# --- the installation's trust store ----------------------------------------------------------


@pytest.fixture
def stored_root(db: None, pki: TestPki) -> Iterator[None]:
    from govdoc.signatures.credentials import certificate_info
    from govdoc.signatures.models import TrustAnchor

    info = certificate_info(pki.root.certificate)
    TrustAnchor.objects.create(
        certificate_der=info.der,
        subject=info.subject,
        fingerprint=info.fingerprint,
        valid_from=info.valid_from,
        valid_to=info.valid_to,
        added_at=NOW,
    )
    yield


def test_trust_roots_come_from_the_active_trust_anchors(
    stored_root: None, agency: RsaIdentity, pki: TestPki
) -> None:
    roots = trust_roots_from_store()
    assert roots == [pki.root.certificate]
    assert verify_packet(signed_by(agency), trust_roots=roots).organ_id == SENDER
