"""Transfer, keeping and hand-over through the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from govdoc.api.tests.conftest import api_client, key_for
from govdoc.conftest import make_person
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, TransferBatch
from govdoc.records.services.files import Retention
from govdoc.records.tests.test_transfer import _closed

pytestmark = pytest.mark.django_db

__all__ = ["api_client", "key_for"]  # fixtures
JSON = "application/json"


def test_submit_accept_and_keep_through_the_api(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    api_client: Callable[[User], Any],
) -> None:
    archivist = make_person("luutru", agency=ministry, roles=[Role.ARCHIVIST])
    first = _closed(personas, ministry, doc_type, notation="01.DD", retention=Retention(True))
    second = _closed(
        personas,
        ministry,
        doc_type,
        notation="02.DD",
        retention=Retention(False, 10),
        ended=dt.date(2025, 6, 1),
    )
    owner = api_client(personas["specialist"])
    # an empty submission: 400 with the field, nothing written
    empty = owner.post("/api/records/transfers", {"file_ids": []}, content_type=JSON)
    assert empty.status_code == 400 and "files" in empty.json()["fields"]
    assert not TransferBatch.objects.exists()
    # keeping the second longer: asked by the owner, approved by the leader
    asked = owner.post(
        f"/api/records/files/{second.pk}/keep",
        {"until": "2027-06-01", "reason": "Còn tra cứu"},
        content_type=JSON,
    )
    assert asked.status_code == 201
    leader = api_client(personas["leader"])
    decided = leader.post(
        f"/api/records/keep-requests/{asked.json()['id']}", {"approve": True}, content_type=JSON
    )
    assert decided.status_code == 200 and decided.json()["status"] == "APPROVED"
    # the first goes to the archive
    made = owner.post("/api/records/transfers", {"file_ids": [first.pk]}, content_type=JSON)
    assert made.status_code == 201
    batch = made.json()
    (item,) = batch["items"]
    assert item["plan_note"] == "Hồ sơ ngoài danh mục"
    # the owner may not decide (403); the archivist accepts
    url = f"/api/records/transfers/{batch['id']}/items/{item['id']}"
    assert owner.post(url, {"decision": "accept"}, content_type=JSON).status_code == 403
    accepted = api_client(archivist).post(url, {"decision": "accept"}, content_type=JSON)
    assert accepted.status_code == 200 and accepted.json()["status"] == "CLOSED"
    assert CaseFile.objects.get(pk=first.pk).status == "ARCHIVED"
    again = api_client(archivist).post(url, {"decision": "accept"}, content_type=JSON)
    assert again.status_code == 409


def test_handover_through_the_api(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    api_client: Callable[[User], Any],
) -> None:
    _closed(personas, ministry, doc_type, notation="03.DD", retention=Retention(True))
    successor = make_person("kethua", agency=ministry, roles=[Role.SPECIALIST])
    body = {
        "from_person_id": personas["specialist"].pk,
        "to_person_id": successor.pk,
        "reason": "Nghỉ hưu",
    }
    assert (
        api_client(personas["leader"]).post("/api/records/handover", body, content_type=JSON)
    ).status_code == 403
    done = api_client(personas["admin"]).post("/api/records/handover", body, content_type=JSON)
    assert done.status_code == 200 and done.json()["files"] == 1
    assert CaseFile.objects.get().owner == successor
