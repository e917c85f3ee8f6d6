"""After issuance: revocation (the recipient's copy withdrawn with a trace), replacement,
update; posting; e-mail; copies numbered in the copies book with the copy signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from govdoc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.storage import open_stored
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.inputs import RecipientInput
from govdoc.outgoing.models import Draft, OutgoingChange, OutgoingDocument
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.copies import copy_make
from govdoc.outgoing.services.dispatching import dispatch_record_post
from govdoc.outgoing.tests.hosted_steps import (
    person_there,
    received_there,
    refuse_there,
    register_there,
    sender_changes,
)
from govdoc.outgoing.workflow import ChangeKind, DispatchStatus, Method, OutgoingStatus
from govdoc.registers.models import BookKind, RegisterEntry
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

pytestmark = pytest.mark.django_db


def test_revoking_withdraws_the_copy_the_other_agency_received(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a document issued to the other agency, waiting in its inbox
    outgoing = issue()
    received = received_there(other_agency)
    # when the clerk revokes it
    change = sender_changes(
        outgoing,
        kind=ChangeKind.REVOKE,
        reason="Ban hành nhầm đối tượng",
        actor=personas["clerk"],
        capture=django_capture_on_commit_callbacks,
    )
    # then the original is frozen, the revocation is recorded
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingStatus.REVOKED
    assert change.reason == "Ban hành nhầm đối tượng" and change.actor == personas["clerk"]
    # and the other agency's copy is withdrawn, the sender sees it confirmed
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WITHDRAWN
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.WITHDRAWN
    # and a revoked document can be neither revoked again nor copied
    with pytest.raises(InvalidTransition):
        outgoing_change(
            outgoing=outgoing, kind=ChangeKind.REVOKE, reason="Lần nữa", actor=personas["clerk"]
        )
    with pytest.raises(InvalidTransition):
        copy_make(source=outgoing.document, kind="SY", actor=personas["clerk"])
    assert OutgoingChange.objects.count() == 1


def test_replacing_needs_an_issued_replacement_and_only_clerks_or_leaders(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument]
) -> None:
    first = issue(recipients=())
    second = issue(recipients=(), subject="Về việc thay thế Quyết định số 01/QĐ-BTNMT")
    # a specialist may not
    with pytest.raises(Forbidden):
        outgoing_change(
            outgoing=first,
            kind=ChangeKind.REPLACE,
            reason="Sai",
            actor=personas["specialist"],
            replacement_id=second.pk,
        )
    # without the replacement, refused with the field named
    with pytest.raises(ValidationFailed) as error:
        outgoing_change(
            outgoing=first, kind=ChangeKind.REPLACE, reason="Sai", actor=personas["clerk"]
        )
    assert "replacement" in error.value.fields
    first.refresh_from_db()
    assert first.status == OutgoingStatus.ISSUED
    # with it: replaced, linked
    change = outgoing_change(
        outgoing=first,
        kind=ChangeKind.REPLACE,
        reason="Sai căn cứ",
        actor=personas["leader"],
        replacement_id=second.pk,
    )
    first.refresh_from_db()
    assert first.status == OutgoingStatus.REPLACED and change.replacement == second
    assert second.number == 2


def test_post_and_email_recipients(
    personas: dict[str, User],
    issue: Callable[..., OutgoingDocument],
    settings: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # given a document to a recipient by e-mail and one by post
    outgoing = issue(
        recipients=(
            RecipientInput(kind="OTHER", name="Công ty TNHH An Bình", email="vanthu@anbinh.vn"),
            RecipientInput(kind="OTHER", name="Ông Nguyễn Văn B", address="12 Lê Lợi, Vinh"),
        )
    )
    by_mail, by_post = outgoing.dispatches.order_by("pk")
    # then the e-mail went with the signed PDF attached
    by_mail.refresh_from_db()
    assert by_mail.method == Method.EMAIL and by_mail.status == DispatchStatus.SENT
    (message,) = mail.outbox
    assert message.to == ["vanthu@anbinh.vn"] and "01/QĐ-BTNMT" in message.subject
    assert message.attachments[0][2] == "application/pdf"
    # and the posted one waits for the clerk to record it in the postal book
    assert by_post.method == Method.POST and by_post.status == DispatchStatus.QUEUED
    with pytest.raises(Forbidden):
        dispatch_record_post(dispatch=by_post, actor=personas["specialist"])
    dispatch_record_post(
        dispatch=by_post, actor=personas["clerk"], postal_receipt="RR123456VN", postage="25.000"
    )
    by_post.refresh_from_db()
    assert by_post.status == DispatchStatus.SENT and by_post.postal_receipt == "RR123456VN"
    with pytest.raises(InvalidTransition):
        dispatch_record_post(dispatch=by_post, actor=personas["clerk"])


def test_a_copy_is_numbered_in_the_copies_book_and_signed_top_right(
    personas: dict[str, User], issue: Callable[..., OutgoingDocument], pki: TestPki
) -> None:
    outgoing = issue(recipients=())
    # when the clerk makes a sao y
    copy = copy_make(
        source=outgoing.document, kind="SY", actor=personas["clerk"], password=pki.password
    )
    # then it has the first number of the copies book and the agency's copy signature
    assert copy.code == "01/SY-BTNMT" and copy.signed_at is not None
    assert RegisterEntry.objects.filter(book__kind=BookKind.COPY).count() == 1
    assert copy.signed is not None
    report = verify_pdf(open_stored(copy.signed), roots=[pki.root.asn1])
    assert len(report.signatures) == 3 and report.signatures[-1].intact
    # and an extract of a page that does not exist is refused before any number is taken
    with pytest.raises(ValidationFailed) as error:
        copy_make(
            source=outgoing.document,
            kind="TrS",
            pages="2-3",
            actor=personas["clerk"],
            password=pki.password,
        )
    assert "pages" in error.value.fields
    assert RegisterEntry.objects.filter(book__kind=BookKind.COPY).count() == 1
    # and only clerks make copies
    with pytest.raises(Forbidden):
        copy_make(source=outgoing.document, kind="SY", actor=personas["leader"])


def test_a_recipient_without_an_identifier_cannot_go_through_the_interconnection(
    personas: dict[str, User], make_draft: Callable[..., Draft]
) -> None:
    with pytest.raises(ValidationFailed) as error:
        make_draft(recipients=(RecipientInput(kind="OTHER", name="Sở X", method="INTERCONNECT"),))
    assert "mã định danh" in error.value.fields["recipients"]
    assert not Draft.objects.exists()


def test_the_other_agencys_refusal_reaches_the_sender_with_its_reason(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    outgoing = issue()
    refuse_there(
        received_there(other_agency),
        clerk=person_there(other_agency, "vanthu2"),
        reason="Không thuộc thẩm quyền",
        capture=django_capture_on_commit_callbacks,
    )
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.REFUSED and dispatch.reason == "Không thuộc thẩm quyền"


def test_a_refusal_after_registration_still_reaches_the_sender(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from govdoc.incoming.services import incoming_refuse

    outgoing = issue()
    their_clerk = person_there(other_agency, "vanthu2")
    incoming = register_there(
        received_there(other_agency),
        clerk=their_clerk,
        capture=django_capture_on_commit_callbacks,
    )
    (dispatch,) = outgoing.dispatches.all()
    assert dispatch.status == DispatchStatus.ACCEPTED
    # when their clerk sends the registered document back
    with django_capture_on_commit_callbacks(execute=True):
        incoming_refuse(incoming=incoming, reason="Gửi nhầm cơ quan", actor=their_clerk)
    # then the sender sees the refusal and its reason
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.REFUSED and dispatch.reason == "Gửi nhầm cơ quan"


def test_the_sender_follows_assignment_progress_and_completion_there(
    personas: dict[str, User],
    other_agency: Agency,
    issue: Callable[..., OutgoingDocument],
    django_capture_on_commit_callbacks: Any,
) -> None:
    import datetime as dt

    from govdoc.assignments.services import (
        AssigneeInput,
        assignment_complete,
        assignment_progress,
        incoming_assign,
    )
    from govdoc.assignments.workflow import HandlingRole
    from govdoc.core.calendar import add_working_days
    from govdoc.incoming.received_services import received_register
    from govdoc.incoming.services import incoming_present

    outgoing = issue()
    received = received_there(other_agency)
    their = {
        "clerk": person_there(other_agency, "vt2"),
        "leader": person_there(other_agency, "ld2", Role.AGENCY_LEADER),
        "handler": person_there(other_agency, "cv2", Role.SPECIALIST),
    }
    (dispatch,) = outgoing.dispatches.all()

    def status() -> str:
        dispatch.refresh_from_db()
        return dispatch.status

    with django_capture_on_commit_callbacks(execute=True):
        incoming = received_register(received=received, actor=their["clerk"])
        incoming_present(incoming=incoming, leader=their["leader"], actor=their["clerk"])
    assert status() == DispatchStatus.ACCEPTED
    # when their leader assigns it, the handler reports progress, then completes it
    due = add_working_days(dt.date.today(), 3)
    with django_capture_on_commit_callbacks(execute=True):
        (lead,) = incoming_assign(
            incoming=incoming,
            instruction="Xử lý",
            assignees=[
                AssigneeInput(role=HandlingRole.LEAD, person_id=their["handler"].pk, due_date=due)
            ],
            actor=their["leader"],
        )
    assert status() == DispatchStatus.ASSIGNED
    with django_capture_on_commit_callbacks(execute=True):
        assignment_progress(assignment=lead, text="Đang xử lý", actor=their["handler"])
    assert status() == DispatchStatus.IN_PROGRESS
    lead.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(assignment=lead, result="Đã xong", actor=their["handler"])
    # then the sender saw every step, in order
    assert status() == DispatchStatus.COMPLETED
    assert [e.status for e in dispatch.events.all()][-4:] == [
        DispatchStatus.ACCEPTED,
        DispatchStatus.ASSIGNED,
        DispatchStatus.IN_PROGRESS,
        DispatchStatus.COMPLETED,
    ]
