"""The hub's HTTP API, mounted at /api/v1/ by config/hub_urls.py (OpenAPI at /api/v1/docs).

The calls follow the national axis SDK's (DOMAIN.md §5.1): sendEdoc → POST /packets,
getReceivedEdocList → GET /inbox, getEdoc → GET /packets/{id}, updateStatus done|fail →
POST /packets/{id}/ack (several at once: POST /acks), getSentEdocList → GET /sent, agency
directory → /agencies.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Status

from govdoc.core.framed_body import CONTENT_TYPE
from govdoc.exchange.hub import api_batches, conf, selectors, services
from govdoc.exchange.hub.auth import Caller, HubTokenAuth
from govdoc.exchange.hub.errors import (
    AdminOnly,
    AgencyOnly,
    UnsupportedMediaType,
    install_handlers,
)
from govdoc.exchange.hub.journal import (
    journal_now,
    journaled,
    note_detail,
    note_packet,
    skip_journal,
)
from govdoc.exchange.hub.models import Agency, Packet
from govdoc.exchange.hub.schemas import (
    AckIn,
    AckManyIn,
    AckManyOut,
    AckOut,
    AgencyCreatedOut,
    AgencyCreateIn,
    AgencyOut,
    AgencyUpdateIn,
    DirectoryQuery,
    ErrorOut,
    InboxOut,
    InboxQuery,
    InfoOut,
    SendManyOut,
    SendOut,
    SentOut,
    SentQuery,
    UnknownRecipientsOut,
)
from govdoc.exchange.hub.storage import CHUNK

DESCRIPTION = """
Trạm trung chuyển liên thông văn bản giữa các hệ thống govdoc (lưu và chuyển tiếp gói tin
edXML). Mỗi cơ quan xác thực bằng mã truy cập của mình (`Authorization: Bearer <mã>`) và,
nếu cơ quan được đăng ký bắt buộc, bằng chứng thư TLS (mutual TLS). Mỗi cơ quan chỉ đọc được
hộp thư của mình. Lỗi có dạng `{"code", "message", "fields"}` bằng tiếng Việt.
"""

XML_TYPES = frozenset({"application/xml", "text/xml"})

api = NinjaAPI(
    title="govdoc hub — Trạm trung chuyển liên thông văn bản",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="hub_api",
    auth=HubTokenAuth(),
)
install_handlers(api)
api.add_decorator(journaled, mode="view")

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _caller(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)
    return caller


def _agency(request: HttpRequest) -> Agency:
    agency = _caller(request).agency
    if agency is None:
        raise AgencyOnly("Mã quản trị không có hộp thư: dùng mã truy cập của một cơ quan.")
    return agency


def _admin(request: HttpRequest) -> None:
    if not _caller(request).is_admin:
        raise AdminOnly("Chỉ quản trị trạm được sửa danh bạ cơ quan.")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _content_length(request: HttpRequest) -> int | None:
    try:
        return int(str(request.META.get("CONTENT_LENGTH") or ""))
    except ValueError:
        return None


# -- packets -----------------------------------------------------------------------------


@api.post(
    "/packets",
    response={200: SendOut, 201: SendOut, 400: UnknownRecipientsOut, 413: ErrorOut, **ERRORS},
    summary="Gửi gói tin (sendEdoc)",
    openapi_extra={
        "parameters": [
            {
                "name": services.TYPE_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string", "enum": ["edoc", "status"]},
            },
            {
                "name": services.TO_HEADER,
                "in": "header",
                "required": True,
                "description": "OrganId of the recipients, comma-separated",
                "schema": {"type": "string"},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
def send_packet(request: HttpRequest) -> Status[dict[str, Any]]:
    """The raw edXML bytes as the body. 201 for a new packet, 200 with the same id when the
    same bytes were already sent; 400 (with `recipients`) when a recipient is unknown or
    inactive; 411 without Content-Length; 413 over the size limit (nothing is read)."""
    sender = _agency(request)
    if request.content_type not in XML_TYPES:
        raise UnsupportedMediaType(
            "Gói tin gửi với Content-Type: application/xml (nội dung edXML nguyên bản)."
        )

    def journal_created(packet: Packet) -> None:
        # The call's journal row, in the packet's own transaction (one commit for both).
        note_packet(request, packet.uuid)
        note_detail(request, size=packet.size, duplicate=False)
        journal_now(request, status_code=201)

    result = services.packet_send(
        sender=sender,
        kind=request.headers.get(services.TYPE_HEADER),
        to=request.headers.get(services.TO_HEADER),
        body=request,
        length=_content_length(request),
        on_created=journal_created,
    )
    packet = result.packet
    note_packet(request, packet.uuid)
    note_detail(request, size=packet.size, duplicate=not result.created)
    if not result.created:
        request.hub_result = "duplicate"  # type: ignore[attr-defined]
    body = {
        "id": packet.uuid,
        "sha256": packet.sha256,
        "size": packet.size,
        "duplicate": not result.created,
    }
    return Status(201 if result.created else 200, body)


api.post(
    "/packets/batch",
    response={
        200: SendManyOut,
        400: ErrorOut,
        411: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        **ERRORS,
    },
    summary="Gửi nhiều gói tin một lần",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)(api_batches.send_packets)

api.post(
    "/packets/fetch",
    response={200: None, 400: ErrorOut, **ERRORS},
    summary="Tải nhiều gói tin một lần",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Phần mô tả (một dòng JSON) rồi nội dung từng gói tin",
                "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)(api_batches.fetch_packets)


@api.get("/inbox", response={200: InboxOut, **ERRORS}, by_alias=True, summary="Hộp thư đến")
def inbox(request: HttpRequest, params: Query[InboxQuery]) -> dict[str, Any]:
    """Packets waiting for the calling agency (not yet acknowledged), oldest first."""
    agency = _agency(request)
    page = selectors.inbox(agency, limit=params.limit)
    services.agency_polled(agency=agency, empty=not page.items)
    if page.items:
        note_detail(request, count=len(page.items))
    else:
        skip_journal(request)  # counted on the agency instead (docs/hub.md, "The journal")
    return {"items": [_inbox_item(d) for d in page.items], "more": page.more}


def _inbox_item(entry: selectors.InboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "from": entry.sender,
        "type": entry.kind,
        "size": entry.size,
        "sha256": entry.sha256,
        "created_at": entry.created_at,
        "status": entry.status,
        "fetched_at": entry.fetched_at,
    }


@api.get(
    "/packets/{packet_id}",
    response={200: None, 410: ErrorOut, **ERRORS},
    summary="Tải gói tin (getEdoc)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Nội dung edXML nguyên bản",
                "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_packet(request: HttpRequest, packet_id: uuid.UUID) -> FileResponse:
    """The raw bytes, for the packet's sender or one of its recipients (others: 404)."""
    download = services.packet_fetch(agency=_agency(request), packet_uuid=packet_id)
    packet = download.packet
    response = FileResponse(download.handle, content_type="application/xml")
    # In pieces of 1 MB rather than Django's 4 KB: a 139 KB packet in one write, not 35.
    response.block_size = CHUNK
    response["Content-Length"] = str(packet.size)
    response["X-Edxml-Type"] = packet.kind
    response["X-Edxml-From"] = packet.sender.organ_id
    response["X-Content-Sha256"] = packet.sha256
    response["ETag"] = f'"{packet.sha256}"'
    response["Cache-Control"] = "no-store"
    return response


