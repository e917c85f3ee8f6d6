"""Acknowledging several packets in one call (`POST /acks`): each as `/packets/{id}/ack`
would, one journal row naming every packet, and a bad item refusing the whole call."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from govdoc.exchange.hub.models import Delivery, DeliveryStatus, HubCall, Packet
from govdoc.exchange.hub.tests.conftest import API, Member, edxml, send

pytestmark = pytest.mark.django_db


def _acks(member: Member, items: list[dict[str, Any]]) -> Any:
    return member.client().post(f"{API}/acks", {"items": items}, content_type="application/json")


def _sent(sender: Member, count: int) -> list[str]:
    return [str(send(sender, edxml(f"Công văn {i}")).json()["id"]) for i in range(count)]


def test_several_packets_are_acknowledged_in_one_call(sender: Member, recipient: Member) -> None:
    # given three packets waiting for the recipient
    first, second, third = _sent(sender, 3)
    # when it acknowledges all three at once, one of them as failed
    answer = _acks(
        recipient,
        [
            {"id": first, "status": "done"},
            {"id": second, "status": "fail", "reason": "Không đọc được tệp đính kèm"},
            {"id": third, "status": "done"},
        ],
    )
    # then each is answered in the order asked, and its delivery ended
    assert answer.status_code == 200
    body = answer.json()
    assert body["to"] == recipient.organ_id
    assert [(i["id"], i["found"], i["status"], i["changed"]) for i in body["items"]] == [
        (first, True, "done", True),
        (second, True, "failed", True),
        (third, True, "done", True),
    ]
    statuses = {str(d.packet.uuid): (d.status, d.reason) for d in Delivery.objects.all()}
    assert statuses[second] == (DeliveryStatus.FAILED, "Không đọc được tệp đính kèm")
    assert statuses[first] == statuses[third] == (DeliveryStatus.DONE, "")
    # the inbox is empty, each packet's retention clock started
    assert recipient.client().get(f"{API}/inbox").json()["items"] == []
    assert not Packet.objects.filter(completed_at__isnull=True).exists()
    # and the call left one journal row with each packet's outcome
    row = HubCall.objects.get(call="ack_packets")
    assert row.agency == recipient.organ_id
    assert row.detail["count"] == 3
    assert [a["status"] for a in row.detail["acks"]] == ["done", "failed", "done"]


def test_a_packet_not_waiting_for_the_agency_is_answered_not_found(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # given a packet for the recipient, acknowledged once already
    (packet_id,) = _sent(sender, 1)
    assert _acks(recipient, [{"id": packet_id, "status": "done"}]).status_code == 200
    # when another agency acknowledges it with an unknown id beside it
    stranger = _acks(
        outsider,
        [{"id": packet_id, "status": "fail"}, {"id": str(uuid.uuid4()), "status": "done"}],
    )
    # and the recipient acknowledges it again
    again = _acks(recipient, [{"id": packet_id, "status": "fail", "reason": "lại"}])
    # then the other agency learns nothing and changes nothing
    assert stranger.status_code == 200
    assert [i["found"] for i in stranger.json()["items"]] == [False, False]
    # and the repeat is harmless
    assert again.json()["items"][0] | {"acknowledged_at": None} == {
        "id": packet_id,
        "found": True,
        "status": "done",
        "acknowledged_at": None,
        "reason": "",
        "changed": False,
    }
    assert Delivery.objects.get().status == DeliveryStatus.DONE


def test_one_bad_item_refuses_the_whole_call(sender: Member, recipient: Member) -> None:
    # given two waiting packets
    first, second = _sent(sender, 2)
    # when one item of the batch has a bad status, or a reason too long, or the list is empty
    bad_status = _acks(recipient, [{"id": first, "status": "done"}, {"id": second, "status": "x"}])
    too_long = _acks(
        recipient,
        [{"id": first, "status": "done"}, {"id": second, "status": "fail", "reason": "x" * 1001}],
    )
    empty = _acks(recipient, [])
    # then each is refused with the field named, in Vietnamese
    assert bad_status.status_code == too_long.status_code == empty.status_code == 400
    assert empty.json()["fields"] == {"items": "Danh sách xác nhận trống."}
    assert too_long.json()["fields"] == {"reason": "Tối đa 1000 ký tự."}
    assert "status" in bad_status.json()["fields"]
    # and nothing changed: both still wait
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.WAITING}


def test_more_than_the_cap_is_refused(sender: Member, recipient: Member) -> None:
    items = [{"id": str(uuid.uuid4()), "status": "done"} for _ in range(501)]
    answer = _acks(recipient, items)
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"items": "Mỗi lần xác nhận tối đa 500 gói tin."}


def test_a_packet_for_several_agencies_completes_when_the_last_acknowledges(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # given two packets for both the recipient and another agency
    ids = [
        str(
            send(
                sender, edxml(f"Gửi hai nơi {i}"), to=f"{recipient.organ_id},{outsider.organ_id}"
            ).json()["id"]
        )
        for i in range(2)
    ]
    # when the recipient acknowledges both, one of them twice in the same call
    body = _acks(
        recipient,
        [
            {"id": ids[0], "status": "done"},
            {"id": ids[1], "status": "done"},
            {"id": ids[0], "status": "fail", "reason": "lần hai"},
        ],
    ).json()
    # then its deliveries end (the first answer wins), the packets are not complete yet
    assert [(i["status"], i["changed"]) for i in body["items"]] == [
        ("done", True),
        ("done", True),
        ("done", False),
    ]
    assert Packet.objects.filter(completed_at__isnull=True).count() == 2
    # and when the other agency acknowledges them too, both are complete
    _acks(outsider, [{"id": i, "status": "done"} for i in ids])
    assert not Packet.objects.filter(completed_at__isnull=True).exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DONE}
