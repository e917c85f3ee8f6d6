"""The page that signs a PDF: the person with their own credential, the clerk with the
agency's; the signed file is downloaded, a refusal stays on the form without the password."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.organizations.models import User
from govdoc.signatures import signing
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.pkcs12_provider import WRONG_PASSWORD
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

pytestmark = pytest.mark.django_db

URL = "/chu-ky-so/ky/"
WRONG = "mat-khau-sai-BI-MAT-42"
BOX = {"placement": "toa-do", "page": "1", "x1": "300", "y1": "100", "x2": "450", "y2": "170"}


def post(client: Client, data: bytes, name: str = "quyet-dinh.pdf", **fields: str) -> Any:
    upload = SimpleUploadedFile(name, data, "application/pdf")
    return client.post(URL, {"file": upload, **fields})


def as_person(client: Client, data: bytes, password: str, **fields: str) -> Any:
    return post(client, data, mode="ca-nhan", password=password, **(BOX | fields))


def test_url_name() -> None:
    assert reverse("signatures:sign") == URL


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    for response in (client.get(URL), post(client, make_pdf(), mode="ca-nhan", password="x")):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action__startswith="signature.sign").count() == 0


def test_the_leader_signs_and_downloads_a_pdf_that_verifies(
    personas: dict[str, User],
    pki: TestPki,
    trusted_root: None,
    person_credential: SigningCredential,
    client_for: Any,
) -> None:
    # given the leader with a registered credential, who sees the menu line and the form
    client = client_for(personas["leader"])
    page = client.get(URL).content.decode()
    assert 'type="password"' in page and 'autocomplete="off"' in page
    assert 'data-testid="nav-sign"' in page
    # when they upload a PDF and sign with their password at a box
    response = as_person(client, make_pdf(), pki.password)
    # then the signed PDF is downloaded under "<name>-da-ky.pdf", and it verifies
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="quyet-dinh-da-ky.pdf"'
    report = verify_pdf(response.content, roots=[pki.root.asn1])
    assert report.all_valid and [s.field_name for s in report.signatures] == ["ChuKy1"]
    assert AuditEvent.objects.filter(action=signing.ACTION_SIGNED).count() == 1


def test_the_leader_signs_at_the_placeholder_text(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential, client_for: Any
) -> None:
    client = client_for(personas["leader"])
    response = post(
        client,
        make_pdf("Nguoi ky [CHU_KY]"),
        mode="ca-nhan",
        placement="van-ban",
        placeholder="[CHU_KY]",
        password=pki.password,
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert verify_pdf(response.content, roots=[pki.root.asn1]).signatures[0].intact


def test_a_wrong_password_shows_the_message_and_is_not_echoed(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential, client_for: Any
) -> None:
    # given the leader's credential, when they sign with a wrong password
    response = as_person(client_for(personas["leader"]), make_pdf(), WRONG)
    # then the form shows the message on the password field, and nothing is downloaded
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert f'data-field="password">{WRONG_PASSWORD}' in body
    # and the password typed is nowhere in the answer
    assert WRONG not in body
    assert AuditEvent.objects.filter(action=signing.ACTION_FAILED).count() == 1


def test_an_incomplete_box_is_a_field_error(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential, client_for: Any
) -> None:
    response = as_person(client_for(personas["leader"]), make_pdf(), pki.password, x2="")
    body = response.content.decode()
    assert response.status_code == 400 and "Content-Disposition" not in response
    assert "Vui lòng nhập đủ trang và tọa độ" in body and pki.password not in body


def test_a_file_over_the_cap_is_refused_before_reading(
    personas: dict[str, User], client_for: Any, settings: Any
) -> None:
    settings.GOVDOC_MAX_FILE_SIZE = 100
    response = as_person(client_for(personas["leader"]), make_pdf() + bytes(200), "x")
    assert "vượt quá dung lượng cho phép" in response.content.decode()
    assert AuditEvent.objects.filter(action__startswith="signature.sign").count() == 0


def test_a_specialist_has_no_agency_option_and_posting_it_is_forbidden(
    personas: dict[str, User], pki: TestPki, agency_credential: SigningCredential, client_for: Any
) -> None:
    # given a specialist (no credential, not a clerk): no menu line, no agency option
    client = client_for(personas["specialist"])
    page = client.get(URL).content.decode()
    assert 'data-testid="nav-sign"' not in page
    assert 'value="co-quan"' not in page and "sign-agency" not in page
    # when they post the agency option anyway, then the Forbidden message, no download
    response = post(
        client, make_pdf(), mode="co-quan", number_symbol="12/QĐ-BTNMT", password=pki.password
    )
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert signing.ONLY_CLERK in response.content.decode()


def test_the_clerk_applies_the_seal_after_the_person(
    personas: dict[str, User],
    pki: TestPki,
    trusted_root: None,
    person_credential: SigningCredential,
    agency_credential: SigningCredential,
    client_for: Any,
) -> None:
    # given a PDF the leader signed on the page
    leader_signed = as_person(client_for(personas["leader"]), make_pdf(), pki.password).content
    # and the clerk, who sees the menu line and the agency option
    clerk = client_for(personas["clerk"])
    page = clerk.get(URL).content.decode()
    assert 'data-testid="nav-sign"' in page and 'value="co-quan"' in page
    # when the clerk applies the agency's signature to the main document
    response = post(
        clerk,
        leader_signed,
        name="quyet-dinh-da-ky.pdf",
        mode="co-quan",
        number_symbol="12/QĐ-BTNMT",
        document_part="chinh",
        password=pki.password,
    )
    # then the file comes back with both signatures, valid, the agency's second
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "quyet-dinh-da-ky-da-ky.pdf" in response["Content-Disposition"]
    report = verify_pdf(response.content, roots=[pki.root.asn1])
    assert [s.field_name for s in report.signatures] == ["ChuKy1", "ChuKyCoQuan"]
    assert report.all_valid


def test_the_clerk_must_give_the_number_and_symbol(
    personas: dict[str, User], pki: TestPki, client_for: Any
) -> None:
    response = post(client_for(personas["clerk"]), make_pdf(), mode="co-quan", password="x")
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="number_symbol">Vui lòng nhập số, ký hiệu' in body
