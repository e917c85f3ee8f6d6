"""Work files through the API: open, add, close, reopen, list, unfiled; refusals as 400 with
fields, 403, 404 and 409, nothing written on failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.api.tests.conftest import api_client, key_for
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import CaseFile
from govdoc.records.tests.file_helpers import approved_plan, handled

pytestmark = pytest.mark.django_db

__all__ = ["api_client", "key_for"]  # fixtures

JSON = "application/json"


def test_a_file_from_open_to_closed_through_the_api(
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    api_client: Callable[[User], Any],
) -> None:
    plan = approved_plan(ministry, personas, units["DD"])
    incoming = handled(personas, ministry, doc_type)
    api = api_client(personas["specialist"])
    # the document waits to be filed
    unfiled = api.get("/api/records/unfiled").json()
    assert [d["document_id"] for d in unfiled["items"]] == [incoming.document_id]
    # open from the plan
    planned = plan.files.get(notation="01.DD")
    opened = api.post("/api/records/files", {"planned_id": planned.pk}, content_type=JSON)
    assert opened.status_code == 201
    body = opened.json()
    assert body["code"] == f"{ministry.organ_id}.{plan.year}.01.DD"
    assert body["retention"] == "20 năm" and body["status"] == "OPEN"
    file_id = body["id"]
    # add the document
    added = api.post(
        f"/api/records/files/{file_id}/documents",
        {"document_ids": [incoming.document_id]},
        content_type=JSON,
    ).json()
    assert [(i["ordinal"], i["document_id"]) for i in added["items"]] == [(1, incoming.document_id)]
    # a stale close: 409, still open
    stale = api.post(f"/api/records/files/{file_id}/close", {"version": 1}, content_type=JSON)
    assert stale.status_code == 409
    closed = api.post(
        f"/api/records/files/{file_id}/close",
        {"version": added["version"], "work_ended_on": "2026-11-30"},
        content_type=JSON,
    )
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    assert closed.json()["transfer_due"] == "2027-11-30"
    # the owner may not reopen (403), the unit head may, with a reason
    assert (
        api.post(
            f"/api/records/files/{file_id}/reopen", {"reason": "x"}, content_type=JSON
        ).status_code
        == 403
    )
    head = api_client(personas["unit_head"])
    empty = head.post(f"/api/records/files/{file_id}/reopen", {"reason": " "}, content_type=JSON)
    assert empty.status_code == 400 and "reason" in empty.json()["fields"]
    reopened = head.post(
        f"/api/records/files/{file_id}/reopen", {"reason": "Bổ sung"}, content_type=JSON
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "OPEN"
    # listed in mine
    mine = api.get("/api/records/files", {"mine": True}).json()
    assert [f["id"] for f in mine["items"]] == [file_id]


def test_refusals_through_the_api(
    personas: dict[str, User], ministry: Agency, api_client: Callable[[User], Any]
) -> None:
    api = api_client(personas["specialist"])
    bad = api.post(
        "/api/records/files", {"title": "", "notation": "", "retention": None}, content_type=JSON
    )
    assert bad.status_code == 400
    assert {"title", "notation", "retention"} <= set(bad.json()["fields"])
    assert not CaseFile.objects.exists()
    created = api.post(
        "/api/records/files",
        {"title": "Hồ sơ A", "notation": "03.DD", "retention": {"permanent": True}},
        content_type=JSON,
    ).json()
    # someone who does not see it: 404; an unknown plan entry: 404
    outsider = api_client(personas["outsider"])
    assert outsider.get(f"/api/records/files/{created['id']}").status_code == 404
    assert (
        api.post("/api/records/files", {"planned_id": 999999}, content_type=JSON).status_code == 404
    )
    # closing an empty file: 400, still open
    empty = api.post(
        f"/api/records/files/{created['id']}/close",
        {"version": created["version"]},
        content_type=JSON,
    )
    assert empty.status_code == 400
    assert api.get(f"/api/records/files/{created['id']}").json()["status"] == "OPEN"
