"""Editing a registered document through the API: versioned, refused with 409 when someone
else changed it since it was read, and only by the clerk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoc.api.tests.conftest import API
from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType, MetadataVersion
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def registered(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Any:
    return incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )


def _body(doc_type: DocumentType, version: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "document_type_id": doc_type.pk,
        "subject": "Về việc giao đất đai cho dự án khu dân cư (sửa)",
        "issued_date": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        "issuer_name": "Sở Tài nguyên và Môi trường Hà Nội",
        "code_number": "15",
        "code_notation": "QĐ-STNMT",
        "version": version,
        "reason": "Sửa trích yếu theo bản gốc",
    }
    body.update(overrides)
    return body


def test_the_clerk_edits_and_a_version_is_kept(
    registered: IncomingDocument,
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
) -> None:
    # when the clerk's program sends new metadata with the version it read
    response = api_client(personas["clerk"]).put(
        f"{API}/{registered.pk}", _body(doc_type, 1), content_type="application/json"
    )
    # then the document has the new subject, version 2, and the old value is kept
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["subject"].endswith("(sửa)")
    change = MetadataVersion.objects.get(document=registered.document)
    assert change.changes["subject"][0] == "Về việc giao đất đai cho dự án khu dân cư"


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(
    registered: IncomingDocument,
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
) -> None:
    client = api_client(personas["clerk"])
    # given someone else edited the document after version 1 was read
    first = client.put(
        f"{API}/{registered.pk}", _body(doc_type, 1), content_type="application/json"
    )
    assert first.status_code == 200
    # when a second edit still based on version 1 arrives
    response = client.put(
        f"{API}/{registered.pk}",
        _body(doc_type, 1, subject="Một trích yếu khác"),
        content_type="application/json",
    )
    # then it is refused as a conflict, in Vietnamese, and nothing changed
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "người khác sửa" in response.json()["message"]
    registered.document.refresh_from_db()
    assert registered.document.version == 2
    assert registered.document.subject.endswith("(sửa)")


def test_bad_metadata_answers_400_with_fields(
    registered: IncomingDocument,
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
) -> None:
    response = api_client(personas["clerk"]).put(
        f"{API}/{registered.pk}", _body(doc_type, 1, subject=" "), content_type="application/json"
    )
    assert response.status_code == 400
    assert "subject" in response.json()["fields"]
    registered.document.refresh_from_db()
    assert registered.document.version == 1


@pytest.mark.parametrize("persona", ["leader", "specialist", "outsider"])
def test_only_the_clerk_edits(
    registered: IncomingDocument,
    personas: dict[str, User],
    doc_type: DocumentType,
    api_client: ClientFor,
    persona: str,
) -> None:
    response = api_client(personas[persona]).put(
        f"{API}/{registered.pk}", _body(doc_type, 1), content_type="application/json"
    )
    assert response.status_code == 404
    registered.document.refresh_from_db()
    assert registered.document.version == 1
