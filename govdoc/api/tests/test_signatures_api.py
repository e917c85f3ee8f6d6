"""POST /api/signatures/verify: the report of any PDF's signatures, for a program (bearer
token) or the signed-in browser; refusals in Vietnamese; the check is journaled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.organizations.models import User
from govdoc.signatures.models import PdfVerification
from govdoc.signatures.pades import sign_pdf
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.services import trust_anchor_add
from govdoc.signatures.testing_pki import TestPki, make_test_pki
from govdoc.signatures.verify import NOT_INTACT, NOT_PDF, UNTRUSTED

pytestmark = pytest.mark.django_db

URL = "/api/signatures/verify"


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="module")
def signed(pki: TestPki) -> bytes:
    return sign_pdf(
        pdf=make_pdf(),
        signer=Pkcs12Signer(pki.person.pkcs12, pki.password),
        field_name="NguoiKy",
        reason="Ký ban hành",
        location="Hà Nội",
        appearance=None,
    )


@pytest.fixture
def trusted_root(pki: TestPki, superuser: User) -> None:
    trust_anchor_add(actor=superuser, data=pki.root.cert_pem)


def post(client: Client, data: bytes, name: str = "van-ban.pdf") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_valid_signature_with_a_token(
    signed: bytes,
    trusted_root: None,
    personas: dict[str, User],
    api_client: Callable[[User], Client],
) -> None:
    # given a PDF signed by a person whose root is trusted, when a program sends it
    response = post(api_client(personas["specialist"]), signed)
    # then the report says VALID, in Vietnamese, with each signature's facts
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "VALID"
    assert body["outcome_label"] == "Chữ ký hợp lệ"
    (signature,) = body["signatures"]
    assert signature["signer_name"] == "Nguyễn Văn An"
    assert dt.datetime.fromisoformat(signature["signing_time"]).tzinfo is not None
    assert signature["intact"] and signature["covers_whole_document"]
    assert signature["trusted"] and signature["valid"]
    assert signature["timestamped"] is False
    assert signature["problems"] == []
    assert set(signature) == {
        "signer_name",
        "signing_time",
        "intact",
        "covers_whole_document",
        "timestamped",
        "trusted",
        "valid",
        "problems",
    }
    # and the check is kept and journaled
    verification = PdfVerification.objects.get()
    assert verification.verified_by == personas["specialist"]
    event = AuditEvent.objects.get(action="signature.verify")
    assert event.actor_id == personas["specialist"].pk
    assert event.data["outcome"] == "VALID"
    assert event.data["sha256"] == verification.sha256


def test_tampered(
    signed: bytes,
    trusted_root: None,
    personas: dict[str, User],
    api_client: Callable[[User], Client],
) -> None:
    tampered = signed.replace(b"Van ban thu nghiem", b"Van ban da sua doi", 1)
    body = post(api_client(personas["clerk"]), tampered).json()
    assert body["outcome"] == "INVALID"
    assert body["outcome_label"] == "Chữ ký không hợp lệ"
    (signature,) = body["signatures"]
    assert not signature["intact"] and not signature["valid"]
    assert NOT_INTACT in signature["problems"]


def test_untrusted_root(
    signed: bytes, personas: dict[str, User], api_client: Callable[[User], Client]
) -> None:
    body = post(api_client(personas["clerk"]), signed).json()
    assert body["outcome"] == "UNKNOWN_TRUST"
    assert body["outcome_label"].startswith("Chưa xác định được độ tin cậy")
    (signature,) = body["signatures"]
    assert signature["intact"] and not signature["trusted"]
    assert signature["problems"] == [UNTRUSTED]


def test_unsigned(personas: dict[str, User], api_client: Callable[[User], Client]) -> None:
    body = post(api_client(personas["clerk"]), make_pdf()).json()
    assert body == {
        "outcome": "UNSIGNED",
        "outcome_label": "Không có chữ ký số",
        "signatures": [],
    }


def test_not_a_pdf_is_400_in_vietnamese(
    personas: dict[str, User], api_client: Callable[[User], Client]
) -> None:
    response = post(api_client(personas["clerk"]), b"PK\x03\x04 a zip", name="a.zip")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation"
    assert body["message"] == NOT_PDF
    assert body["fields"] == {"file": NOT_PDF}


def test_oversized_is_400_before_checking(
    personas: dict[str, User], api_client: Callable[[User], Client], settings: Any
) -> None:
    settings.GOVDOC_MAX_FILE_SIZE = 100
    response = post(api_client(personas["clerk"]), make_pdf())
    assert response.status_code == 400
    assert "vượt quá dung lượng cho phép" in response.json()["fields"]["file"]
    assert PdfVerification.objects.count() == 0
    assert not AuditEvent.objects.filter(action="signature.verify").exists()


def test_missing_file_is_400(
    personas: dict[str, User], api_client: Callable[[User], Client]
) -> None:
    response = api_client(personas["clerk"]).post(URL, {})
    assert response.status_code == 400
    assert "file" in response.json()["fields"]


def test_anonymous_is_401(client: Client) -> None:
    response = post(client, make_pdf())
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert PdfVerification.objects.count() == 0


def test_signed_in_browser_with_csrf(personas: dict[str, User], client_for: Any) -> None:
    # the test client skips CSRF checks unless told otherwise: the session is enough
    response = post(client_for(personas["leader"]), make_pdf())
    assert response.status_code == 200
    assert response.json()["outcome"] == "UNSIGNED"


def test_signed_in_browser_without_csrf_is_refused(personas: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["leader"])
    response = post(client, make_pdf())
    assert response.status_code == 403
    assert PdfVerification.objects.count() == 0


def test_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/signatures/verify" in schema["paths"]
