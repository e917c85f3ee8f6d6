"""Fixtures shared by the signatures tests: one generated PKI per session, a signature image,
a local timestamp authority speaking RFC 3161 over HTTP, and a local revocation service
(OCSP responder and CRL) that the PKI's certificates point at."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any

import pytest
from asn1crypto import tsp
from PIL import Image
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from govdoc.conftest import make_pdf
from govdoc.organizations.models import Agency, User
from govdoc.signatures import services
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.pades import sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.testing_pki import TestIdentity, TestPki, make_test_pki, ocsp_response


def signed_pdf_by(identity: TestIdentity, pki: TestPki) -> bytes:
    """A test PDF with one invisible B-B signature "NguoiKy" made with `identity`'s key
    (outside the services: no credential, no revocation check)."""
    return sign_pdf(
        pdf=make_pdf(),
        signer=Pkcs12Signer(identity.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=None,
    )


@dataclass
class RevocationService:
    """The OCSP responder and CRL of `pki`, served on 127.0.0.1; `requests` lists the paths
    asked, in order."""

    base_url: str
    pki: TestPki | None = None
    requests: list[str] = field(default_factory=list)

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/ocsp"

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}/ca-trung-gian.crl"


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[HTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def revocation_service() -> Iterator[RevocationService]:
    service = RevocationService(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            service.requests.append(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path != "/ocsp" or service.pki is None:
                self._reply(404, "text/plain", b"")
                return
            self._reply(200, "application/ocsp-response", ocsp_response(service.pki, body))

        def do_GET(self) -> None:
            service.requests.append(self.path)
            if self.path != "/ca-trung-gian.crl" or service.pki is None:
                self._reply(404, "text/plain", b"")
                return
            self._reply(200, "application/pkix-crl", service.pki.crl_der)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server, service.base_url = _serve(Handler)
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def pki(revocation_service: RevocationService) -> TestPki:
    """The session's PKI; its certificates name the local OCSP responder and CRL (only
    asked when a test lets validation fetch)."""
    made = make_test_pki(ocsp_url=revocation_service.ocsp_url, crl_url=revocation_service.crl_url)
    revocation_service.pki = made
    return made


@pytest.fixture(scope="session")
def unreachable_pki() -> TestPki:
    """A PKI whose OCSP responder and CRL are on a closed local port: fetching fails."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    return make_test_pki(ocsp_url=f"{base}/ocsp", crl_url=f"{base}/ca-trung-gian.crl")


@pytest.fixture
def fetching_on(settings: Any) -> None:
    """GOVDOC_REVOCATION_FETCH on: signing and verifying ask the OCSP responder and CRL."""
    settings.GOVDOC_REVOCATION_FETCH = True


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """A blue, half-transparent rectangle standing for a handwritten signature."""
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 100), (0, 0, 200, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    """A red, half-transparent square at 250 dpi standing for the agency's seal."""
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (220, 0, 0, 150)).save(buffer, "PNG", dpi=(250, 250))
    return buffer.getvalue()


@pytest.fixture
def trusted_root(pki: TestPki, superuser: User) -> None:
    """The PKI's root in the installation's trust store."""
    services.trust_anchor_add(actor=superuser, data=pki.root.cert_pem)


@pytest.fixture
def person_credential(
    personas: dict[str, User], pki: TestPki, signature_png: bytes
) -> SigningCredential:
    """The leader's PKCS#12 credential (`pki.person`) with their signature image."""
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        p12_bytes=pki.person.pkcs12,
        password=pki.password,
        owner_person=personas["leader"],
    )
    return services.credential_set_image(
        actor=personas["admin"], credential=credential, png=signature_png
    )


@pytest.fixture
def agency_credential(
    personas: dict[str, User], ministry: Agency, pki: TestPki, seal_png: bytes
) -> SigningCredential:
    """The ministry's PKCS#12 credential (`pki.agency`) with its seal image."""
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        p12_bytes=pki.agency.pkcs12,
        password=pki.password,
        owner_agency=ministry,
    )
    return services.credential_set_image(
        actor=personas["admin"], credential=credential, png=seal_png
    )


@pytest.fixture(scope="session")
def tsa_url(pki: TestPki) -> Iterator[str]:
    chain = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    chain.register_multiple(pki.tsa.asn1_chain)
    timestamper = DummyTimeStamper(
        tsa_cert=pki.tsa.asn1, tsa_key=pki.tsa.asn1_key, certs_to_embed=chain
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            body = timestamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server, base_url = _serve(Handler)
    yield f"{base_url}/tsa"
    server.shutdown()
    server.server_close()
