"""Who may do what with outgoing documents: every action tried by every persona.

The matrix is the rule: allowed personas succeed, the others are refused with a domain error
(403, or 404 for what they may not even see) and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.access import draft_for
from govdoc.outgoing.models import ApprovalStep, Draft
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.circuits import (
    TemplateStepInput,
    circuit_template_save,
    draft_submit,
    step_approve,
)
from govdoc.outgoing.services.copies import copy_make
from govdoc.outgoing.services.drafts import draft_cancel, draft_comment, draft_update
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.tests.conftest import draft_input
from govdoc.outgoing.tests.issuing_helpers import approved, issued, signed
from govdoc.outgoing.workflow import DraftStatus, StepKind
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

PERSONAS = ("clerk", "leader", "unit_head", "specialist", "admin", "outsider")


def _step(draft: Draft, kind: str) -> ApprovalStep:
    return draft.steps.get(kind=kind)


def _to(draft: Draft, personas: dict[str, User], status: str, pki: TestPki) -> Draft:
    """Move a fresh draft forward to `status` through the services."""
    if status == DraftStatus.DRAFTING:
        return draft
    if status == DraftStatus.ISSUED:
        issued(draft, personas, pki.password)
    elif status == DraftStatus.SIGNED:
        signed(draft, personas, pki.password)
    else:
        # How many of the circuit have approved when the next one's step is pending.
        stops = {"CONTENT": 0, "FORM": 1, "SIGNER": 2, DraftStatus.APPROVED: 3}
        approved(draft, personas, upto=stops[status])
    return draft


# action → (state the draft must be in, allowed personas, the call)
Action = Callable[[Draft, User, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[str, set[str], Action]] = {
    "view draft": (
        "CONTENT",
        {"clerk", "leader", "unit_head", "specialist", "admin"},
        lambda d, a, c: draft_for(a, d.pk),
    ),
    "edit metadata": (
        DraftStatus.DRAFTING,
        {"specialist"},
        lambda d, a, c: draft_update(
            draft=d,
            actor=a,
            expected_version=d.version,
            data=draft_input(
                document_type=d.document_type, signer=d.signer, subject="Trích yếu mới"
            ),
        ),
    ),
    "submit": (
        DraftStatus.DRAFTING,
        {"specialist"},
        lambda d, a, c: draft_submit(draft=d, actor=a),
    ),
    "cancel": (
        DraftStatus.DRAFTING,
        {"specialist"},
        lambda d, a, c: draft_cancel(draft=d, actor=a, reason="Không cần"),
    ),
    "approve content": (
        "CONTENT",
        {"unit_head"},
        lambda d, a, c: step_approve(step=_step(d, StepKind.CONTENT), actor=a),
    ),
    "approve form": (
        "FORM",
        {"clerk"},
        lambda d, a, c: step_approve(step=_step(d, StepKind.FORM), actor=a),
    ),
    "approve as signer": (
        "SIGNER",
        {"leader"},
        lambda d, a, c: step_approve(step=_step(d, StepKind.SIGNER), actor=a),
    ),
    "sign": (
        DraftStatus.APPROVED,
        {"leader"},
        lambda d, a, c: draft_sign(draft=d, actor=a, password=c["password"]),
    ),
    "issue": (
        DraftStatus.SIGNED,
        {"clerk"},
        lambda d, a, c: draft_issue(draft=d, actor=a, password=c["password"]),
    ),
    "revoke": (
        DraftStatus.ISSUED,
        {"clerk", "leader"},
        lambda d, a, c: outgoing_change(outgoing=d.outgoing, kind="REVOKE", reason="Sai", actor=a),
    ),
    "copy": (
        DraftStatus.ISSUED,
        {"clerk"},
        lambda d, a, c: copy_make(
            source=d.outgoing.document, kind="SY", actor=a, password=c["password"]
        ),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(
    action: str,
    persona: str,
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    status, allowed, call = ACTIONS[action]
    # given a draft by the specialist in the state the action needs
    draft = _to(make_draft(recipients=()), personas, status, pki)
    draft.refresh_from_db()
    before = (draft.status, draft.version, draft.versions.count())
    actor = personas[persona]
    # when the persona tries the action
    if persona in allowed:
        call(draft, actor, {"password": pki.password})
        return
    with pytest.raises(DomainError) as error:
        call(draft, actor, {"password": pki.password})
    # then it is refused with a Vietnamese message and nothing changed
    assert error.value.status in (403, 404, 409) and error.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.versions.count()) == before


def test_drafts_are_hidden_from_outsiders_and_unrelated_people(
    personas: dict[str, User], make_draft: Callable[..., Draft]
) -> None:
    draft = make_draft(recipients=())
    # a draft not yet submitted is seen by its drafter and signer only
    for persona in ("clerk", "unit_head", "admin", "outsider"):
        with pytest.raises(NotFound):
            draft_for(personas[persona], draft.pk)
    assert draft_for(personas["specialist"], draft.pk) == draft
    assert draft_for(personas["leader"], draft.pk) == draft


def test_only_the_agency_administrator_sets_default_circuits(
    personas: dict[str, User], ministry: Agency, doc_type: Any
) -> None:
    steps = [TemplateStepInput(stage=1, kind=StepKind.FORM, rule="CLERK")]
    for persona in ("clerk", "leader", "specialist", "outsider"):
        with pytest.raises(DomainError):
            circuit_template_save(
                agency=ministry,
                document_type_id=doc_type.pk,
                name="Quy trình",
                steps=steps,
                actor=personas[persona],
            )
    template = circuit_template_save(
        agency=ministry,
        document_type_id=doc_type.pk,
        name="Quy trình QĐ",
        steps=steps,
        actor=personas["admin"],
    )
    assert template.steps.count() == 1


def test_comments_need_text(personas: dict[str, User], make_draft: Callable[..., Draft]) -> None:
    draft = make_draft(recipients=())
    with pytest.raises(DomainError) as error:
        draft_comment(draft=draft, text="   ", actor=personas["specialist"])
    assert "text" in error.value.fields and not draft.comments.exists()
