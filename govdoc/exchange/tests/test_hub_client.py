"""The `hub` transport's HTTP client against a small local server: one keep-alive
connection for many calls, a new one when the server closed the idle one, a token read again
when the hub answers 401, and temporary (5xx) and permanent (4xx) failures typed."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from govdoc.exchange.transports.base import PermanentTransportError, TransportError
from govdoc.exchange.transports.hub import HubTransport

BODY = b"<edXMLEnvelope/>"


class Hub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.tokens = {"good"}
        self.close_next = False
        self.fail_with = 0
        self.seen: list[tuple[str, str, str]] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Hub

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.server.close_next:
            self.server.close_next = False
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.server.seen.append((self.command, self.path, token))
        if token not in self.server.tokens:
            self._answer(401, json.dumps({"message": "Mã truy cập không đúng."}).encode())
        elif self.server.fail_with:
            self._answer(self.server.fail_with, json.dumps({"message": "lỗi"}).encode())
        elif self.path == "/api/v1/packets":
            self._answer(201, json.dumps({"id": "p-1"}).encode())
        elif self.path == "/api/v1/packets/p-1":
            digest = hashlib.sha256(BODY).hexdigest()
            self._answer(200, BODY, {"X-Content-Sha256": digest})
        else:
            self._answer(200, json.dumps({"items": []}).encode())

    do_GET = do_POST = _handle


@pytest.fixture
def hub() -> Iterator[Hub]:
    server = Hub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _client(hub: Hub, token: str = "good", fresh: str = "good") -> HubTransport:
    return HubTransport(
        base_url=f"http://127.0.0.1:{hub.server_address[1]}",
        token_for=lambda _organ: token,
        refresh_token=lambda _organ: fresh,
        timeout=5,
    )


def test_calls_share_one_keep_alive_connection_and_reconnect_when_it_was_closed(
    hub: Hub,
) -> None:
    client = _client(hub)
    # many calls, one connection (kept per thread, across transport objects)
    for _ in range(3):
        assert client.send(sender_organ_id="A", packet=BODY, to=["B"], kind="edoc") == "p-1"
    assert _client(hub).get(organ_id="B", packet_id="p-1") == BODY
    assert hub.connections == 1
    # the server closes the connection after an answer: the next call opens another one
    hub.close_next = True
    assert _client(hub).list_received(organ_id="B") == []
    assert _client(hub).list_received(organ_id="B") == []
    assert hub.connections == 2


def test_a_refused_token_is_read_again_once(hub: Hub) -> None:
    # the token this process kept was replaced: the hub refuses it, the fresh one is used
    assert _client(hub, token="old", fresh="good").list_received(organ_id="B") == []
    assert [token for _m, _p, token in hub.seen] == ["old", "good"]
    # a token refused again is a permanent refusal
    with pytest.raises(PermanentTransportError) as refused:
        _client(hub, token="old", fresh="old").list_received(organ_id="B")
    assert refused.value.code == "unauthorized"


def test_server_errors_are_temporary_and_refusals_permanent(hub: Hub) -> None:
    hub.fail_with = 503
    with pytest.raises(TransportError) as temporary:
        _client(hub).send(sender_organ_id="A", packet=BODY, to=["B"], kind="edoc")
    assert not isinstance(temporary.value, PermanentTransportError)
    hub.fail_with = 413
    with pytest.raises(PermanentTransportError) as permanent:
        _client(hub).send(sender_organ_id="A", packet=BODY, to=["B"], kind="edoc")
    assert permanent.value.code == "too_large" and "lỗi" in str(permanent.value)


def test_an_unreachable_hub_is_a_temporary_failure() -> None:
    client = HubTransport(base_url="http://127.0.0.1:9", token_for=lambda _organ: "good", timeout=2)
    with pytest.raises(TransportError):
        client.list_received(organ_id="B")


def test_a_proxy_named_in_the_environment_is_used_and_dropped_when_it_goes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a hub client and no proxy in the environment
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    client = HubTransport(base_url="http://hub.example.vn", token_for=lambda _organ: "t")
    assert client._proxied() is False
    # when a proxy is named, then calls go through it (urllib)
    monkeypatch.setenv("http_proxy", "http://proxy.example.vn:3128")
    assert client._proxied() is True
    # unless the hub is excluded from it
    monkeypatch.setenv("no_proxy", "hub.example.vn")
    assert client._proxied() is False
    # and when the proxy goes, the direct connection is used again
    monkeypatch.delenv("http_proxy")
    monkeypatch.delenv("no_proxy")
    assert client._proxied() is False
