"""Remote signing (ký số từ xa): the key stays with the CA's service, the signer approves each
signature in an app on their phone.

`RemoteSigningService` is what such a service must offer govdoc: take a request for a
signature over a digest, say whether the signer has approved it yet, and then give the
signature value (or the refusal). `RemoteSigner` implements the `Signer` protocol over any such
service, so `sign_pdf` signs with it exactly as with a PKCS#12 file or a token: pyHanko builds
the CMS structure and asks the service only for the raw signature over the digest of the
signed attributes.

Only a test double (`govdoc.signatures.remote_double.ApprovingDouble`) exists here: no CA's
remote-signing service is reachable from this project, so no real client is written. A real
one implements `RemoteSigningService` over the CA's API (its authentication, its request
and status calls) and is wrapped in `RemoteSigner` unchanged.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from asn1crypto import x509
from pyhanko.sign import signers

from govdoc.signatures.signer import SignerError

REFUSED = "Người ký đã từ chối trên điện thoại."
TIMED_OUT = "Người ký chưa xác nhận trên điện thoại trong {seconds} giây: chưa ký."
UNAVAILABLE = "Không kết nối được dịch vụ ký số từ xa: {error}"
NO_SIGNATURE = "Dịch vụ ký số từ xa không trả về chữ ký."


class RemoteState(enum.Enum):
    PENDING = "pending"
    """Sent to the signer's phone, not answered yet."""
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True)
class RemoteAnswer:
    state: RemoteState
    signature: bytes | None = None
    """With APPROVED: the signature value (DER ECDSA-Sig-Value, or the RSA signature)."""
    reason: str = ""
    """With REFUSED: what the service says, if anything."""


class RemoteSigningService(Protocol):
    """A CA's remote-signing service as govdoc uses it (one signer's account)."""

    @property
    def certificate(self) -> x509.Certificate:
        """The signer's certificate held by the service."""
        ...

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """Intermediate certificates up to (not including) the root."""
        ...

    def request_signature(
        self, *, digest: bytes, digest_algorithm: str, mechanism: str, description: str
    ) -> str:
        """Ask for a signature over `digest` (already hashed with `digest_algorithm`, e.g.
        "sha256") with `mechanism` (an asn1crypto signature algorithm name: "sha256_ecdsa",
        "rsassa_pkcs1v15"…); the signer gets a notice on their phone showing `description`.
        Returns the request's identifier."""
        ...

    def poll(self, request_id: str) -> RemoteAnswer:
        """Where the request stands now."""
        ...


class RemoteSigner:
    """A `Signer` whose key is with a remote-signing service.

    Each signature waits (polling every `poll_interval` seconds) up to `timeout` seconds for
    the signer's approval; a refusal or no answer in time is a `SignerError` in Vietnamese."""

    def __init__(
        self,
        service: RemoteSigningService,
        *,
        description: str = "Ký văn bản trên hệ thống quản lý văn bản",
        timeout: float = 120.0,
        poll_interval: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.description = description
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock

    @property
    def certificate(self) -> x509.Certificate:
        return self.service.certificate

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self.service.chain

    def sign_digest(self, digest: bytes, digest_algorithm: str, mechanism: str) -> bytes:
        """Request the signature over `digest` and wait for the signer's answer."""
        try:
            request_id = self.service.request_signature(
                digest=digest,
                digest_algorithm=digest_algorithm,
                mechanism=mechanism,
                description=self.description,
            )
        except SignerError:
            raise
        except Exception as error:
            raise SignerError(UNAVAILABLE.format(error=error)) from error
        deadline = self._clock() + self.timeout
        while True:
            try:
                answer = self.service.poll(request_id)
            except SignerError:
                raise
            except Exception as error:
                raise SignerError(UNAVAILABLE.format(error=error)) from error
            if answer.state is RemoteState.APPROVED:
                if not answer.signature:
                    raise SignerError(NO_SIGNATURE)
                return answer.signature
            if answer.state is RemoteState.REFUSED:
                raise SignerError(REFUSED)
            if self._clock() >= deadline:
                raise SignerError(TIMED_OUT.format(seconds=round(self.timeout)))
            self._sleep(self.poll_interval)

    def pyhanko_signer(self) -> object:
        return _PyhankoRemoteSigner(self)


class _PyhankoRemoteSigner(signers.Signer):
    """pyHanko's side: builds the CMS and asks the service for the raw signature."""

    def __init__(self, remote: RemoteSigner) -> None:
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        store.register_multiple(remote.chain)
        super().__init__(signing_cert=remote.certificate, cert_registry=store)
        self._remote = remote

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(_max_signature_size(self._remote.certificate))
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)["algorithm"].native
        digest = hashlib.new(digest_algorithm, data).digest()
        signature: bytes = await asyncio.to_thread(
            self._remote.sign_digest, digest, digest_algorithm, str(mechanism)
        )
        return signature


def _max_signature_size(certificate: x509.Certificate) -> int:
    key = certificate.public_key
    if key.algorithm == "rsa":
        return int(key.bit_size + 7) // 8
    # DER ECDSA-Sig-Value: two integers of the curve size, each possibly one byte longer.
    return 2 * ((int(key.bit_size) + 7) // 8 + 3) + 3
