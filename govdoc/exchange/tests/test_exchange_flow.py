"""An outgoing document to an agency outside this installation, through the interconnection
and back, in one process: the sender's signed edXML packet in the outbox, sent through a
transport that keeps packets in memory (the hub itself is tested in govdoc/exchange/hub and,
with real processes, end to end); the receiving agency's inbox turns it into a document
waiting for its clerk and answers 01 at once, 03 on registration; the sender's delivery
follows. The same packet twice gives one document; a packet whose sender is not the
authenticated one is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from govdoc.conftest import make_person
from govdoc.exchange.models import InboxPacket, OutboxPacket
from govdoc.exchange.services.accounts import account_set
from govdoc.exchange.services.inbox import inbox_poll
from govdoc.exchange.tests.conftest import PASSWORD, RsaCa
from govdoc.exchange.transports import registry
from govdoc.exchange.transports.base import DirectoryEntry, ReceivedRef, SentStatus
from govdoc.exchange.workflow import InboxStatus, OutboxStatus
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_services import received_register
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.inputs import RecipientInput
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.circuits import draft_submit, step_approve
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.workflow import DispatchStatus, Method
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.services import trust_anchor_add
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db


@dataclass
class MemoryHub:
    """Keeps packets per recipient, as a hub would (the far side is not the subject here)."""

    name: str = "hub"
    boxes: dict[str, list[tuple[str, str, bytes, str]]] = field(default_factory=dict)
    acks: list[tuple[str, str, bool, str]] = field(default_factory=list)

    def send(self, *, sender_organ_id: str, packet: bytes, to: Sequence[str], kind: str) -> str:
        packet_id = str(uuid.uuid4())
        for organ_id in to:
            self.boxes.setdefault(organ_id, []).append((packet_id, sender_organ_id, packet, kind))
        return packet_id

    def list_received(self, *, organ_id: str) -> list[ReceivedRef]:
        return [
            ReceivedRef(
                id=i, sender_organ_id=s, kind=k, size=len(p), sha256=hashlib.sha256(p).hexdigest()
            )
            for i, s, p, k in self.boxes.get(organ_id, [])
        ]

    def get(self, *, organ_id: str, packet_id: str) -> bytes:
        return next(p for i, _s, p, _k in self.boxes[organ_id] if i == packet_id)

    def acknowledge(self, *, organ_id: str, packet_id: str, done: bool, reason: str = "") -> None:
        self.acks.append((organ_id, packet_id, done, reason))
        self.boxes[organ_id] = [b for b in self.boxes.get(organ_id, []) if b[0] != packet_id]

    def list_sent(self, *, organ_id: str, since: dt.datetime | None = None) -> list[SentStatus]:
        return []

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]:
        return []


@pytest.fixture
def hub(settings: Any) -> Iterator[MemoryHub]:
    memory = MemoryHub()
    registry.register_transport("hub", lambda: memory)
    yield memory
    from govdoc.exchange.transports.setup import register_transports

    register_transports()


@pytest.fixture
def province(db: None) -> Agency:
    """An agency of the directory that works on another installation."""
    return Agency.objects.create(
        organ_id="000.00.00.H40",
        name="Ủy ban nhân dân tỉnh Nghệ An",
        abbreviation="UBND",
        is_hosted=False,
    )


@pytest.fixture
def accounts(ministry: Agency, province: Agency, superuser: User, rsa_ca: RsaCa) -> None:
    trust_anchor_add(
        actor=superuser, data=rsa_ca.certificate.public_bytes(serialization.Encoding.PEM)
    )
    for agency in (ministry, province):
        account_set(
            agency=agency,
            transport="hub",
            actor=superuser,
            token=f"token-{agency.organ_id}",
            pkcs12_data=rsa_ca.issue_p12(agency.name),
            password=PASSWORD,
        )


def _issued(
    make_draft: Callable[..., Draft],
    personas: dict[str, User],
    pki: TestPki,
    province: Agency,
    capture: Any,
) -> OutgoingDocument:
    draft = make_draft(recipients=(RecipientInput(kind="AGENCY", agency_id=province.pk),))
    assert draft.recipients.get().method == Method.INTERCONNECT
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    for person in (personas["unit_head"], personas["clerk"], personas["leader"]):
        (step,) = pending_steps_for(person, draft)
        step_approve(step=step, actor=person)
        draft.refresh_from_db()
    draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    draft.refresh_from_db()
    with capture(execute=True):
        return draft_issue(draft=draft, actor=personas["clerk"], password=pki.password).outgoing


def test_a_document_goes_out_as_a_signed_packet_and_its_statuses_come_back(
    personas: dict[str, User],
    ministry: Agency,
    province: Agency,
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    hub: MemoryHub,
    accounts: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    # given a document issued to an agency outside this installation
    outgoing = _issued(make_draft, personas, pki, province, capture)
    (dispatch,) = outgoing.dispatches.all()
    # then a signed packet was queued and sent to the hub for that agency
    (packet,) = OutboxPacket.objects.all()
    assert packet.status == OutboxStatus.SENT and packet.to_organ_ids == [province.organ_id]
    (stored,) = hub.boxes[province.organ_id]
    assert b"Signature" in stored[2] and outgoing.document.document_identifier.encode() in stored[2]
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT

    # when the province (here: hosted, as on its own installation) fetches its inbox
    Agency.objects.filter(pk=province.pk).update(is_hosted=True)
    province.refresh_from_db()
    with capture(execute=True):
        assert inbox_poll(agency=province, transport="hub") == 1
    # then the document waits for its clerk, the packet is acknowledged done
    received = ReceivedDocument.objects.get(agency=province)
    assert received.subject == outgoing.document.subject and received.channel == "INTERCONNECT"
    assert hub.acks[-1][2] is True
    # and the sender, fetching its own inbox, sees 01 (arrived)
    with capture(execute=True):
        inbox_poll(agency=ministry, transport="hub")
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ARRIVED

    # when their clerk registers it, the sender sees 03 (accepted)
    their_clerk = make_person("vtnghean", agency=province, roles=[Role.CLERK])
    with capture(execute=True):
        received_register(received=received, actor=their_clerk)
    with capture(execute=True):
        inbox_poll(agency=ministry, transport="hub")
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ACCEPTED


def test_the_same_packet_twice_gives_one_document_and_a_forged_sender_is_refused(
    personas: dict[str, User],
    ministry: Agency,
    province: Agency,
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    hub: MemoryHub,
    accounts: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    _issued(make_draft, personas, pki, province, capture)
    Agency.objects.filter(pk=province.pk).update(is_hosted=True)
    province.refresh_from_db()
    (_packet_id, sender, data, kind) = hub.boxes[province.organ_id][0]
    # given the hub delivers the same bytes a second time under another id, and a copy that
    # claims to come from another agency than the one the hub authenticated
    hub.boxes[province.organ_id].append((str(uuid.uuid4()), sender, data, kind))
    hub.boxes[province.organ_id].append((str(uuid.uuid4()), "000.00.00.G99", data + b" ", kind))
    with capture(execute=True):
        inbox_poll(agency=province, transport="hub")
    # then one document; the forged one is refused with its typed reason, acknowledged failed
    assert ReceivedDocument.objects.filter(agency=province).count() == 1
    refused = InboxPacket.objects.get(agency=province, status=InboxStatus.REFUSED)
    assert refused.reason_code.startswith("signature:") and refused.reason
    assert [done for _o, _i, done, _r in hub.acks if _o == province.organ_id].count(False) == 1


def test_a_document_still_waiting_there_is_taken_back_at_the_senders_request(
    personas: dict[str, User],
    ministry: Agency,
    province: Agency,
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    hub: MemoryHub,
    accounts: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from govdoc.exchange.services.sending import dispatch_recall_request
    from govdoc.incoming.received_workflow import ReceivedStatus

    capture = django_capture_on_commit_callbacks
    outgoing = _issued(make_draft, personas, pki, province, capture)
    (dispatch,) = outgoing.dispatches.all()
    Agency.objects.filter(pk=province.pk).update(is_hosted=True)
    province.refresh_from_db()
    with capture(execute=True):
        inbox_poll(agency=province, transport="hub")
    # when the sender asks for it back (13) while it waits for their clerk
    with capture(execute=True):
        dispatch_recall_request(dispatch=dispatch, actor=personas["clerk"], reason="Gửi nhầm")
    with capture(execute=True):
        inbox_poll(agency=province, transport="hub")
    # then it is withdrawn there, and the answer 15 withdraws the delivery here
    received = ReceivedDocument.objects.get(agency=province)
    assert received.status == ReceivedStatus.WITHDRAWN
    with capture(execute=True):
        inbox_poll(agency=ministry, transport="hub")
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.WITHDRAWN
