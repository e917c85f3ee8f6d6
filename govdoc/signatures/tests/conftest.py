"""Fixtures shared by the signatures tests: one generated PKI per session, a signature image,
and a local timestamp authority speaking RFC 3161 over HTTP."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import tsp
from PIL import Image
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from govdoc.signatures.testing_pki import TestPki, make_test_pki


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """A blue, half-transparent rectangle standing for a handwritten signature."""
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 100), (0, 0, 200, 160)).save(buffer, "PNG")
    return buffer.getvalue()


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

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()
