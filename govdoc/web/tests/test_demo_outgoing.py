"""The demo's outgoing documents: one in every state of the path, issued ones delivered to
units, to the general department (whose clerk registers some), through the interconnection,
by e-mail and by post; a reply, a revocation and a copy; and a second run changes nothing."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from asn1crypto import x509
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govdoc.assignments.models import Assignment
from govdoc.assignments.workflow import AssignmentStatus
from govdoc.audit.models import AuditEvent
from govdoc.documents.models import DocumentType, StoredFile
from govdoc.documents.seed_types import seed_document_types
from govdoc.documents.storage import Upload, open_stored
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.organizations.models import Agency, RoleAssignment, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.bodies import prepare_upload
from govdoc.outgoing.drafting.number_fields import find_placeholders, read_number_and_date
from govdoc.outgoing.drafting.pdf_convert import soffice_available
from govdoc.outgoing.models import (
    ApprovalStep,
    Dispatch,
    DispatchEvent,
    DocumentCopy,
    Draft,
    DraftVersion,
    OutgoingChange,
    OutgoingDocument,
)
from govdoc.outgoing.workflow import (
    ChangeKind,
    DispatchStatus,
    DraftStatus,
    Method,
    OutgoingStatus,
    StepKind,
    StepStatus,
)
from govdoc.signatures.models import TrustAnchor
from govdoc.signatures.pades import find_text_box
from govdoc.signatures.verify import verify_pdf
from govdoc.web import demo_outgoing
from govdoc.web.demo_data import DEMO_EMAIL, GENERAL_DEPARTMENT, MINISTRY, PASSWORD
from govdoc.web.demo_outgoing import DraftLayout, draft_pdf

pytestmark = pytest.mark.django_db

WAITING_SUBJECT = "Về việc đôn đốc báo cáo kết quả thống kê đất đai"


@pytest.fixture(autouse=True)
def _types() -> None:
    # Seeded by a migration; re-seeded because transactional tests elsewhere flush tables.
    seed_document_types(DocumentType)


@pytest.fixture
def no_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn bodies only: LibreOffice takes seconds per document, and one test is enough for
    the template documents."""
    monkeypatch.setattr(demo_outgoing, "soffice_available", lambda: False)


