"""The circuit's actions from the draft's page: each POST by the right persona changes the
state (history row), the wrong persona gets 404 and nothing changes, a bad POST shows the
message next to its form and changes nothing. Signing with the password (the PIN for a
token), "Duyệt và ký", the signer's return, and issuance landing on the issued page with
what it noticed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.organizations.models import User
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.models import ApprovalStep, Draft, DraftHistory, OutgoingDocument
from govdoc.outgoing.tests.issuing_helpers import approved, signed, submitted
from govdoc.outgoing.workflow import DraftStatus, StepKind, StepStatus
from govdoc.registers.models import RegisterEntry
from govdoc.signatures.models import CredentialKind, SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Any]


def _url(name: str, draft: Draft, *args: int) -> str:
    return reverse(f"outgoing:{name}", args=[draft.pk, *args])


def _state(draft: Draft) -> tuple[Any, ...]:
    draft.refresh_from_db()
    return (
        draft.status,
        draft.version,
        DraftHistory.objects.filter(draft=draft).count(),
        list(ApprovalStep.objects.filter(draft=draft).values_list("status", flat=True)),
    )


def test_the_drafter_submits_and_others_cannot(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft()
    before = _state(draft)
    # when someone else tries
    for name in ("leader", "outsider"):
        assert client_for(personas[name]).post(_url("draft_submit", draft)).status_code == 404
    assert _state(draft) == before
    # when the drafter submits
    response = client_for(personas["specialist"]).post(
        _url("draft_submit", draft), {"trinh-note": "Kính trình"}
    )
    # then the draft is in review, the unit leader's step open
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    assert draft.history.filter(action="submit", note="Kính trình").exists()


def test_submitting_without_a_body_shows_why_and_changes_nothing(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft(body=None)
    before = _state(draft)
    response = client_for(personas["specialist"]).post(_url("draft_submit", draft))
    assert response.status_code == 400
    assert "Dự thảo chưa có nội dung" in response.content.decode()
    assert _state(draft) == before


def test_the_reviewer_approves_their_step_and_the_next_opens(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = submitted(make_draft(), personas)
    (step,) = pending_steps_for(personas["unit_head"], draft)
    url = _url("step_approve", draft, step.pk)
    # when the clerk (not theirs yet) or the outsider tries, 404 and nothing changes
    before = _state(draft)
    assert client_for(personas["clerk"]).post(url).status_code == 404
    assert client_for(personas["outsider"]).post(url).status_code == 404
    assert _state(draft) == before
    # when the unit leader approves with a note
    response = client_for(personas["unit_head"]).post(url, {"note": "Nội dung đạt"})
    # then their step is approved with the version, and the clerks' form check opens
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED and step.decided_version == 1
    assert step.note == "Nội dung đạt"
    (form,) = pending_steps_for(personas["clerk"], draft)
    assert form.kind == StepKind.FORM
    # and approving the same step again is 404 (no longer theirs)
    assert client_for(personas["unit_head"]).post(url).status_code == 404


def test_a_return_needs_a_reason(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = approved(make_draft(), personas, upto=1)
    (step,) = pending_steps_for(personas["clerk"], draft)
    url = _url("step_return", draft, step.pk)
    before = _state(draft)
    # when the clerk returns it without a reason
    response = client_for(personas["clerk"]).post(url, {"reason": " "})
    # then the message shows next to the step and nothing changed
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vui lòng ghi lý do trả lại." in page and f'data-testid="step-action-{step.pk}"' in page
    assert _state(draft) == before
    # when with a reason
    response = client_for(personas["clerk"]).post(url, {"reason": "Sai thể thức nơi nhận"})
    # then the draft goes back to its drafter
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    assert draft.history.filter(action="return", note="Sai thể thức nơi nhận").exists()


def test_the_drafter_adds_an_ad_hoc_step(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = submitted(make_draft(), personas)
    url = _url("step_add", draft)
    client = client_for(personas["specialist"])
    # when no reviewer is chosen, the field's error shows and nothing is added
    response = client.post(url, {"kind": "OPINION", "stage": "1", "assignee": ""})
    assert response.status_code == 400
    assert 'data-field="assignee"' in response.content.decode()
    assert draft.steps.count() == 3
    # when the clerks' pool is asked for an opinion in the current stage
    response = client.post(url, {"kind": "OPINION", "stage": "1", "assignee": "CLERK"})
    assert response.status_code == 302
    added = draft.steps.get(is_ad_hoc=True)
    assert added.assignee_role == "CLERK" and added.status == StepStatus.PENDING
    # and nobody else may add one
    assert (
        client_for(personas["leader"]).post(url, {"kind": "OPINION", "stage": "1"}).status_code
        == 404
    )


def test_the_drafter_cancels_with_a_reason(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft()
    url = _url("draft_cancel", draft)
    before = _state(draft)
    response = client_for(personas["specialist"]).post(url, {"huy-reason": ""})
    assert response.status_code == 400 and "Vui lòng ghi lý do hủy." in response.content.decode()
    assert _state(draft) == before
    assert client_for(personas["leader"]).post(url, {"huy-reason": "x"}).status_code == 404
    response = client_for(personas["specialist"]).post(url, {"huy-reason": "Không cần nữa"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CANCELLED


def test_the_signer_signs_with_their_password(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    draft = approved(make_draft(), personas)
    url = _url("draft_sign", draft)
    page = client_for(personas["leader"]).get(_url("draft_detail", draft)).content.decode()
    assert 'data-testid="sign-action"' in page and "Mật khẩu tệp chứng thư số" in page
    before = _state(draft)
    # when someone else tries, 404
    assert client_for(personas["clerk"]).post(url, {"secret": pki.password}).status_code == 404
    # when the leader types a wrong password
    response = client_for(personas["leader"]).post(url, {"secret": "sai-mat-khau"})
    # then the message shows on the password field, the password is not put back, nothing
    # changed
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="secret">Mật khẩu tệp chứng thư số không đúng.' in page
    assert "sai-mat-khau" not in page
    assert _state(draft) == before
    # when the right one
    response = client_for(personas["leader"]).post(url, {"secret": pki.password})
    # then the draft is signed: a new signed version, waiting for the clerk
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED and draft.signed_version is not None
    assert draft.signed_version.source == "SIGNED"


def test_a_token_credential_asks_for_the_pin(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    client_for: ClientFor,
) -> None:
    SigningCredential.objects.filter(pk=credentials["leader"].pk).update(kind=CredentialKind.PKCS11)
    draft = approved(make_draft(), personas)
    page = client_for(personas["leader"]).get(_url("draft_detail", draft)).content.decode()
    assert "Mã PIN của thiết bị ký số" in page
    # an empty PIN is refused on its field
    response = client_for(personas["leader"]).post(_url("draft_sign", draft), {"secret": ""})
    assert response.status_code == 400
    assert 'data-field="secret">Vui lòng nhập mã PIN' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


def test_approve_and_sign_at_once_when_the_signers_step_is_pending(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    draft = approved(make_draft(), personas, upto=2)
    (step,) = pending_steps_for(personas["leader"], draft)
    assert step.kind == StepKind.SIGNER
    client = client_for(personas["leader"])
    page = client.get(_url("draft_detail", draft)).content.decode()
    assert 'data-testid="approve-and-sign"' in page
    response = client.post(_url("draft_sign", draft), {"step": step.pk, "secret": pki.password})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED


def test_the_signer_returns_an_approved_draft(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = approved(make_draft(), personas)
    url = _url("draft_signer_return", draft)
    before = _state(draft)
    response = client_for(personas["leader"]).post(url, {"nguoi-ky-reason": ""})
    assert response.status_code == 400 and _state(draft) == before
    assert client_for(personas["clerk"]).post(url, {"nguoi-ky-reason": "x"}).status_code == 404
    assert _state(draft) == before
    response = client_for(personas["leader"]).post(url, {"nguoi-ky-reason": "Cần sửa Điều 2"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED


def test_the_clerk_issues_and_lands_on_the_issued_page(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    draft = signed(make_draft(), personas, pki.password)
    url = _url("draft_issue", draft)
    # when someone other than a clerk tries, 404 and no number is taken
    assert client_for(personas["leader"]).post(url, {"secret": pki.password}).status_code == 404
    assert not RegisterEntry.objects.exists()
    # when the clerk issues it
    clerk = client_for(personas["clerk"])
    response = clerk.post(url, {"secret": pki.password})
    # then it is numbered and issued, and the clerk lands on its page
    outgoing = OutgoingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outgoing:issued_detail", args=[outgoing.pk])
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ISSUED and outgoing.document.code == "01/QĐ-BTNMT"
    page = clerk.get(response["Location"]).content.decode()
    assert "Đã phát hành văn bản số 01/QĐ-BTNMT." in page


def test_a_wrong_agency_password_keeps_the_number_and_says_so(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    draft = signed(make_draft(), personas, pki.password)
    response = client_for(personas["clerk"]).post(_url("draft_issue", draft), {"secret": "sai"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "đã được cấp số 01/QĐ-BTNMT" in page and 'value="sai"' not in page
    draft.refresh_from_db()
    assert draft.status == DraftStatus.NUMBERED
    assert "chỉ còn ký số của cơ quan" in page
    assert AuditEvent.objects.filter(action="outgoing.number").exists()


def test_what_the_issuance_noticed_is_shown_as_a_warning(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    # given a signed draft uploaded as a PDF without the places for the number and date
    from govdoc.conftest import make_pdf
    from govdoc.documents.storage import Upload
    from govdoc.outgoing.bodies import prepare_upload

    body = prepare_upload(Upload(name="khong-co-cho-so.pdf", data=make_pdf("Khong co cho so")))
    draft = signed(make_draft(body=body), personas, pki.password)
    clerk = client_for(personas["clerk"])
    # when the clerk issues it
    response = clerk.post(_url("draft_issue", draft), {"secret": pki.password}, follow=True)
    # then the issued page shows the number and the warning of what was missing
    page = response.content.decode()
    assert response.status_code == 200
    assert "alert-warning" in page and "Không tìm thấy chỗ ghi số" in page


def test_approve_and_sign_with_a_wrong_password_keeps_the_approval_and_says_so(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    client_for: ClientFor,
) -> None:
    draft = approved(make_draft(), personas, upto=2)
    (step,) = pending_steps_for(personas["leader"], draft)
    response = client_for(personas["leader"]).post(
        _url("draft_sign", draft), {"step": step.pk, "secret": "sai"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Đã duyệt dự thảo nhưng chưa ký số được" in page
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED and draft.signed_version is None


def test_a_returned_draft_shows_why(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = submitted(make_draft(), personas)
    (step,) = pending_steps_for(personas["unit_head"], draft)
    client_for(personas["unit_head"]).post(
        _url("step_return", draft, step.pk), {"reason": "Bổ sung căn cứ pháp lý"}
    )
    page = client_for(personas["specialist"]).get(_url("draft_detail", draft)).content.decode()
    assert 'data-testid="returned"' in page and "Bổ sung căn cứ pháp lý" in page
    assert "Trình lại" in page


def test_the_signer_cannot_return_a_draft_still_in_review_around_the_circuit(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = submitted(make_draft(), personas)
    before = _state(draft)
    response = client_for(personas["leader"]).post(
        _url("draft_signer_return", draft), {"nguoi-ky-reason": "Chưa đến lượt"}
    )
    assert response.status_code == 404 and _state(draft) == before
