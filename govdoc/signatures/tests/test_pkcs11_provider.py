"""The PKCS#11 provider against a real SoftHSM2 token (created fresh in a tmp dir)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from govdoc.signatures.pkcs11_provider import Pkcs11Signer
from govdoc.signatures.signer import Signer, SignerError
from govdoc.signatures.testing_pki import TestPki, make_test_pki
from govdoc.signatures.tests.softhsm import SoftHsmToken, softhsm_missing_reason, softhsm_token

pytestmark = pytest.mark.skipif(
    softhsm_missing_reason() is not None, reason=softhsm_missing_reason() or ""
)


@dataclass(frozen=True)
class Hsm:
    token: SoftHsmToken
    pki: TestPki
    signing_cert: asn1_x509.Certificate
    expired_cert: asn1_x509.Certificate

    def signer(self, **kwargs: object) -> Pkcs11Signer:
        options: dict[str, object] = {
            "module_path": self.token.module_path,
            "token_label": self.token.label,
            "pin": self.token.pin,
            "key_label": "ky-so",
        }
        options.update(kwargs)
        return Pkcs11Signer(**options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hsm]:
    pki = make_test_pki()
    now = dt.datetime.now(dt.UTC)
    with softhsm_token(tmp_path_factory.mktemp("softhsm")) as token:
        signing_cert = token.add_key("ky-so", b"\x01", issuer=pki.intermediate)
        expired_cert = token.add_key(
            "het-han",
            b"\x02",
            issuer=pki.intermediate,
            not_before=now - dt.timedelta(days=400),
            not_after=now - dt.timedelta(days=30),
        )
        token.add_key("chi-khoa", b"\x03", issuer=pki.intermediate, store_certificate=False)
        token.add_certificate("chi-chung-thu", b"\x04", pki.person.asn1)
        token.add_certificate("ca-trung-gian", b"\x0a", pki.intermediate.asn1)
        token.add_certificate("ca-goc", b"\x0b", pki.root.asn1)
        yield Hsm(token, pki, signing_cert, expired_cert)


def _small_pdf() -> bytes:
    """A one-page PDF 1.7, written by hand (classic xref table)."""
    text = b"BT /F1 12 Tf 72 720 Td (Van ban thu nghiem) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _sign(signer: Pkcs11Signer) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name="ChuKySo")
    writer = IncrementalPdfFileWriter(BytesIO(_small_pdf()))
    pyhanko_signer = signer.pyhanko_signer()
    assert isinstance(pyhanko_signer, PKCS11Signer)
    out = signers.sign_pdf(writer, meta, signer=pyhanko_signer)
    return bytes(out.getvalue())


def test_signs_a_pdf_that_validates_as_intact_and_made_by_the_token_certificate(hsm: Hsm) -> None:
    # given a signer on the token's key
    with hsm.signer() as signer:
        provider: Signer = signer
        assert provider.certificate.dump() == hsm.signing_cert.dump()
        # when it signs a PDF through pyHanko
        signed = _sign(signer)

    # then the signature is intact, valid, trusted up to the test root, by that certificate
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert len(embedded) == 1
    status = validate_pdf_signature(
        embedded[0],
        ValidationContext(trust_roots=[hsm.pki.root.asn1], allow_fetching=False),
    )
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.signing_cert.dump() == hsm.signing_cert.dump()


def test_chain_is_read_from_the_token_without_the_root(hsm: Hsm) -> None:
    # given the intermediate and root CA certificates stored on the token
    # when the signer opens
    with hsm.signer() as signer:
        chain = signer.chain
    # then the chain holds the intermediate only
    assert [c.dump() for c in chain] == [hsm.pki.intermediate.asn1.dump()]


def test_finds_the_key_and_certificate_by_id(hsm: Hsm) -> None:
    # given only the CKA_ID of the key
    # when the signer opens and signs
    with hsm.signer(key_label=None, key_id=b"\x01") as signer:
        signed = _sign(signer)
        certificate = signer.certificate
    # then it used the key and certificate with that id
    assert certificate.dump() == hsm.signing_cert.dump()
    assert PdfFileReader(BytesIO(signed)).embedded_signatures


def test_closes_the_session_on_leaving_the_block(hsm: Hsm) -> None:
    # given an opened signer
    with hsm.signer() as signer:
        assert signer.is_open
    # when the block is left, then the session is closed and the signer unusable
    assert not signer.is_open
    with pytest.raises(SignerError, match="chưa được mở"):
        signer.certificate  # noqa: B018


def test_wrong_pin_is_refused(hsm: Hsm) -> None:
    # given a wrong PIN, when opening, then the user is told the PIN is wrong
    with pytest.raises(SignerError, match=r"^Mã PIN không đúng\.$"), hsm.signer(pin="000000"):
        pass


def test_missing_token_label_is_reported(hsm: Hsm) -> None:
    # given a label no token carries
    # when opening, then the token is reported missing
    with (
        pytest.raises(SignerError, match=r"Không tìm thấy thiết bị ký số \(token\).*khong-co"),
        hsm.signer(token_label="khong-co"),
    ):
        pass


def test_missing_module_is_reported(hsm: Hsm, tmp_path: Path) -> None:
    # given a module path where no library is
    missing = tmp_path / "khong-co" / "libpkcs11.so"
    # when opening, then the library is reported missing
    with (
        pytest.raises(SignerError, match="Không tìm thấy thư viện PKCS#11"),
        hsm.signer(module_path=str(missing)),
    ):
        pass


def test_a_file_that_is_not_a_library_is_reported(hsm: Hsm, tmp_path: Path) -> None:
    # given a file that is not a shared library
    not_a_library = tmp_path / "gia.so"
    not_a_library.write_bytes(b"khong phai thu vien")
    # when opening, then the library is reported unusable
    with (
        pytest.raises(SignerError, match="Không tìm thấy thư viện PKCS#11 hợp lệ"),
        hsm.signer(module_path=str(not_a_library)),
    ):
        pass


def test_expired_certificate_is_refused(hsm: Hsm) -> None:
    # given a key whose certificate expired a month ago
    # when opening, then signing is refused
    with (
        pytest.raises(SignerError, match="Chứng thư số đã hết hạn"),
        hsm.signer(key_label="het-han"),
    ):
        pass


def test_certificate_not_yet_valid_is_refused(hsm: Hsm) -> None:
    # given a clock before the certificate's start
    before = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    # when opening, then signing is refused
    with pytest.raises(SignerError, match="chưa có hiệu lực"), hsm.signer(now=before):
        pass


def test_missing_certificate_is_reported(hsm: Hsm) -> None:
    # given a key stored without its certificate
    # when opening, then the certificate is reported missing
    with (
        pytest.raises(SignerError, match="Không tìm thấy chứng thư số có nhãn «chi-khoa»"),
        hsm.signer(key_label="chi-khoa"),
    ):
        pass


def test_missing_key_is_reported(hsm: Hsm) -> None:
    # given a certificate stored without a private key
    # when opening, then the key is reported missing
    with (
        pytest.raises(SignerError, match="Không tìm thấy khóa bí mật có nhãn «chi-chung-thu»"),
        hsm.signer(key_label="chi-chung-thu"),
    ):
        pass


def test_key_not_matching_the_certificate_is_refused(hsm: Hsm) -> None:
    # given the signing key paired with another key's certificate
    # when opening, then the mismatch is reported
    with (
        pytest.raises(SignerError, match="không khớp với chứng thư số"),
        hsm.signer(key_label="chi-khoa", cert_label="ky-so"),
    ):
        pass
