"""The operator's page of packets: tabs with counts, the reason and history of each, retry of
a failed send and of a refused receipt; for clerks and administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from govdoc.exchange.models import InboxPacket, OutboxPacket
from govdoc.exchange.services.outbox import outbox_enqueue
from govdoc.exchange.workflow import InboxStatus, OutboxStatus, PacketKind
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db
URL = reverse("exchange:packets")


@pytest.fixture
def failed(ministry: Agency) -> OutboxPacket:
    packet = outbox_enqueue(
        agency=ministry,
        kind=PacketKind.EDOC,
        transport="hub",
        to=["000.00.00.H41"],
        packet=b"<edXML/>",
    )
    OutboxPacket.objects.filter(pk=packet.pk).update(
        status=OutboxStatus.FAILED, last_error="[too_large] Gói tin quá lớn."
    )
    packet.refresh_from_db()
    return packet


def test_the_clerk_sees_failed_packets_with_their_reason_and_sends_again(
    personas: dict[str, User], client_for: Any, failed: OutboxPacket
) -> None:
    client = client_for(personas["clerk"])
    page = client.get(URL, {"tab": "that-bai"}).content.decode()
    assert "Gói tin quá lớn." in page and f'data-packet="{failed.pk}"' in page
    response = client.post(reverse("exchange:outbox_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.QUEUED


def test_others_get_404_and_change_nothing(
    personas: dict[str, User], client_for: Any, failed: OutboxPacket
) -> None:
    for persona in ("specialist", "leader"):
        client = client_for(personas[persona])
        assert client.get(URL).status_code == 404
        assert client.post(reverse("exchange:outbox_retry", args=[failed.pk])).status_code == 404
    # another agency's clerk has the page, for her own agency's packets only
    outsider = client_for(personas["outsider"])
    page = outsider.get(URL, {"tab": "that-bai"}).content.decode()
    assert f'data-packet="{failed.pk}"' not in page
    assert outsider.post(reverse("exchange:outbox_retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED


def test_a_refused_receipt_can_be_applied_again_and_stays_refused_if_still_bad(
    personas: dict[str, User], client_for: Any, ministry: Agency
) -> None:
    from django.utils import timezone

    from govdoc.documents.storage import store_bytes
    from govdoc.exchange.services.outbox import XML

    stored = store_bytes(data=b"<not-edxml/>", kind=XML)
    packet = InboxPacket.objects.create(
        agency=ministry,
        transport="hub",
        external_id="x1",
        sha256=stored.sha256,
        packet=stored,
        sender_organ_id="000.00.00.H41",
        status=InboxStatus.REFUSED,
        reason_code="malformed",
        reason="Gói tin không đúng cấu trúc.",
        received_at=timezone.now(),
    )
    client = client_for(personas["clerk"])
    assert "Gói tin không đúng cấu trúc." in client.get(URL, {"tab": "bi-tu-choi"}).content.decode()
    client.post(reverse("exchange:inbox_retry", args=[packet.pk]))
    packet.refresh_from_db()
    assert packet.status == InboxStatus.REFUSED and packet.reason_code
    assert [e.action for e in packet.events.all()] == ["retry", "refuse"]
