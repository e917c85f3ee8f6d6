"""Calls at the same moment, each in its own thread and database connection: the same packet
sent twice is still one packet, and the last of several acknowledgements completes it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from govdoc.exchange.hub.models import Delivery, DeliveryStatus, Packet
from govdoc.exchange.hub.tests.conftest import (
    API,
    OTHER,
    RECIPIENT,
    Hub,
    Member,
    edxml,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_packet_sent_at_once_is_one_packet(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # when a sender's retry races its first attempt
    responses = _together([lambda: send(sender, edxml()) for _ in range(4)])
    # then every attempt gets the same id, and there is one packet, one delivery, one file
    assert {r.status_code for r in responses} <= {200, 201}
    assert sorted(r.status_code for r in responses).count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    assert Packet.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(hub.stored_files()) == 1


def test_acknowledgements_at_once_complete_the_packet(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    # given a packet for two agencies
    packet_id = send(sender, edxml(), to=f"{RECIPIENT},{OTHER}").json()["id"]

    def ack(member: Member) -> Callable[[], Any]:
        return lambda: member.client().post(
            f"{API}/packets/{packet_id}/ack", {"status": "done"}, content_type="application/json"
        )

    # when both acknowledge at the same moment
    responses = _together([ack(recipient), ack(outsider)])
    # then both are recorded and the packet is complete (its retention clock started)
    assert [r.status_code for r in responses] == [200, 200]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DONE}
    assert Packet.objects.get().completed_at is not None