@api.post(
    "/packets/{packet_id}/ack",
    response={200: AckOut, 400: ErrorOut, **ERRORS},
    summary="Xác nhận đã nhận (updateStatus done|fail)",
)
def ack_packet(request: HttpRequest, packet_id: uuid.UUID, payload: AckIn) -> dict[str, Any]:
    """By a recipient: done, or fail with a reason. Either takes the packet out of the
    inbox; the sender sees the outcome in /sent. Acknowledging twice changes nothing."""
    agency = _agency(request)
    result = services.packet_ack(
        agency=agency, packet_uuid=packet_id, status=payload.status, reason=payload.reason
    )
    delivery = result.delivery
    note_detail(request, status=delivery.status, changed=result.changed)
    return {
        "id": packet_id,
        "to": agency.organ_id,
        "status": delivery.status,
        "acknowledged_at": delivery.acknowledged_at,
        "reason": delivery.reason,
        "changed": result.changed,
    }


@api.post(
    "/acks",
    response={200: AckManyOut, 400: ErrorOut, **ERRORS},
    summary="Xác nhận nhiều gói tin một lần",
)
def ack_packets(request: HttpRequest, payload: AckManyIn) -> dict[str, Any]:
    """Up to 500 acknowledgements in one call, each as `/packets/{id}/ack` does; a packet that
    is not waiting for the agency is answered `found: false` without refusing the others. A
    bad status or reason in any item refuses the whole call (400, nothing changed)."""
    agency = _agency(request)
    results = services.packet_ack_many(
        agency=agency,
        requests=[
            services.AckRequest(packet_uuid=item.id, status=item.status, reason=item.reason)
            for item in payload.items
        ],
    )
    items: list[dict[str, Any]] = []
    for packet_uuid, result in results:
        delivery = result.delivery if result is not None else None
        items.append(
            {
                "id": packet_uuid,
                "found": delivery is not None,
                "status": delivery.status if delivery is not None else None,
                "acknowledged_at": delivery.acknowledged_at if delivery is not None else None,
                "reason": delivery.reason if delivery is not None else "",
                "changed": result.changed if result is not None else False,
            }
        )
    # The journal keeps each packet's outcome (the call's row has no single packet).
    note_detail(
        request,
        count=len(items),
        acks=[
            {"packet": str(i["id"]), "status": i["status"] or "not_found", "changed": i["changed"]}
            for i in items
        ],
    )
    return {"to": agency.organ_id, "items": items}


