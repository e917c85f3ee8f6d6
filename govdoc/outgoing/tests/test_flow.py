"""The whole path of an outgoing document through the services: drafted by the specialist,
content approved by the unit leader, form by the clerk, approved and signed by the leader,
numbered, sealed and sent by the clerk, received and registered by the other agency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core.errors import Forbidden, InvalidTransition
from govdoc.documents.storage import open_stored
from govdoc.incoming.models import ReceivedDocument
from govdoc.incoming.received_services import received_register
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.circuits import draft_submit, step_approve, step_return
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.tests.issuing_helpers import approve_by, approved, issued, signed
from govdoc.outgoing.workflow import DispatchStatus, DraftStatus, StepKind, StepStatus
from govdoc.registers.models import RegisterEntry
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

pytestmark = pytest.mark.django_db


def test_a_reply_goes_from_draft_to_the_other_agency_and_back_as_accepted(
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a draft by the specialist, to the other agency on this installation
    draft = make_draft()
    # when it is submitted, the circuit is content (unit leader) → form (clerks) → signer
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    steps = list(draft.steps.order_by("stage"))
    assert [(s.stage, s.kind, s.status) for s in steps] == [
        (1, StepKind.CONTENT, StepStatus.PENDING),
        (2, StepKind.FORM, StepStatus.WAITING),
        (3, StepKind.SIGNER, StepStatus.WAITING),
    ]
    assert steps[0].assignee == personas["unit_head"] and steps[1].assignee_role == Role.CLERK
    # and the unit leader, the clerk and the leader approve in turn
    approve_by(draft, [personas["unit_head"], personas["clerk"], personas["leader"]], note="Đồng ý")
    assert draft.status == DraftStatus.APPROVED
    # then both approvals (content, form) are stored with the version they approved
    approved = {s.kind: s for s in draft.steps.all()}
    assert approved[StepKind.CONTENT].decided_by == personas["unit_head"]
    assert approved[StepKind.FORM].decided_by == personas["clerk"]
    assert approved[StepKind.CONTENT].decided_version == 1

    # when the leader signs
    signed = draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SIGNED and draft.signed_version == signed
    assert draft.issue_due is not None

    # and the clerk issues it with the agency's seal
    with django_capture_on_commit_callbacks(execute=True):
        result = draft_issue(draft=draft, actor=personas["clerk"], password=pki.password)
    outgoing = result.outgoing
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ISSUED
    # then it has the first number of the outgoing book, registered
    assert outgoing.number == 1 and outgoing.document.code == "01/QĐ-BTNMT"
    assert RegisterEntry.objects.filter(pk=outgoing.register_entry_id).exists()
    # and the issued PDF carries both signatures, both intact
    main = outgoing.document.files.get(role="MAIN")
    report = verify_pdf(open_stored(main.stored), roots=[pki.root.asn1])
    assert len(report.signatures) == 2
    assert all(s.intact for s in report.signatures)
    # and the other agency has it in its electronic inbox, waiting for its clerk
    (dispatch,) = outgoing.dispatches.all()
    received = ReceivedDocument.objects.get(agency=other_agency)
    assert received.code_notation == "QĐ-BTNMT" and received.subject == draft.subject
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ARRIVED

    # when their clerk registers it
    their_clerk = make_person("vanthu2", agency=other_agency, roles=[Role.CLERK])
    with django_capture_on_commit_callbacks(execute=True):
        received_register(received=received, actor=their_clerk)
    # then the sender sees "accepted", with the history of each step
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.ACCEPTED
    assert [e.status for e in dispatch.events.all()] == [
        DispatchStatus.QUEUED,
        DispatchStatus.SENT,
        DispatchStatus.ARRIVED,
        DispatchStatus.ACCEPTED,
    ]
    assert AuditEvent.objects.filter(action="outgoing.issue").exists()


def test_issuing_twice_gives_one_number(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    # given an issued document
    draft = make_draft(recipients=())
    issued(draft, personas, pki.password)
    # when the clerk issues it again
    with pytest.raises(InvalidTransition, match="đã được phát hành với số 01/QĐ-BTNMT"):
        draft_issue(draft=draft, actor=personas["clerk"], password=pki.password)
    # then there is still one document and one number
    assert OutgoingDocument.objects.count() == 1
    assert RegisterEntry.objects.count() == 1


def test_a_wrong_agency_password_keeps_the_number_for_the_next_try(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    # given a signed draft
    draft = signed(make_draft(recipients=()), personas, pki.password)
    # when the clerk types a wrong password for the agency's certificate
    with pytest.raises(Exception, match="đã được cấp số 01/QĐ-BTNMT"):
        draft_issue(draft=draft, actor=personas["clerk"], password="sai")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.NUMBERED
    # then trying again issues it with the same number, and no other was taken
    result = draft_issue(draft=draft, actor=personas["clerk"], password=pki.password)
    assert result.outgoing.number == 1 and RegisterEntry.objects.count() == 1


def test_signing_refuses_an_unapproved_draft_and_another_person(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft = make_draft()
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    # when the leader tries to sign before the reviews are done
    with pytest.raises(InvalidTransition, match="chưa được duyệt"):
        draft_sign(draft=draft, actor=personas["leader"], password=pki.password)
    # then nothing changed and the attempt is journaled
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW and draft.versions.count() == 1
    assert AuditEvent.objects.filter(action="outgoing.sign_refused").count() == 1
    approved(draft, personas)
    # when the clerk tries to sign as the competent person
    with pytest.raises(Forbidden):
        draft_sign(draft=draft, actor=personas["clerk"], password=pki.password)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.APPROVED


def test_a_return_sends_the_draft_back_and_resubmission_resumes(
    personas: dict[str, User], make_draft: Callable[..., Draft]
) -> None:
    draft = make_draft()
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    (content,) = pending_steps_for(personas["unit_head"], draft)
    step_approve(step=content, actor=personas["unit_head"])
    draft.refresh_from_db()
    (form,) = pending_steps_for(personas["clerk"], draft)
    # when the clerk returns it for a form error
    step_return(step=form, actor=personas["clerk"], reason="Sai thể thức: thiếu nơi nhận")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RETURNED
    # and the specialist submits it again
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    # then the content approval stays and the form check is asked again
    statuses = {s.kind: s.status for s in draft.steps.all()}
    assert statuses == {
        StepKind.CONTENT: StepStatus.APPROVED,
        StepKind.FORM: StepStatus.PENDING,
        StepKind.SIGNER: StepStatus.WAITING,
    }


def test_a_signed_document_not_issued_by_the_next_working_day_is_flagged_and_reminded(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    import datetime as dt

    from govdoc.core.calendar import next_working_day
    from govdoc.notifications.models import Notification
    from govdoc.outgoing.services.late import late_issue_remind, late_to_issue

    draft = signed(make_draft(), personas, pki.password)
    assert draft.issue_due is not None
    # on its last day it is not late; the day after it is
    assert not late_to_issue(day=draft.issue_due).exists()
    later = next_working_day(draft.issue_due + dt.timedelta(days=1))
    assert list(late_to_issue(day=later)) == [draft]
    # and the clerks are reminded once that day
    assert late_issue_remind(day=later) == 1
    assert late_issue_remind(day=later) == 0
    (notice,) = Notification.objects.filter(kind="outgoing.late_issue")
    assert notice.recipient == personas["clerk"]
