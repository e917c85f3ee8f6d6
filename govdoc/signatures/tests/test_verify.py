from __future__ import annotations

import io

import pytest
from asn1crypto import x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader, PdfWriter

from govdoc.conftest import make_pdf
from govdoc.signatures.pades import Appearance, Box, sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import TestIdentity, TestPki
from govdoc.signatures.verify import (
    BAD_CHANGES,
    EXPIRED,
    NOT_INTACT,
    REVOKED,
    UNTRUSTED,
    PdfVerificationError,
    verify_pdf,
)


class RawSigner:
    """Signs with any test identity, skipping the provider's own checks (expired keys)."""

    def __init__(self, identity: TestIdentity) -> None:
        self._identity = identity

    @property
    def certificate(self) -> x509.Certificate:
        return self._identity.asn1

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._identity.asn1_chain

    def pyhanko_signer(self) -> object:
        chain = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        chain.register_multiple(self._identity.asn1_chain)
        return SimpleSigner(
            signing_cert=self._identity.asn1,
            signing_key=self._identity.asn1_key,
            cert_registry=chain,
        )


def signed_by(signer: object, pdf: bytes | None = None, field_name: str = "NguoiKy") -> bytes:
    return sign_pdf(
        pdf=pdf or make_pdf(),
        signer=signer,  # type: ignore[arg-type]
        field_name=field_name,
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=None,
    )


def test_valid_signature(pki: TestPki) -> None:
    # given a PDF signed by the person
    signed = signed_by(Pkcs12Signer(pki.person.pkcs12, pki.password))
    # when it is verified against the root
    report = verify_pdf(signed, roots=[pki.root.asn1])
    # then the one signature is intact, whole, trusted, without problems
    (signature,) = report.signatures
    assert report.all_valid
    assert signature.field_name == "NguoiKy"
    assert signature.signer_name == "Nguyễn Văn An"
    assert signature.intact and signature.covers_whole_document and signature.trusted
    assert not signature.timestamped
    assert signature.signing_time is not None
    assert signature.problems == []


def test_tampered_document_is_not_intact(pki: TestPki) -> None:
    # given a signed PDF whose visible text is changed afterwards, byte for byte in place
    signed = signed_by(Pkcs12Signer(pki.person.pkcs12, pki.password))
    tampered = signed.replace(b"Van ban thu nghiem", b"Van ban da sua doi", 1)
    assert tampered != signed
    # when verified, then the signature is reported broken
    (signature,) = verify_pdf(tampered, roots=[pki.root.asn1]).signatures
    assert not signature.intact
    assert NOT_INTACT in signature.problems


def test_unapproved_change_after_signing_is_reported(pki: TestPki) -> None:
    # given a signed PDF to which a page is appended by an incremental update
    signed = signed_by(Pkcs12Signer(pki.person.pkcs12, pki.password))
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page()
    buffer = io.BytesIO()
    writer.write(buffer)
    # when verified, then the signature is intact but the change is not allowed
    (signature,) = verify_pdf(buffer.getvalue(), roots=[pki.root.asn1]).signatures
    assert signature.intact and not signature.covers_whole_document
    assert not signature.later_changes_allowed
    assert BAD_CHANGES in signature.problems


def test_certificate_from_an_untrusted_root(pki: TestPki) -> None:
    signed = signed_by(RawSigner(pki.foreign_person))
    (signature,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert signature.intact and not signature.trusted
    assert signature.problems == [UNTRUSTED]
    # and trusting the foreign root makes it valid
    assert verify_pdf(signed, roots=[pki.foreign_root.asn1]).all_valid


def test_expired_certificate(pki: TestPki) -> None:
    signed = signed_by(RawSigner(pki.expired))
    (signature,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert signature.intact and not signature.trusted
    assert signature.problems == [EXPIRED]


def test_revoked_certificate_with_the_crl(pki: TestPki) -> None:
    signed = signed_by(Pkcs12Signer(pki.revoked.pkcs12, pki.password))
    # without the CRL nothing is known (soft-fail), with it the revocation shows
    assert verify_pdf(signed, roots=[pki.root.asn1]).all_valid
    (signature,) = verify_pdf(signed, roots=[pki.root.asn1], crls=[pki.asn1_crl]).signatures
    assert not signature.trusted
    assert signature.problems == [REVOKED]


def test_two_signatures_person_then_agency(pki: TestPki) -> None:
    # given the person signs, then the agency signs in a new visible field
    by_person = signed_by(Pkcs12Signer(pki.person.pkcs12, pki.password))
    by_agency = sign_pdf(
        pdf=by_person,
        signer=Pkcs12Signer(pki.agency.pkcs12, pki.password),
        field_name="CoQuan",
        reason="Phát hành",
        location="Hà Nội",
        appearance=Appearance(box=Box(0, 400, 760, 560, 820)),
    )
    # when verified, then both signatures are reported, in document order, and valid
    report = verify_pdf(by_agency, roots=[pki.root.asn1], crls=[pki.asn1_crl])
    first, second = report.signatures
    assert (first.signer_name, second.signer_name) == (
        "Nguyễn Văn An",
        "Bộ Tài nguyên và Môi trường",
    )
    assert not first.covers_whole_document and first.later_changes_allowed
    assert second.covers_whole_document
    assert report.all_valid


def test_timestamped_signature(pki: TestPki, tsa_url: str) -> None:
    signed = sign_pdf(
        pdf=make_pdf(),
        signer=Pkcs12Signer(pki.person.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="",
        location="",
        appearance=None,
        timestamp_url=tsa_url,
    )
    (signature,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert signature.timestamped and signature.valid


def test_unsigned_pdf_has_no_signatures(pki: TestPki) -> None:
    report = verify_pdf(make_pdf(), roots=[pki.root.asn1])
    assert report.signatures == [] and not report.signed and not report.all_valid


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not a pdf", b"", b"%PDF-1.4\n1 0 obj\n<< /Broken"],
    ids=["zip", "empty", "broken"],
)
def test_not_a_pdf_or_broken_pdf(pki: TestPki, data: bytes) -> None:
    with pytest.raises(PdfVerificationError, match="không phải PDF hợp lệ"):
        verify_pdf(data, roots=[pki.root.asn1])


def test_encrypted_pdf(pki: TestPki) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PdfVerificationError, match="mã hóa"):
        verify_pdf(buffer.getvalue(), roots=[pki.root.asn1])
