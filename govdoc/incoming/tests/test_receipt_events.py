"""What the sender's side hears about a document it sent: each event once, after commit,
never for a change that rolled back."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db import transaction

from govdoc.assignments.services import (
    AssigneeInput,
    assignment_complete,
    assignment_progress,
    incoming_assign,
)
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.incoming import receipt_events
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.receipt_events import ReceiptEvent, register_receipt_listener
from govdoc.incoming.received_services import (
    received_refuse,
    received_register,
    received_withdraw,
)
from govdoc.incoming.services import incoming_present, incoming_refuse, incoming_register
from govdoc.incoming.tests.received_helpers import deliver, listening
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db

# Tuesday 01/12/2026, a working day; Friday 04/12 is a working day too.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DUE = dt.date(2026, 12, 4)


@pytest.fixture
def on_a_working_day(time_machine: Any) -> None:
    time_machine.move_to(TODAY, tick=False)


def _handle_to_the_end(incoming: IncomingDocument, personas: dict[str, User]) -> None:
    """Presented, assigned to the specialist, progress twice, completed."""
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    [lead] = incoming_assign(
        incoming=incoming,
        instruction="Vụ Đất đai chủ trì nghiên cứu, góp ý.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, person_id=personas["specialist"].pk, due_date=DUE)
        ],
        actor=personas["leader"],
    )
    assignment_progress(assignment=lead, text="Đang tổng hợp ý kiến.", actor=personas["specialist"])
    assignment_progress(assignment=lead, text="Đã có dự thảo.", actor=personas["specialist"])
    assignment_complete(
        assignment=lead, result="Đã gửi văn bản góp ý.", actor=personas["specialist"]
    )


def test_the_sender_hears_each_step_once(
    on_a_working_day: None,
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard, django_capture_on_commit_callbacks(execute=True):
        # given a dispatch that arrives (twice: a retry) and is registered by the clerk
        received = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:9")
        deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:9")
        incoming = received_register(received=received, data=None, actor=personas["clerk"])
        # when it is presented, assigned, worked on twice and completed
        _handle_to_the_end(incoming, personas)
    # then the sender heard exactly these steps, once each, in order
    assert heard.names == ["arrived", "accepted", "assigned", "in_progress", "completed"]
    assert {e.received_id for e in heard.events} == {received.pk}
    assert {e.external_ref for e in heard.events} == {"outgoing-dispatch:9"}
    assert {e.channel for e in heard.events} == {"LOCAL"}
    accepted = heard.events[1]
    assert accepted.actor_name == "Nguyễn Thị Văn Thư" and accepted.reason == ""
    assert accepted.at == TODAY
    assert isinstance(accepted, ReceiptEvent)


def test_the_sender_hears_a_refusal_with_its_reason(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard, django_capture_on_commit_callbacks(execute=True):
        received = deliver(ministry, other_agency, doc_type)
        received_refuse(received=received, reason="Gửi nhầm cơ quan", actor=personas["clerk"])
    assert heard.names == ["arrived", "refused"]
    assert heard.events[1].reason == "Gửi nhầm cơ quan"


def test_a_registered_document_returned_later_is_a_refusal_too(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard, django_capture_on_commit_callbacks(execute=True):
        received = deliver(ministry, other_agency, doc_type)
        incoming = received_register(received=received, data=None, actor=personas["clerk"])
        incoming_refuse(incoming=incoming, reason="Không đúng thẩm quyền", actor=personas["clerk"])
    assert heard.names == ["arrived", "accepted", "refused"]
    assert heard.events[2].reason == "Không đúng thẩm quyền"


def test_the_sender_hears_the_revocation_confirmed(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard, django_capture_on_commit_callbacks(execute=True):
        received = deliver(ministry, other_agency, doc_type)
        received_register(received=received, data=None, actor=personas["clerk"])
        received_withdraw(received=received, reason="Ban hành nhầm", actor_name="Văn thư UBND")
        received_withdraw(received=received, reason="Ban hành nhầm")  # told twice
    assert heard.names == ["arrived", "accepted", "withdrawn_confirmed"]
    confirmed = heard.events[2]
    assert (confirmed.reason, confirmed.actor_name) == ("Ban hành nhầm", "Văn thư UBND")


def test_nothing_is_heard_before_commit_nor_after_a_rollback(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard:
        with django_capture_on_commit_callbacks(execute=True):
            received = deliver(ministry, other_agency, doc_type)
            # not yet: the transaction has not committed
            assert heard.names == []
        assert heard.names == ["arrived"]
        with django_capture_on_commit_callbacks(execute=True):
            # a registration refused by the service tells nothing
            with pytest.raises(ValidationFailed):
                received_register(
                    received=received,
                    data=incoming_input(doc_type, subject=""),
                    actor=personas["clerk"],
                )
            # a delivery rolled back by its caller tells nothing
            with pytest.raises(RuntimeError), transaction.atomic():
                deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:2")
                raise RuntimeError("the dispatch failed after delivering")
    assert heard.names == ["arrived"]


def test_documents_not_received_electronically_tell_no_one(
    on_a_working_day: None,
    ministry: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as heard, django_capture_on_commit_callbacks(execute=True):
        paper = incoming_register(
            agency=ministry,
            data=incoming_input(doc_type, issued_date=dt.date(2026, 11, 27)),
            actor=personas["clerk"],
        )
        _handle_to_the_end(paper, personas)
    assert heard.names == []


def test_a_failing_listener_does_not_silence_the_others(
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
    personas: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(event: ReceiptEvent) -> None:
        raise RuntimeError("network down")

    register_receipt_listener(broken)
    register_receipt_listener(broken)  # registered once however often
    try:
        with (
            listening() as heard,
            caplog.at_level(logging.ERROR),
            django_capture_on_commit_callbacks(execute=True),
        ):
            deliver(ministry, other_agency, doc_type)
        assert heard.names == ["arrived"]
        failures = [r for r in caplog.records if "receipt listener" in r.getMessage()]
        assert len(failures) == 1
    finally:
        receipt_events.unregister_receipt_listener(broken)


def test_a_listener_in_the_transaction_writes_with_the_change_and_its_failure_is_contained(
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
    personas: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a listener called inside the transaction that writes a row, and one that fails
    # with a database error
    heard: list[str] = []

    def writing(event: ReceiptEvent) -> None:
        assert transaction.get_connection().in_atomic_block
        heard.append(event.event)

    def failing(event: ReceiptEvent) -> None:
        ReceivedDocument.objects.create()  # NOT NULL columns missing: IntegrityError

    register_receipt_listener(writing, in_transaction=True)
    register_receipt_listener(failing, in_transaction=True)
    try:
        # When a document arrives
        with (
            listening() as after_commit,
            caplog.at_level(logging.ERROR),
            django_capture_on_commit_callbacks(execute=True),
        ):
            received = deliver(ministry, other_agency, doc_type)
        # Then the first heard it inside the transaction, the failure was logged and left
        # the delivery whole, and the listeners after commit heard it too
        assert heard == ["arrived"]
        assert after_commit.names == ["arrived"]
        assert ReceivedDocument.objects.filter(pk=received.pk).exists()
        failures = [r for r in caplog.records if "receipt listener" in r.getMessage()]
        assert len(failures) == 1
    finally:
        receipt_events.unregister_receipt_listener(writing)
        receipt_events.unregister_receipt_listener(failing)
