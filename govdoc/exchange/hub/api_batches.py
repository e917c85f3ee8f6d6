"""The hub's two batch calls (docs/hub.md "Batches"), registered on the API by api.py:
POST /packets/batch sends several packets in one framed body, POST /packets/fetch downloads
several in one framed answer. Each packet is journaled on its own row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from govdoc.core import framed_body
from govdoc.core.errors import DomainError, ValidationFailed
from govdoc.exchange.hub import batches, conf
from govdoc.exchange.hub.auth import Caller
from govdoc.exchange.hub.errors import (
    AgencyOnly,
    LengthRequired,
    PacketTooLarge,
    UnsupportedMediaType,
)
from govdoc.exchange.hub.journal import PacketEntry, journal_each
from govdoc.exchange.hub.models import Agency
from govdoc.exchange.hub.schemas import FetchManyIn
from govdoc.exchange.hub.storage import CHUNK


def _agency(request: HttpRequest) -> Agency:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)
    if caller.agency is None:
        raise AgencyOnly("Mã quản trị không có hộp thư: dùng mã truy cập của một cơ quan.")
    return caller.agency


def _frame_refusal(error: framed_body.FrameError) -> ValidationFailed:
    return ValidationFailed(str(error), fields={"body": str(error)})


def _refusal(error: DomainError) -> dict[str, Any]:
    return {"status": error.status, **error.as_dict()}


def send_packets(request: HttpRequest) -> dict[str, Any]:
    """Several packets in one body: a manifest line `{"items": [{"type", "to", "size"}, …]}`
    then each packet's raw bytes. Each item is answered as `POST /packets` answers one packet
    (201 new, 200 duplicate, 400/413 refused, with the refusal's code and message); a body
    that does not match its manifest refuses the call (400, nothing stored)."""
    sender = _agency(request)
    if request.content_type != framed_body.CONTENT_TYPE:
        raise UnsupportedMediaType(
            f"Lô gói tin gửi với Content-Type: {framed_body.CONTENT_TYPE} (docs/hub.md)."
        )
    try:
        length = int(str(request.META.get("CONTENT_LENGTH") or ""))
    except ValueError:
        raise LengthRequired(
            "Thiếu tiêu đề Content-Length: gửi lô gói tin với độ dài xác định."
        ) from None
    cap = conf.max_batch_bytes() + framed_body.MAX_MANIFEST
    if length > cap:
        raise PacketTooLarge(
            "Lô gói tin vượt quá giới hạn của một lô; gửi bớt gói tin trong mỗi lô."
        )
    try:
        manifest = framed_body.read_manifest(request)
        items = batches.parse_send_manifest(manifest)
    except framed_body.FrameError as error:
        raise _frame_refusal(error) from None
    declared = len(framed_body.manifest_line(manifest)) + sum(item.size for item in items)
    if declared > length:
        message = "Content-Length nhỏ hơn tổng kích thước các gói tin trong phần mô tả."
        raise ValidationFailed(message, fields={"body": message})

    def journal(written: Any) -> None:
        journal_each(
            request,
            [
                PacketEntry(
                    packet=item.packet.uuid if item.packet is not None else None,
                    status_code=_send_status(item),
                    result=_send_result(item),
                    detail={
                        "size": item.size,
                        "duplicate": item.error is None and not item.created,
                    },
                )
                for item in written
            ],
        )

    done = batches.packets_send_many(sender=sender, items=items, body=request, on_written=journal)
    return {"items": [_sent(item) for item in done]}


def _send_status(item: batches.SendItem) -> int:
    if item.error is not None:
        return item.error.status
    return 201 if item.created else 200


def _send_result(item: batches.SendItem) -> str:
    if item.error is not None:
        return item.error.code
    return "ok" if item.created else "duplicate"


def _sent(item: batches.SendItem) -> dict[str, Any]:
    if item.error is not None or item.packet is None:
        assert item.error is not None
        return _refusal(item.error)
    return {
        "status": _send_status(item),
        "id": str(item.packet.uuid),
        "sha256": item.packet.sha256,
        "size": item.packet.size,
        "duplicate": not item.created,
    }


def fetch_packets(request: HttpRequest, payload: FetchManyIn) -> StreamingHttpResponse:
    """Several packets in one answer, in the order asked: a manifest line `{"items": [{"id",
    "status": 200, "from", "type", "size", "sha256"} | {"id", "status": 404|410, "code",
    "message"} | {"id", "later": true}, …]}` then the bytes of each item of status 200. A
    recipient's first download moves its delivery to fetched, as `GET /packets/{id}` does."""
    agency = _agency(request)
    items = batches.packets_fetch_many(agency=agency, packet_uuids=payload.ids)
    described: list[dict[str, Any]] = []
    entries: list[PacketEntry] = []
    for item in items:
        packet = item.packet
        if item.later:
            described.append({"id": str(item.packet_uuid), "later": True})
        elif item.error is not None or packet is None:
            assert item.error is not None
            described.append({"id": str(item.packet_uuid), **_refusal(item.error)})
            entries.append(PacketEntry(item.packet_uuid, item.error.status, item.error.code, {}))
        else:
            described.append(
                {
                    "id": str(packet.uuid),
                    "status": 200,
                    "from": packet.sender.organ_id,
                    "type": packet.kind,
                    "size": packet.size,
                    "sha256": packet.sha256,
                }
            )
            entries.append(PacketEntry(packet.uuid, 200, "ok", {"size": packet.size}))
    handles = [item.handle for item in items if item.handle is not None]
    try:
        if entries:
            journal_each(request, entries)
    except BaseException:
        for handle in handles:
            handle.close()
        raise
    head = framed_body.manifest_line({"items": described})
    response = StreamingHttpResponse(
        framed_body.stream_files(head, handles, CHUNK), content_type=framed_body.CONTENT_TYPE
    )
    response["Content-Length"] = str(
        len(head) + sum(item.packet.size for item in items if item.handle and item.packet)
    )
    response["Cache-Control"] = "no-store"
    return response
