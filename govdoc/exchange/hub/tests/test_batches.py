"""Sending and fetching several packets in one call (`POST /packets/batch`, `POST
/packets/fetch`): each packet as the single calls treat it, one journal row per packet, and
a body that does not match its manifest refused whole with nothing stored."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.utils import timezone

from govdoc.core import framed_body
from govdoc.exchange.hub.models import Delivery, DeliveryStatus, HubCall, Packet
from govdoc.exchange.hub.tests.conftest import API, OTHER, Hub, Member, edxml, send

pytestmark = pytest.mark.django_db


def _send_many(member: Member, items: list[dict[str, Any]], parts: list[bytes]) -> Any:
    body = framed_body.encode({"items": items}, parts)
    return member.client().post(
        f"{API}/packets/batch", data=body, content_type=framed_body.CONTENT_TYPE
    )


def _item(member: Member, data: bytes, **extra: Any) -> dict[str, Any]:
    return {"type": "edoc", "to": [member.organ_id], "size": len(data), **extra}


def _fetch(member: Member, ids: list[str]) -> tuple[Any, dict[str, Any], list[bytes]]:
    answer = member.client().post(
        f"{API}/packets/fetch", {"ids": ids}, content_type="application/json"
    )
    if answer.status_code != 200:
        return answer, answer.json(), []
    manifest, parts = framed_body.decode(b"".join(answer.streaming_content))  # type: ignore[attr-defined]
    return answer, manifest, parts


def test_several_packets_are_sent_in_one_call(hub: Hub, sender: Member, recipient: Member) -> None:
    # given three packets for the recipient
    packets = [edxml(f"Công văn số {i}") for i in range(3)]
    # when the sender sends them in one batch
    answer = _send_many(sender, [_item(recipient, p) for p in packets], packets)
    # then each is answered as a new packet, in order, and stored with its delivery
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["status"] for i in items] == [201, 201, 201]
    assert [i["sha256"] for i in items] == [hashlib.sha256(p).hexdigest() for p in packets]
    assert Packet.objects.count() == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.WAITING}
    assert len(hub.stored_files()) == 3
    # the recipient's inbox lists them
    listed = recipient.client().get(f"{API}/inbox").json()["items"]
    assert sorted(i["id"] for i in listed) == sorted(i["id"] for i in items)
    # and each packet has its own journal row, naming the batch
    rows = HubCall.objects.filter(call="send_packets").order_by("id")
    assert [str(r.packet) for r in rows] == [i["id"] for i in items]
    assert {(r.status_code, r.result, r.detail["batch"]) for r in rows} == {(201, "ok", 3)}


def test_a_refused_packet_does_not_refuse_the_others(
    hub: Hub, sender: Member, recipient: Member, settings: Any
) -> None:
    # given a batch with a good packet, one for an unknown agency, one too large and one
    # that is not XML
    settings.GOVDOC_HUB_MAX_PACKET_BYTES = 1000
    good, unknown, large, text = edxml("Tốt"), edxml("Không ai nhận"), b"<" * 1001, b"PDF..."
    items = [
        _item(recipient, good),
        {**_item(recipient, unknown), "to": ["000.00.00.Z99"]},
        _item(recipient, large),
        _item(recipient, text),
    ]
    # when it is sent
    answer = _send_many(sender, items, [good, unknown, large, text])
    # then only the good one is stored; each refusal says why, in Vietnamese
    assert answer.status_code == 200
    out = answer.json()["items"]
    assert [i["status"] for i in out] == [201, 400, 413, 400]
    assert out[1]["code"] == "unknown_recipients" and out[1]["recipients"] == ["000.00.00.Z99"]
    assert "vượt quá giới hạn" in out[2]["message"]
    assert "không phải gói tin XML" in out[3]["message"]
    assert Packet.objects.count() == 1 and len(hub.stored_files()) == 1
    assert list(hub.store.glob(".staging/*")) == []
    # and the journal has a row per packet with its outcome
    rows = HubCall.objects.filter(call="send_packets").order_by("id")
    assert [(r.status_code, r.result) for r in rows] == [
        (201, "ok"),
        (400, "unknown_recipients"),
        (413, "too_large"),
        (400, "validation"),
    ]


def test_the_same_bytes_twice_are_one_packet(hub: Hub, sender: Member, recipient: Member) -> None:
    # given a packet sent already
    before = edxml("Đã gửi")
    first = send(sender, before, to=recipient.organ_id).json()["id"]
    # when a batch carries it again, and another packet twice
    again = edxml("Hai lần")
    answer = _send_many(
        sender,
        [_item(recipient, before), _item(recipient, again), _item(recipient, again)],
        [before, again, again],
    )
    # then the repeat answers the kept packet, the pair is one new packet
    out = answer.json()["items"]
    assert [(i["status"], i["duplicate"]) for i in out] == [(200, True), (201, False), (200, True)]
    assert out[0]["id"] == first and out[1]["id"] == out[2]["id"]
    assert Packet.objects.count() == 2 and Delivery.objects.count() == 2
    assert len(hub.stored_files()) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json\n<edXML/>", "không phải JSON"),
        (b'{"items": []}\n', "Lô gói tin trống"),
        (b'{"items": [{"type": "edoc", "to": ["x"], "size": -1}]}\n', "size"),
        (b'{"items": [{"type": "edoc", "to": ["x"], "size": 500}]}\n<edXML/>', "Content-Length"),
        (b"<edXML/>", "Thiếu phần mô tả"),
    ],
)
def test_a_body_that_does_not_match_its_manifest_is_refused_whole(
    hub: Hub, sender: Member, recipient: Member, body: bytes, message: str
) -> None:
    # when a malformed batch is sent
    answer = sender.client().post(
        f"{API}/packets/batch", data=body, content_type=framed_body.CONTENT_TYPE
    )
    # then the call is refused with the reason, nothing is stored, the call is journaled
    assert answer.status_code == 400
    assert message in answer.json()["message"]
    assert not Packet.objects.exists() and hub.stored_files() == []
    assert HubCall.objects.get(call="send_packets").status_code == 400


def test_too_many_packets_or_the_wrong_type_are_refused(sender: Member, recipient: Member) -> None:
    packet = edxml()
    items = [_item(recipient, packet)] * 51
    assert _send_many(sender, items, [packet] * 51).status_code == 400
    wrong = sender.client().post(
        f"{API}/packets/batch",
        data=framed_body.encode({"items": [_item(recipient, packet)]}, [packet]),
        content_type="application/xml",
    )
    assert wrong.status_code == 415
    assert not Packet.objects.exists()


def _sent_ids(sender: Member, recipient: Member, count: int) -> list[str]:
    return [
        str(send(sender, edxml(f"Công văn {i}"), to=recipient.organ_id).json()["id"])
        for i in range(count)
    ]


def test_several_packets_are_fetched_in_one_call(sender: Member, recipient: Member) -> None:
    # given three packets waiting for the recipient
    ids = _sent_ids(sender, recipient, 3)
    # when it fetches them in one call
    answer, manifest, parts = _fetch(recipient, ids)
    # then the answer carries each packet's bytes, described in the order asked
    assert answer.status_code == 200
    assert answer["Content-Type"] == framed_body.CONTENT_TYPE
    assert [i["id"] for i in manifest["items"]] == ids
    assert [i["status"] for i in manifest["items"]] == [200, 200, 200]
    assert parts == [edxml(f"Công văn {i}") for i in range(3)]
    assert all(i["from"] == sender.organ_id for i in manifest["items"])
    assert [i["sha256"] for i in manifest["items"]] == [
        hashlib.sha256(p).hexdigest() for p in parts
    ]
    # each delivery moved to fetched (still in the inbox until acknowledged)
    deliveries = Delivery.objects.all()
    assert {(d.status, d.fetch_count) for d in deliveries} == {(DeliveryStatus.FETCHED, 1)}
    assert len(recipient.client().get(f"{API}/inbox").json()["items"]) == 3
    # and each packet has its journal row
    rows = HubCall.objects.filter(call="fetch_packets")
    assert sorted(str(r.packet) for r in rows) == sorted(ids)


def test_fetching_again_counts_the_download_and_changes_nothing_else(
    sender: Member, recipient: Member
) -> None:
    ids = _sent_ids(sender, recipient, 2)
    _fetch(recipient, ids[:1])
    changed = {p.uuid: p.changed_at for p in Packet.objects.all()}
    # when both are fetched (the first a second time)
    _answer, _manifest, parts = _fetch(recipient, ids)
    # then both are served; the first's delivery keeps its first fetch, counted twice
    assert len(parts) == 2
    counts = {str(d.packet.uuid): (d.status, d.fetch_count) for d in Delivery.objects.all()}
    assert counts[ids[0]] == (DeliveryStatus.FETCHED, 2)
    assert counts[ids[1]] == (DeliveryStatus.FETCHED, 1)
    first = Packet.objects.get(uuid=ids[0])
    assert first.changed_at == changed[first.uuid]


def test_packets_the_agency_may_not_see_are_answered_not_found(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # given a packet for the recipient and one for another agency, and a purged one
    outsider = hub.agency(OTHER, "Bộ Tài chính")
    mine, purged = _sent_ids(sender, recipient, 2)
    theirs = str(send(sender, edxml("Khác"), to=outsider.organ_id).json()["id"])
    Packet.objects.filter(uuid=purged).update(purged_at=timezone.now())
    # when the recipient asks for all three
    _answer, manifest, parts = _fetch(recipient, [theirs, mine, purged])
    # then only its own kept packet is served; the other is not found, the purged one gone
    assert [(i["id"], i["status"]) for i in manifest["items"]] == [
        (theirs, 404),
        (mine, 200),
        (purged, 410),
    ]
    assert parts == [b"", edxml("Công văn 0"), b""]
    assert Delivery.objects.get(recipient=outsider.agency).status == DeliveryStatus.WAITING


def test_an_answer_keeps_within_its_size_and_leaves_the_rest_for_later(
    sender: Member, recipient: Member, settings: Any
) -> None:
    ids = _sent_ids(sender, recipient, 3)
    settings.GOVDOC_HUB_MAX_BATCH_BYTES = len(edxml("Công văn 0")) + 10
    # when three packets are asked for with room for one
    _answer, manifest, parts = _fetch(recipient, ids)
    # then the first is served, the others are left waiting, to be asked for again
    assert [i.get("later", False) for i in manifest["items"]] == [False, True, True]
    assert len([p for p in parts if p]) == 1
    waiting = Delivery.objects.filter(status=DeliveryStatus.WAITING).count()
    assert waiting == 2


def test_an_administrator_has_no_mailbox_and_too_many_ids_are_refused(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    ids = _sent_ids(sender, recipient, 1)
    answer, body, _parts = _fetch(hub.admin(), ids)
    assert answer.status_code == 403
    answer, body, _parts = _fetch(recipient, ids * 51)
    assert answer.status_code == 400 and "tối đa 50" in json.dumps(body, ensure_ascii=False)
    assert Delivery.objects.get().status == DeliveryStatus.WAITING
