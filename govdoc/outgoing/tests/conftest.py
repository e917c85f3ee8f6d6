"""Fixtures of the outgoing tests: a generated PKI (nothing committed), the leader's and the
ministry's credentials, a draft PDF with the places for the number, the date and the
signature, a draft by the specialist, and a document issued (see issuing_helpers for the
states in between)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from govdoc.documents.models import DocumentType
from govdoc.documents.storage import Upload
from govdoc.organizations.models import Agency, User
from govdoc.outgoing.bodies import PreparedBody, prepare_upload
from govdoc.outgoing.inputs import DraftInput, RecipientInput
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.drafts import draft_create
from govdoc.outgoing.tests.issuing_helpers import issued
from govdoc.outgoing.workflow import RecipientKind
from govdoc.signatures import services as signature_services
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki, make_test_pki

# The browser fixtures (Chromium, live server, sign-in) for this app's journey test.
from govdoc.web.tests.conftest import browser, flushable_audit, login, page  # noqa: F401


def make_draft_pdf(subject: str = "Ve viec bao cao tinh hinh") -> bytes:
    """A one-page A4 PDF drawn like a template's output: each placeholder in its own
    show-text operation."""
    lines = [
        (72, 780, "BO TAI NGUYEN VA MOI TRUONG"),
        (72, 760, "So:"),
        (95, 760, "[SO]"),
        (125, 760, "/QD-BTNMT"),
        (320, 760, "Ha Noi,"),
        (365, 760, "[NGAY_BAN_HANH]"),
        (72, 700, subject),
        (72, 650, "Noi dung van ban thu nghiem."),
        (360, 260, "BO TRUONG"),
        (360, 200, "[CHU_KY]"),
        (360, 140, "Tran Van Lanh Dao"),
    ]
    content = "\n".join(f"BT /F1 12 Tf {x} {y} Td ({text}) Tj ET" for x, y, text in lines)
    data = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _png(colour: tuple[int, int, int, int], size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture
def credentials(
    personas: dict[str, User], ministry: Agency, pki: TestPki
) -> dict[str, SigningCredential]:
    """The leader's PKCS#12 with a blue signature image; the ministry's with a red seal."""
    admin = personas["admin"]
    leader = signature_services.credential_register_pkcs12(
        actor=admin,
        p12_bytes=pki.person.pkcs12,
        password=pki.password,
        owner_person=personas["leader"],
    )
    leader = signature_services.credential_set_image(
        actor=admin, credential=leader, png=_png((20, 40, 200, 160), (300, 150))
    )
    agency = signature_services.credential_register_pkcs12(
        actor=admin, p12_bytes=pki.agency.pkcs12, password=pki.password, owner_agency=ministry
    )
    agency = signature_services.credential_set_image(
        actor=admin, credential=agency, png=_png((220, 20, 20, 160), (200, 200))
    )
    return {"leader": leader, "agency": agency}


@pytest.fixture
def cong_van(db: None) -> DocumentType:
    from govdoc.documents.seed_types import seed_document_types

    seed_document_types(DocumentType)
    return DocumentType.objects.get(abbreviation="", name__startswith="Công văn")


def draft_input(
    *,
    document_type: DocumentType,
    signer: User,
    recipients: tuple[RecipientInput, ...] = (),
    **overrides: Any,
) -> DraftInput:
    values: dict[str, Any] = {
        "document_type_id": document_type.pk,
        "subject": "Về việc báo cáo tình hình sử dụng đất năm 2026",
        "signer_id": signer.pk,
        "signing_authority": "KT",
        "authority_title": "Bộ trưởng",
        "signer_position": "Thứ trưởng",
        "recipients": recipients,
    }
    values.update(overrides)
    return DraftInput(**values)


def pdf_body(name: str = "du-thao.pdf") -> PreparedBody:
    return prepare_upload(Upload(name=name, data=make_draft_pdf()))


@pytest.fixture
def make_draft(
    personas: dict[str, User], ministry: Agency, other_agency: Agency, doc_type: DocumentType
) -> Callable[..., Draft]:
    """A draft by the specialist, signed by the leader, to the other agency (same
    installation) and to the Văn phòng."""

    def make(**overrides: Any) -> Draft:
        recipients = overrides.pop(
            "recipients",
            (RecipientInput(kind=RecipientKind.AGENCY, agency_id=other_agency.pk),),
        )
        actor = overrides.pop("actor", personas["specialist"])
        body = overrides.pop("body", pdf_body())
        return draft_create(
            agency=ministry,
            data=draft_input(
                document_type=overrides.pop("document_type", doc_type),
                signer=overrides.pop("signer", personas["leader"]),
                recipients=recipients,
                **overrides,
            ),
            actor=actor,
            body=body,
        )

    return make


@pytest.fixture
def issue(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., OutgoingDocument]:
    """Draft (with `make_draft`'s overrides), approve, sign and issue a document; the work
    queued after commit (e-mails) is run unless `on_commit=False`."""

    def run(*, on_commit: bool = True, **overrides: Any) -> OutgoingDocument:
        callbacks = django_capture_on_commit_callbacks if on_commit else None
        return issued(make_draft(**overrides), personas, pki.password, callbacks=callbacks)

    return run
