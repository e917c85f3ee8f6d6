"""Fixtures of the hub's tests: the hub's URLs and settings in the one test session (the app is
listed in the installation's settings only for this), agencies with their keys, and calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.test.client import Client as DjangoClient

from govdoc.exchange.hub.models import Agency
from govdoc.exchange.hub.services import AgencyInput, agency_create, credential_issue

API = "/api/v1"
SENDER = "000.00.00.G22"
RECIPIENT = "000.00.00.H41"
OTHER = "000.00.00.G12"


def edxml(text: str = "Công văn thử nghiệm") -> bytes:
    """A small packet: the hub stores bytes and does not parse them."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
        f"<edXML:edXMLEnvelope><Subject>{text}</Subject></edXML:edXMLEnvelope></edXML:edXML>"
    ).encode()


@pytest.fixture(autouse=True)
def hub_settings(settings: Any, tmp_path: Path) -> Iterator[Path]:
    store = tmp_path / "hub-packets"
    settings.ROOT_URLCONF = "config.hub_urls"
    settings.GOVDOC_HUB_PROCESS = True
    settings.GOVDOC_HUB_STORAGE_DIR = str(store)
    settings.GOVDOC_HUB_STORAGE_BACKEND = ""
    settings.GOVDOC_HUB_TRUSTED_PROXIES = ()
    settings.GOVDOC_HUB_MAX_PACKET_BYTES = 50 * 1024 * 1024
    settings.GOVDOC_HUB_RETENTION_DAYS = 30
    settings.GOVDOC_HUB_UNDELIVERED_DAYS = 90
    yield store


@dataclass
class Member:
    """An agency on the hub with its key, or an administrator (agency None)."""

    agency: Agency | None
    key: str

    @property
    def organ_id(self) -> str:
        assert self.agency is not None
        return self.agency.organ_id

    def client(self, *, remote: str = "127.0.0.1", **headers: str) -> DjangoClient:
        """A client calling with this member's key (from `remote`), plus `headers`."""
        return Client(
            headers={"authorization": f"Bearer {self.key}", **headers}, REMOTE_ADDR=remote
        )


@dataclass
class Hub:
    store: Path

    def agency(self, organ_id: str, name: str = "", **fields: Any) -> Member:
        agency = agency_create(
            organ_id=organ_id, data=AgencyInput(name=name or f"Cơ quan {organ_id}", **fields)
        )
        _credential, key = credential_issue(agency=agency)
        return Member(agency=agency, key=key)

    def admin(self) -> Member:
        _credential, key = credential_issue(agency=None)
        return Member(agency=None, key=key)

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.store.rglob("*") if p.is_file())


@pytest.fixture
def hub(hub_settings: Path) -> Hub:
    return Hub(store=hub_settings)


@pytest.fixture
def sender(hub: Hub) -> Member:
    return hub.agency(SENDER, "Văn phòng Chính phủ")


@pytest.fixture
def recipient(hub: Hub) -> Member:
    return hub.agency(RECIPIENT, "UBND tỉnh Nghệ An")


@pytest.fixture
def outsider(hub: Hub) -> Member:
    return hub.agency(OTHER, "Bộ Tài chính")


def send(
    member: Member,
    body: bytes,
    *,
    to: str = RECIPIENT,
    kind: str = "edoc",
    content_type: str = "application/xml",
    **extra: Any,
) -> Any:
    headers = {"X-Edxml-Type": kind, "X-Edxml-To": to}
    return member.client(**headers).post(
        f"{API}/packets", data=body, content_type=content_type, **extra
    )
