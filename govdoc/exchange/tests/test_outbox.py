"""The outbox: queued in the deciding transaction, claimed by one worker at a time, retried
with back-off on temporary failures, a typed end state on a permanent refusal, requeued by an
operator; a dead worker's claim expires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from govdoc.core.errors import Forbidden, InvalidTransition
from govdoc.exchange.models import OutboxPacket
from govdoc.exchange.services.outbox import (
    backoff,
    outbox_enqueue,
    outbox_requeue,
    outbox_send_due,
    outbox_send_one,
)
from govdoc.exchange.transports import registry
from govdoc.exchange.transports.base import (
    DirectoryEntry,
    Outgoing,
    PermanentTransportError,
    ReceivedRef,
    SentStatus,
    TransportError,
)
from govdoc.exchange.workflow import OutboxStatus, PacketKind
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db


@dataclass
class Recording:
    """A transport that records what it is given (the far side is not the subject here)."""

    name: str = "test"
    failures: list[Exception] = field(default_factory=list)
    sent: list[tuple[str, bytes, tuple[str, ...], str]] = field(default_factory=list)

    def send(self, *, sender_organ_id: str, packet: bytes, to: Sequence[str], kind: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((sender_organ_id, packet, tuple(to), kind))
        return f"far-{len(self.sent)}"

    def list_received(self, *, organ_id: str) -> list[ReceivedRef]:
        return []

    def get(self, *, organ_id: str, packet_id: str) -> bytes:
        return b""

    def acknowledge(self, *, organ_id: str, packet_id: str, done: bool, reason: str = "") -> None:
        return None

    def list_sent(self, *, organ_id: str, since: dt.datetime | None = None) -> list[SentStatus]:
        return []

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]:
        return []


@pytest.fixture
def transport() -> Iterator[Recording]:
    recording = Recording()
    registry.register_transport("test", lambda: recording)
    yield recording
    registry._factories.pop("test", None)


def _queue(agency: Agency, body: bytes = b"<edXML/>", priority: int = 0) -> OutboxPacket:
    return outbox_enqueue(
        agency=agency,
        kind=PacketKind.EDOC,
        transport="test",
        to=["000.00.00.H41"],
        packet=body,
        priority=priority,
    )


def test_a_queued_packet_is_sent_once_urgent_first(ministry: Agency, transport: Recording) -> None:
    normal = _queue(ministry, b"<edXML>1</edXML>")
    urgent = _queue(ministry, b"<edXML>2</edXML>", priority=3)
    assert outbox_send_due() == 2
    assert [body for _, body, _, _ in transport.sent] == [b"<edXML>2</edXML>", b"<edXML>1</edXML>"]
    urgent.refresh_from_db()
    normal.refresh_from_db()
    assert urgent.status == normal.status == OutboxStatus.SENT
    assert urgent.external_id == "far-1" and urgent.attempts == 1
    # a second run sends nothing again
    assert outbox_send_due() == 0 and len(transport.sent) == 2
    assert [e.action for e in urgent.events.all()] == ["queue", "claim", "sent"]


def test_a_temporary_failure_is_retried_later_with_back_off(
    ministry: Agency, transport: Recording
) -> None:
    packet = _queue(ministry)
    transport.failures.append(TransportError("Không kết nối được trục liên thông."))
    outbox_send_due()
    packet.refresh_from_db()
    assert packet.status == OutboxStatus.QUEUED and packet.attempts == 1
    assert packet.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert "Không kết nối" in packet.last_error
    # not due yet: nothing is sent; later it is
    assert outbox_send_due() == 0
    assert outbox_send_due(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    assert backoff(1) == dt.timedelta(seconds=30) and backoff(20) == dt.timedelta(hours=6)


def test_a_permanent_refusal_is_a_typed_end_state_an_operator_can_retry(
    ministry: Agency, transport: Recording, personas: dict[str, User]
) -> None:
    packet = _queue(ministry)
    transport.failures.append(PermanentTransportError("Gói tin quá lớn.", code="too_large"))
    outbox_send_due()
    packet.refresh_from_db()
    assert packet.status == OutboxStatus.FAILED and packet.last_error.startswith("[too_large]")
    assert outbox_send_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    with pytest.raises(Forbidden):
        outbox_requeue(packet=packet, actor=personas["specialist"])
    outbox_requeue(packet=packet, actor=personas["clerk"])
    packet.refresh_from_db()
    assert packet.status == OutboxStatus.QUEUED
    with pytest.raises(InvalidTransition):
        outbox_requeue(packet=packet, actor=personas["clerk"])
    assert outbox_send_due() == 1


def test_a_claimed_packet_is_not_sent_by_a_second_worker_until_its_claim_expires(
    ministry: Agency, transport: Recording
) -> None:
    packet = _queue(ministry)
    # given a worker that claimed the packet and died
    OutboxPacket.objects.filter(pk=packet.pk).update(
        status=OutboxStatus.SENDING, claimed_at=timezone.now(), claimed_by="dead:1"
    )
    packet.refresh_from_db()
    assert outbox_send_one(packet) == OutboxStatus.SENDING and transport.sent == []
    assert outbox_send_due() == 0
    # when its claim is old enough, the packet goes back to the queue and is sent
    assert outbox_send_due(now=timezone.now() + dt.timedelta(minutes=11)) == 1
    assert len(transport.sent) == 1


def test_a_packet_put_back_to_wait_is_not_claimed_again_before_it_is_due(
    ministry: Agency, transport: Recording
) -> None:
    # given a packet whose first attempt just failed (put back with a back-off)
    packet = _queue(ministry)
    transport.failures.append(TransportError("Trạm không trả lời."))
    outbox_send_due()
    # when its own send task runs straight after
    fresh = OutboxPacket.objects.select_related("agency", "packet").get(pk=packet.pk)
    assert outbox_send_one(fresh) == OutboxStatus.QUEUED
    # then it was not tried a second time
    fresh.refresh_from_db()
    assert fresh.attempts == 1 and transport.sent == []


@dataclass
class Batching(Recording):
    """A transport that takes several packets per call (as the hub's POST /packets/batch),
    answering each with its own outcome."""

    calls: list[int] = field(default_factory=list)
    outcomes: list[str | TransportError] = field(default_factory=list)

    def send_many(
        self, *, sender_organ_id: str, packets: Sequence[Outgoing]
    ) -> list[str | TransportError]:
        self.calls.append(len(packets))
        answers: list[str | TransportError] = []
        for item in packets:
            self.sent.append((sender_organ_id, item.packet, tuple(item.to), item.kind))
            answers.append(self.outcomes.pop(0) if self.outcomes else f"far-{len(self.sent)}")
        return answers


@pytest.fixture
def batching() -> Iterator[Batching]:
    recording = Batching()
    registry.register_transport("test", lambda: recording)
    yield recording
    registry._factories.pop("test", None)


def test_due_packets_of_one_sender_go_together_each_with_its_own_outcome(
    ministry: Agency, batching: Batching
) -> None:
    # given three due packets, the second to be refused and the third to fail for now
    packets = [_queue(ministry, f"<edXML>{i}</edXML>".encode()) for i in range(3)]
    batching.outcomes = [
        "far-a",
        PermanentTransportError("Cơ quan nhận không có trên trạm.", code="refused"),
        TransportError("Trạm liên thông trả lời lỗi 503."),
    ]
    # when the worker sends what is due
    assert outbox_send_due() == 1
    # then the three went in one call, and each packet took its own outcome
    assert batching.calls == [3]
    sent, refused, later = (OutboxPacket.objects.get(pk=p.pk) for p in packets)
    assert (sent.status, sent.external_id) == (OutboxStatus.SENT, "far-a")
    assert refused.status == OutboxStatus.FAILED and refused.last_error.startswith("[refused]")
    assert later.status == OutboxStatus.QUEUED and later.attempts == 1
    assert [e.action for e in later.events.all()] == ["queue", "claim", "retry"]


def test_the_hub_unreachable_for_a_batch_puts_every_packet_back_to_wait(
    ministry: Agency, batching: Batching
) -> None:
    packets = [_queue(ministry, f"<edXML>{i}</edXML>".encode()) for i in range(2)]

    def down(**_kwargs: object) -> list[str | TransportError]:
        raise TransportError("Không kết nối được trạm liên thông.")

    batching.send_many = down  # type: ignore[method-assign]
    assert outbox_send_due() == 0
    for packet in packets:
        packet.refresh_from_db()
        assert packet.status == OutboxStatus.QUEUED and "Không kết nối" in packet.last_error
