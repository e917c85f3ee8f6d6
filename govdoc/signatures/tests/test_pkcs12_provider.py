from __future__ import annotations

import datetime as dt

import pytest

from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.signer import Signer, SignerError
from govdoc.signatures.testing_pki import TestPki


def test_loads_the_key_certificate_and_chain(pki: TestPki) -> None:
    # given the person's PKCS#12 file and its password
    # when it is opened
    signer: Signer = Pkcs12Signer(pki.person.pkcs12, pki.password)
    # then the certificate is the person's and the chain holds the intermediate, not the root
    assert signer.certificate.dump() == pki.person.cert_der
    assert [c.dump() for c in signer.chain] == [pki.intermediate.cert_der]
    assert signer.pyhanko_signer() is not None


def test_wrong_password_is_refused_in_vietnamese(pki: TestPki) -> None:
    with pytest.raises(SignerError) as caught:
        Pkcs12Signer(pki.person.pkcs12, "sai-mat-khau")
    assert str(caught.value) == "Mật khẩu tệp chứng thư số không đúng."


def test_not_a_pkcs12_file_is_refused(pki: TestPki) -> None:
    with pytest.raises(SignerError, match="không phải tệp PKCS#12"):
        Pkcs12Signer(b"khong phai p12", pki.password)


def test_expired_certificate_is_refused(pki: TestPki) -> None:
    with pytest.raises(SignerError, match="đã hết hạn"):
        Pkcs12Signer(pki.expired.pkcs12, pki.password)


def test_certificate_not_yet_valid_is_refused(pki: TestPki) -> None:
    # given a moment before the certificate's validity period
    before = pki.person.certificate.not_valid_before_utc - dt.timedelta(days=1)
    with pytest.raises(SignerError, match="chưa có hiệu lực"):
        Pkcs12Signer(pki.person.pkcs12, pki.password, now=before)
