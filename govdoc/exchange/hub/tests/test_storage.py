"""The packet store: bytes hashed while streamed, fsynced, renamed into place, never
overwritten; or kept in a Django storage (object storage) for several hub nodes."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from govdoc.exchange.hub.storage import (
    DjangoPacketStore,
    IncompleteBody,
    LocalPacketStore,
    packet_name,
    packet_store,
)
from govdoc.exchange.hub.tests.conftest import API, Member, edxml, send


def test_local_store_stages_hashes_fsyncs_and_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    store = LocalPacketStore(tmp_path / "packets")
    data = edxml() * 1000
    # when a packet is staged then committed
    staged = store.stage(io.BytesIO(data), len(data))
    name = packet_name(uuid.uuid4())
    store.commit(staged, name)
    # then it is under its name with its digest, the staging area is empty, and the file and
    # its directories were fsynced
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "packets" / name).read_bytes() == data
    assert list((tmp_path / "packets" / ".staging").iterdir()) == []
    assert len(synced) >= 3
    with store.open(name) as handle:
        assert handle.read() == data
    # and a committed name is never overwritten
    again = store.stage(io.BytesIO(b"<other/>"), 8)
    with pytest.raises(FileExistsError):
        store.commit(again, name)
    store.discard(again)
    assert (tmp_path / "packets" / name).read_bytes() == data


def test_truncated_stream_leaves_nothing(tmp_path: Path) -> None:
    store = LocalPacketStore(tmp_path)
    with pytest.raises(IncompleteBody):
        store.stage(io.BytesIO(b"<short/>"), 100)
    assert list((tmp_path / ".staging").iterdir()) == []


@pytest.mark.django_db
def test_packets_in_a_django_storage(
    settings: Any, tmp_path: Path, sender: Member, recipient: Member
) -> None:
    # given the hub configured to keep packets in a Django storage (here a directory, as an
    # S3 bucket through django-storages would be)
    settings.STORAGES = {
        **settings.STORAGES,
        "hub_objects": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "bucket")},
        },
    }
    settings.GOVDOC_HUB_STORAGE_BACKEND = "hub_objects"
    assert isinstance(packet_store(), DjangoPacketStore)
    # when a packet is sent and fetched
    packet_id = send(sender, edxml()).json()["id"]
    download: Any = recipient.client().get(f"{API}/packets/{packet_id}")
    # then it went through that storage
    assert b"".join(download.streaming_content) == edxml()
    assert [p.name for p in (tmp_path / "bucket").rglob("*.xml")] == [f"{packet_id}.xml"]
