"""The `hub` transport's batch calls against the real hub (its API served by a live server):
several packets sent in one call with each one's own outcome, several fetched in one call
(and again for those the hub left for later), and the outbox and the inbox poll using them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govdoc.exchange.hub.models import Delivery, DeliveryStatus, HubCall, Packet
from govdoc.exchange.hub.services import AgencyInput, agency_create, credential_issue
from govdoc.exchange.hub.tests.conftest import edxml
from govdoc.exchange.transports.base import (
    Outgoing,
    PermanentTransportError,
    get_all,
    send_all,
)
from govdoc.exchange.transports.hub import HubTransport

pytestmark = pytest.mark.django_db(transaction=True)

SENDER, RECIPIENT = "000.00.00.G22", "000.00.00.H41"


@pytest.fixture
def live_hub(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[HubTransport]:
    settings.ROOT_URLCONF = "config.hub_urls"
    settings.GOVDOC_HUB_PROCESS = True
    settings.GOVDOC_HUB_STORAGE_DIR = str(tmp_path / "hub-packets")
    settings.GOVDOC_HUB_STORAGE_BACKEND = ""
    settings.GOVDOC_HUB_TRUSTED_PROXIES = ()
    keys: dict[str, str] = {}
    for organ_id in (SENDER, RECIPIENT):
        agency = agency_create(organ_id=organ_id, data=AgencyInput(name=f"Cơ quan {organ_id}"))
        keys[organ_id] = credential_issue(agency=agency)[1]
    yield HubTransport(base_url=live_server.url, token_for=keys.__getitem__)


def _calls(name: str) -> int:
    return HubCall.objects.filter(call=name).values("at").distinct().count()


def test_packets_are_sent_together_each_with_its_own_outcome(live_hub: HubTransport) -> None:
    # given three packets for the recipient and one for an agency the hub does not know
    packets = [edxml(f"Công văn {i}") for i in range(3)]
    outgoing = [Outgoing(packet=p, to=[RECIPIENT], kind="edoc") for p in packets]
    outgoing.insert(1, Outgoing(packet=edxml("Lạc"), to=["000.00.00.Z99"], kind="edoc"))
    # when they are handed over
    outcomes = send_all(live_hub, sender_organ_id=SENDER, packets=outgoing)
    # then the three have their hub ids and the stray one its refusal, in order
    assert isinstance(outcomes[1], PermanentTransportError)
    assert "000.00.00.Z99" in str(outcomes[1])
    ids = [o for o in outcomes if isinstance(o, str)]
    assert len(ids) == 3
    assert {str(u) for u in Packet.objects.values_list("uuid", flat=True)} == set(ids)
    # in one call to the hub (its four journal rows written at one moment)
    assert HubCall.objects.filter(call="send_packets").count() == 4
    assert _calls("send_packets") == 1

    # when the recipient downloads them
    got = get_all(live_hub, organ_id=RECIPIENT, packet_ids=ids)
    # then it has each packet's bytes, and each delivery is fetched
    assert [got[i] for i in ids] == packets
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FETCHED}
    assert _calls("fetch_packets") == 1


def test_packets_left_for_later_are_asked_for_again(live_hub: HubTransport, settings: Any) -> None:
    # given three packets and a hub that answers at most one per call
    packets = [edxml(f"Tờ trình {i}") for i in range(3)]
    ids = send_all(
        live_hub,
        sender_organ_id=SENDER,
        packets=[Outgoing(packet=p, to=[RECIPIENT], kind="edoc") for p in packets],
    )
    settings.GOVDOC_HUB_MAX_BATCH_BYTES = max(len(p) for p in packets)
    # when the recipient downloads them
    got = live_hub.get_many(organ_id=RECIPIENT, packet_ids=[str(i) for i in ids])
    # then all three arrive, intact, over several calls (the last one left alone: GET)
    assert [hashlib.sha256(got[str(i)]).digest() for i in ids] == [
        hashlib.sha256(p).digest() for p in packets
    ]
    assert HubCall.objects.filter(call="fetch_packets").count() == 2
    assert HubCall.objects.filter(call="get_packet").count() == 1


def test_a_packet_the_hub_no_longer_has_is_left_out(live_hub: HubTransport) -> None:
    outcome = send_all(
        live_hub,
        sender_organ_id=SENDER,
        packets=[Outgoing(packet=edxml("Một"), to=[RECIPIENT], kind="edoc")],
    )
    missing = "00000000-0000-4000-8000-000000000000"
    got = get_all(live_hub, organ_id=RECIPIENT, packet_ids=[missing, str(outcome[0])])
    assert list(got) == [str(outcome[0])]
