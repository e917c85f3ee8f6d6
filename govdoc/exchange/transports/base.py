"""The interface every transport implements (DOMAIN §5.1: the national axis's calls), so that
an adapter for the national axis or a provincial platform is one more class.

Errors: `TransportError` is temporary (the network, a timeout, the far side down: the packet
is tried again later); `PermanentTransportError` is a typed refusal (the packet will never be
accepted as it is: too large, unknown recipient, not authorised)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class TransportError(Exception):
    """A temporary failure; the message is Vietnamese and safe to show to an operator."""


class PermanentTransportError(TransportError):
    """The far side refused the packet for good; `code` says why (e.g. "too_large")."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ReceivedRef:
    """A packet waiting for us on the far side."""

    id: str
    sender_organ_id: str
    kind: str
    """"edoc" or "status"."""
    size: int = 0
    sha256: str = ""


@dataclass(frozen=True)
class SentStatus:
    """Where one packet we sent stands for one recipient (transport delivery, not business)."""

    id: str
    recipient_organ_id: str
    status: str
    """"waiting", "fetched", "done" or "failed"."""
    reason: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class DirectoryEntry:
    organ_id: str
    name: str
    parent_organ_id: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    active: bool = True


@dataclass(frozen=True)
class Acknowledgement:
    """One transport acknowledgement (done | fail) of a packet received."""

    packet_id: str
    done: bool
    reason: str = ""


@dataclass(frozen=True)
class Outgoing:
    """One packet to hand over, for `send_all`."""

    packet: bytes
    to: Sequence[str]
    kind: str


class Transport(Protocol):
    """One way packets travel. Every call acts for one sending or receiving agency."""

    name: str

    def send(self, *, sender_organ_id: str, packet: bytes, to: Sequence[str], kind: str) -> str:
        """Hand the packet over; returns its id on the far side."""
        ...

    def list_received(self, *, organ_id: str) -> list[ReceivedRef]: ...

    def get(self, *, organ_id: str, packet_id: str) -> bytes: ...

    def acknowledge(self, *, organ_id: str, packet_id: str, done: bool, reason: str = "") -> None:
        """Transport acknowledgement after download (done | fail), not a business status."""
        ...

    def list_sent(self, *, organ_id: str, since: dt.datetime | None = None) -> list[SentStatus]: ...

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]: ...


def acknowledge_all(channel: Transport, *, organ_id: str, acks: Sequence[Acknowledgement]) -> None:
    """Acknowledge several packets: in one call where the transport offers
    `acknowledge_many(organ_id=…, acks=…)` (the hub's `POST /acks`), else one by one. A
    transport need not offer it: the national axis acknowledges one packet per call."""
    many = getattr(channel, "acknowledge_many", None)
    if many is not None:
        many(organ_id=organ_id, acks=acks)
        return
    for ack in acks:
        channel.acknowledge(
            organ_id=organ_id, packet_id=ack.packet_id, done=ack.done, reason=ack.reason
        )


def send_all(
    channel: Transport, *, sender_organ_id: str, packets: Sequence[Outgoing]
) -> list[str | TransportError]:
    """Hand several packets over: in as few calls as the transport allows where it offers
    `send_many(sender_organ_id=…, packets=…)` (the hub's `POST /packets/batch`), else one
    by one. Each packet's outcome in order: its id on the far side, or why it was not taken
    (a `PermanentTransportError`: refused for good; a `TransportError`: to be tried again).
    A failure of a whole call (the far side unreachable) is raised."""
    many = getattr(channel, "send_many", None)
    if many is not None:
        outcomes: list[str | TransportError] = many(
            sender_organ_id=sender_organ_id, packets=packets
        )
        return outcomes
    results: list[str | TransportError] = []
    for item in packets:
        try:
            results.append(
                channel.send(
                    sender_organ_id=sender_organ_id, packet=item.packet, to=item.to, kind=item.kind
                )
            )
        except TransportError as error:
            results.append(error)
    return results


def get_all(channel: Transport, *, organ_id: str, packet_ids: Sequence[str]) -> dict[str, bytes]:
    """Download several packets: in as few calls as the transport allows where it offers
    `get_many(organ_id=…, packet_ids=…)` (the hub's `POST /packets/fetch`), else one by one.
    The packets got, by id; one not got now (not there any more, left for later) is absent.
    A failure before anything was got is raised; after, what was got is returned."""
    many = getattr(channel, "get_many", None)
    if many is not None:
        got: dict[str, bytes] = many(organ_id=organ_id, packet_ids=packet_ids)
        return got
    result: dict[str, bytes] = {}
    for packet_id in packet_ids:
        try:
            result[packet_id] = channel.get(organ_id=organ_id, packet_id=packet_id)
        except TransportError:
            if not result:
                raise
            break
    return result
