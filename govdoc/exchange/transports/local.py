"""The `local` transport: agencies hosted on this same installation. Its mailbox is a
table of this database (`LocalMail`), so a packet handed over inside a transaction is
delivered if, and only if, that transaction commits; the sender is the agency the
installation itself sends for (no token, no network)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from govdoc.documents.storage import open_stored, store_bytes
from govdoc.exchange.transports.base import (
    DirectoryEntry,
    PermanentTransportError,
    ReceivedRef,
    SentStatus,
    TransportError,
)

if TYPE_CHECKING:
    from govdoc.exchange.models import LocalMail

NAME = "local"


class LocalTransport:
    name = NAME

    def send(self, *, sender_organ_id: str, packet: bytes, to: Sequence[str], kind: str) -> str:
        from govdoc.exchange.models import LocalMail
        from govdoc.exchange.services.outbox import XML
        from govdoc.organizations.models import Agency

        wanted = sorted(set(to))
        recipients = {
            agency.organ_id: agency
            for agency in Agency.objects.filter(organ_id__in=wanted, is_hosted=True)
        }
        missing = [organ_id for organ_id in wanted if organ_id not in recipients]
        if not wanted or missing:
            raise PermanentTransportError(
                "Không có cơ quan nhận trên hệ thống này: " + ", ".join(missing or ["(trống)"]),
                code="unknown_recipient",
            )
        stored = store_bytes(data=packet, kind=XML)
        digest = hashlib.sha256(packet).hexdigest()
        message_id = str(uuid.uuid4())
        now = timezone.now()
        LocalMail.objects.bulk_create(
            [
                LocalMail(
                    message_id=message_id,
                    sender_organ_id=sender_organ_id,
                    recipient=recipients[organ_id],
                    kind="status" if kind == "status" else "edoc",
                    packet=stored,
                    size=len(packet),
                    sha256=digest,
                    created_at=now,
                )
                for organ_id in wanted
            ]
        )
        return message_id

    def list_received(self, *, organ_id: str) -> list[ReceivedRef]:
        from govdoc.exchange.models import LocalMail

        rows = LocalMail.objects.filter(
            recipient__organ_id=organ_id, status=LocalMail.Status.WAITING
        ).order_by("created_at", "pk")[:500]
        return [
            ReceivedRef(
                id=str(row.pk),
                sender_organ_id=row.sender_organ_id,
                kind=row.kind,
                size=row.size,
                sha256=row.sha256,
            )
            for row in rows
        ]

    def get(self, *, organ_id: str, packet_id: str) -> bytes:
        row = self._mail(organ_id, packet_id)
        return open_stored(row.packet)

    def acknowledge(self, *, organ_id: str, packet_id: str, done: bool, reason: str = "") -> None:
        from govdoc.exchange.models import LocalMail

        row = self._mail(organ_id, packet_id)
        LocalMail.objects.filter(pk=row.pk, status=LocalMail.Status.WAITING).update(
            status=LocalMail.Status.DONE if done else LocalMail.Status.FAILED,
            reason=reason[:1000],
            acknowledged_at=timezone.now(),
        )

    def list_sent(self, *, organ_id: str, since: dt.datetime | None = None) -> list[SentStatus]:
        from govdoc.exchange.models import LocalMail

        rows = LocalMail.objects.filter(sender_organ_id=organ_id).select_related("recipient")
        if since is not None:
            rows = rows.filter(created_at__gte=since)
        return [
            SentStatus(
                id=row.message_id,
                recipient_organ_id=row.recipient.organ_id,
                status="waiting" if row.status == LocalMail.Status.WAITING else row.status,
                reason=row.reason,
                at=row.acknowledged_at or row.created_at,
            )
            for row in rows.order_by("-created_at", "-pk")[:500]
        ]

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]:
        from govdoc.organizations.models import Agency

        return [
            DirectoryEntry(
                organ_id=agency.organ_id,
                name=agency.name,
                parent_organ_id=agency.parent.organ_id if agency.parent else "",
                email=agency.email,
                phone=agency.phone,
                address=agency.address,
                active=agency.is_active,
            )
            for agency in Agency.objects.filter(is_hosted=True)
            .exclude(organ_id="")
            .select_related("parent")
            .order_by("name")
        ]

    def _mail(self, organ_id: str, packet_id: str) -> LocalMail:
        from govdoc.exchange.models import LocalMail

        try:
            pk = int(packet_id)
        except ValueError as error:
            raise PermanentTransportError("Mã gói tin không hợp lệ.", code="unknown") from error
        row = (
            LocalMail.objects.select_related("packet")
            .filter(pk=pk, recipient__organ_id=organ_id)
            .first()
        )
        if row is None:
            raise TransportError("Không có gói tin này trong hộp thư của cơ quan.")
        return row