@api.get("/sent", response={200: SentOut, 400: ErrorOut, **ERRORS}, summary="Gói tin đã gửi")
def sent(request: HttpRequest, params: Query[SentQuery]) -> dict[str, Any]:
    """Packets the agency sent, created or changed at or after `since` (ISO 8601; without a
    zone: Vietnam time), oldest change first, with each recipient's delivery status."""
    page = selectors.sent(_agency(request), since=_aware(params.since), limit=params.limit)
    note_detail(request, count=len(page.items))
    return {"items": [_sent_item(p) for p in page.items], "more": page.more}


def _sent_item(packet: Packet) -> dict[str, Any]:
    return {
        "id": packet.uuid,
        "type": packet.kind,
        "size": packet.size,
        "sha256": packet.sha256,
        "created_at": packet.created_at,
        "changed_at": packet.changed_at,
        "purged_at": packet.purged_at,
        "deliveries": [
            {
                "to": d.recipient.organ_id,
                "status": d.status,
                "fetched_at": d.fetched_at,
                "acknowledged_at": d.acknowledged_at,
                "reason": d.reason,
            }
            for d in packet.deliveries.all()
        ],
    }


# -- directory ---------------------------------------------------------------------------


def _agency_out(agency: Agency) -> dict[str, Any]:
    return {
        "organ_id": agency.organ_id,
        "name": agency.name,
        "parent": agency.parent.organ_id if agency.parent is not None else None,
        "email": agency.email,
        "phone": agency.phone,
        "address": agency.address,
        "active": agency.active,
        "mtls_required": agency.mtls_required,
        "updated_at": agency.updated_at,
    }


@api.get("/agencies", response={200: list[AgencyOut], **ERRORS}, summary="Danh bạ cơ quan")
def list_agencies(request: HttpRequest, params: Query[DirectoryQuery]) -> list[dict[str, Any]]:
    """Every agency on the hub (active or not); `since`: only those changed since then."""
    return [_agency_out(a) for a in selectors.directory(since=_aware(params.since))]


@api.get("/agencies/{organ_id}", response={200: AgencyOut, **ERRORS}, summary="Một cơ quan")
def get_agency(request: HttpRequest, organ_id: str) -> dict[str, Any]:
    return _agency_out(services.agency_get(organ_id))


@api.post(
    "/agencies",
    response={201: AgencyCreatedOut, 400: ErrorOut, **ERRORS},
    summary="Thêm cơ quan (quản trị)",
)
def create_agency(request: HttpRequest, payload: AgencyCreateIn) -> Status[dict[str, Any]]:
    """Administrators only. The answer carries the agency's first key, shown only here."""
    _admin(request)
    agency = services.agency_create(
        organ_id=payload.organ_id,
        data=services.AgencyInput(
            name=payload.name,
            parent=payload.parent,
            email=payload.email,
            phone=payload.phone,
            address=payload.address,
            active=payload.active,
            mtls_fingerprints=payload.mtls_fingerprints,
        ),
    )
    credential, raw_key = services.credential_issue(agency=agency)
    note_detail(request, organ_id=agency.organ_id, token=credential.prefix)
    return Status(201, {**_agency_out(agency), "token": raw_key})


@api.put(
    "/agencies/{organ_id}",
    response={200: AgencyOut, 400: ErrorOut, **ERRORS},
    summary="Sửa cơ quan (quản trị)",
)
def update_agency(request: HttpRequest, organ_id: str, payload: AgencyUpdateIn) -> dict[str, Any]:
    """Administrators only. Fields left out are not changed; `"parent": ""` clears it."""
    _admin(request)
    agency = services.agency_update(
        organ_id=organ_id,
        data=services.AgencyInput(**payload.model_dump(exclude_unset=True)),
    )
    note_detail(request, organ_id=agency.organ_id, changed=sorted(payload.model_fields_set))
    return _agency_out(agency)


@api.get("/info", response={200: InfoOut, **ERRORS}, summary="Giới hạn của trạm")
def info(request: HttpRequest) -> dict[str, Any]:
    caller = _caller(request)
    return {
        "agency": caller.agency.organ_id if caller.agency is not None else None,
        "admin": caller.is_admin,
        "max_packet_bytes": conf.max_packet_bytes(),
        "max_recipients": conf.max_recipients(),
        "retention_days": conf.retention_days(),
        "undelivered_days": conf.undelivered_days(),
    }
