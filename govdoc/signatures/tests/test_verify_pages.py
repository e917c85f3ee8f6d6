"""The page that checks the signatures of any PDF on demand: who reaches it, the report in
plain Vietnamese for each outcome, refusals of files it cannot check, and what it keeps."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.organizations.models import User
from govdoc.signatures.models import PdfVerification, VerificationOutcome
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import ENCRYPTED, NOT_INTACT, NOT_PDF, UNTRUSTED

from .conftest import signed_pdf_by

pytestmark = pytest.mark.django_db

URL = "/chu-ky-so/kiem-tra/"


def upload(client: Client, data: bytes, name: str = "van-ban.pdf") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_url_name() -> None:
    assert reverse("signatures:verify") == URL


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_every_signed_in_person_reaches_the_page_and_the_menu_link(
    personas: dict[str, User], client_for: Any, persona: str
) -> None:
    client = client_for(personas[persona])
    response = client.get(URL)
    assert response.status_code == 200
    assert "Kiểm tra chữ ký số" in response.content.decode()
    home = client.get(reverse("web:home"), follow=True).content.decode()
    assert f'href="{URL}"' in home


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert upload(client, make_pdf()).status_code == 302
    assert PdfVerification.objects.count() == 0


def test_valid_signature_report_and_journal(
    pki: TestPki, trusted_root: None, personas: dict[str, User], client_for: Any
) -> None:
    # given a PDF signed by a person whose root is trusted
    data = signed_pdf_by(pki.person, pki)
    # when a specialist uploads it
    response = upload(client_for(personas["specialist"]), data)
    # then the verdict and the signature's details are shown in Vietnamese
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="VALID"' in page
    assert "Chữ ký hợp lệ" in page
    assert "Nguyễn Văn An" in page
    assert "Ký toàn bộ văn bản" in page
    assert "Không có dấu thời gian" in page
    assert "Chứng thư số được tin cậy" in page
    assert "Hiệu lực chứng thư số" in page and "Từ " in page
    # and one check is kept and journaled for the person's agency, the file is not stored
    verification = PdfVerification.objects.get()
    assert verification.outcome == VerificationOutcome.VALID
    assert verification.verified_by == personas["specialist"]
    assert verification.agency_id == personas["specialist"].agency_id
    event = AuditEvent.objects.get(action="signature.verify")
    assert event.actor_id == personas["specialist"].pk
    assert event.data["outcome"] == "VALID"
    assert "van-ban.pdf" in event.target_label


def test_signing_time_is_shown_as_dd_mm_yyyy_hh_mm(
    pki: TestPki, trusted_root: None, personas: dict[str, User], client_for: Any
) -> None:
    page = upload(client_for(personas["clerk"]), signed_pdf_by(pki.person, pki)).content.decode()
    assert re.search(r"Thời điểm ký</dt>\s*<dd[^>]*>\d{2}/\d{2}/\d{4} \d{2}:\d{2}</dd>", page)


def test_tampered_pdf_is_invalid(
    pki: TestPki, trusted_root: None, personas: dict[str, User], client_for: Any
) -> None:
    tampered = signed_pdf_by(pki.person, pki).replace(
        b"Van ban thu nghiem", b"Van ban da sua doi", 1
    )
    page = upload(client_for(personas["clerk"]), tampered).content.decode()
    assert 'data-outcome="INVALID"' in page
    assert "Chữ ký không hợp lệ" in page
    assert NOT_INTACT in page
    assert PdfVerification.objects.get().outcome == VerificationOutcome.INVALID


def test_root_not_in_the_trust_store_is_unknown_trust(
    pki: TestPki, personas: dict[str, User], client_for: Any
) -> None:
    # given no trusted root at all
    page = upload(client_for(personas["leader"]), signed_pdf_by(pki.person, pki)).content.decode()
    assert 'data-outcome="UNKNOWN_TRUST"' in page
    assert "Chưa xác định được độ tin cậy" in page
    assert UNTRUSTED in page
    assert "Chứng thư số chưa được tin cậy" in page


def test_unsigned_pdf(personas: dict[str, User], client_for: Any) -> None:
    page = upload(client_for(personas["clerk"]), make_pdf()).content.decode()
    assert 'data-outcome="UNSIGNED"' in page
    assert "Không có chữ ký số" in page
    assert AuditEvent.objects.filter(action="signature.verify").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not a pdf at all", NOT_PDF),
        (b"%PDF-1.7\n garbage garbage", NOT_PDF),
    ],
)
def test_not_a_pdf_or_broken(
    personas: dict[str, User], client_for: Any, data: bytes, message: str
) -> None:
    response = upload(client_for(personas["clerk"]), data, name="anh.pdf")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verify-error"' in page
    assert message in page
    assert "data-outcome=" not in page


def test_encrypted_pdf(personas: dict[str, User], client_for: Any) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    page = upload(client_for(personas["clerk"]), buffer.getvalue()).content.decode()
    assert ENCRYPTED in page


def test_oversized_file_is_refused_before_checking(
    personas: dict[str, User], client_for: Any, settings: Any
) -> None:
    settings.GOVDOC_MAX_FILE_SIZE = 100
    response = upload(client_for(personas["clerk"]), make_pdf())
    page = response.content.decode()
    assert response.status_code == 200
    assert "vượt quá dung lượng cho phép" in page
    assert PdfVerification.objects.count() == 0
    assert not AuditEvent.objects.filter(action="signature.verify").exists()


def test_missing_file(personas: dict[str, User], client_for: Any) -> None:
    response = client_for(personas["clerk"]).post(URL, {})
    assert "Vui lòng chọn tệp PDF cần kiểm tra." in response.content.decode()
    assert PdfVerification.objects.count() == 0