def run_demo(capture: Any, *args: str) -> str:
    """The command, with what waits for the commit (the receiving side's reports, the
    e-mail) run as a real installation runs it."""
    out = io.StringIO()
    with capture(execute=True):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_has_outgoing_documents_in_every_state(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # when the demo is seeded
    output = run_demo(django_capture_on_commit_callbacks, "--documents", "20")
    ministry = Agency.objects.get(organ_id=MINISTRY.organ_id)
    general = Agency.objects.get(organ_id=GENERAL_DEPARTMENT.organ_id)

    # then the general department has its clerk, who signs in with the demo password
    clerk = User.objects.get(username="vanthutc")
    assert clerk.agency == general
    assert set(RoleAssignment.objects.filter(user=clerk).values_list("agency_id", "role")) == {
        (general.pk, Role.CLERK)
    }
    assert Client().login(username="vanthutc", password=PASSWORD)
    assert "vanthutc" in output and GENERAL_DEPARTMENT.name in output

    # and the ministry has drafts in every state, all by the specialist, signed by the leader
    drafts = Draft.objects.filter(agency=ministry)
    assert Counter(drafts.values_list("status", flat=True)) == {
        DraftStatus.DRAFTING: 2,
        DraftStatus.IN_REVIEW: 2,
        DraftStatus.RETURNED: 1,
        DraftStatus.APPROVED: 1,
        DraftStatus.SIGNED: 1,
        DraftStatus.ISSUED: 6,
    }
    assert set(drafts.values_list("drafter__username", "signer__username")) == {
        ("chuyenvien", "lanhdao")
    }
    assert all(draft.versions.exists() for draft in drafts)
    # in review: one waits for the unit leader, one for the clerks' check of form
    pending = ApprovalStep.objects.filter(
        draft__status=DraftStatus.IN_REVIEW, status=StepStatus.PENDING
    )
    assert {(s.kind, s.assignee.username if s.assignee else s.assignee_role) for s in pending} == {
        (StepKind.CONTENT, "truongphong"),
        (StepKind.FORM, Role.CLERK),
    }
    returned = ApprovalStep.objects.get(draft__status=DraftStatus.RETURNED, status="RETURNED")
    assert returned.decided_by.username == "vanthu" and returned.note  # type: ignore[union-attr]
    signed = drafts.get(status=DraftStatus.SIGNED)
    assert signed.signed_version is not None and signed.issue_due is not None
    assert signed.issue_due >= timezone.localdate()

    # and six documents were issued, numbered 01..06 in the ministry's outgoing book
    issued = OutgoingDocument.objects.filter(agency=ministry).select_related("document")
    assert sorted(o.number for o in issued) == [1, 2, 3, 4, 5, 6]
    assert all(o.issued_at is not None and o.issued_by.username == "vanthu" for o in issued)  # type: ignore[union-attr]
    # each carries the leader's and the ministry's signatures, intact and trusted, and its
    # number written in the place of [SO]
    roots = [
        x509.Certificate.load(bytes(anchor.certificate_der))
        for anchor in TrustAnchor.objects.filter(is_active=True)
    ]
    for outgoing in issued:
        pdf = open_stored(outgoing.document.files.get(role="MAIN").stored)
        report = verify_pdf(pdf, roots=roots)
        assert [s.intact for s in report.signatures] == [True, True], outgoing.document.code
        number, date_text = read_number_and_date(pdf)
        assert number == outgoing.document.code_number and date_text, outgoing.document.code
    if soffice_available():
        decision = issued.get(document__code_notation="QĐ-BTNMT")
        assert decision.draft.template_code == "quyet_dinh"

    # and the deliveries: every way of sending, each as far as it can go
    dispatches = Dispatch.objects.filter(outgoing__agency=ministry)
    statuses = Counter(dispatches.values_list("method", "status"))
    assert statuses[(Method.INTERNAL, DispatchStatus.SENT)] >= 3
    assert statuses[(Method.LOCAL, DispatchStatus.ACCEPTED)] == 2  # registered there
    assert statuses[(Method.LOCAL, DispatchStatus.ARRIVED)] == 1  # waiting in their inbox
    assert statuses[(Method.LOCAL, DispatchStatus.WITHDRAWN)] == 1  # revoked
    assert statuses[(Method.INTERCONNECT, DispatchStatus.QUEUED)] >= 2
    assert statuses[(Method.EMAIL, DispatchStatus.SENT)] == 1
    post = dispatches.get(method=Method.POST)
    assert post.status == DispatchStatus.SENT and post.postal_receipt
    assert [m.to for m in mail.outbox if DEMO_EMAIL in m.to] == [[DEMO_EMAIL]]
    accepted = dispatches.filter(status=DispatchStatus.ACCEPTED).first()
    assert accepted is not None
    assert list(accepted.events.values_list("status", flat=True)) == [
        DispatchStatus.QUEUED,
        DispatchStatus.SENT,
        DispatchStatus.ARRIVED,
        DispatchStatus.ACCEPTED,
    ]

    # and one answers an incoming document the specialist handled: that handling is done
    reply = drafts.get(reply_to__isnull=False)
    assert reply.status == DraftStatus.ISSUED and reply.reply_to is not None
    assert Assignment.objects.filter(
        incoming=reply.reply_to,
        assignee_person__username="chuyenvien",
        status=AssignmentStatus.COMPLETED,
    ).exists()
    # one is revoked, with its reason; one has a signed certified copy
    revoked = issued.get(status=OutgoingStatus.REVOKED)
    change = OutgoingChange.objects.get(outgoing=revoked)
    assert change.kind == ChangeKind.REVOKE and change.reason
    copy = DocumentCopy.objects.get(agency=ministry)
    assert copy.kind == "SY" and copy.signed_at is not None and copy.code.endswith("/SY-BTNMT")

    # and the general department's clerk has them: two registered, one waiting, one withdrawn
    received = ReceivedDocument.objects.filter(agency=general)
    assert Counter(received.values_list("status", flat=True)) == {
        ReceivedStatus.REGISTERED: 2,
        ReceivedStatus.WAITING: 1,
        ReceivedStatus.WITHDRAWN: 1,
    }
    assert IncomingDocument.objects.filter(agency=general, registered_by=clerk).count() == 2


def test_the_general_department_clerk_sees_them_in_the_inbox(
    django_capture_on_commit_callbacks: Any, no_templates: None
) -> None:
    # given the demo
    run_demo(django_capture_on_commit_callbacks, "--documents", "5")
    client = Client()
    assert client.login(username="vanthutc", password=PASSWORD)

    # when the general department's clerk opens the electronic inbox
    page = client.get(reverse("incoming:received_list"))

    # then the ministry's document waiting for registration is there
    assert page.status_code == 200
    assert WAITING_SUBJECT in page.content.decode()
    # and the registered ones are among their incoming documents
    registered = client.get(reverse("incoming:list")).content.decode()
    assert "Về việc giao dự toán ngân sách nhà nước" in registered


def test_second_run_changes_no_outgoing_document(
    django_capture_on_commit_callbacks: Any, no_templates: None
) -> None:
    # given a seeded demo
    run_demo(django_capture_on_commit_callbacks, "--documents", "5")
    models: list[Any] = [
        User,
        Draft,
        DraftVersion,
        ApprovalStep,
        OutgoingDocument,
        Dispatch,
        DispatchEvent,
        DocumentCopy,
        OutgoingChange,
        ReceivedDocument,
        IncomingDocument,
        StoredFile,
        AuditEvent,
    ]
    before = {model.__name__: model.objects.count() for model in models}

    # when it is run again
    output = run_demo(django_capture_on_commit_callbacks, "--documents", "5")

    # then nothing was written, and the accounts are shown again with the new clerk
    assert {model.__name__: model.objects.count() for model in models} == before
    assert "không thay đổi gì" in output and "vanthutc" in output


def test_without_documents_the_clerk_exists_but_nothing_is_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    run_demo(django_capture_on_commit_callbacks, "--documents", "0")
    assert User.objects.filter(username="vanthutc", agency__is_hosted=True).exists()
    assert not Draft.objects.exists() and not ReceivedDocument.objects.exists()


def test_a_drawn_body_has_its_places_for_number_date_and_signature() -> None:
    # when a draft's body is drawn
    pdf = draft_pdf(
        DraftLayout(
            agency="Bộ Tài nguyên và Môi trường",
            symbol="BTNMT-KHTC",
            type_name="",
            subject="Về việc hướng dẫn xây dựng dự toán ngân sách nhà nước",
            kinh_gui=("Tổng cục Quản lý đất đai",),
            body=("Nội dung có dấu tiếng Việt: ầ ẫ ự ỹ đ.",) * 30,
            authority="KT. BỘ TRƯỞNG",
            position="THỨ TRƯỞNG",
            signer="Trần Quốc Hưng",
            recipients=("Như trên;", "Lưu: VT, KHTC."),
        )
    )

    # then the number, the date and the signature each have their place, found as a
    # template's are, and the text reads back in Vietnamese
    places = find_placeholders(pdf)
    assert set(places) == {"[SO]", "[NGAY_BAN_HANH]"}
    assert find_text_box(pdf, "[CHU_KY]") is not None
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # the body goes on past the first page
    assert "ầ ẫ ự ỹ đ" in reader.pages[0].extract_text()
    assert "Trần Quốc Hưng" in reader.pages[1].extract_text()
    # and it is accepted as an uploaded body, with the fields for the number and date
    body = prepare_upload(Upload(name="du-thao.pdf", data=pdf))
    assert body.pdf is not None and body.pdf != pdf


def test_the_demo_alphabet_covers_the_demo_texts() -> None:
    # Every character of the demo's documents is in the cached subsets (one per style).
    from govdoc.web.demo_data import OUTGOING

    texts = [spec.subject + "".join(spec.body) + spec.reason + spec.revoke for spec in OUTGOING]
    missing = {char for text in texts for char in text} - set(demo_outgoing.ALPHABET)
    assert not missing
