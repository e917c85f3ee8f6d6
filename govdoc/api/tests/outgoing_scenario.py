"""What the outgoing API tests share: one program per persona (the leader from a signed-in
browser), a draft's JSON, and the path of a draft through the API — created by the
specialist, submitted, approved by the unit head, the clerk and the leader, signed, issued."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from govdoc.conftest import make_person
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.models import Draft
from govdoc.outgoing.tests.conftest import make_draft_pdf
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

ClientFor = Callable[[User], Client]
API = "/api/outgoing"


class Api:
    """One persona's program: JSON in and out, bearer token (or a browser session)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"{API}{path}", query)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"{API}{path}", body or {}, content_type="application/json")

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(f"{API}{path}", body, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(f"{API}{path}")

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(f"{API}{path}", data)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def team(personas: dict[str, User], ministry: Agency, units: dict[str, Unit]) -> dict[str, User]:
    return {
        **personas,
        "stranger": make_person(
            "chuyenvien3",
            agency=ministry,
            roles=[Role.SPECIALIST],
            unit=units["TCCB"],
            full_name="Vũ Thị Khác Đơn Vị",
        ),
    }


@pytest.fixture
def apis(team: dict[str, User], api_client: ClientFor, client_for: ClientFor) -> dict[str, Api]:
    """Every persona calls with a token, except the leader, who calls from a signed-in browser."""
    made = {name: Api(api_client(user)) for name, user in team.items() if name != "leader"}
    made["leader"] = Api(client_for(team["leader"]))
    return made


def draft_json(
    doc_type: DocumentType, team: dict[str, User], other_agency: Agency, **overrides: Any
) -> dict[str, Any]:
    """A valid new draft: a decision signed by the leader (KT. BỘ TRƯỞNG), to the other
    agency on this installation, with its body as a base64 PDF."""
    body: dict[str, Any] = {
        "document_type_id": doc_type.pk,
        "subject": "Về việc báo cáo tình hình sử dụng đất năm 2026",
        "signer_id": team["leader"].pk,
        "signing_authority": "KT",
        "authority_title": "Bộ trưởng",
        "signer_position": "Thứ trưởng",
        "priority": 0,
        "copies": 3,
        "recipients": [{"kind": "AGENCY", "agency_id": other_agency.pk}],
        "body_name": "du-thao.pdf",
        "body_base64": b64(make_draft_pdf()),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def created(
    apis: dict[str, Api],
    doc_type: DocumentType,
    team: dict[str, User],
    other_agency: Agency,
    **overrides: Any,
) -> dict[str, Any]:
    response = apis["specialist"].post(
        "/drafts", draft_json(doc_type, team, other_agency, **overrides)
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def approve_all(apis: dict[str, Api], draft_id: int) -> dict[str, Any]:
    """The unit head (content), the clerk (form), the leader (signer) approve in turn."""
    body: dict[str, Any] = {}
    for persona in ("unit_head", "clerk", "leader"):
        (step_id,) = apis[persona].get(f"/drafts/{draft_id}").json()["pending_step_ids"]
        response = apis[persona].post(f"/steps/{step_id}/approve", {"note": "Đồng ý"})
        assert response.status_code == 200, response.json()
        body = response.json()
    return body


def signed_draft(
    apis: dict[str, Api],
    doc_type: DocumentType,
    team: dict[str, User],
    other_agency: Agency,
    pki: TestPki,
    **overrides: Any,
) -> int:
    draft_id = int(created(apis, doc_type, team, other_agency, **overrides)["id"])
    assert apis["specialist"].post(f"/drafts/{draft_id}/submit").status_code == 200
    approve_all(apis, draft_id)
    response = apis["leader"].post(f"/drafts/{draft_id}/sign", {"password": pki.password})
    assert response.status_code == 200, response.json()
    return draft_id


def issued_document(
    apis: dict[str, Api],
    doc_type: DocumentType,
    team: dict[str, User],
    other_agency: Agency,
    pki: TestPki,
    credentials: dict[str, SigningCredential],
    **overrides: Any,
) -> dict[str, Any]:
    draft_id = signed_draft(apis, doc_type, team, other_agency, pki, **overrides)
    response = apis["clerk"].post(f"/drafts/{draft_id}/issue", {"password": pki.password})
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def draft_of(body: dict[str, Any]) -> Draft:
    return Draft.objects.get(pk=body["id"])
