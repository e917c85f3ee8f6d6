"""The JSON shapes of the hub's API (times are ISO 8601, ids are UUIDs)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class InboxQuery(Schema):
    limit: int = Field(100, ge=1, le=1000)


class SentQuery(Schema):
    since: dt.datetime | None = Field(
        None, description="ISO 8601; without a zone: Vietnam time (Asia/Ho_Chi_Minh)"
    )
    limit: int = Field(100, ge=1, le=1000)


class DirectoryQuery(Schema):
    since: dt.datetime | None = Field(None, description="only agencies changed since then")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


class UnknownRecipientsOut(ErrorOut):
    recipients: list[str]


class SendOut(Schema):
    id: uuid.UUID
    sha256: str
    size: int
    duplicate: bool = Field(
        description="true: the same bytes were already sent by this agency (same id, "
        "nothing delivered again)"
    )


class SendManyItem(Schema):
    status: int = Field(description="201 new, 200 duplicate, 400/413 refused (this packet only)")
    id: uuid.UUID | None = None
    sha256: str | None = None
    size: int | None = None
    duplicate: bool | None = None
    code: str | None = None
    message: str | None = None
    fields: dict[str, str] | None = None
    recipients: list[str] | None = None


class SendManyOut(Schema):
    items: list[SendManyItem]


class InboxItem(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    from_: str = Field(alias="from", description="OrganId of the sender (authenticated)")
    type: Literal["edoc", "status"]
    size: int
    sha256: str
    created_at: dt.datetime
    status: Literal["waiting", "fetched"]
    fetched_at: dt.datetime | None


class InboxOut(Schema):
    items: list[InboxItem]
    more: bool = Field(description="true: more packets wait beyond `limit`")


class AckIn(Schema):
    status: Literal["done", "fail"]
    reason: str = Field(default="", max_length=1000)


class AckOut(Schema):
    id: uuid.UUID
    to: str
    status: Literal["done", "failed", "expired"]
    acknowledged_at: dt.datetime | None
    reason: str
    changed: bool = Field(description="false: already acknowledged before (nothing changed)")


class AckItemIn(AckIn):
    id: uuid.UUID


class AckManyIn(Schema):
    items: list[AckItemIn] = Field(description="at most 500 acknowledgements")


class FetchManyIn(Schema):
    ids: list[uuid.UUID] = Field(description="at most 50 packet ids, in the order wanted")


class AckManyItem(Schema):
    id: uuid.UUID
    found: bool = Field(description="false: not a packet waiting for this agency (nothing done)")
    status: Literal["done", "failed", "expired"] | None
    acknowledged_at: dt.datetime | None
    reason: str
    changed: bool


class AckManyOut(Schema):
    to: str
    items: list[AckManyItem]


class DeliveryOut(Schema):
    to: str
    status: Literal["waiting", "fetched", "done", "failed", "expired"]
    fetched_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    reason: str


class SentItem(Schema):
    id: uuid.UUID
    type: Literal["edoc", "status"]
    size: int
    sha256: str
    created_at: dt.datetime
    changed_at: dt.datetime
    purged_at: dt.datetime | None
    deliveries: list[DeliveryOut]


class SentOut(Schema):
    items: list[SentItem]
    more: bool = Field(description="true: call again with since = the last item's changed_at")


class AgencyOut(Schema):
    organ_id: str
    name: str
    parent: str | None
    email: str
    phone: str
    address: str
    active: bool
    mtls_required: bool
    updated_at: dt.datetime


class AgencyCreatedOut(AgencyOut):
    token: str = Field(description="the agency's key, shown only in this answer")


class AgencyCreateIn(Schema):
    organ_id: str = Field(max_length=20)
    name: str = Field(max_length=300)
    parent: str | None = None
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=500)
    active: bool = True
    mtls_fingerprints: list[str] = Field(default_factory=list, max_length=10)


class AgencyUpdateIn(Schema):
    """Fields left out are not changed; `parent: ""` clears the parent."""

    name: str | None = Field(default=None, max_length=300)
    parent: str | None = None
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=50)
    address: str | None = Field(default=None, max_length=500)
    active: bool | None = None
    mtls_fingerprints: list[str] | None = Field(default=None, max_length=10)


class InfoOut(Schema):
    agency: str | None = Field(description="OrganId of the caller; null for an administrator")
    admin: bool
    max_packet_bytes: int
    max_recipients: int
    retention_days: int
    undelivered_days: int
