"""Signatures of received PDFs: checked after registration, shown on the page, flagged in
the list, checked again by the clerk, and given in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_docx, make_pdf
from govdoc.documents.models import DocumentType
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.selectors import IncomingFilters, incoming_list
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, User
from govdoc.signatures.models import PdfVerification, VerificationOutcome
from govdoc.signatures.pades import sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.services import trust_anchor_add
from govdoc.signatures.testing_pki import TestIdentity, TestPki, make_test_pki


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return make_test_pki()


def signed(identity: TestIdentity, pki: TestPki, text: str = "Van ban thu nghiem") -> bytes:
    return sign_pdf(
        pdf=make_pdf(text),
        signer=Pkcs12Signer(identity.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=None,
    )


@pytest.fixture
def trusted_root(pki: TestPki, superuser: User) -> None:
    trust_anchor_add(actor=superuser, data=pki.root.cert_pem)


def register(
    ministry: Agency,
    doc_type: DocumentType,
    clerk: Any,
    capture: Any,
    main: bytes,
    *,
    attachments: tuple[Upload, ...] = (),
    code: str = "15",
) -> IncomingDocument:
    with capture(execute=True):
        return incoming_register(
            agency=ministry,
            data=incoming_input(
                doc_type,
                code_number=code,
                main_file=Upload(name="van-ban.pdf", data=main),
                attachments=attachments,
            ),
            actor=clerk,
        )


def latest(incoming: IncomingDocument) -> list[PdfVerification]:
    from govdoc.incoming.signature_checks import file_signatures

    files = list(incoming.document.files.select_related("stored"))
    return [row.verification for row in file_signatures(files) if row.verification]


def test_valid_signed_pdf_is_valid_and_journaled(
    pki: TestPki,
    trusted_root: None,
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a PDF signed by a person whose root is in the trust store
    data = signed(pki.person, pki)
    # when the clerk registers it (the check runs after commit)
    incoming = register(
        ministry, doc_type, personas["clerk"], django_capture_on_commit_callbacks, data
    )
    # then the file's check is VALID, with the signer, and journaled with sha256 and outcome
    (verification,) = latest(incoming)
    assert verification.outcome == VerificationOutcome.VALID
    assert verification.trust_anchor_count == 1
    (signature,) = verification.report
    assert signature["signer_name"] == "Nguyễn Văn An"
    assert signature["intact"] and signature["trusted"] and signature["covers_whole_document"]
    event = AuditEvent.objects.get(action="signature.verify")
    assert event.data["sha256"] == verification.sha256
    assert event.data["outcome"] == "VALID"
    assert event.actor_id == personas["clerk"].pk


def test_tampered_pdf_is_invalid_and_flagged_in_the_list(
    pki: TestPki,
    trusted_root: None,
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    # given a signed PDF changed afterwards, and a second document signed correctly
    tampered = signed(pki.person, pki).replace(b"Van ban thu nghiem", b"Van ban da sua doi", 1)
    clerk = personas["clerk"]
    bad = register(ministry, doc_type, clerk, django_capture_on_commit_callbacks, tampered)
    good = register(
        ministry,
        doc_type,
        clerk,
        django_capture_on_commit_callbacks,
        signed(pki.person, pki, "Van ban khac"),
        code="16",
    )
    # when the list is read
    # (the annotation is not part of the model's type)
    listed: Any = incoming_list(actor=clerk, agency_id=ministry.pk, filters=IncomingFilters())
    flags = dict(listed.values_list("pk", "signature_failed"))
    # then the tampered one is INVALID and flagged, the other not
    assert latest(bad)[0].outcome == VerificationOutcome.INVALID
    assert flags[bad.pk] is True
    assert flags[good.pk] is False
    # and the list page shows the red badge once, the document page too
    client = client_for(clerk)
    page = client.get(reverse("incoming:list")).content.decode()
    assert page.count('data-testid="signature-flag"') == 1
    detail = client.get(reverse("incoming:detail", args=[bad.pk])).content.decode()
    assert "Chữ ký lỗi" in detail
    assert "Chữ ký không hợp lệ (văn bản đã bị sửa sau khi ký)" in detail


def test_list_query_count_does_not_grow_with_rows(
    pki: TestPki,
    trusted_root: None,
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    # given one registered document, the list's query count
    clerk = personas["clerk"]
    client = client_for(clerk)
    register(ministry, doc_type, clerk, django_capture_on_commit_callbacks, make_pdf(), code="1")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("incoming:list"))
    # when four more are registered, two with signatures
    for number in range(2, 6):
        data = signed(pki.person, pki, f"Van ban {number}") if number % 2 else make_pdf(str(number))
        register(
            ministry, doc_type, clerk, django_capture_on_commit_callbacks, data, code=str(number)
        )
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("incoming:list"))
    # then the list costs the same number of queries
    assert len(five) == len(one)


def test_untrusted_root_is_unknown_until_trusted_and_checked_again(
    pki: TestPki,
    trusted_root: None,
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
    superuser: User,
) -> None:
    # given a document signed under a root not in the trust store
    clerk = personas["clerk"]
    incoming = register(
        ministry,
        doc_type,
        clerk,
        django_capture_on_commit_callbacks,
        signed(pki.foreign_person, pki),
    )
    assert latest(incoming)[0].outcome == VerificationOutcome.UNKNOWN_TRUST
    client = client_for(clerk)
    detail = client.get(reverse("incoming:detail", args=[incoming.pk])).content.decode()
    assert "Chưa xác định được độ tin cậy" in detail
    # when the administrator adds the root and the clerk checks again
    trust_anchor_add(actor=superuser, data=pki.foreign_root.cert_pem)
    response = client.post(reverse("incoming:reverify", args=[incoming.pk]))
    # then the latest check is VALID, the first one is kept
    assert response.status_code == 302
    assert latest(incoming)[0].outcome == VerificationOutcome.VALID
    assert latest(incoming)[0].trust_anchor_count == 2
    assert PdfVerification.objects.count() == 2
    assert AuditEvent.objects.filter(action="signature.verify").count() == 2


def test_reverify_is_for_the_clerk_only(
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    # given a registered document
    incoming = register(
        ministry, doc_type, personas["clerk"], django_capture_on_commit_callbacks, make_pdf()
    )
    # when the leader posts the re-check
    response = client_for(personas["leader"]).post(reverse("incoming:reverify", args=[incoming.pk]))
    # then it is not found and nothing is checked again
    assert response.status_code == 404
    assert PdfVerification.objects.count() == 1


def test_unsigned_pdf_is_unsigned_and_other_files_are_not_checked(
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    # given an unsigned PDF with a DOCX attachment and a PDF attachment
    incoming = register(
        ministry,
        doc_type,
        personas["clerk"],
        django_capture_on_commit_callbacks,
        make_pdf(),
        attachments=(
            Upload(name="phu-luc.docx", data=make_docx()),
            Upload(name="phu-luc.pdf", data=make_pdf("Phu luc")),
        ),
    )
    # then both PDFs are UNSIGNED and the DOCX was not verified
    outcomes = [v.outcome for v in latest(incoming)]
    assert outcomes == [VerificationOutcome.UNSIGNED, VerificationOutcome.UNSIGNED]
    assert PdfVerification.objects.count() == 2
    detail = client_for(personas["clerk"]).get(reverse("incoming:detail", args=[incoming.pk]))
    assert "Không có chữ ký số" in detail.content.decode()
    assert "phu-luc.docx" in detail.content.decode()


def test_api_gives_each_file_its_signatures(
    pki: TestPki,
    trusted_root: None,
    personas: dict[str, Any],
    ministry: Agency,
    doc_type: DocumentType,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    # given a registered signed document with an unsigned PDF attachment
    incoming = register(
        ministry,
        doc_type,
        personas["clerk"],
        django_capture_on_commit_callbacks,
        signed(pki.person, pki),
        attachments=(Upload(name="phu-luc.pdf", data=make_pdf("Phu luc")),),
    )
    client = client_for(personas["clerk"])
    # when the document and the list are read over the API
    one = client.get(f"/api/incoming/{incoming.pk}").json()
    many = client.get("/api/incoming").json()
    # then the main file lists its signature, the attachment none
    main, attachment = one["files"]
    (signature,) = main["signatures"]
    assert signature["signer_name"] == "Nguyễn Văn An"
    assert signature["outcome"] == "VALID"
    assert signature["valid"] is True
    assert attachment["signatures"] == []
    assert many["items"][0]["files"][0]["signatures"][0]["outcome"] == "VALID"
