"""The `hub` transport: the HTTP client of the govdoc hub (docs/hub.md), one agency's token
per call. Timeouts and 5xx answers are temporary failures; 4xx answers are typed refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from govdoc.exchange.transports.base import (
    DirectoryEntry,
    PermanentTransportError,
    ReceivedRef,
    SentStatus,
    TransportError,
)

TIMEOUT = 60.0
TokenFor = Callable[[str], str]


class HubTransport:
    name = "hub"

    def __init__(
        self,
        *,
        base_url: str,
        token_for: TokenFor,
        timeout: float = TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_for = token_for
        self.timeout = timeout
        self.ssl_context = ssl_context

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
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout, context=self.ssl_context
            ) as response:
                body: bytes = response.read()
                if answer_headers is not None:
                    answer_headers.update({k.lower(): v for k, v in response.headers.items()})
                return body
        except urllib.error.HTTPError as error:
            detail = _message(error)
            if error.code >= 500 or error.code in (408, 429):
                raise TransportError(
                    f"Trạm liên thông trả lời lỗi {error.code}: {detail}"
                ) from None
            code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(
                error.code, "refused"
            )
            raise PermanentTransportError(
                f"Trạm liên thông từ chối ({error.code}): {detail}", code=code
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise TransportError(f"Không kết nối được trạm liên thông: {error}") from None


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        return error.reason if isinstance(error.reason, str) else ""
    return str(body.get("message") or body.get("detail") or "")[:500]
