"""Signing through the services: the person with their own credential, the clerk with the
agency's seal; who may, what is refused, and what the journal keeps."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.core.errors import Forbidden, NotFound, ValidationFailed
from govdoc.organizations.models import Agency, User
from govdoc.signatures import services, signing
from govdoc.signatures.agency_signing import NOT_SIGNED_BY_PERSON
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.pades import Box
from govdoc.signatures.pkcs12_provider import WRONG_PASSWORD
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.verify import verify_pdf

pytestmark = pytest.mark.django_db

PERSON_BOX = Box(0, 300, 100, 450, 170)
WRONG = "mat-khau-sai-BI-MAT-42"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _signed_by_leader(leader: User, pki: TestPki, tsa_url: str | None = None) -> bytes:
    return signing.sign_as_person(
        pdf=make_pdf(),
        actor=leader,
        password=pki.password,
        appearance_box=PERSON_BOX,
        timestamp_url=tsa_url,
    ).pdf


def test_the_person_signs_with_their_own_pkcs12_and_it_verifies(
    personas: dict[str, User],
    pki: TestPki,
    person_credential: SigningCredential,
    tsa_url: str,
    signature_png: bytes,
) -> None:
    # given the leader's registered PKCS#12 with their signature image, and a PDF
    pdf = make_pdf()
    # when the leader signs it with the password, timestamped
    result = signing.sign_as_person(
        pdf=pdf,
        actor=personas["leader"],
        password=pki.password,
        appearance_box=PERSON_BOX,
        timestamp_url=tsa_url,
    )
    # then the result verifies, is timestamped (B-T) and says whose certificate signed it
    report = verify_pdf(result.pdf, roots=[pki.root.asn1])
    assert report.all_valid and report.signatures[0].timestamped
    assert result.level == "B-T" and result.field_name == "ChuKy1"
    assert result.certificate_serial == person_credential.serial_number
    assert "Nguyễn Văn An" in result.certificate_subject
    # and the image is placed in the given box
    embedded = PdfFileReader(io.BytesIO(result.pdf)).embedded_signatures[0]
    assert [float(v) for v in embedded.sig_field["/Rect"]] == [300, 100, 450, 170]
    # and the journal has who, which certificate, the input and the output
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.actor == personas["leader"]
    assert event.data["fingerprint"] == person_credential.fingerprint
    assert event.data["serial_number"] == person_credential.serial_number
    assert event.data["input_sha256"] == signing._sha256(pdf)
    assert event.data["output_sha256"] == result.sha256 == signing._sha256(result.pdf)
    assert event.data["as_agency"] is False


def test_without_a_tsa_the_signature_is_b_b(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential, settings: object
) -> None:
    # given no timestamp service configured
    setattr(settings, "GOVDOC_TSA_URL", "")  # noqa: B010 - pytest-django settings fixture
    # when the leader signs with the default, then it is B-B and valid
    result = signing.sign_as_person(
        pdf=make_pdf(), actor=personas["leader"], password=pki.password, appearance_box=PERSON_BOX
    )
    assert result.level == "B-B"
    report = verify_pdf(result.pdf, roots=[pki.root.asn1])
    assert report.all_valid and not report.signatures[0].timestamped


def test_a_wrong_password_is_refused_and_journaled(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential
) -> None:
    # given the leader's credential, when they sign with a wrong password
    with pytest.raises(ValidationFailed) as error:
        signing.sign_as_person(
            pdf=make_pdf(), actor=personas["leader"], password=WRONG, appearance_box=PERSON_BOX
        )
    # then it is refused in Vietnamese, without the password
    assert error.value.message == WRONG_PASSWORD
    assert WRONG not in str(error.value)
    # and the refusal is journaled, and nothing was signed
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.data["error"] == WRONG_PASSWORD
    assert failed.data["fingerprint"] == person_credential.fingerprint
    assert _events(signing.ACTION_SIGNED) == []


def test_someone_without_a_credential_is_refused(personas: dict[str, User]) -> None:
    # given the specialist has no credential, when they sign, then it is refused
    with pytest.raises(ValidationFailed, match=signing.NO_PERSONAL_CREDENTIAL):
        signing.sign_as_person(
            pdf=make_pdf(), actor=personas["specialist"], password="x", appearance_box=PERSON_BOX
        )
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.actor == personas["specialist"]


def test_an_expired_credential_is_refused(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential
) -> None:
    # given the leader's certificate has since expired (as the registry records it)
    SigningCredential.objects.filter(pk=person_credential.pk).update(
        valid_to=person_credential.valid_from
    )
    # when they sign, then it is refused before the file is opened
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        signing.sign_as_person(
            pdf=make_pdf(),
            actor=personas["leader"],
            password=pki.password,
            appearance_box=PERSON_BOX,
        )


def test_a_file_that_is_not_a_pdf_is_refused(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential
) -> None:
    with pytest.raises(ValidationFailed, match="không phải PDF"):
        signing.sign_as_person(pdf=b"not a pdf", actor=personas["leader"], password=pki.password)
    assert len(_events(signing.ACTION_FAILED)) == 1


def test_the_clerk_applies_the_agency_seal_after_the_person(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    person_credential: SigningCredential,
    agency_credential: SigningCredential,
) -> None:
    # given a document signed by the leader
    pdf = _signed_by_leader(personas["leader"], pki)
    # when the clerk applies the agency's signature
    result = signing.sign_as_agency(
        pdf=pdf,
        actor=personas["clerk"],
        agency=ministry,
        password=pki.password,
        number_symbol="12/QĐ-BTNMT",
    )
    # then both signatures verify, the agency's second
    report = verify_pdf(result.pdf, roots=[pki.root.asn1])
    assert [s.field_name for s in report.signatures] == ["ChuKy1", "ChuKyCoQuan"]
    assert report.all_valid
    assert result.field_name == "ChuKyCoQuan"
    assert result.certificate_serial == agency_credential.serial_number
    # and the journal records it as the agency's, chained on the person's output
    person_event, agency_event = _events(signing.ACTION_SIGNED)
    assert agency_event.data["as_agency"] is True
    assert agency_event.data["input_sha256"] == person_event.data["output_sha256"]
    assert agency_event.data["fingerprint"] == agency_credential.fingerprint
    assert agency_event.agency_id == ministry.pk


def test_a_specialist_may_not_apply_the_agency_seal(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    person_credential: SigningCredential,
    agency_credential: SigningCredential,
) -> None:
    pdf = _signed_by_leader(personas["leader"], pki)
    # when a specialist tries the agency's signature, then it is forbidden and journaled
    with pytest.raises(Forbidden, match=signing.ONLY_CLERK):
        signing.sign_as_agency(
            pdf=pdf,
            actor=personas["specialist"],
            agency=ministry,
            password=pki.password,
            number_symbol="12/QĐ-BTNMT",
        )
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.actor == personas["specialist"]
    assert failed.data["as_agency"] is True and failed.data["error"] == signing.ONLY_CLERK


def test_the_clerk_of_another_agency_may_not_either(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    agency_credential: SigningCredential,
) -> None:
    with pytest.raises(Forbidden):
        signing.sign_as_agency(
            pdf=make_pdf(),
            actor=personas["outsider"],
            agency=ministry,
            password=pki.password,
            number_symbol="12/QĐ-BTNMT",
        )


def test_the_agency_seal_before_the_person_is_refused(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    agency_credential: SigningCredential,
) -> None:
    with pytest.raises(ValidationFailed) as error:
        signing.sign_as_agency(
            pdf=make_pdf(),
            actor=personas["clerk"],
            agency=ministry,
            password=pki.password,
            number_symbol="12/QĐ-BTNMT",
        )
    assert error.value.message == NOT_SIGNED_BY_PERSON
    assert _events(signing.ACTION_FAILED)[0].data["error"] == NOT_SIGNED_BY_PERSON


def test_the_password_never_reaches_the_journal(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    person_credential: SigningCredential,
    agency_credential: SigningCredential,
) -> None:
    # given signatures made, and refused, with passwords
    pdf = _signed_by_leader(personas["leader"], pki)
    signing.sign_as_agency(
        pdf=pdf,
        actor=personas["clerk"],
        agency=ministry,
        password=pki.password,
        number_symbol="1/QĐ",
    )
    with pytest.raises(ValidationFailed):
        signing.sign_as_person(pdf=make_pdf(), actor=personas["leader"], password=WRONG)
    # then no journal event carries either password
    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {signing.ACTION_SIGNED, signing.ACTION_FAILED}
    for event in events:
        text = json.dumps(event.data, ensure_ascii=False)
        assert pki.password not in text and WRONG not in text


def test_the_image_must_be_a_png_of_at_most_2_mb(
    personas: dict[str, User], person_credential: SigningCredential
) -> None:
    with pytest.raises(ValidationFailed, match="PNG"):
        services.credential_set_image(
            actor=personas["admin"], credential=person_credential, png=b"GIF89a..."
        )
    with pytest.raises(ValidationFailed, match="2 MB"):
        services.credential_set_image(
            actor=personas["admin"],
            credential=person_credential,
            png=services.PNG_MAGIC + bytes(services.MAX_IMAGE_SIZE),
        )
    # and only the credential's administrators may set it
    with pytest.raises(NotFound):
        services.credential_set_image(
            actor=personas["outsider"], credential=person_credential, png=None
        )


def test_the_administrator_uploads_the_image_on_the_credentials_screen(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    client_for: Any,
    signature_png: bytes,
) -> None:
    # given the leader's credential without an image
    credential = services.credential_register_pkcs12(
        actor=personas["admin"],
        p12_bytes=pki.person.pkcs12,
        password=pki.password,
        owner_person=personas["leader"],
    )
    admin = client_for(personas["admin"])
    page = admin.get(reverse("signatures:credentials") + f"?co-quan={ministry.pk}")
    assert f'data-credential-image="{credential.pk}"' in page.content.decode()
    url = reverse("signatures:credential_set_image", args=[credential.pk])
    # when the administrator uploads a PNG, then it is kept and journaled
    response = admin.post(url, {"image": SimpleUploadedFile("ky.png", signature_png)})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert bytes(credential.image or b"") == signature_png
    assert AuditEvent.objects.filter(action="signatures.credential.set_image").count() == 1
    # and a file that is not a PNG is refused; anyone else gets 404
    admin.post(url, {"image": SimpleUploadedFile("ky.gif", b"GIF89a")})
    credential.refresh_from_db()
    assert bytes(credential.image or b"") == signature_png
    outsider = client_for(personas["clerk"])
    assert (
        outsider.post(url, {"image": SimpleUploadedFile("k.png", signature_png)}).status_code == 404
    )
