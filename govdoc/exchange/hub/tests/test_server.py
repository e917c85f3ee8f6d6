"""`govdoc hub serve` for real: gunicorn in a subprocess on a free port, its own SQLite database
under a temporary GOVDOC_HUB_DATA_DIR, and packets sent and received over HTTP (and over
mutual TLS with gunicorn's own TLS)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govdoc.exchange.hub.tests import pki

pytestmark = pytest.mark.server

SENDER = "000.00.00.G22"
RECIPIENT = "000.00.00.H41"
PACKET = (
    '<?xml version="1.0" encoding="UTF-8"?><edXML:edXML '
    'xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>Qua mạng</Subject>'
    "</edXML:edXML>"
).encode()
# gunicorn's own words when it cannot start (no socket here, gunicorn missing): skip, not fail.
CANNOT_START = ("Connection in use", "Can't connect to", "Permission denied", "No module named")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVDOC_HUB_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        GOVDOC_HUB_DATA_DIR=str(data_dir),
        GOVDOC_HUB_PURGE_INTERVAL="0",
        GOVDOC_ENV_FILE=str(data_dir / "no.env"),
    )
    return env


def _govdoc(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "govdoc.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@dataclass
class Server:
    port: int
    env: dict[str, str]
    cwd: Path
    context: ssl.SSLContext | None = None

    def call(
        self,
        method: str,
        path: str,
        *,
        key: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        context: ssl.SSLContext | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn: http.client.HTTPConnection
        if self.context is not None:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=20, context=context or self.context
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={"Authorization": f"Bearer {key}", **(headers or {})},
            )
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, *, key: str, data: Any = None) -> tuple[int, Any]:
        body = json.dumps(data).encode() if data is not None else None
        headers = {"Content-Type": "application/json"} if body else {}
        status, _headers, content = self.call(method, path, key=key, body=body, headers=headers)
        return status, json.loads(content)


def _serve(tmp_path: Path, extra: list[str], context: ssl.SSLContext | None) -> Iterator[Server]:
    data_dir = tmp_path / "hub-data"
    env = _env(data_dir)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "govdoc.cli", "hub", "serve", "--port", str(port)),
            *("--workers", "1", "--threads", "2", *extra),
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(port=port, env=env, cwd=tmp_path, context=context)
    try:
        deadline = time.monotonic() + 45
        while True:
            if process.poll() is not None:
                log.seek(0)
                output = log.read()
                if any(marker in output for marker in CANNOT_START):
                    pytest.skip(f"gunicorn cannot start here: {output[-500:]}")
                pytest.fail(f"govdoc hub serve stopped:\n{output}")
            try:
                conn: http.client.HTTPConnection = (
                    http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=context)
                    if context
                    else http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                )
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                pytest.fail("govdoc hub serve did not answer within 45 s")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@pytest.fixture
def plain_server(tmp_path: Path) -> Iterator[Server]:
    yield from _serve(tmp_path, [], None)


def _admin_key(server: Server) -> str:
    return _govdoc(server.env, server.cwd, "hub", "token", "--admin").strip().splitlines()[-1]


def _add(server: Server, admin: str, organ_id: str, **fields: Any) -> str:
    status, body = server.json(
        "POST",
        "/api/v1/agencies",
        key=admin,
        data={"organ_id": organ_id, "name": organ_id, **fields},
    )
    assert status == 201, body
    return str(body["token"])


def test_send_and_receive_through_a_real_hub(plain_server: Server) -> None:
    server = plain_server
    # given two agencies registered by the hub's administrator (whose key the command line
    # made in the same database the server uses)
    admin = _admin_key(server)
    sender = _add(server, admin, SENDER)
    recipient = _add(server, admin, RECIPIENT)
    # when the sender posts a packet over HTTP
    status, _headers, content = server.call(
        "POST",
        "/api/v1/packets",
        key=sender,
        body=PACKET,
        headers={
            "Content-Type": "application/xml",
            "X-Edxml-Type": "edoc",
            "X-Edxml-To": RECIPIENT,
        },
    )
    assert status == 201, content
    packet_id = json.loads(content)["id"]
    # then the recipient finds it, downloads the same bytes and acknowledges it
    status, inbox = server.json("GET", "/api/v1/inbox", key=recipient)
    assert status == 200
    assert [(i["id"], i["from"]) for i in inbox["items"]] == [(packet_id, SENDER)]
    status, headers, content = server.call("GET", f"/api/v1/packets/{packet_id}", key=recipient)
    assert (status, content) == (200, PACKET)
    assert headers["X-Edxml-From"] == SENDER
    status, ack = server.json(
        "POST", f"/api/v1/packets/{packet_id}/ack", key=recipient, data={"status": "done"}
    )
    assert (status, ack["status"]) == (200, "done")
    # and the sender sees it delivered; the bytes live in the hub's own data directory
    status, sent = server.json("GET", "/api/v1/sent", key=sender)
    assert sent["items"][0]["deliveries"][0]["status"] == "done"
    data_dir = Path(server.env["GOVDOC_HUB_DATA_DIR"])
    assert (data_dir / "hub.db").is_file()
    assert [p.read_bytes() for p in (data_dir / "packets").rglob("*.xml")] == [PACKET]


@pytest.fixture
def tls(tmp_path: Path) -> dict[str, Any]:
    ca = pki.make_ca()
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "ca.pem").write_bytes(ca.pem)
    server_cert, server_key = pki.issue(ca, "localhost", server=True).write(certs, "server")
    good = pki.issue(ca, RECIPIENT)
    other = pki.issue(ca, "another agency")
    contexts = {}
    for name, issued in {"good": good, "other": other, "none": None}.items():
        context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
        if issued is not None:
            cert_path, key_path = issued.write(certs, name)
            context.load_cert_chain(str(cert_path), str(key_path))
        contexts[name] = context
    return {
        "args": [
            "--certfile",
            str(server_cert),
            "--keyfile",
            str(server_key),
            "--ca-certs",
            str(certs / "ca.pem"),
        ],
        "contexts": contexts,
        "good": good,
    }


def test_mutual_tls_with_gunicorns_own_tls(tmp_path: Path, tls: dict[str, Any]) -> None:
    # given the hub serving TLS that requires client certificates of its CA
    contexts = tls["contexts"]
    for server in _serve(tmp_path, tls["args"], contexts["good"]):
        admin = _admin_key(server)
        # and an agency pinned to its own certificate
        key = _add(server, admin, RECIPIENT, mtls_fingerprints=[tls["good"].sha256])
        # when it calls with that certificate, it is served
        status, _h, _c = server.call("GET", "/api/v1/inbox", key=key)
        assert status == 200
        # when it calls with another certificate of the same CA, the pin refuses it
        status, _h, content = server.call(
            "GET", "/api/v1/inbox", key=key, context=contexts["other"]
        )
        assert status == 403
        assert json.loads(content)["code"] == "mtls_mismatch"
        # when a client comes without a certificate, TLS itself refuses the connection
        with pytest.raises((ssl.SSLError, ConnectionError, http.client.HTTPException)):
            server.call("GET", "/api/v1/inbox", key=key, context=contexts["none"])
