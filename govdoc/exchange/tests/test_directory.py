"""The agency directory synchronised from the transport: new agencies added, changed ones
updated, hosted ones left to this installation, each change journaled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.exchange.services.directory import directory_sync
from govdoc.exchange.tests.test_outbox import Recording
from govdoc.exchange.transports import registry
from govdoc.exchange.transports.base import DirectoryEntry
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db


class Directory(Recording):
    entries: list[DirectoryEntry]

    def directory(self, *, organ_id: str) -> list[DirectoryEntry]:
        return self.entries


@pytest.fixture
def listed() -> Iterator[Directory]:
    transport = Directory()
    transport.entries = []
    registry.register_transport("test", lambda: transport)
    yield transport
    registry._factories.pop("test", None)


def test_the_directory_is_added_and_updated_but_hosted_agencies_are_kept(
    ministry: Agency, other_agency: Agency, superuser: User, listed: Directory
) -> None:
    listed.entries = [
        DirectoryEntry(organ_id="000.00.00.H26", name="Ủy ban nhân dân tỉnh Hà Tĩnh"),
        DirectoryEntry(
            organ_id="000.00.01.H26",
            name="Sở Tài nguyên và Môi trường Hà Tĩnh",
            parent_organ_id="000.00.00.H26",
            email="stnmt@hatinh.gov.vn",
        ),
        DirectoryEntry(organ_id=other_agency.organ_id, name="Tên khác do trạm ghi"),
    ]
    result = directory_sync(agency=ministry, transport="test", actor=superuser)
    assert (result.created, result.skipped_hosted) == (2, 1)
    child = Agency.objects.get(organ_id="000.00.01.H26")
    assert child.parent is not None and child.parent.organ_id == "000.00.00.H26"
    assert not child.is_hosted
    other_agency.refresh_from_db()
    assert other_agency.name == "Ủy ban nhân dân tỉnh Nghệ An"
    # a second run changes nothing; a renamed agency is updated
    assert directory_sync(agency=ministry, transport="test", actor=superuser).unchanged == 2
    listed.entries[0] = DirectoryEntry(organ_id="000.00.00.H26", name="UBND tỉnh Hà Tĩnh")
    assert directory_sync(agency=ministry, transport="test", actor=superuser).updated == 1
    assert AuditEvent.objects.filter(action="agency.update").count() == 1


def test_only_administrators_apply_the_directory(
    ministry: Agency, personas: dict[str, Any], listed: Directory
) -> None:
    from govdoc.core.errors import DomainError

    listed.entries = [DirectoryEntry(organ_id="000.00.00.H26", name="UBND tỉnh Hà Tĩnh")]
    with pytest.raises(DomainError):
        directory_sync(agency=ministry, transport="test", actor=personas["clerk"])
    assert not Agency.objects.filter(organ_id="000.00.00.H26").exists()
