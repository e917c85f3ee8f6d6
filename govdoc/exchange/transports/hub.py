"""The `hub` transport: the HTTP client of the govdoc hub (docs/hub.md), one agency's token
per call. Timeouts and 5xx answers are temporary failures; 4xx answers are typed refusals.

Calls reuse one keep-alive connection per thread and hub (http.client), instead of a new TCP
connection per call; a connection the hub closed while idle is opened again once. When the
environment names an HTTP proxy for the hub, calls go through urllib (which honours it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from govdoc.core import framed_body
from govdoc.exchange.transports.base import (
    Acknowledgement,
    DirectoryEntry,
    Outgoing,
    PermanentTransportError,
    ReceivedRef,
    SentStatus,
    TransportError,
)

TIMEOUT = 60.0
ACKS_PER_CALL = 500
BATCH_ITEMS = 50
"""Packets in one batch call (the hub's limit)."""
BATCH_BYTES = 8 * 1024 * 1024
"""Bytes of packets the client puts in one batch call (the hub takes up to 16 MB); a larger
packet goes alone through `POST /packets`."""
TokenFor = Callable[[str], str]
_DISCONNECTED = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
_connections = threading.local()
_proxy_answers: dict[tuple[str | None, ...], bool] = {}


class _Answer:
    """An HTTP answer read whole: status, headers (lower-case names), body."""

    def __init__(self, status: int, reason: str, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body


class HubTransport:
    name = "hub"

    def __init__(
        self,
        *,
        base_url: str,
        token_for: TokenFor,
        timeout: float = TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        refresh_token: TokenFor | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_for = token_for
        self.refresh_token = refresh_token
        """Read the token again, bypassing any cache: tried once when the hub answers 401."""
        self.timeout = timeout
        self.ssl_context = ssl_context
        parts = urllib.parse.urlsplit(self.base_url)
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = parts.path.rstrip("/")
        self._no_batches = False
        """The hub answered 404 to a batch call (an older hub): single calls from then on."""

    # --- the calls ---------------------------------------------------------------------------

    def send(self, *, sender_organ_id: str, packet: bytes, to: Sequence[str], kind: str) -> str:
        body = self._call(
            "POST",
            "/api/v1/packets",
            organ_id=sender_organ_id,
            data=packet,
            headers={
                "Content-Type": "application/xml",
                "X-Edxml-Type": kind,
                "X-Edxml-To": ",".join(to),
            },
        )
        return str(json.loads(body)["id"])

    def send_many(
        self, *, sender_organ_id: str, packets: Sequence[Outgoing]
    ) -> list[str | TransportError]:
        """`POST /packets/batch`: the packets in calls of at most 50 and 8 MB (a larger
        packet alone through `send`); each packet's id, or its own refusal, in order. A hub
        without batches (404 on the call) is sent to packet by packet."""
        outcomes: list[str | TransportError] = []
        for group in _groups([len(item.packet) for item in packets]):
            chosen = [packets[i] for i in group]
            if len(chosen) == 1 or self._no_batches:
                outcomes.extend(self._send_each(sender_organ_id, chosen))
                continue
            try:
                outcomes.extend(self._send_batch(sender_organ_id, chosen))
            except PermanentTransportError as error:
                if error.code != "not_found":
                    raise
                self._no_batches = True
                outcomes.extend(self._send_each(sender_organ_id, chosen))
        return outcomes

    def _send_each(
        self, sender_organ_id: str, packets: Sequence[Outgoing]
    ) -> list[str | TransportError]:
        outcomes: list[str | TransportError] = []
        for item in packets:
            try:
                outcomes.append(
                    self.send(
                        sender_organ_id=sender_organ_id,
                        packet=item.packet,
                        to=item.to,
                        kind=item.kind,
                    )
                )
            except TransportError as error:
                outcomes.append(error)
        return outcomes

    def _send_batch(
        self, sender_organ_id: str, packets: Sequence[Outgoing]
    ) -> list[str | TransportError]:
        manifest = {
            "items": [
                {"type": item.kind, "to": list(item.to), "size": len(item.packet)}
                for item in packets
            ]
        }
        body = self._call(
            "POST",
            "/api/v1/packets/batch",
            organ_id=sender_organ_id,
            data=framed_body.encode(manifest, [item.packet for item in packets]),
            headers={"Content-Type": framed_body.CONTENT_TYPE},
        )
        items = json.loads(body).get("items", [])
        if len(items) != len(packets):
            raise TransportError("Trạm liên thông trả lời lô gói tin không đủ mục; sẽ gửi lại.")
        outcomes: list[str | TransportError] = []
        for item in items:
            status = int(item.get("status") or 0)
            if status in (200, 201) and item.get("id"):
                outcomes.append(str(item["id"]))
            elif status >= 500:
                outcomes.append(TransportError(f"Trạm liên thông trả lời lỗi {status}."))
            else:
                code = {413: "too_large"}.get(status, "refused")
                message = str(item.get("message") or "")[:500]
                outcomes.append(
                    PermanentTransportError(
                        f"Trạm liên thông từ chối ({status}): {message}", code=code
                    )
                )
        return outcomes

    def get_many(self, *, organ_id: str, packet_ids: Sequence[str]) -> dict[str, bytes]:
        """`POST /packets/fetch`: the packets in calls of at most 50 (the hub answers at most
        16 MB a call and says which it left for later: asked for again at once); each checked
        against its SHA-256. A packet the hub no longer has is left out. A hub without
        batches (404 on the call) is asked packet by packet."""
        got: dict[str, bytes] = {}
        pending = list(dict.fromkeys(packet_ids))
        while pending:
            chunk, pending = pending[:BATCH_ITEMS], pending[BATCH_ITEMS:]
            if self._no_batches or len(chunk) == 1:
                got.update(self._get_each(organ_id, chunk))
                continue
            try:
                answer = self._call(
                    "POST",
                    "/api/v1/packets/fetch",
                    organ_id=organ_id,
                    data=json.dumps({"ids": chunk}).encode(),
                    headers={"Content-Type": "application/json"},
                )
            except PermanentTransportError as error:
                if error.code != "not_found":
                    raise
                self._no_batches = True
                got.update(self._get_each(organ_id, chunk))
                continue
            later = self._take(answer, got)
            pending = later + pending
        return got

    def _take(self, answer: bytes, got: dict[str, bytes]) -> list[str]:
        """The packets of a fetch answer into `got`; the ids left for later."""
        try:
            manifest, parts = framed_body.decode(answer)
        except framed_body.FrameError as error:
            raise TransportError(
                f"Trạm liên thông trả lời không đúng khuôn dạng: {error}"
            ) from None
        later: list[str] = []
        for item, data in zip(manifest["items"], parts, strict=True):
            packet_id = str(item.get("id") or "")
            if item.get("later"):
                later.append(packet_id)
            elif item.get("status") == 200:
                if hashlib.sha256(data).hexdigest() != str(item.get("sha256") or "").lower():
                    raise TransportError("Gói tin tải về bị hỏng (mã băm không khớp); sẽ tải lại.")
                got[packet_id] = data
        if later and len(later) == len(manifest["items"]):  # pragma: no cover - hub sends one
            raise TransportError("Trạm liên thông không trả gói tin nào trong lô; sẽ tải lại.")
        return later

    def _get_each(self, organ_id: str, packet_ids: Sequence[str]) -> dict[str, bytes]:
        got: dict[str, bytes] = {}
        for packet_id in packet_ids:
            try:
                got[packet_id] = self.get(organ_id=organ_id, packet_id=packet_id)
            except PermanentTransportError as error:
                if error.code == "not_found":
                    continue  # not there any more: nothing to keep
                if not got:
                    raise
                break
            except TransportError:
                if not got:
                    raise
                break
        return got

    def list_received(self, *, organ_id: str) -> list[ReceivedRef]:
        refs: list[ReceivedRef] = []
        body = json.loads(self._call("GET", "/api/v1/inbox?limit=500", organ_id=organ_id))
        for item in body.get("items", []):
            refs.append(
                ReceivedRef(
                    id=str(item["id"]),
                    sender_organ_id=str(item["from"]),
                    kind=str(item["type"]),
                    size=int(item.get("size") or 0),
                    sha256=str(item.get("sha256") or ""),
                )
            )
        return refs

    def get(self, *, organ_id: str, packet_id: str) -> bytes:
        headers: dict[str, str] = {}
        data = self._call(
            "GET",
            f"/api/v1/packets/{urllib.parse.quote(packet_id)}",
            organ_id=organ_id,
            answer_headers=headers,
        )
        expected = headers.get("x-content-sha256", "")
        if expected and hashlib.sha256(data).hexdigest() != expected.lower():
            raise TransportError("Gói tin tải về bị hỏng (mã băm không khớp); sẽ tải lại.")
        return data

    def acknowledge(self, *, organ_id: str, packet_id: str, done: bool, reason: str = "") -> None:
        self._call(
            "POST",
            f"/api/v1/packets/{urllib.parse.quote(packet_id)}/ack",
            organ_id=organ_id,
            data=json.dumps(
                {"status": "done" if done else "fail", "reason": reason[:1000]}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )

    def acknowledge_many(self, *, organ_id: str, acks: Sequence[Acknowledgement]) -> None:
        """`POST /acks`, up to 500 a call: one call for an applier's whole batch."""
        for start in range(0, len(acks), ACKS_PER_CALL):
            items = [
                {
                    "id": ack.packet_id,
                    "status": "done" if ack.done else "fail",
                    "reason": ack.reason[:1000],
                }
                for ack in acks[start : start + ACKS_PER_CALL]
            ]
            self._call(
                "POST",
                "/api/v1/acks",
                organ_id=organ_id,
                data=json.dumps({"items": items}).encode(),
                headers={"Content-Type": "application/json"},
            )

    def list_sent(self, *, organ_id: str, since: dt.datetime | None = None) -> list[SentStatus]:
        """Every delivery changed at or after `since`, following the pages ("more")."""
        statuses: list[SentStatus] = []
        seen: set[str] = set()
        cursor = since
        for _page in range(100):
            query = f"?since={urllib.parse.quote(cursor.isoformat())}" if cursor else ""
            body = json.loads(self._call("GET", f"/api/v1/sent{query}", organ_id=organ_id))
            items = [item for item in body.get("items", []) if str(item["id"]) not in seen]
            statuses.extend(self._statuses(items))
            seen.update(str(item["id"]) for item in items)
            if not body.get("more") or not items:
                break
            cursor = dt.datetime.fromisoformat(str(items[-1]["changed_at"]))
        return statuses

    @staticmethod
    def _statuses(items: list[dict[str, Any]]) -> list[SentStatus]:
        statuses: list[SentStatus] = []
        for item in items:
            for delivery in item.get("deliveries", []):
                at = delivery.get("acknowledged_at") or delivery.get("fetched_at")
                statuses.append(
                    SentStatus(
                        id=str(item["id"]),
                        recipient_organ_id=str(delivery["to"]),
                        status=str(delivery["status"]),
                        reason=str(delivery.get("reason") or ""),
                        at=dt.datetime.fromisoformat(at) if at else None,
                    )
                )
        return statuses

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]:
        items: list[dict[str, Any]] = json.loads(
            self._call("GET", "/api/v1/agencies", organ_id=organ_id)
        )
        return [
            DirectoryEntry(
                organ_id=str(item["organ_id"]),
                name=str(item["name"]),
                parent_organ_id=str(item.get("parent") or ""),
                email=str(item.get("email") or ""),
                phone=str(item.get("phone") or ""),
                address=str(item.get("address") or ""),
                active=bool(item.get("active", True)),
            )
            for item in items
        ]

    # --- HTTP --------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        organ_id: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        answer_headers: dict[str, str] | None = None,
    ) -> bytes:
        token = self.token_for(organ_id)
        if not token:
            raise PermanentTransportError(
                f"Cơ quan {organ_id} chưa có mã truy cập trạm liên thông.", code="no_credentials"
            )
        answer = self._request(method, path, token=token, data=data, headers=headers)
        if answer.status == 401 and self.refresh_token is not None:
            # The token kept by this process may be an old one (changed meanwhile).
            fresh = self.refresh_token(organ_id)
            if fresh and fresh != token:
                answer = self._request(method, path, token=fresh, data=data, headers=headers)
        if answer.status >= 400:
            detail = _detail(answer.body, answer.reason)
            if answer.status >= 500 or answer.status in (408, 429):
                raise TransportError(f"Trạm liên thông trả lời lỗi {answer.status}: {detail}")
            code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(
                answer.status, "refused"
            )
            raise PermanentTransportError(
                f"Trạm liên thông từ chối ({answer.status}): {detail}", code=code
            )
        if answer_headers is not None:
            answer_headers.update(answer.headers)
        return answer.body

    def _request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        data: bytes | None,
        headers: dict[str, str] | None,
    ) -> _Answer:
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        if self._proxied():
            return self._request_urllib(method, path, data=data, headers=all_headers)
        try:
            for attempt in (1, 2):
                connection, reused = self._connection()
                try:
                    connection.request(method, self._path + path, body=data, headers=all_headers)
                    response = connection.getresponse()
                    body = response.read()
                except _DISCONNECTED:
                    self._drop()
                    if reused and attempt == 1:
                        # Closed by the hub while idle: once more on a new connection (every
                        # call is idempotent: a packet sent twice is one packet at the hub).
                        continue
                    raise
                except BaseException:
                    self._drop()
                    raise
                if response.will_close:
                    self._drop()
                return _Answer(
                    response.status,
                    response.reason,
                    {k.lower(): v for k, v in response.getheaders()},
                    body,
                )
        except (http.client.HTTPException, TimeoutError, ConnectionError, OSError) as error:
            raise TransportError(f"Không kết nối được trạm liên thông: {error}") from None
        raise TransportError("Không kết nối được trạm liên thông.")  # pragma: no cover

    def _key(self) -> tuple[str, int]:
        return (self.base_url, id(self.ssl_context) if self.ssl_context is not None else 0)

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        pool: dict[tuple[str, int], http.client.HTTPConnection] | None = getattr(
            _connections, "pool", None
        )
        if pool is None:
            pool = _connections.pool = {}
        connection = pool.get(self._key())
        if connection is not None:
            return connection, True
        if self._scheme == "https":
            connection = http.client.HTTPSConnection(
                self._host, self._port, timeout=self.timeout, context=self.ssl_context
            )
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        pool[self._key()] = connection
        return connection, False

    def _drop(self) -> None:
        pool = getattr(_connections, "pool", None)
        connection = pool.pop(self._key(), None) if pool is not None else None
        if connection is not None:
            connection.close()

    def _proxied(self) -> bool:
        # urllib reads the whole environment on each call (≈ 0.5 ms): asked again only when
        # one of the variables it would use changed.
        lower = (f"{self._scheme}_proxy", "no_proxy")
        names = (*lower, *(name.upper() for name in lower))
        key = (self._scheme, self._host, *(os.environ.get(name) for name in names))
        known = _proxy_answers.get(key)
        if known is None:
            proxies = urllib.request.getproxies()
            known = bool(proxies.get(self._scheme)) and not urllib.request.proxy_bypass(self._host)
            _proxy_answers[key] = known
        return known

    def _request_urllib(
        self, method: str, path: str, *, data: bytes | None, headers: dict[str, str]
    ) -> _Answer:
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self.ssl_context
            ) as response:
                return _Answer(
                    response.status,
                    str(response.reason),
                    {k.lower(): v for k, v in response.headers.items()},
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            try:
                body = error.read() or b""
            except OSError:
                body = b""
            reason = error.reason if isinstance(error.reason, str) else ""
            return _Answer(error.code, reason, {}, body)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise TransportError(f"Không kết nối được trạm liên thông: {error}") from None


def _groups(sizes: Sequence[int]) -> list[list[int]]:
    """Indexes of packets in send order, grouped for batch calls (≤ 50 packets, ≤ 8 MB; a
    larger packet alone)."""
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, size in enumerate(sizes):
        if current and (len(current) >= BATCH_ITEMS or total + size > BATCH_BYTES):
            groups.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        groups.append(current)
    return groups


def _detail(body: bytes, reason: str) -> str:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return reason
    if not isinstance(parsed, dict):
        return reason
    return str(parsed.get("message") or parsed.get("detail") or "")[:500]
