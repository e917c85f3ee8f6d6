"""The outgoing pages render for the right persona and answer 404 to anyone else (an
outsider from another agency, or someone of the agency the draft is not shown to); the
files are served only through the access rules, inline for the frame, and journaled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.organizations.models import User
from govdoc.outgoing.models import Draft
from govdoc.outgoing.tests.issuing_helpers import approved, issued, signed, submitted
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Any]


def _detail(draft: Draft) -> str:
    return reverse("outgoing:draft_detail", args=[draft.pk])


def test_a_new_draft_is_seen_by_its_drafter_and_signer_only(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    # given a draft not yet submitted
    draft = make_draft()
    # when the drafter and the proposed signer open it
    for name in ("specialist", "leader"):
        response = client_for(personas[name]).get(_detail(draft))
        # then it shows with its subject and status
        assert response.status_code == 200, name
        assert draft.subject in response.content.decode()
        assert "Đang soạn thảo" in response.content.decode()
    # and the clerk, the unit leader (before submission) and the outsider get 404
    for name in ("clerk", "unit_head", "outsider", "admin"):
        assert client_for(personas[name]).get(_detail(draft)).status_code == 404, name
    # and opening it is journaled
    assert AuditEvent.objects.filter(action="outgoing.view", target_id=str(draft.pk)).count() == 2


def test_a_submitted_draft_shows_the_circuit_and_the_pending_step_to_its_reviewer(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    # given a submitted draft (content → form → signer)
    draft = submitted(make_draft(), personas)
    # when the unit leader opens it
    response = client_for(personas["unit_head"]).get(_detail(draft))
    page = response.content.decode()
    # then the circuit, both approvals and the approve form for their step are shown
    assert response.status_code == 200
    assert 'data-testid="circuit"' in page and 'data-testid="approval-content"' in page
    (step,) = [s for s in draft.steps.all() if s.status == "PENDING"]
    assert reverse("outgoing:step_approve", args=[draft.pk, step.pk]) in page
    # and the clerk sees it (submitted) without a step of theirs yet
    page = client_for(personas["clerk"]).get(_detail(draft)).content.decode()
    assert (
        "step_approve" not in page and reverse("outgoing:draft_submit", args=[draft.pk]) not in page
    )
    # and the outsider does not
    assert client_for(personas["outsider"]).get(_detail(draft)).status_code == 404


def test_the_draft_page_shows_both_approvals_with_who_and_which_version(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = approved(make_draft(), personas)
    page = client_for(personas["specialist"]).get(_detail(draft)).content.decode()
    assert "Lê Văn Trưởng" in page and "Nguyễn Thị Văn Thư" in page
    assert page.count("phiên bản 1") >= 2
    assert "Đã duyệt, chờ ký" in page


def test_the_draft_page_has_a_bounded_number_of_queries(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    client_for: ClientFor,
) -> None:
    # given two drafts, one with more comments and steps than the other
    small = submitted(make_draft(), personas)
    large = approved(make_draft(), personas, upto=2)
    from govdoc.outgoing.services.drafts import draft_comment

    for index in range(6):
        draft_comment(draft=large, text=f"Ý kiến {index}", actor=personas["leader"])
    client = client_for(personas["leader"])
    # when each page is rendered
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(small))
    with CaptureQueriesContext(connection) as many:
        client.get(_detail(large))
    # then the number of queries does not grow with the rows
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


def test_the_version_pdf_is_served_inline_to_viewers_only_and_journaled(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    draft = make_draft()
    url = reverse("outgoing:draft_version_file", args=[draft.pk, 1])
    # when the drafter opens the frame's file
    response = client_for(personas["specialist"]).get(url)
    # then it is the PDF, inline, not sniffed, and the view is journaled
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="file.view").count() == 1
    # and a download is an attachment, journaled as such
    response = client_for(personas["specialist"]).get(url + "?tai=1")
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="file.download").count() == 1
    # and someone the draft is not shown to, or a version that does not exist, gets 404
    assert client_for(personas["outsider"]).get(url).status_code == 404
    assert client_for(personas["clerk"]).get(url).status_code == 404
    missing = reverse("outgoing:draft_version_file", args=[draft.pk, 9])
    assert client_for(personas["specialist"]).get(missing).status_code == 404
    assert AuditEvent.objects.filter(action__startswith="file.").count() == 2


def test_the_issued_page_renders_for_the_agency_and_hides_from_outsiders(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    # given an issued document
    outgoing = issued(make_draft(), personas, pki.password)
    url = reverse("outgoing:issued_detail", args=[outgoing.pk])
    # when the clerk opens it
    response = client_for(personas["clerk"]).get(url)
    page = response.content.decode()
    # then its number, the recipients' follow-up, the copy form and the link back are shown
    assert response.status_code == 200
    assert "01/QĐ-BTNMT" in page
    assert 'data-testid="dispatches"' in page and "Ủy ban nhân dân tỉnh Nghệ An" in page
    assert 'data-testid="copy-form"' in page and 'data-testid="change-form"' in page
    assert reverse("outgoing:draft_detail", args=[outgoing.draft_id]) in page
    # and the drafter sees it without the clerk's actions
    page = client_for(personas["specialist"]).get(url).content.decode()
    assert "01/QĐ-BTNMT" in page and 'data-testid="copy-form"' not in page
    assert 'data-testid="change-form"' not in page
    # and the outsider gets 404, also for its files
    assert client_for(personas["outsider"]).get(url).status_code == 404
    main = outgoing.document.files.get(role="MAIN")
    file_url = reverse("outgoing:issued_file", args=[outgoing.pk, main.pk])
    assert client_for(personas["outsider"]).get(file_url).status_code == 404
    response = client_for(personas["clerk"]).get(file_url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")


def test_a_signed_draft_has_no_issued_page_yet(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    draft = signed(make_draft(), personas, pki.password)
    page = client_for(personas["clerk"]).get(_detail(draft)).content.decode()
    assert 'data-testid="issue-action"' in page
    assert "Đã ký, chờ phát hành" in page
