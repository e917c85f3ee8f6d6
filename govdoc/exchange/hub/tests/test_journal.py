"""Every call to the hub leaves one append-only row: when, who, what, which packet, the
outcome, from where."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from govdoc.exchange.hub.journal import journal_record
from govdoc.exchange.hub.models import Agency, AppendOnlyError, HubCall
from govdoc.exchange.hub.tests.conftest import API, RECIPIENT, SENDER, Member, edxml, send

pytestmark = pytest.mark.django_db


def test_each_call_leaves_one_row(sender: Member, recipient: Member) -> None:
    # when a packet is sent, listed, downloaded and acknowledged, and the sender checks it
    packet_id = send(sender, edxml()).json()["id"]
    recipient.client().get(f"{API}/inbox")
    recipient.client().get(f"{API}/packets/{packet_id}")
    recipient.client().post(
        f"{API}/packets/{packet_id}/ack", {"status": "done"}, content_type="application/json"
    )
    sender.client().get(f"{API}/sent")
    # then the journal holds one row per call, in order, with agency, packet and outcome
    rows = list(HubCall.objects.order_by("id"))
    assert [(r.call, r.agency, r.status_code, r.result) for r in rows] == [
        ("send_packet", SENDER, 201, "ok"),
        ("inbox", RECIPIENT, 200, "ok"),
        ("get_packet", RECIPIENT, 200, "ok"),
        ("ack_packet", RECIPIENT, 200, "ok"),
        ("sent", SENDER, 200, "ok"),
    ]
    assert [str(r.packet) if r.packet else None for r in rows] == [
        packet_id,
        None,
        packet_id,
        packet_id,
        None,
    ]
    assert all(r.client_ip == "127.0.0.1" for r in rows)
    assert all(r.credential.startswith("ghk_") for r in rows)
    assert rows[0].detail == {"size": len(edxml()), "duplicate": False}
    assert rows[3].detail == {"status": "done", "changed": True}


def test_refused_calls_are_journaled_with_their_reason(
    sender: Member, recipient: Member, outsider: Member
) -> None:
    packet_id = send(sender, edxml()).json()["id"]
    outsider.client().get(f"{API}/packets/{packet_id}")
    send(sender, edxml("khác"), to="000.00.00.A99")
    Client(REMOTE_ADDR="203.0.113.5").get(f"{API}/inbox")
    rows = list(HubCall.objects.order_by("id"))[1:]
    assert [(r.call, r.status_code, r.result, r.agency) for r in rows] == [
        ("get_packet", 404, "not_found", outsider.organ_id),
        ("send_packet", 400, "unknown_recipients", SENDER),
        ("inbox", 401, "unauthorized", ""),
    ]
    assert str(rows[0].packet) == packet_id
    assert rows[2].client_ip == "203.0.113.5"


def test_client_address_behind_a_trusted_proxy(recipient: Member, settings: Any) -> None:
    settings.GOVDOC_HUB_TRUSTED_PROXIES = ("10.0.0.2",)
    recipient.client(remote="10.0.0.2", **{"X-Forwarded-For": "198.51.100.20"}).get(f"{API}/info")
    assert HubCall.objects.get().client_ip == "198.51.100.20"


def test_an_empty_inbox_listing_is_counted_on_the_agency_not_journaled(
    sender: Member, recipient: Member
) -> None:
    # given an agency whose inbox is empty
    assert recipient.agency is not None
    before = Agency.objects.get(pk=recipient.agency.pk)
    # when its installation polls three times
    for _ in range(3):
        assert recipient.client().get(f"{API}/inbox").json() == {"items": [], "more": False}
    # then no row is journaled, the agency row counts the polls and says when the last was,
    # and the directory's clock (updated_at) has not moved
    assert not HubCall.objects.exists()
    after = Agency.objects.get(pk=recipient.agency.pk)
    assert after.empty_polls == 3
    assert after.last_polled_at is not None
    assert before.last_polled_at is None
    assert after.updated_at == before.updated_at


def test_an_inbox_listing_that_returns_packets_is_journaled(
    sender: Member, recipient: Member
) -> None:
    # given a packet waiting; when the recipient lists its inbox
    send(sender, edxml())
    recipient.client().get(f"{API}/inbox")
    # then the listing is journaled with its count, and stamps the poll without counting it
    # as empty
    row = HubCall.objects.get(call="inbox")
    assert (row.agency, row.status_code, row.result, row.detail) == (
        RECIPIENT,
        200,
        "ok",
        {"count": 1},
    )
    assert recipient.agency is not None
    agency = Agency.objects.get(pk=recipient.agency.pk)
    assert (agency.empty_polls, agency.last_polled_at is not None) == (0, True)


def test_a_refused_inbox_listing_is_journaled() -> None:
    # when a caller without a valid key lists an inbox (empty or not, it is refused)
    Client().get(f"{API}/inbox")
    # then the refusal is journaled as every refused call
    assert [(r.call, r.status_code) for r in HubCall.objects.all()] == [("inbox", 401)]


def test_journal_is_append_only() -> None:
    row = journal_record(call="cli.test", status_code=200)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        HubCall.objects.all().update(result="x")
    with pytest.raises(AppendOnlyError):
        HubCall.objects.all().delete()
    assert HubCall.objects.get().result == ""


@pytest.mark.postgres
def test_journal_refuses_sql_updates_on_postgresql() -> None:
    from django.db import DatabaseError, transaction

    journal_record(call="cli.test", status_code=200)
    for statement in ("UPDATE hub_hubcall SET result = 'x'", "DELETE FROM hub_hubcall"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert HubCall.objects.count() == 1
