"""Reference lists for clients: document types and the agency directory."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def test_document_types_lists_active_types(
    personas: dict[str, User], doc_type: DocumentType, api_client: ClientFor
) -> None:
    # given a retired type
    DocumentType.objects.create(name="Loại cũ", abbreviation="LC", is_active=False)
    # when a program lists the types
    response = api_client(personas["specialist"]).get("/api/document-types")
    # then the active ones come back with their ids, the retired one does not
    assert response.status_code == 200
    names = {t["name"]: t for t in response.json()}
    assert names["Quyết định (cá biệt)"] == {
        "id": doc_type.pk,
        "name": "Quyết định (cá biệt)",
        "abbreviation": "QĐ",
        "is_legal": False,
    }
    assert "Loại cũ" not in names


def test_agencies_lookup(
    personas: dict[str, User], ministry: Agency, other_agency: Agency, api_client: ClientFor
) -> None:
    # given an inactive agency
    Agency.objects.create(organ_id="000.00.00.H99", name="Ủy ban cũ", is_active=False)
    client = api_client(personas["clerk"])
    # when a program looks agencies up by a word of the name, an abbreviation, or a code
    by_name = client.get("/api/agencies", {"q": "Nghệ An"}).json()
    by_code = client.get("/api/agencies", {"q": "G12"}).json()
    everything = client.get("/api/agencies").json()
    # then the matching active agencies come back
    assert [a["id"] for a in by_name] == [other_agency.pk]
    assert [a["organ_id"] for a in by_code] == ["000.00.00.G12"]
    assert {a["id"] for a in everything} == {ministry.pk, other_agency.pk}
    assert client.get("/api/agencies", {"limit": 1}).json().__len__() == 1
    assert client.get("/api/agencies", {"limit": 1000}).status_code == 400


def test_directory_needs_authentication(db: None) -> None:
    assert Client().get("/api/agencies").status_code == 401
    assert Client().get("/api/document-types").status_code == 401
