"""Receiving with several appliers: the poll keeps the packets (bytes first), appliers —
threads with their own connections here, processes in production — claim kept packets and
apply them at the same moment; each packet is applied once, gives one document and is
acknowledged once. Also: the packet key and the hub token are kept per process, and a
changed key is picked up."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from govdoc.exchange.edxml.build import build_document_packet
from govdoc.exchange.edxml.model import Attachment, Code, Organization
from govdoc.exchange.edxml.tests.samples import document
from govdoc.exchange.models import ExchangeAccount, InboxPacket, PacketEvent
from govdoc.exchange.services import accounts
from govdoc.exchange.services.accounts import account_set, hub_token, packet_key, signing_key
from govdoc.exchange.services.inbox import inbox_apply_pending, inbox_poll
from govdoc.exchange.services.sending import signed
from govdoc.exchange.tests.conftest import PASSWORD, RsaCa
from govdoc.exchange.tests.test_exchange_flow import MemoryHub
from govdoc.exchange.transports import registry
from govdoc.exchange.workflow import InboxStatus
from govdoc.incoming.models import ReceivedDocument
from govdoc.organizations.models import Agency, User
from govdoc.signatures.services import trust_anchor_add

PACKETS = 12
APPLIERS = 4


@pytest.fixture
def hub() -> Iterator[MemoryHub]:
    memory = MemoryHub()
    registry.register_transport("hub", lambda: memory)
    yield memory
    from govdoc.exchange.transports.setup import register_transports

    register_transports()


def _pair(superuser: User, rsa_ca: RsaCa) -> tuple[Agency, Agency]:
    sender = Agency.objects.create(
        organ_id="000.00.00.G87", name="Bộ Tài nguyên và Môi trường", is_hosted=True
    )
    receiver = Agency.objects.create(
        organ_id="000.00.00.H87", name="Ủy ban nhân dân tỉnh Nghệ An", is_hosted=True
    )
    trust_anchor_add(
        actor=superuser, data=rsa_ca.certificate.public_bytes(serialization.Encoding.PEM)
    )
    for agency in (sender, receiver):
        account_set(
            agency=agency,
            transport="hub",
            actor=superuser,
            token=f"token-{agency.organ_id}",
            pkcs12_data=rsa_ca.issue_p12(agency.name),
            password=PASSWORD,
        )
    return sender, receiver


def _packet(sender: Agency, receiver: Agency, number: int) -> bytes:
    sample = document()
    document_id = f"{sender.organ_id},{dt.date.today():%Y/%m/%d},{number}/BTNMT-VP"
    packet = dataclasses.replace(
        sample,
        sender=Organization(organ_id=sender.organ_id, organ_name=sender.name),
        recipients=(Organization(organ_id=receiver.organ_id, organ_name=receiver.name),),
        document_id=document_id,
        bussiness=dataclasses.replace(sample.bussiness, document_id=document_id),
        code=Code(code_number=str(number), code_notation="BTNMT-VP"),
        due_date=None,
        response_for=(),
        trace_headers=(),
        attachments=(
            Attachment(
                content_id=f"scan-{number}",
                name=f"cv-{number}.pdf",
                data=b"%PDF-1.7\n" + bytes([number]) * 2000 + b"\n%%EOF\n",
                content_type="application/pdf",
                description="",
            ),
        ),
    )
    data = signed(sender, "hub", build_document_packet(packet))
    assert data is not None
    return data


def _together(jobs: int, work: Any) -> None:
    barrier = threading.Barrier(jobs)
    errors: list[BaseException] = []

    def runner() -> None:
        try:
            barrier.wait(timeout=30)
            work()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_several_appliers_apply_each_kept_packet_once(
    committed_db: None, superuser: User, rsa_ca: RsaCa, hub: MemoryHub
) -> None:
    sender, receiver = _pair(superuser, rsa_ca)
    for number in range(1, PACKETS + 1):
        hub.send(
            sender_organ_id=sender.organ_id,
            packet=_packet(sender, receiver, number),
            to=[receiver.organ_id],
            kind="edoc",
        )
    # given the poll kept every packet, applying none (the appliers do)
    assert inbox_poll(agency=receiver, transport="hub", apply=False) == PACKETS
    assert InboxPacket.objects.filter(status=InboxStatus.RECEIVED).count() == PACKETS
    assert hub.acks == []

    # when several appliers claim and apply at the same moment, a few packets at a time
    def work() -> None:
        while inbox_apply_pending(agency=receiver, transport="hub", limit=2):
            pass

    _together(APPLIERS, work)
    # then every packet is applied once, gives one document, and is acknowledged once, done
    assert set(InboxPacket.objects.values_list("status", flat=True)) == {InboxStatus.APPLIED}
    refs = list(ReceivedDocument.objects.values_list("external_ref", flat=True))
    assert len(refs) == len(set(refs)) == PACKETS
    applied = PacketEvent.objects.filter(action="apply").values_list("inbox_id", flat=True)
    assert sorted(applied) == sorted(InboxPacket.objects.values_list("pk", flat=True))
    assert sorted(packet_id for _o, packet_id, _d, _r in hub.acks) == sorted(
        InboxPacket.objects.values_list("external_id", flat=True)
    )
    assert all(done for _o, _i, done, _r in hub.acks)
    # and the next poll finds nothing left
    assert inbox_poll(agency=receiver, transport="hub") == 0


@pytest.mark.django_db
def test_the_packet_key_and_the_token_are_kept_and_a_changed_one_is_picked_up(
    superuser: User, rsa_ca: RsaCa, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender, _receiver = _pair(superuser, rsa_ca)
    account = ExchangeAccount.objects.get(agency=sender)
    opened: list[int] = []
    original = pkcs12.load_key_and_certificates

    def counting(*args: Any) -> Any:
        opened.append(1)
        return original(*args)

    monkeypatch.setattr(pkcs12, "load_key_and_certificates", counting)
    # the key is opened once per process, however many packets are signed
    first = packet_key(account)
    assert packet_key(ExchangeAccount.objects.get(pk=account.pk)) is first
    assert len(opened) == 1
    assert hub_token(sender.organ_id) == f"token-{sender.organ_id}"
    # when an administrator sets another key and token, both are picked up
    account_set(
        agency=sender,
        transport="hub",
        actor=superuser,
        token="another-token",
        pkcs12_data=rsa_ca.issue_p12(sender.name),
        password=PASSWORD,
    )
    changed = packet_key(ExchangeAccount.objects.get(pk=account.pk))
    assert changed is not None and first is not None
    assert changed.certificate != first.certificate
    assert hub_token(sender.organ_id) == "another-token"
    # and a key changed by another process (a new encrypted file) is seen too
    accounts._tokens.clear()
    ExchangeAccount.objects.filter(pk=account.pk).update(
        encrypted_pkcs12=bytes(
            ExchangeAccount.objects.get(agency=_receiver).encrypted_pkcs12 or b""
        ),
        encrypted_password=bytes(
            ExchangeAccount.objects.get(agency=_receiver).encrypted_password or b""
        ),
    )
    third = packet_key(ExchangeAccount.objects.get(pk=account.pk))
    assert third is not None and third.certificate != changed.certificate


@pytest.mark.django_db
def test_the_signing_key_is_read_again_only_when_the_account_changes(
    superuser: User, rsa_ca: RsaCa
) -> None:
    # Given an agency with a packet key, signed with once
    sender, receiver = _pair(superuser, rsa_ca)
    first = signing_key(sender.pk, "hub")
    assert first is not None
    # When nothing changed, the same opened key serves the next packet
    assert signing_key(sender.pk, "hub") is first
    # When another process's administrator sets another key (this process is not told)
    other = ExchangeAccount.objects.get(agency=receiver)
    ExchangeAccount.objects.filter(agency=sender).update(
        encrypted_pkcs12=bytes(other.encrypted_pkcs12 or b""),
        encrypted_password=bytes(other.encrypted_password or b""),
        updated_at=timezone.now(),
    )
    changed = signing_key(sender.pk, "hub")
    # Then the new key signs
    assert changed is not None and changed.certificate != first.certificate
    # and an account switched off signs nothing; another transport has no key
    ExchangeAccount.objects.filter(agency=sender).update(is_active=False)
    assert signing_key(sender.pk, "hub") is None
    assert signing_key(receiver.pk, "local") is None


@pytest.mark.django_db
def test_the_commands_keep_then_apply(superuser: User, rsa_ca: RsaCa, hub: MemoryHub) -> None:
    sender, receiver = _pair(superuser, rsa_ca)
    for number in (1, 2):
        hub.send(
            sender_organ_id=sender.organ_id,
            packet=_packet(sender, receiver, number),
            to=[receiver.organ_id],
            kind="edoc",
        )
    out = io.StringIO()
    call_command("exchange", "poll", receiver.organ_id, "--keep-only", stdout=out)
    assert "2" in out.getvalue() and hub.acks == []
    assert InboxPacket.objects.filter(status=InboxStatus.RECEIVED).count() == 2
    call_command("exchange", "apply", receiver.organ_id, stdout=out)
    assert InboxPacket.objects.filter(status=InboxStatus.APPLIED).count() == 2
    assert ReceivedDocument.objects.filter(agency=receiver).count() == 2
    assert [done for _o, _i, done, _r in hub.acks] == [True, True]
