from __future__ import annotations

import pytest

from govdoc.conftest import make_pdf
from govdoc.signatures.pades import PdfSigningError, sign_pdf
from govdoc.signatures.remote_double import ApprovingDouble, Behaviour
from govdoc.signatures.remote_provider import REFUSED, RemoteSigner
from govdoc.signatures.signer import Signer, SignerError
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def remote(
    pki: TestPki, behaviour: Behaviour = "approve", *, pending_polls: int = 0
) -> tuple[RemoteSigner, ApprovingDouble, FakeClock]:
    service = ApprovingDouble(
        private_key=pki.person.private_key,
        certificate=pki.person.asn1,
        chain=pki.person.asn1_chain,
        behaviour=behaviour,
        pending_polls=pending_polls,
    )
    clock = FakeClock()
    signer = RemoteSigner(service, timeout=10, poll_interval=2, sleep=clock.sleep, clock=clock)
    return signer, service, clock


def sign(signer: Signer) -> bytes:
    return sign_pdf(
        pdf=make_pdf(),
        signer=signer,
        field_name="NguoiKy",
        reason="Ký từ xa",
        location="Hà Nội",
        appearance=None,
    )


def test_approved_on_the_phone(pki: TestPki) -> None:
    # given a remote signer whose owner approves after two polls
    signer, service, clock = remote(pki, pending_polls=2)
    # when a PDF is signed through it
    signed = sign(signer)
    # then the service got one request for a SHA-256 ECDSA signature, the signer waited twice
    (request,) = service.requests.values()
    assert request.mechanism == "sha256_ecdsa" and len(request.digest) == 32
    assert clock.sleeps == [2, 2]
    # and the PDF carries a valid signature of the certificate's owner
    (report,) = verify_pdf(signed, roots=[pki.root.asn1]).signatures
    assert report.valid
    assert report.signer_name == "Nguyễn Văn An"


def test_refused_on_the_phone(pki: TestPki) -> None:
    # given a signer who refuses
    signer, _service, _clock = remote(pki, "refuse")
    # when asked for a signature, then a Vietnamese refusal
    with pytest.raises(SignerError, match=REFUSED):
        signer.sign_digest(bytes(32), "sha256", "sha256_ecdsa")
    # and signing a PDF fails with the same reason
    with pytest.raises(PdfSigningError, match=REFUSED):
        sign(signer)


def test_no_answer_times_out(pki: TestPki) -> None:
    # given a signer who never answers
    signer, _service, clock = remote(pki, "never")
    # when asked for a signature, then it gives up after the timeout
    with pytest.raises(SignerError, match="chưa xác nhận trên điện thoại trong 10 giây"):
        signer.sign_digest(bytes(32), "sha256", "sha256_ecdsa")
    assert clock.now == 10


def test_service_unavailable(pki: TestPki) -> None:
    signer, service, _clock = remote(pki)

    def broken(**_kwargs: object) -> str:
        raise ConnectionError("máy chủ không trả lời")

    service.request_signature = broken  # type: ignore[method-assign]
    with pytest.raises(SignerError, match="Không kết nối được dịch vụ ký số từ xa"):
        signer.sign_digest(bytes(32), "sha256", "sha256_ecdsa")
