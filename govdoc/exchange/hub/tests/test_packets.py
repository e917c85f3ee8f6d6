"""Sending, listing, downloading and acknowledging packets between agencies."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govdoc.exchange.hub.models import Delivery, DeliveryStatus, HubCall, Packet
from govdoc.exchange.hub.services import AgencyInput, agency_update
from govdoc.exchange.hub.tests.conftest import (
    API,
    OTHER,
    RECIPIENT,
    SENDER,
    Hub,
    Member,
    edxml,
    send,
)

pytestmark = pytest.mark.django_db


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _ack(member: Member, packet_id: str, status: str = "done", reason: str = "") -> Any:
    return member.client().post(
        f"{API}/packets/{packet_id}/ack",
        {"status": status, "reason": reason},
        content_type="application/json",
    )


def _nothing_stored(hub: Hub) -> None:
    assert not Packet.objects.exists()
    assert not Delivery.objects.exists()
    assert hub.stored_files() == []


def test_send_list_get_ack_between_two_agencies(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # given two agencies on the hub and a packet
    packet = edxml()
    # when the sender sends it to the recipient
    sent = send(sender, packet)
    # then it is stored under a new id with its SHA-256, one file, one delivery waiting
    assert sent.status_code == 201
    packet_id = sent.json()["id"]
    assert sent.json() == {
        "id": packet_id,
        "sha256": hashlib.sha256(packet).hexdigest(),
        "size": len(packet),
        "duplicate": False,
    }
    assert len(hub.stored_files()) == 1
    assert Delivery.objects.get().status == DeliveryStatus.WAITING

    # when the recipient lists its inbox
    inbox = recipient.client().get(f"{API}/inbox")
    # then the packet waits there, from the authenticated sender
    assert inbox.status_code == 200
    [item] = inbox.json()["items"]
    assert item["id"] == packet_id
    assert (item["from"], item["type"], item["size"], item["status"]) == (
        SENDER,
        "edoc",
        len(packet),
        "waiting",
    )
    assert item["sha256"] == hashlib.sha256(packet).hexdigest()
    assert inbox.json()["more"] is False

    # when it downloads it
    download = recipient.client().get(f"{API}/packets/{packet_id}")
    # then it gets the exact bytes, with the sender and the digest; the delivery is fetched
    assert download.status_code == 200
    assert _body(download) == packet
    assert download["Content-Type"] == "application/xml"
    assert download["X-Edxml-From"] == SENDER
    assert download["X-Edxml-Type"] == "edoc"
    assert download["X-Content-Sha256"] == hashlib.sha256(packet).hexdigest()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FETCHED
    assert delivery.fetched_at is not None
    # a downloaded but unacknowledged packet stays in the inbox (a crash loses nothing)
    assert recipient.client().get(f"{API}/inbox").json()["items"][0]["status"] == "fetched"

    # when it acknowledges it
    ack = _ack(recipient, packet_id)
    # then the packet leaves the inbox and the sender sees it done
    assert ack.status_code == 200
    assert ack.json()["status"] == "done"
    assert ack.json()["changed"] is True
    assert recipient.client().get(f"{API}/inbox").json()["items"] == []
    [row] = sender.client().get(f"{API}/sent").json()["items"]
    assert row["deliveries"][0]["to"] == RECIPIENT
    assert row["deliveries"][0]["status"] == "done"
    assert Packet.objects.get().completed_at is not None


def test_status_packet_to_several_recipients(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # when a status packet goes to two agencies
    sent = send(sender, edxml("status"), kind="status", to=f"{RECIPIENT}, {OTHER},{RECIPIENT}")
    # then each gets it once, and the packet completes only when both acknowledged
    assert sent.status_code == 201
    packet_id = sent.json()["id"]
    assert Delivery.objects.count() == 2
    for member in (recipient, outsider):
        [item] = member.client().get(f"{API}/inbox").json()["items"]
        assert item["type"] == "status"
    _ack(recipient, packet_id)
    assert Packet.objects.get().completed_at is None
    _ack(outsider, packet_id, "fail", "Không đọc được chữ ký số")
    assert Packet.objects.get().completed_at is not None


def test_a_third_agency_cannot_see_another_agencys_packets(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # given a packet from the sender to the recipient
    packet_id = send(sender, edxml()).json()["id"]
    # when a third agency lists, downloads or acknowledges it
    inbox = outsider.client().get(f"{API}/inbox")
    download = outsider.client().get(f"{API}/packets/{packet_id}")
    ack = _ack(outsider, packet_id)
    # then it sees nothing, and "not yours" answers the same as "no such packet"
    assert inbox.json()["items"] == []
    assert download.status_code == 404
    assert ack.status_code == 404
    assert download.json() == ack.json()
    missing = outsider.client().get(f"{API}/packets/00000000-0000-4000-8000-000000000000")
    assert missing.json() == download.json()
    assert outsider.client().get(f"{API}/sent").json()["items"] == []
    # and the delivery did not move
    assert Delivery.objects.get().status == DeliveryStatus.WAITING


def test_sender_may_download_but_not_acknowledge(sender: Member, recipient: Member) -> None:
    packet_id = send(sender, edxml()).json()["id"]
    assert _body(sender.client().get(f"{API}/packets/{packet_id}")) == edxml()
    assert Delivery.objects.get().status == DeliveryStatus.WAITING
    assert _ack(sender, packet_id).status_code == 404


def test_fail_with_reason_is_seen_by_the_sender(sender: Member, recipient: Member) -> None:
    # given a packet the recipient cannot take in
    packet_id = send(sender, edxml()).json()["id"]
    recipient.client().get(f"{API}/packets/{packet_id}")
    # when it acknowledges it as failed, with a reason
    ack = _ack(recipient, packet_id, "fail", "Sai định dạng edXML")
    # then the packet leaves its inbox and the sender sees the failure and the reason
    assert ack.status_code == 200
    assert ack.json()["status"] == "failed"
    assert recipient.client().get(f"{API}/inbox").json()["items"] == []
    [row] = sender.client().get(f"{API}/sent").json()["items"]
    delivery = row["deliveries"][0]
    assert (delivery["status"], delivery["reason"]) == ("failed", "Sai định dạng edXML")
    assert delivery["fetched_at"] is not None
    assert delivery["acknowledged_at"] is not None


def test_acknowledging_twice_is_harmless(sender: Member, recipient: Member) -> None:
    packet_id = send(sender, edxml()).json()["id"]
    first = _ack(recipient, packet_id, "done")
    # when the recipient acknowledges again (a retry), even with another outcome
    second = _ack(recipient, packet_id, "fail", "retry")
    # then it is answered 200 and nothing changes
    assert second.status_code == 200
    assert second.json()["changed"] is False
    assert second.json()["status"] == "done"
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.reason) == (DeliveryStatus.DONE, "")


def test_bad_acknowledgement_is_400_and_changes_nothing(sender: Member, recipient: Member) -> None:
    packet_id = send(sender, edxml()).json()["id"]
    bad_status = _ack(recipient, packet_id, "received")
    too_long = _ack(recipient, packet_id, "fail", "x" * 1001)
    assert bad_status.status_code == 400
    assert "status" in bad_status.json()["fields"]
    assert too_long.status_code == 400
    assert "reason" in too_long.json()["fields"]
    assert Delivery.objects.get().status == DeliveryStatus.WAITING


def test_oversized_packet_is_413_and_nothing_is_stored(
    hub: Hub, sender: Member, recipient: Member, settings: Any
) -> None:
    # given a hub that takes packets up to 1000 bytes
    settings.GOVDOC_HUB_MAX_PACKET_BYTES = 1000
    # when a packet of 1001 bytes is sent
    response = send(sender, b"<" + b"x" * 1000)
    # then it is refused as too large, and nothing is stored
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    _nothing_stored(hub)
    assert HubCall.objects.get().status_code == 413


def _environ(*, content_length: str, wsgi_input: Any) -> dict[str, Any]:
    """WSGI variables that replace what the test client would send."""
    return {"CONTENT_LENGTH": content_length, "wsgi.input": wsgi_input}


class _Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body of an oversized packet must not be read")


def test_oversized_packet_is_refused_before_its_body_is_read(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # when a client announces 60 MB (over the 50 MB default)
    response = sender.client(**{"X-Edxml-Type": "edoc", "X-Edxml-To": RECIPIENT}).post(
        f"{API}/packets",
        data=b"<",  # replaced by wsgi.input; non-empty so that the client sets the type
        content_type="application/xml",
        **_environ(content_length=str(60 * 1024 * 1024), wsgi_input=_Unreadable()),
    )
    # then it is refused from the header alone
    assert response.status_code == 413
    assert "50 MB" in response.json()["message"]
    _nothing_stored(hub)


def test_truncated_body_is_400_and_nothing_is_stored(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # when the connection delivers fewer bytes than announced
    response = sender.client(
        **{"X-Edxml-Type": "edoc", "X-Edxml-To": RECIPIENT}
    ).post(
        f"{API}/packets",
        data=b"<",  # replaced by wsgi.input; non-empty so that the client sets the type
        content_type="application/xml",
        **_environ(content_length="500", wsgi_input=io.BytesIO(edxml()[:100])),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "incomplete_body"
    _nothing_stored(hub)


def test_missing_content_length_is_411(hub: Hub, sender: Member, recipient: Member) -> None:
    response = send(sender, edxml(), CONTENT_LENGTH="")
    assert response.status_code == 411
    _nothing_stored(hub)


@pytest.mark.parametrize("to", ["000.00.00.A99", f"{RECIPIENT},000.00.00.A99"])
def test_unknown_recipient_is_400_with_the_list(
    hub: Hub, sender: Member, recipient: Member, to: str
) -> None:
    # when a packet names a recipient the hub does not know
    response = send(sender, edxml(), to=to)
    # then it is refused with the unknown ones listed, and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_recipients"
    assert body["recipients"] == ["000.00.00.A99"]
    assert "X-Edxml-To" in body["fields"]
    _nothing_stored(hub)


def test_inactive_recipient_is_refused(hub: Hub, sender: Member, recipient: Member) -> None:
    agency_update(organ_id=RECIPIENT, data=AgencyInput(active=False))
    response = send(sender, edxml())
    assert response.status_code == 400
    assert response.json()["recipients"] == [RECIPIENT]
    _nothing_stored(hub)


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"kind": "document"}, "X-Edxml-Type"),
        ({"to": ""}, "X-Edxml-To"),
        ({"to": "G22"}, "X-Edxml-To"),
    ],
)
def test_bad_headers_are_400(
    hub: Hub, sender: Member, recipient: Member, headers: dict[str, str], field: str
) -> None:
    response = send(sender, edxml(), **headers)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    _nothing_stored(hub)


def test_not_xml_is_refused(hub: Hub, sender: Member, recipient: Member) -> None:
    wrong_type = send(sender, edxml(), content_type="application/json")
    not_xml = send(sender, b"%PDF-1.4 not a packet")
    assert wrong_type.status_code == 415
    assert not_xml.status_code == 400
    _nothing_stored(hub)


def test_sending_the_same_packet_twice_returns_the_same_id(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # given a packet already sent
    first = send(sender, edxml())
    # when the sender sends the same bytes again (e.g. it lost the answer)
    again = send(sender, edxml())
    # then it gets the same id; there is one packet, one delivery, one file
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["duplicate"] is True
    assert Packet.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(hub.stored_files()) == 1
    assert len(recipient.client().get(f"{API}/inbox").json()["items"]) == 1
    assert HubCall.objects.filter(call="send_packet").order_by("id").last().result == "duplicate"  # type: ignore[union-attr]


def test_same_bytes_from_another_sender_is_another_packet(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    first = send(sender, edxml())
    second = send(outsider, edxml())
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert len(recipient.client().get(f"{API}/inbox").json()["items"]) == 2


def test_inbox_is_oldest_first_and_paged(sender: Member, recipient: Member) -> None:
    ids = [send(sender, edxml(f"số {n}")).json()["id"] for n in range(3)]
    page = recipient.client().get(f"{API}/inbox?limit=2").json()
    assert [item["id"] for item in page["items"]] == ids[:2]
    assert page["more"] is True
    assert recipient.client().get(f"{API}/inbox?limit=0").status_code == 400


def test_sent_lists_each_recipients_status_since_a_time(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # given three packets: one done by both, one fetched by one, one failed by one
    done = send(sender, edxml("1"), to=f"{RECIPIENT},{OTHER}").json()["id"]
    fetched = send(sender, edxml("2")).json()["id"]
    failed = send(sender, edxml("3"), to=OTHER).json()["id"]
    _ack(recipient, done)
    _ack(outsider, done)
    recipient.client().get(f"{API}/packets/{fetched}")
    _ack(outsider, failed, "fail", "Không xác minh được chữ ký")
    # when the sender lists what it sent
    items = {i["id"]: i for i in sender.client().get(f"{API}/sent").json()["items"]}
    # then it sees every recipient's delivery status
    assert [d["status"] for d in items[done]["deliveries"]] == ["done", "done"]
    assert items[fetched]["deliveries"][0]["status"] == "fetched"
    assert items[failed]["deliveries"][0]["reason"] == "Không xác minh được chữ ký"
    # and `since` gives only what changed after that moment, oldest change first
    later = timezone.now()
    _ack(recipient, fetched)
    changed = sender.client().get(f"{API}/sent", {"since": later.isoformat()}).json()["items"]
    assert [i["id"] for i in changed] == [fetched]
    local = timezone.localtime(later).replace(tzinfo=None).isoformat()
    assert len(sender.client().get(f"{API}/sent", {"since": local}).json()["items"]) == 1
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert sender.client().get(f"{API}/sent", {"since": future}).json()["items"] == []
    assert sender.client().get(f"{API}/sent", {"since": "hôm qua"}).status_code == 400


def test_info_tells_the_limits(recipient: Member) -> None:
    info = recipient.client().get(f"{API}/info").json()
    assert info["agency"] == RECIPIENT
    assert info["max_packet_bytes"] == 50 * 1024 * 1024
    assert info["retention_days"] == 30


def test_openapi_describes_the_hub() -> None:
    schema = Client().get(f"{API}/openapi.json").json()
    assert "/api/v1/packets" in schema["paths"]
    assert "/api/v1/packets/{packet_id}/ack" in schema["paths"]
