"""The circuit through the API: submitting, ad hoc steps, approving and returning steps, the
signer's return and signature, the clerk's issuance; the refusals (400 with fields, 404 for
whoever may not act, 409 for a step already decided, a draft signed or issued twice)."""

from __future__ import annotations

from typing import Any

import pytest

from govdoc.api.tests.outgoing_scenario import (
    Api,
    apis,
    approve_all,
    created,
    draft_of,
    issued_document,
    signed_draft,
    team,
)
from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.models import ApprovalStep, DraftVersion, OutgoingDocument
from govdoc.outgoing.tests.conftest import credentials, pki
from govdoc.outgoing.workflow import DraftStatus
from govdoc.registers.models import RegisterEntry
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

__all__ = ["apis", "credentials", "pki", "team"]  # fixtures


def test_submitting_opens_the_default_circuit(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    response = apis["specialist"].post(f"/drafts/{draft['id']}/submit", {"note": "Kính trình"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "IN_REVIEW" and body["submitted_at"] is not None
    assert [(s["stage"], s["kind"], s["status"]) for s in body["steps"]] == [
        (1, "CONTENT", "PENDING"),
        (2, "FORM", "WAITING"),
        (3, "SIGNER", "WAITING"),
    ]
    assert body["steps"][0]["assignee"]["id"] == team["unit_head"].pk
    assert body["steps"][1]["assignee"] is None and body["steps"][1]["assignee_role"] == "CLERK"
    # the unit head sees the step waiting for them
    seen = apis["unit_head"].get(f"/drafts/{draft['id']}").json()
    assert seen["pending_step_ids"] == [body["steps"][0]["id"]]
    assert {"approve", "return", "edit"} <= set(seen["actions"])


def test_only_the_drafter_submits_and_only_with_a_body(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    empty = created(apis, doc_type, team, other_agency, body_name=None, body_base64=None)
    response = apis["specialist"].post(f"/drafts/{empty['id']}/submit")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"body"}
    assert draft_of(empty).status == DraftStatus.DRAFTING
    draft = created(apis, doc_type, team, other_agency)
    assert apis["stranger"].post(f"/drafts/{draft['id']}/submit").status_code == 404
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    # submitting again while in review is a conflict
    again = apis["specialist"].post(f"/drafts/{draft['id']}/submit")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_the_drafter_adds_a_step_and_others_may_not(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    response = apis["specialist"].post(
        f"/drafts/{draft['id']}/steps",
        {"kind": "OPINION", "stage": 1, "assignee_id": team["stranger"].pk},
    )
    assert response.status_code == 201, response.json()
    step = response.json()
    assert step["kind"] == "OPINION" and step["is_ad_hoc"] is True
    assert step["assignee"]["id"] == team["stranger"].pk
    bad = apis["specialist"].post(
        f"/drafts/{draft['id']}/steps", {"kind": "OPINION", "stage": 1, "assignee_id": 999999}
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"assignee_id"}
    signer_kind = apis["specialist"].post(
        f"/drafts/{draft['id']}/steps", {"kind": "SIGNER", "stage": 1}
    )
    assert signer_kind.status_code == 400 and "kind" in signer_kind.json()["fields"]
    assert (
        apis["outsider"]
        .post(
            f"/drafts/{draft['id']}/steps", {"kind": "FORM", "stage": 1, "assignee_role": "CLERK"}
        )
        .status_code
        == 404
    )
    assert ApprovalStep.objects.filter(draft_id=draft["id"], is_ad_hoc=True).count() == 1


def test_steps_are_approved_in_turn_until_the_draft_waits_for_its_signer(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    submitted = apis["specialist"].post(f"/drafts/{draft['id']}/submit").json()
    content, form, _signer = (s["id"] for s in submitted["steps"])
    # the specialist sees the draft but the step is not theirs
    assert apis["specialist"].post(f"/steps/{content}/approve").status_code == 404
    # the form step is not open yet: a clerk cannot take it
    early = apis["clerk"].post(f"/steps/{form}/approve")
    assert early.status_code == 409
    response = apis["unit_head"].post(f"/steps/{content}/approve", {"note": "Đồng ý nội dung"})
    assert response.status_code == 200, response.json()
    steps = {s["id"]: s for s in response.json()["steps"]}
    assert steps[content]["status"] == "APPROVED" and steps[content]["note"] == "Đồng ý nội dung"
    assert steps[content]["decided_by"]["id"] == team["unit_head"].pk
    assert steps[form]["status"] == "PENDING"
    # approving twice is a conflict
    assert apis["unit_head"].post(f"/steps/{content}/approve").status_code == 409
    body = approve_all_remaining(apis, draft["id"])
    assert body["status"] == "APPROVED" and "sign" in body["actions"]
    assert apis["leader"].get("/drafts", box="to_sign").json()["count"] == 1


def approve_all_remaining(apis: dict[str, Api], draft_id: int) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for persona in ("clerk", "leader"):
        (step_id,) = apis[persona].get(f"/drafts/{draft_id}").json()["pending_step_ids"]
        response = apis[persona].post(f"/steps/{step_id}/approve")
        assert response.status_code == 200, response.json()
        body = response.json()
    return body


def test_a_step_returns_the_draft_with_a_reason(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    submitted = apis["specialist"].post(f"/drafts/{draft['id']}/submit").json()
    content = submitted["steps"][0]["id"]
    missing = apis["unit_head"].post(f"/steps/{content}/return", {"reason": " "})
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"reason": "Vui lòng ghi lý do trả lại."}
    assert apis["unit_head"].post(f"/steps/{content}/return", {}).status_code == 400
    response = apis["unit_head"].post(f"/steps/{content}/return", {"reason": "Thiếu số liệu"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "RETURNED"
    assert response.json()["steps"][0]["status"] == "RETURNED"
    assert apis["outsider"].post(f"/steps/{content}/return", {"reason": "x"}).status_code == 404


def test_the_signer_returns_an_approved_draft(
    apis: dict[str, Api], team: dict[str, User], doc_type: DocumentType, other_agency: Agency
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    approve_all(apis, draft["id"])
    assert apis["clerk"].post(f"/drafts/{draft['id']}/return", {"reason": "x"}).status_code == 404
    response = apis["leader"].post(f"/drafts/{draft['id']}/return", {"reason": "Viết lại mục 2"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "RETURNED"


def test_the_leader_signs_the_approved_draft(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft = created(apis, doc_type, team, other_agency)
    assert apis["specialist"].post(f"/drafts/{draft['id']}/submit").status_code == 200
    # before the reviews are done, signing is a conflict
    early = apis["leader"].post(f"/drafts/{draft['id']}/sign", {"password": pki.password})
    assert early.status_code == 409
    approve_all(apis, draft["id"])
    # the clerk is not the competent person
    assert (
        apis["clerk"].post(f"/drafts/{draft['id']}/sign", {"password": pki.password}).status_code
        == 404
    )
    wrong = apis["leader"].post(f"/drafts/{draft['id']}/sign", {"password": "sai-mat-khau"})
    assert wrong.status_code == 400
    assert draft_of(draft).status == DraftStatus.APPROVED
    response = apis["leader"].post(f"/drafts/{draft['id']}/sign", {"password": pki.password})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "SIGNED" and body["signed_at"] is not None
    assert body["versions"][-1]["source"] == "SIGNED" and body["issue_due"] is not None
    assert "edit" not in body["actions"]
    assert apis["clerk"].get("/drafts", box="to_issue").json()["count"] == 1
    twice = apis["leader"].post(f"/drafts/{draft['id']}/sign", {"password": pki.password})
    assert twice.status_code == 409
    assert DraftVersion.objects.filter(draft_id=draft["id"], source="SIGNED").count() == 1
    assert AuditEvent.objects.filter(action="outgoing.sign_refused").count() >= 2


def test_the_clerk_issues_once(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    units: dict[str, Unit],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft_id = signed_draft(apis, doc_type, team, other_agency, pki)
    # only a clerk issues; a keeping unit must be one of the agency's
    specialist = apis["specialist"].post(f"/drafts/{draft_id}/issue", {"password": pki.password})
    assert specialist.status_code == 404
    bad_unit = apis["clerk"].post(
        f"/drafts/{draft_id}/issue", {"password": pki.password, "keeping_unit_id": 999999}
    )
    assert bad_unit.status_code == 400 and set(bad_unit.json()["fields"]) == {"keeping_unit_id"}
    assert not OutgoingDocument.objects.exists()
    response = apis["clerk"].post(
        f"/drafts/{draft_id}/issue", {"password": pki.password, "keeping_unit_id": units["VP"].pk}
    )
    assert response.status_code == 201, response.json()
    document = response.json()["document"]
    assert document["code"] == "01/QĐ-BTNMT" and document["number"] == 1
    assert document["keeping_unit"]["name"] == "Văn phòng"
    assert [f["role"] for f in document["files"]] == ["MAIN"]
    (dispatch,) = document["dispatches"]
    assert dispatch["recipient_name"] == "Ủy ban nhân dân tỉnh Nghệ An"
    # delivered into its inbox (the receipt event "arrived" follows once the request commits)
    assert dispatch["method"] == "LOCAL" and dispatch["status"] == "SENT"
    assert [e["status"] for e in dispatch["events"]] == ["QUEUED", "SENT"]
    assert apis["specialist"].get(f"/drafts/{draft_id}").json()["code"] == "01/QĐ-BTNMT"
    # issuing twice is a conflict and takes no second number
    twice = apis["clerk"].post(f"/drafts/{draft_id}/issue", {"password": pki.password})
    assert twice.status_code == 409
    assert "đã được phát hành với số 01/QĐ-BTNMT" in twice.json()["message"]
    assert RegisterEntry.objects.count() == 1 and OutgoingDocument.objects.count() == 1


def test_a_wrong_agency_password_keeps_the_number(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft_id = signed_draft(apis, doc_type, team, other_agency, pki)
    wrong = apis["clerk"].post(f"/drafts/{draft_id}/issue", {"password": "sai"})
    assert wrong.status_code == 400
    assert "đã được cấp số 01/QĐ-BTNMT" in wrong.json()["message"]
    detail = apis["clerk"].get(f"/drafts/{draft_id}").json()
    assert detail["status"] == "NUMBERED" and "issue" in detail["actions"]
    retried = issued_again(apis, draft_id, pki)
    assert retried["document"]["number"] == 1 and RegisterEntry.objects.count() == 1


def issued_again(apis: dict[str, Api], draft_id: int, pki: TestPki) -> dict[str, Any]:
    response = apis["clerk"].post(f"/drafts/{draft_id}/issue", {"password": pki.password})
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_the_whole_path_through_the_api(
    apis: dict[str, Api],
    team: dict[str, User],
    doc_type: DocumentType,
    other_agency: Agency,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    body = issued_document(apis, doc_type, team, other_agency, pki, credentials)
    assert body["document"]["status"] == "ISSUED"
    assert apis["clerk"].get("/drafts", box="to_issue").json()["count"] == 0
