"""Retention: delivered packets are kept 30 days, undelivered ones until delivered or 90 days;
then the bytes go and the rows stay as the trace."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from typing import Any

import pytest
from django.utils import timezone

from govdoc.exchange.hub import services
from govdoc.exchange.hub.models import Delivery, DeliveryStatus, Packet
from govdoc.exchange.hub.retention import purge, sweep
from govdoc.exchange.hub.storage import packet_name
from govdoc.exchange.hub.tests.conftest import API, OTHER, RECIPIENT, Hub, Member, edxml, send

pytestmark = pytest.mark.django_db


def _ack(member: Member, packet_id: str) -> None:
    response = member.client().post(
        f"{API}/packets/{packet_id}/ack", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 200


def _days(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


def test_delivered_packet_is_purged_after_the_retention_days(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # given a packet delivered (acknowledged done) now
    packet_id = send(sender, edxml()).json()["id"]
    _ack(recipient, packet_id)
    # when retention runs 29 days later, nothing goes
    assert purge(now=_days(29)).delivered == 0
    assert len(hub.stored_files()) == 1
    # when it runs 31 days later
    report = purge(now=_days(31))
    # then the bytes are gone; the rows stay with their metadata, marked purged
    assert (report.delivered, report.expired, report.files_removed) == (1, 0, 1)
    assert hub.stored_files() == []
    packet = Packet.objects.get()
    assert packet.purged_at is not None
    assert (packet.size, packet.sha256) == (len(edxml()), hashlib.sha256(edxml()).hexdigest())
    assert Delivery.objects.get().status == DeliveryStatus.DONE
    # the parties get 410 for the bytes; the sender still sees the trace
    gone = recipient.client().get(f"{API}/packets/{packet_id}")
    assert gone.status_code == 410
    assert gone.json()["code"] == "purged"
    [row] = sender.client().get(f"{API}/sent").json()["items"]
    assert row["purged_at"] is not None
    assert row["deliveries"][0]["status"] == "done"


def test_undelivered_packet_is_kept_then_expires(
    hub: Hub, sender: Member, recipient: Member, outsider: Member
) -> None:
    # given a packet one recipient acknowledged and the other never fetched
    packet_id = send(sender, edxml(), to=f"{RECIPIENT},{OTHER}").json()["id"]
    _ack(recipient, packet_id)
    # when retention runs after the delivered-retention but before the undelivered limit
    assert (purge(now=_days(60)).delivered, purge(now=_days(60)).expired) == (0, 0)
    assert Packet.objects.get().purged_at is None
    assert len(outsider.client().get(f"{API}/inbox").json()["items"]) == 1
    # when it runs past 90 days
    report = purge(now=_days(91))
    # then the open delivery expires, the bytes go, the sender sees why
    assert (report.delivered, report.expired) == (0, 1)
    assert hub.stored_files() == []
    assert outsider.client().get(f"{API}/inbox").json()["items"] == []
    [row] = sender.client().get(f"{API}/sent").json()["items"]
    statuses = {d["to"]: d for d in row["deliveries"]}
    assert statuses[RECIPIENT]["status"] == "done"
    assert statuses[OTHER]["status"] == "expired"
    assert "90 ngày" in statuses[OTHER]["reason"]


def test_purge_is_done_once(hub: Hub, sender: Member, recipient: Member) -> None:
    _ack(recipient, send(sender, edxml()).json()["id"])
    assert purge(now=_days(31)).delivered == 1
    assert purge(now=_days(32)).delivered == 0


def test_dry_run_changes_nothing(hub: Hub, sender: Member, recipient: Member) -> None:
    _ack(recipient, send(sender, edxml()).json()["id"])
    send(sender, edxml("chưa giao"))
    report = purge(now=_days(100), dry_run=True)
    assert (report.delivered, report.expired) == (1, 1)
    assert not Packet.objects.filter(purged_at__isnull=False).exists()
    assert len(hub.stored_files()) == 2


def test_the_same_packet_sent_after_purge_is_a_new_packet(
    sender: Member, recipient: Member
) -> None:
    first = send(sender, edxml()).json()["id"]
    _ack(recipient, first)
    purge(now=_days(31))
    again = send(sender, edxml())
    assert again.status_code == 201
    assert again.json()["id"] != first
    assert len(recipient.client().get(f"{API}/inbox").json()["items"]) == 1


def test_retention_days_come_from_settings(
    sender: Member, recipient: Member, settings: Any
) -> None:
    settings.GOVDOC_HUB_RETENTION_DAYS = 1
    _ack(recipient, send(sender, edxml()).json()["id"])
    assert purge(now=_days(2)).delivered == 1


def test_sweep_removes_orphan_and_stale_staged_files(
    hub: Hub, sender: Member, recipient: Member
) -> None:
    # given a kept packet, a file no packet names and a staged upload left by a dead worker
    send(sender, edxml())
    orphan = hub.store / packet_name(uuid.uuid4())
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"<x/>")
    staged = hub.store / ".staging" / "tmp123.part"
    staged.write_bytes(b"<x")
    old = time.time() - 2 * 24 * 3600
    for path in hub.stored_files():
        os.utime(path, (old, old))
    # when the sweep runs
    removed = sweep(store_older_than=time.time() - 24 * 3600)
    # then only the kept packet's file remains
    assert removed == 2
    assert hub.stored_files() == [hub.store / Packet.objects.get().storage_name]


def test_download_racing_the_purge_is_410(
    sender: Member, recipient: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a packet read just before retention removed its bytes
    packet_id = send(sender, edxml()).json()["id"]
    _ack(recipient, packet_id)
    stale = Packet.objects.get()
    purge(now=_days(31))
    monkeypatch.setattr(services, "_visible_to", lambda agency, packet_uuid: stale)
    # when the download then opens the file
    response = recipient.client().get(f"{API}/packets/{packet_id}")
    # then it is told the packet is gone, not a server error
    assert response.status_code == 410
