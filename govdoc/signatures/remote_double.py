"""A stand-in for a CA's remote-signing service, for tests and benchmarks only.

No CA's remote-signing service is reachable from this project, so this double is the only
`RemoteSigningService` here: it signs with a local private key, as the service would after the
signer approves on their phone, and can be told to refuse or never to answer (a timeout).
It must never be configured in a real installation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

from asn1crypto import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from govdoc.signatures.remote_provider import RemoteAnswer, RemoteState

Behaviour = Literal["approve", "refuse", "never"]

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


@dataclass
class _Request:
    digest: bytes
    digest_algorithm: str
    mechanism: str
    description: str
    polls: int = 0


@dataclass
class ApprovingDouble:
    """A remote-signing service whose signer approves after `pending_polls` polls (or
    refuses, or never answers, by `behaviour`)."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    behaviour: Behaviour = "approve"
    pending_polls: int = 0
    requests: dict[str, _Request] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def request_signature(
        self, *, digest: bytes, digest_algorithm: str, mechanism: str, description: str
    ) -> str:
        request_id = f"yeu-cau-{next(self._ids)}"
        self.requests[request_id] = _Request(digest, digest_algorithm, mechanism, description)
        return request_id

    def poll(self, request_id: str) -> RemoteAnswer:
        request = self.requests[request_id]
        request.polls += 1
        if self.behaviour == "never" or request.polls <= self.pending_polls:
            return RemoteAnswer(RemoteState.PENDING)
        if self.behaviour == "refuse":
            return RemoteAnswer(RemoteState.REFUSED, reason="Người dùng bấm Từ chối")
        return RemoteAnswer(RemoteState.APPROVED, signature=self._sign(request))

    def _sign(self, request: _Request) -> bytes:
        prehashed = utils.Prehashed(_HASHES[request.digest_algorithm])
        key = self.private_key
        if isinstance(key, ec.EllipticCurvePrivateKey) and request.mechanism.endswith("ecdsa"):
            return key.sign(request.digest, ec.ECDSA(prehashed))
        if isinstance(key, rsa.RSAPrivateKey) and request.mechanism in (
            "rsassa_pkcs1v15",
            f"{request.digest_algorithm}_rsa",
        ):
            return key.sign(request.digest, padding.PKCS1v15(), prehashed)
        raise ValueError(f"unsupported mechanism {request.mechanism}")
