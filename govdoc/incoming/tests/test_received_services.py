"""The electronic inbox through its services: delivery (idempotent), registration by the
receiving clerk, return to the sender, revocation by the sender."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from govdoc.assignments.models import HandlingHistory
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_progress,
    incoming_assign,
)
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input
from govdoc.core.errors import (
    Conflict,
    DuplicateSuspected,
    Forbidden,
    InvalidTransition,
    ValidationFailed,
)
from govdoc.documents.models import DocumentFile, DocumentType, StoredFile
from govdoc.documents.storage import Upload
from govdoc.incoming import received_services
from govdoc.incoming.access import files_available
from govdoc.incoming.inputs import ReceivedSender
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_services import (
    received_deliver,
    received_incoming_input,
    received_refuse,
    received_register,
    received_withdraw,
    register_withdrawal_handler,
)
from govdoc.incoming.received_workflow import Channel, ReceivedStatus
from govdoc.incoming.services import (
    incoming_annul,
    incoming_present,
    incoming_register,
    incoming_set_handling_status,
    incoming_update,
)
from govdoc.incoming.tests.received_helpers import (
    SUBJECT,
    deliver,
    metadata,
    sent_files,
    snapshot,
)
from govdoc.incoming.workflow import Medium, Status
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

OTHER_PERSONAS = ["leader", "unit_head", "specialist", "admin", "outsider"]


# -- delivery -------------------------------------------------------------------------------


def test_a_delivered_document_waits_for_the_clerk(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given the provincial committee's dispatch with a main PDF and an attachment
    files = sent_files()
    stored_before = StoredFile.objects.count()
    # when it is delivered to the ministry on the same installation
    received = deliver(ministry, other_agency, doc_type, files=files)
    # then it waits for the ministry's clerk, with the metadata as sent
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WAITING
    assert received.agency == ministry and received.channel == Channel.LOCAL
    assert received.sender_agency == other_agency
    assert received.sender_organ_id == "000.00.00.H41"
    assert received.sender_name == "Ủy ban nhân dân tỉnh Nghệ An"
    assert received.subject == SUBJECT and received.code == "45/UBND-NN"
    assert received.document_type == doc_type  # matched by name
    assert received.priority == 1 and received.external_ref == "outgoing-dispatch:1"
    # and the sender's stored files are linked, not copied, main file first
    assert StoredFile.objects.count() == stored_before
    linked = list(received.files.order_by("position"))
    assert [(f.role, f.name) for f in linked] == [
        ("MAIN", "cv-45-ubnd.pdf"),
        ("ATTACHMENT", "phu-luc.docx"),
    ]
    assert linked[0].stored == files[1][0] and linked[1].stored == files[0][0]
    # and the arrival is in its history and the journal
    assert list(received.history.values_list("action", "to_status")) == [("deliver", "WAITING")]
    event = AuditEvent.objects.get(action="incoming.received")
    assert event.target_id == str(received.pk) and event.agency_id == ministry.pk
    # and the ministry's clerk (only the clerk) is told, urgently
    notice = Notification.objects.get(kind="incoming.received")
    assert notice.recipient == personas["clerk"]
    assert notice.title.startswith("HỎA TỐC/KHẨN — Văn bản điện tử đến chờ tiếp nhận")
    assert notice.url == f"/van-ban-den/dien-tu/{received.pk}/"


def test_the_same_delivery_twice_gives_one_received_document(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a delivered dispatch
    first = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:7")
    before = snapshot()
    # when the same dispatch is delivered again (a retry after a timeout)
    second = deliver(
        ministry, other_agency, doc_type, ref="outgoing-dispatch:7", subject="Khác hẳn"
    )
    # then it is the same document, unchanged, and nothing new was written or told
    assert second.pk == first.pk
    assert second.subject == SUBJECT
    assert snapshot() == before
    # while the same reference sent to another agency is a delivery of its own
    elsewhere = deliver(other_agency, ministry, doc_type, ref="outgoing-dispatch:7")
    assert elsewhere.pk != first.pk


def test_a_sender_outside_the_directory(
    ministry: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a packet from the axis whose sender is not in the directory
    received = received_deliver(
        agency=ministry,
        channel=Channel.INTERCONNECT,
        sender=ReceivedSender(organ_id="000.00.00.G22", name="Văn phòng Chính phủ"),
        metadata=metadata(doc_type, document_type_name="Loại lạ", document_type_id=None),
        files=sent_files(),
        external_ref="edxml:000.00.00.G22,2026/01/05,15/VPCP-TH",
    )
    # then it is kept with the name and code as sent; an unknown type stays a name
    assert received.sender_agency is None
    assert (received.sender_organ_id, received.sender_name) == (
        "000.00.00.G22",
        "Văn phòng Chính phủ",
    )
    assert received.document_type is None and received.document_type_name == "Loại lạ"
    assert received.channel == Channel.INTERCONNECT


def test_a_secret_document_is_refused(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    files = sent_files()
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        deliver(ministry, other_agency, doc_type, files=files, confidentiality="MAT")
    assert "độ mật" in caught.value.fields["confidentiality"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": "   "}, "subject"),
        ({"priority": 9}, "priority"),
        ({"page_count": 0}, "page_count"),
        ({"code_notation": "X" * 101}, "code_notation"),
        ({"ref": "  "}, "external_ref"),
        ({"files": "no-main"}, "files"),
        ({"files": "two-mains"}, "files"),
    ],
)
def test_a_bad_delivery_changes_nothing(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    change: dict[str, Any],
    field: str,
) -> None:
    # given a delivery with one mistake
    files = sent_files()
    if change.get("files") == "no-main":
        change = {"files": [files[0]]}
    elif change.get("files") == "two-mains":
        change = {"files": [(files[1][0], "MAIN", "a.pdf"), (files[1][0], "MAIN", "b.pdf")]}
    else:
        change = {"files": files, **change}
    before = snapshot()
    # when it is delivered, then it is refused with the field at fault, and nothing is written
    with pytest.raises(ValidationFailed) as caught:
        deliver(ministry, other_agency, doc_type, **change)
    assert field in caught.value.fields
    assert snapshot() == before


# -- registration ---------------------------------------------------------------------------


def test_the_clerk_registers_it_as_sent(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a waiting document
    received = deliver(ministry, other_agency, doc_type)
    stored_before = StoredFile.objects.count()
    # when the clerk registers it without corrections
    incoming = received_register(received=received, data=None, actor=personas["clerk"])
    # then it is an incoming document with the next arrival number, filled as sent
    document = incoming.document
    assert incoming.arrival_number == 1 and incoming.status == Status.REGISTERED
    assert incoming.medium == Medium.ELECTRONIC
    assert document.subject == SUBJECT and document.code == "45/UBND-NN"
    assert document.issuer == other_agency
    assert document.issuer_name == "Ủy ban nhân dân tỉnh Nghệ An"
    assert document.document_type == doc_type and document.priority == 1
    assert document.document_identifier == received.document_identifier
    assert document.page_count == 1  # read from the PDF
    # and its files are the received ones, not copies
    assert StoredFile.objects.count() == stored_before
    files = list(DocumentFile.objects.filter(document=document).order_by("position"))
    assert [(f.role, f.name, f.stored_id) for f in files] == [
        (f.role, f.name, f.stored_id) for f in received.files.order_by("position")
    ]
    # and the received document is registered, linked, with its history and journal
    received.refresh_from_db()
    assert received.status == ReceivedStatus.REGISTERED
    assert received.incoming == incoming and received.decided_by == personas["clerk"]
    assert received.decided_at is not None
    assert list(received.history.values_list("action", flat=True)) == ["deliver", "register"]
    assert received.history.last().data["arrival_number"] == 1  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="incoming.received.register").count() == 1
    assert AuditEvent.objects.filter(action="incoming.register").count() == 1
    assert list(incoming.history.values_list("action", flat=True)) == ["register"]


def test_the_clerk_corrects_the_metadata_when_registering(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    units: dict[str, Unit],
    pdf_upload: Upload,
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    corrected = dataclasses.replace(
        received_incoming_input(received),
        subject="Về việc góp ý quy hoạch sử dụng đất (đã sửa)",
        receiving_unit_id=units["DD"].pk,
        medium=Medium.PAPER,  # ignored: it arrived electronically
        document_identifier="khác",  # ignored: the sender's identifier is kept
        main_file=pdf_upload,  # ignored: the files are the received ones
    )
    incoming = received_register(received=received, data=corrected, actor=personas["clerk"])
    assert incoming.document.subject == "Về việc góp ý quy hoạch sử dụng đất (đã sửa)"
    assert incoming.receiving_unit == units["DD"]
    assert incoming.medium == Medium.ELECTRONIC
    assert incoming.document.document_identifier == received.document_identifier
    assert [f.name for f in incoming.document.files.order_by("position")] == [
        "cv-45-ubnd.pdf",
        "phu-luc.docx",
    ]


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_only_the_receiving_clerk_registers_or_refuses(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    persona: str,
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    before = snapshot()
    with pytest.raises(Forbidden) as caught:
        received_register(received=received, data=None, actor=personas[persona])
    assert "Chỉ văn thư của cơ quan nhận" in caught.value.message
    with pytest.raises(Forbidden):
        received_refuse(received=received, reason="Gửi nhầm", actor=personas[persona])
    assert snapshot() == before
    assert received.status == ReceivedStatus.WAITING


def test_an_invalid_correction_changes_nothing(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    before = snapshot()
    wrong = dataclasses.replace(
        received_incoming_input(received), subject="  ", document_type_id=None
    )
    with pytest.raises(ValidationFailed) as caught:
        received_register(received=received, data=wrong, actor=personas["clerk"])
    assert set(caught.value.fields) >= {"subject", "document_type"}
    assert snapshot() == before
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WAITING


def test_an_unknown_type_is_chosen_by_the_clerk(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a document whose type name is not in the list
    received = deliver(ministry, other_agency, None, document_type_name="Công văn hỏa tốc lạ")
    # when the clerk registers it as sent, then the type is asked for
    with pytest.raises(ValidationFailed) as caught:
        received_register(received=received, data=None, actor=personas["clerk"])
    assert caught.value.fields["document_type"] == "Vui lòng chọn loại văn bản."
    # and once chosen it registers
    chosen = dataclasses.replace(received_incoming_input(received), document_type_id=doc_type.pk)
    incoming = received_register(received=received, data=chosen, actor=personas["clerk"])
    assert incoming.document.document_type == doc_type


def test_a_suspected_duplicate_needs_a_reason(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given the same document already registered from paper
    received = deliver(ministry, other_agency, doc_type)
    incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            code_number="45",
            code_notation="UBND-NN",
            issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
            document_identifier=received.document_identifier,
        ),
        actor=personas["clerk"],
    )
    before = snapshot()
    # when the clerk registers the electronic one, then a duplicate is suspected, nothing kept
    with pytest.raises(DuplicateSuspected):
        received_register(received=received, data=None, actor=personas["clerk"])
    assert snapshot() == before
    # and with a reason it is registered
    data = dataclasses.replace(
        received_incoming_input(received), duplicate_reason="Bản điện tử có giá trị pháp lý"
    )
    incoming = received_register(received=received, data=data, actor=personas["clerk"])
    assert incoming.duplicate_of is not None


def test_a_document_is_registered_once(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given two clerks' pages opened on the same waiting document
    received = deliver(ministry, other_agency, doc_type)
    stale = ReceivedDocument.objects.get(pk=received.pk)
    received_register(received=received, data=None, actor=personas["clerk"])
    before = snapshot()
    # when the second registers it too, then it is refused and nothing is added
    with pytest.raises(Conflict):
        received_register(received=stale, data=None, actor=personas["clerk"])
    with pytest.raises(InvalidTransition):
        received_register(received=received, data=None, actor=personas["clerk"])
    with pytest.raises(InvalidTransition):
        received_refuse(received=received, reason="Gửi nhầm", actor=personas["clerk"])
    assert snapshot() == before
    assert IncomingDocument.objects.count() == 1


# -- refusal --------------------------------------------------------------------------------


def test_the_clerk_sends_it_back_with_a_reason(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    received_refuse(received=received, reason="  Gửi nhầm   cơ quan ", actor=personas["clerk"])
    received.refresh_from_db()
    assert received.status == ReceivedStatus.REFUSED
    assert received.refusal_reason == "Gửi nhầm cơ quan"
    assert received.decided_by == personas["clerk"] and received.incoming is None
    row = received.history.last()
    assert row is not None and (row.action, row.note) == ("refuse", "Gửi nhầm cơ quan")
    event = AuditEvent.objects.get(action="incoming.received.refuse")
    assert event.data == {"reason": "Gửi nhầm cơ quan"}
    assert IncomingDocument.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_refusal_needs_a_reason(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    reason: str,
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    before = snapshot()
    with pytest.raises(ValidationFailed) as caught:
        received_refuse(received=received, reason=reason, actor=personas["clerk"])
    assert "reason" in caught.value.fields
    assert snapshot() == before
    assert received.status == ReceivedStatus.WAITING


# -- revocation by the sender ---------------------------------------------------------------


def test_the_sender_withdraws_a_waiting_document(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    received_withdraw(received=received, reason="Ban hành nhầm", actor=personas["outsider"])
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WITHDRAWN
    assert received.withdrawal_reason == "Ban hành nhầm" and received.withdrawn_at is not None
    row = received.history.last()
    assert row is not None and (row.action, row.actor) == ("withdraw", personas["outsider"])
    assert AuditEvent.objects.filter(action="incoming.received.withdraw").count() == 1
    assert Notification.objects.filter(
        kind="incoming.withdrawn", recipient=personas["clerk"]
    ).exists()
    # and it can no longer be registered
    with pytest.raises(InvalidTransition):
        received_register(received=received, data=None, actor=personas["clerk"])


def test_the_sender_withdraws_a_registered_document(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given a registered electronic document, presented to the leader
    received = deliver(ministry, other_agency, doc_type)
    incoming = received_register(received=received, data=None, actor=personas["clerk"])
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    # when the sender revokes it through the axis (no person on this installation)
    received_withdraw(received=received, reason="Văn bản bị thu hồi", actor_name="Nguyễn Văn Gửi")
    # then the received and the incoming document are withdrawn, the record kept
    received.refresh_from_db()
    incoming.refresh_from_db()
    assert received.status == ReceivedStatus.WITHDRAWN
    assert incoming.status == Status.WITHDRAWN
    assert incoming.withdrawal_reason == "Văn bản bị thu hồi"
    assert incoming.withdrawn_at is not None and incoming.arrival_number == 1
    assert not files_available(incoming)
    step = incoming.history.last()
    assert step is not None
    assert (step.action, step.from_status, step.to_status) == ("withdraw", "PRESENTED", "WITHDRAWN")
    assert step.actor is None and step.data == {"actor_name": "Nguyễn Văn Gửi"}
    trace = received.history.last()
    assert trace is not None and trace.actor is None and trace.actor_name == "Nguyễn Văn Gửi"
    assert AuditEvent.objects.filter(action="incoming.withdraw").count() == 1
    # and the leader it was presented to is told
    assert Notification.objects.filter(
        kind="incoming.withdrawn", recipient=personas["leader"]
    ).exists()
    # and nothing more happens to it
    with pytest.raises(InvalidTransition):
        incoming_set_handling_status(incoming=incoming, action="assign")
    with pytest.raises(Conflict):
        incoming_update(
            incoming=incoming,
            data=received_incoming_input(received),
            expected_version=incoming.document.version,
            actor=personas["clerk"],
        )


def test_a_revocation_told_twice_is_applied_once(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    received_withdraw(received=received, reason="Ban hành nhầm")
    before = snapshot()
    again = ReceivedDocument.objects.get(pk=received.pk)
    assert received_withdraw(received=again, reason="Ban hành nhầm") == again
    assert snapshot() == before


def test_withdrawal_handlers_run_in_the_revocation(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    calls: list[tuple[int, Any]] = []

    def handler(incoming: IncomingDocument, actor: Any) -> None:
        calls.append((incoming.pk, actor))

    register_withdrawal_handler(handler)
    try:
        received = deliver(ministry, other_agency, doc_type)
        received_withdraw(received=received, reason="Nhầm")  # not registered: not called
        assert calls == []
        second = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:2")
        incoming = received_register(received=second, data=None, actor=personas["clerk"])
        received_withdraw(received=second, reason="Nhầm", actor=personas["outsider"])
        assert calls == [(incoming.pk, personas["outsider"])]
    finally:
        received_services._withdrawal_handlers.remove(handler)


def test_a_revocation_that_cannot_apply_changes_nothing(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    # given one document refused by the clerk, one registered then annulled
    refused = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:1")
    received_refuse(received=refused, reason="Gửi nhầm", actor=personas["clerk"])
    annulled = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:2")
    incoming = received_register(received=annulled, data=None, actor=personas["clerk"])
    incoming_annul(incoming=incoming, reason="Vào sổ nhầm", actor=personas["clerk"])
    waiting = deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:3")
    before = snapshot()
    # when the sender revokes them, then each is refused and nothing changes
    with pytest.raises(InvalidTransition):
        received_withdraw(received=refused, reason="Thu hồi")
    annulled.refresh_from_db()
    with pytest.raises(InvalidTransition) as caught:
        received_withdraw(received=annulled, reason="Thu hồi")
    assert "Đã hủy đăng ký" in caught.value.message
    assert annulled.status == ReceivedStatus.REGISTERED
    with pytest.raises(ValidationFailed) as missing:
        received_withdraw(received=waiting, reason="  ")
    assert "reason" in missing.value.fields
    assert waiting.status == ReceivedStatus.WAITING
    assert snapshot() == before


def test_work_given_on_a_withdrawn_document_is_cancelled_by_the_system(
    ministry: Agency,
    other_agency: Agency,
    personas: dict[str, User],
    doc_type: DocumentType,
    time_machine: Any,
) -> None:
    """The open work on a revoked document stops: cancelled, with a history row saying why."""
    time_machine.move_to(
        dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False
    )
    received = deliver(ministry, other_agency, doc_type)
    incoming = received_register(received=received, data=None, actor=personas["clerk"])
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    [lead] = incoming_assign(
        incoming=incoming,
        instruction="Vụ Đất đai chủ trì.",
        assignees=[
            AssigneeInput(
                role=HandlingRole.LEAD,
                person_id=personas["specialist"].pk,
                due_date=dt.date(2026, 12, 4),
            )
        ],
        actor=personas["leader"],
    )
    # when the sender revokes the document being handled
    received_withdraw(received=received, reason="Thu hồi để ban hành lại")
    incoming.refresh_from_db()
    lead.refresh_from_db()
    assert incoming.status == Status.WITHDRAWN
    # then the open work is cancelled by the system, with the reason in its history
    assert lead.status == AssignmentStatus.CANCELLED
    (row,) = HandlingHistory.objects.filter(assignment=lead, action="withdrawn")
    assert row.actor is None and "Thu hồi để ban hành lại" in row.note
    # and the handler cannot go on
    lead.incoming = incoming
    with pytest.raises(InvalidTransition):
        assignment_progress(assignment=lead, text="Tiếp tục", actor=personas["specialist"])
