"""`govdoc hub …`: registering agencies, keys, retention, and the dispatch to the hub's
settings."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from govdoc import cli
from govdoc.exchange.hub.management.commands.hub import _purge_loop
from govdoc.exchange.hub.models import (
    Agency,
    Credential,
    Delivery,
    DeliveryStatus,
    HubCall,
    Packet,
)
from govdoc.exchange.hub.tests import pki
from govdoc.exchange.hub.tests.conftest import API, RECIPIENT, SENDER

pytestmark = pytest.mark.django_db


def hub(*args: str) -> str:
    out = io.StringIO()
    call_command("hub", *args, stdout=out)
    return out.getvalue()


def _key(output: str) -> str:
    return output.strip().splitlines()[-1]


def _inbox(key: str) -> int:
    return Client(headers={"authorization": f"Bearer {key}"}).get(f"{API}/inbox").status_code


def test_agency_add_prints_a_key_that_opens_the_mailbox() -> None:
    # when an operator adds an agency
    output = hub("agency", "add", SENDER, "Văn phòng Chính phủ", "--email", "vt@chinhphu.vn")
    # then it is on the hub, its key is printed once, and the key works
    agency = Agency.objects.get(organ_id=SENDER)
    assert (agency.name, agency.email, agency.active) == (
        "Văn phòng Chính phủ",
        "vt@chinhphu.vn",
        True,
    )
    key = _key(output)
    assert key.startswith("ghk_")
    assert _inbox(key) == 200
    assert HubCall.objects.filter(call="cli.agency_add", agency=SENDER).exists()


def test_agency_add_with_a_client_certificate(tmp_path: Path) -> None:
    cert = pki.issue(pki.make_ca(), RECIPIENT)
    path, _key_path = cert.write(tmp_path, "client")
    output = hub("agency", "add", RECIPIENT, "UBND tỉnh Nghệ An", "--mtls-cert", str(path))
    assert "mTLS" in output
    assert Agency.objects.get(organ_id=RECIPIENT).mtls_fingerprints == [cert.sha256]


def test_agency_add_refuses_a_bad_code_and_creates_nothing() -> None:
    with pytest.raises(CommandError, match="13 ký tự"):
        hub("agency", "add", "G22", "Văn phòng Chính phủ")
    assert not Agency.objects.exists()
    assert not Credential.objects.exists()


def test_agency_list_and_set() -> None:
    hub("agency", "add", SENDER, "Văn phòng Chính phủ")
    hub("agency", "add", RECIPIENT, "UBND tỉnh Nghệ An", "--parent", SENDER)
    listing = hub("agency", "list")
    assert SENDER in listing
    assert "UBND tỉnh Nghệ An" in listing
    output = hub("agency", "set", RECIPIENT, "--inactive", "--name", "UBND Nghệ An")
    assert "ngừng hoạt động" in output
    agency = Agency.objects.get(organ_id=RECIPIENT)
    assert (agency.name, agency.active, agency.parent_id) == (
        "UBND Nghệ An",
        False,
        Agency.objects.get(organ_id=SENDER).pk,
    )
    hub("agency", "set", RECIPIENT, "--active", "--mtls-fingerprint", "ab" * 32)
    assert Agency.objects.get(organ_id=RECIPIENT).mtls_required
    hub("agency", "set", RECIPIENT, "--no-mtls")
    assert not Agency.objects.get(organ_id=RECIPIENT).mtls_required
    with pytest.raises(CommandError, match="Không có cơ quan"):
        hub("agency", "set", "000.09.09.Z99", "--inactive")


def test_token_adds_a_key_and_rotate_revokes_the_others() -> None:
    first = _key(hub("agency", "add", SENDER, "Văn phòng Chính phủ"))
    # a second key leaves the first valid (replace a key without a gap)
    second = _key(hub("token", SENDER))
    assert (_inbox(first), _inbox(second)) == (200, 200)
    # rotating revokes every other key at once
    output = hub("token", SENDER, "--rotate")
    third = _key(output)
    assert "thu hồi" in output
    assert (_inbox(first), _inbox(second), _inbox(third)) == (401, 401, 200)
    assert HubCall.objects.filter(call="cli.token", result="rotated").count() == 1


def test_admin_token_writes_the_directory() -> None:
    key = _key(hub("token", "--admin"))
    assert key.startswith("gha_")
    response = Client(headers={"authorization": f"Bearer {key}"}).post(
        f"{API}/agencies",
        {"organ_id": SENDER, "name": "Văn phòng Chính phủ"},
        content_type="application/json",
    )
    assert response.status_code == 201
    with pytest.raises(CommandError):
        hub("token")
    with pytest.raises(CommandError):
        hub("token", SENDER, "--admin")


def test_purge_command_reports_and_journals() -> None:
    assert "0 gói tin" in hub("purge", "--dry-run")
    output = hub("purge")
    assert "Đã xóa nội dung 0 gói tin" in output
    assert HubCall.objects.get(call="cli.purge").detail["delivered"] == 0


def test_the_command_refuses_an_installations_settings(settings: Any) -> None:
    settings.GOVDOC_HUB_PROCESS = False
    with pytest.raises(CommandError, match=r"config\.hub_settings"):
        hub("agency", "list")
    assert not HubCall.objects.exists()


def test_serve_checks_its_tls_options() -> None:
    with pytest.raises(CommandError, match="--keyfile"):
        hub("serve", "--certfile", "server.pem", "--no-migrate")
    with pytest.raises(CommandError, match="--ca-certs"):
        hub("serve", "--ca-certs", "ca.pem", "--no-migrate")


def test_govdoc_hub_runs_with_the_hubs_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an environment that names the installation's settings
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings")
    seen: list[tuple[list[str], str]] = []
    monkeypatch.setattr(
        cli, "_django", lambda argv: seen.append((list(argv), os.environ["DJANGO_SETTINGS_MODULE"]))
    )
    # when `govdoc hub agency list` runs
    assert cli.main(["hub", "agency", "list"]) == 0
    # then Django starts with the hub's settings
    assert seen == [(["hub", "agency", "list"], "config.hub_settings")]


@pytest.mark.django_db(transaction=True)
def test_serve_purges_periodically() -> None:
    # given a packet delivered long ago
    sender = _key(hub("agency", "add", SENDER, "Văn phòng Chính phủ"))
    hub("agency", "add", RECIPIENT, "UBND tỉnh Nghệ An")
    response = Client(headers={"authorization": f"Bearer {sender}"}).post(
        f"{API}/packets",
        data=b"<edXML/>",
        content_type="application/xml",
        headers={"X-Edxml-Type": "edoc", "X-Edxml-To": RECIPIENT},
    )
    assert response.status_code == 201
    Delivery.objects.update(status=DeliveryStatus.DONE)
    Packet.objects.update(completed_at=timezone.now() - dt.timedelta(days=31))
    # when serve's purge thread runs
    stop = threading.Event()
    thread = threading.Thread(target=_purge_loop, args=(stop, 0.05))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not Packet.objects.filter(purged_at__isnull=False).exists():
            assert time.monotonic() < deadline, "the periodic purge did not run"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    # then the packet was purged and the run journaled
    assert HubCall.objects.filter(call="purge").exists()
