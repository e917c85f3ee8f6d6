"""A draft generated from an NĐ 30 template: the DOCX and its PDF with the places for the
number and date, signed, then numbered — the number written without breaking the signature.
Also: editing an approved draft sends it back to the signer; ad hoc and parallel steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.documents.storage import open_stored
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.bodies import prepare_template
from govdoc.outgoing.drafting.number_fields import read_number_and_date
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.inputs import StepInput
from govdoc.outgoing.models import Draft
from govdoc.outgoing.services.circuits import draft_submit, step_add
from govdoc.outgoing.services.drafts import draft_add_version, draft_create
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.tests.conftest import draft_input, pdf_body
from govdoc.outgoing.tests.issuing_helpers import approve_by
from govdoc.outgoing.workflow import DraftStatus, StepKind, StepStatus
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

pytestmark = pytest.mark.django_db

needs_soffice = pytest.mark.skipif(not soffice_available(), reason="LibreOffice không có")


@needs_soffice
def test_a_decision_from_the_template_is_numbered_after_signing(
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    # given a quyết định generated from its template
    data = draft_input(document_type=doc_type, signer=personas["leader"])
    body = prepare_template(
        agency=ministry,
        data=data,
        template_code="quyet_dinh",
        values={
            "issuing_authority": "Bộ trưởng Bộ Tài nguyên và Môi trường",
            "legal_bases": ["Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;"],
            "body": ["Phê duyệt kế hoạch.", "Quyết định có hiệu lực từ ngày ký."],
            "drafter_initials": "PTC",
        },
        drafter=personas["specialist"],
    )
    assert body.pdf is not None and body.kind.key == "docx" and not body.conversion_error
    draft = draft_create(agency=ministry, data=data, actor=personas["specialist"], body=body)
    assert draft.template_code == "quyet_dinh"
    # when it is approved, signed and issued
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    approve_by(draft, [personas["unit_head"], personas["clerk"], personas["leader"]])
    draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    draft.refresh_from_db()
    result = draft_issue(draft=draft, actor=personas["clerk"], password=pki.password)
    # then the number and the date are written in the document, and both signatures hold
    pdf = open_stored(result.outgoing.document.files.get(role="MAIN").stored)
    number, date_text = read_number_and_date(pdf)
    assert number == "01" and date_text is not None and date_text.startswith("ngày ")
    report = verify_pdf(pdf, roots=[pki.root.asn1])
    assert [s.intact for s in report.signatures] == [True, True]
    assert not result.notes


def test_a_template_with_missing_fields_is_refused_and_nothing_is_written(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    data = draft_input(document_type=doc_type, signer=personas["leader"])
    with pytest.raises(ValidationFailed) as error:
        prepare_template(
            agency=ministry,
            data=data,
            template_code="quyet_dinh",
            values={},
            drafter=personas["specialist"],
        )
    assert "body" in error.value.fields
    with pytest.raises(ValidationFailed) as wrong:
        prepare_template(
            agency=ministry,
            data=data,
            template_code="giay_moi",
            values={},
            drafter=personas["specialist"],
        )
    assert "template" in wrong.value.fields
    assert not Draft.objects.exists()


def test_a_changed_approved_draft_goes_back_to_the_signer(
    personas: dict[str, User], make_draft: Callable[..., Draft]
) -> None:
    draft = make_draft()
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    approve_by(draft, [personas["unit_head"], personas["clerk"], personas["leader"]])
    assert draft.status == DraftStatus.APPROVED
    # when the drafter uploads a new version
    draft_add_version(
        draft=draft, body=pdf_body("ban-sua.pdf"), actor=personas["specialist"], note="Sửa số liệu"
    )
    draft.refresh_from_db()
    # then the draft waits for the signer's approval again; content and form stay approved
    assert draft.status == DraftStatus.IN_REVIEW
    steps = {s.kind: s.status for s in draft.steps.all()}
    assert steps[StepKind.SIGNER] == StepStatus.PENDING
    assert steps[StepKind.CONTENT] == steps[StepKind.FORM] == StepStatus.APPROVED
    assert [s.draft.pk for s in pending_steps_for(personas["leader"], draft)] == [draft.pk]


def test_editing_after_signing_is_refused(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft = make_draft()
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    approve_by(draft, [personas["unit_head"], personas["clerk"], personas["leader"]])
    draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    draft.refresh_from_db()
    versions = draft.versions.count()
    with pytest.raises(InvalidTransition, match="đã được ký số"):
        draft_add_version(draft=draft, body=pdf_body(), actor=personas["specialist"])
    assert draft.versions.count() == versions


def test_an_ad_hoc_parallel_opinion_holds_the_stage_until_bothapprove_by(
    personas: dict[str, User], make_draft: Callable[..., Draft], units: dict[str, Any]
) -> None:
    from govdoc.conftest import make_person
    from govdoc.organizations.roles import Role

    agency = personas["clerk"].agency
    assert agency is not None
    legal = make_person("phapche", agency=agency, roles=[Role.SPECIALIST], unit=units["TCCB"])
    draft = make_draft()
    # given the drafter adds an opinion step in parallel with the content approval
    step = step_add(
        draft=draft,
        data=StepInput(kind=StepKind.OPINION, stage=1, assignee_id=legal.pk),
        actor=personas["specialist"],
    )
    assert step.is_ad_hoc
    with pytest.raises(Forbidden):
        step_add(
            draft=draft,
            data=StepInput(kind=StepKind.OPINION, stage=1, assignee_id=legal.pk),
            actor=legal,
        )
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    # when only the unit leader approves, the stage stays open
    approve_by(draft, [personas["unit_head"]])
    assert pending_steps_for(personas["clerk"], draft) == []
    # and when the opinion is given, the form check opens
    approve_by(draft, [legal])
    assert [s.kind for s in pending_steps_for(personas["clerk"], draft)] == [StepKind.FORM]


def test_a_step_nobody_holds_is_left_out_and_said_in_the_history(
    personas: dict[str, User], make_draft: Callable[..., Draft], units: dict[str, Any]
) -> None:
    # given a draft of a unit that has no leader
    draft = make_draft(drafting_unit_id=units["TCCB"].pk)
    # when it is submitted
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    # then the content step is left out, the form check opens, and the history says why
    assert [s.kind for s in draft.steps.order_by("stage")] == [StepKind.FORM, StepKind.SIGNER]
    (row,) = draft.history.filter(action="step_skipped")
    assert "Duyệt nội dung" in row.note and "chưa có người đảm nhiệm" in row.note
