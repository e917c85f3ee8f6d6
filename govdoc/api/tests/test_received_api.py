"""The electronic inbox through the API: the clerk's waiting list, one document, its files,
registration (as sent or corrected) and return to the sender; who may call, and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_services import received_register, received_withdraw
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.incoming.tests.received_helpers import SUBJECT, deliver, snapshot
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
API = "/api/received"


@pytest.fixture
def received(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> ReceivedDocument:
    return deliver(ministry, other_agency, doc_type)


def _post(client: Client, url: str, body: Any = None) -> Any:
    if body is None:
        return client.post(url)
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_clerk_lists_the_waiting_documents(
    received: ReceivedDocument,
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
) -> None:
    # given a second, non-urgent waiting document and one registered
    deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:2", priority=0)
    done = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:3")
    received_register(received=done, data=None, actor=personas["clerk"])
    client = api_client(personas["clerk"])
    # when the clerk's program asks for the waiting list
    response = client.get(API)
    # then the two waiting ones come, urgent first, with their metadata and files
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["id"] == received.pk and first["priority_label"] == "Khẩn"
    assert first["status"] == "WAITING" and first["status_label"] == "Chờ tiếp nhận"
    assert first["sender_name"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert first["channel"] == "LOCAL" and first["channel_label"] == "Cùng hệ thống"
    assert first["subject"] == SUBJECT and first["code_notation"] == "UBND-NN"
    assert first["received_at"].endswith("+07:00")
    assert [f["role"] for f in first["files"]] == ["MAIN", "ATTACHMENT"]
    # and the registered one is under its own status
    registered = client.get(API + "?status=REGISTERED").json()
    assert registered["count"] == 1 and registered["items"][0]["incoming_id"] is not None


def test_one_document_and_its_file(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor
) -> None:
    client = api_client(personas["clerk"])
    body = client.get(f"{API}/{received.pk}").json()
    assert body["id"] == received.pk
    assert body["document_identifier"] == received.document_identifier
    assert AuditEvent.objects.filter(action="incoming.received.view").count() == 1
    main = body["files"][0]
    download = client.get(main["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="file.download").count() == 1
    # after the sender revoked it the file is gone
    received_withdraw(received=received, reason="Ban hành nhầm")
    gone = client.get(main["download_url"])
    assert gone.status_code == 410 and gone.json()["code"] == "withdrawn"
    assert client.get(f"{API}/{received.pk}").json()["files"][0]["download_url"] == ""


@pytest.mark.parametrize("persona", ["leader", "unit_head", "specialist", "admin", "outsider"])
def test_only_the_receiving_clerk_may_call(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor, persona: str
) -> None:
    client = api_client(personas[persona])
    before = snapshot()
    listing = client.get(API)
    if persona == "outsider":
        # another agency's clerk has an inbox of their own, without this document
        assert listing.status_code == 200 and listing.json()["count"] == 0
    else:
        assert listing.status_code == 403
        assert listing.json()["message"].startswith("Chỉ văn thư")
    assert client.get(f"{API}/{received.pk}").status_code == 404
    file = received.files.get(role="MAIN")
    assert client.get(f"{API}/{received.pk}/files/{file.pk}").status_code == 404
    assert _post(client, f"{API}/{received.pk}/register", {}).status_code == 404
    assert _post(client, f"{API}/{received.pk}/refuse", {"reason": "Nhầm"}).status_code == 404
    assert snapshot() == before


def test_the_clerk_registers_it_as_sent(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor
) -> None:
    client = api_client(personas["clerk"])
    response = _post(client, f"{API}/{received.pk}/register")
    assert response.status_code == 201, response.json()
    body = response.json()
    incoming = IncomingDocument.objects.get()
    assert body["id"] == incoming.pk and body["arrival_number"] == 1
    assert body["medium"] == "ELECTRONIC" and body["subject"] == SUBJECT
    assert body["document_identifier"] == received.document_identifier
    assert [f["name"] for f in body["files"]] == ["cv-45-ubnd.pdf", "phu-luc.docx"]
    received.refresh_from_db()
    assert received.status == ReceivedStatus.REGISTERED
    # and registering it again is a conflict
    again = _post(client, f"{API}/{received.pk}/register", {})
    assert again.status_code == 409


def test_the_clerk_corrects_fields_when_registering(
    received: ReceivedDocument,
    personas: dict[str, User],
    units: dict[str, Unit],
    api_client: ClientFor,
) -> None:
    client = api_client(personas["clerk"])
    response = _post(
        client,
        f"{API}/{received.pk}/register",
        {
            "subject": "Về việc góp ý quy hoạch (đã sửa)",
            "receiving_unit_id": units["DD"].pk,
            "due_date": None,
            "notes": None,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["subject"] == "Về việc góp ý quy hoạch (đã sửa)"
    assert body["receiving_unit_id"] == units["DD"].pk
    assert body["code_number"] == "45"  # not sent: as the sender wrote it


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"document_type_id": 999999}, "document_type_id", 400),
        ({"subject": "  "}, "subject", 400),
        ({"issued_date": "31/02/2026"}, "issued_date", 400),
        ({"priority": 9}, "priority", 400),
        ({"receiving_unit_id": 999999}, "receiving_unit_id", 400),
    ],
)
def test_a_bad_correction_changes_nothing(
    received: ReceivedDocument,
    personas: dict[str, User],
    api_client: ClientFor,
    body: dict[str, Any],
    field: str,
    status: int,
) -> None:
    client = api_client(personas["clerk"])
    before = snapshot()
    response = _post(client, f"{API}/{received.pk}/register", body)
    assert response.status_code == status, response.json()
    assert field in response.json()["fields"]
    assert snapshot() == before


def test_the_clerk_sends_it_back(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor
) -> None:
    client = api_client(personas["clerk"])
    url = f"{API}/{received.pk}/refuse"
    before = snapshot()
    # an empty or missing reason: 400 on the field, nothing changed
    empty = _post(client, url, {"reason": "  "})
    assert empty.status_code == 400
    assert empty.json()["fields"] == {"reason": "Vui lòng nhập lý do trả lại."}
    missing = _post(client, url, {})
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    assert snapshot() == before
    # with a reason it goes back
    response = _post(client, url, {"reason": "Gửi nhầm cơ quan"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "REFUSED" and body["refusal_reason"] == "Gửi nhầm cơ quan"
    # and it can no longer be registered
    assert _post(client, f"{API}/{received.pk}/register").status_code == 409


def test_the_inbox_is_in_the_openapi_document(api_client: ClientFor, personas: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/received" in paths
    assert "/api/received/{received_id}/register" in paths
    assert "/api/received/{received_id}/refuse" in paths


def test_corrections_come_as_json(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor
) -> None:
    client = api_client(personas["clerk"])
    url = f"{API}/{received.pk}/register"
    before = snapshot()
    # form fields are not read silently: the call is refused, nothing changes
    form = client.post(url, {"subject": "Sửa"})
    assert form.status_code == 400
    broken = client.post(url, "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert snapshot() == before
    # an empty JSON body registers it as sent
    response = client.post(url, "", content_type="application/json")
    assert response.status_code == 201, response.json()


def test_a_registered_document_the_sender_revoked_gives_no_file_in_the_incoming_api(
    received: ReceivedDocument, personas: dict[str, User], api_client: ClientFor
) -> None:
    # given a received document registered, then revoked by its sender
    incoming = received_register(received=received, data=None, actor=personas["clerk"])
    file_id = incoming.document.files.order_by("position").first().pk  # type: ignore[union-attr]
    client = api_client(personas["clerk"])
    url = f"/api/incoming/{incoming.pk}/files/{file_id}"
    assert client.get(url).status_code == 200
    received_withdraw(received=received, reason="Ban hành nhầm")
    # when the clerk asks the incoming API for its file
    response = client.get(url)
    # then it is gone (410) with the reason in Vietnamese, and the list can filter on it
    assert response.status_code == 410 and response.json()["code"] == "withdrawn"
    listed = client.get("/api/incoming", {"status": "WITHDRAWN"}).json()
    assert [item["id"] for item in listed["items"]] == [incoming.pk]
