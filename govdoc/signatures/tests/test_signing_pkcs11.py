"""Signing through the services with keys on a PKCS#11 token (SoftHSM2, made fresh in a tmp
dir): the person's and the agency's; a wrong or missing PIN, a token or key that is not
there; and the remote kind, refused clearly. Every refusal is journaled, signs nothing and
never records the PIN."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency, User
from govdoc.signatures import services, signing
from govdoc.signatures.models import CredentialKind, SigningCredential
from govdoc.signatures.pades import Box
from govdoc.signatures.testing_pki import TestPki
from govdoc.signatures.tests.softhsm import SoftHsmToken, softhsm_missing_reason, softhsm_token
from govdoc.signatures.verify import verify_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(softhsm_missing_reason() is not None, reason=softhsm_missing_reason() or ""),
]

BOX = Box(0, 300, 100, 450, 170)
WRONG_PIN = "999999"
PERSON_KEY = "lanh-dao"
AGENCY_KEY = "con-dau"


@dataclass(frozen=True)
class Token:
    token: SoftHsmToken
    person_cert: asn1_x509.Certificate
    agency_cert: asn1_x509.Certificate


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, pki: TestPki) -> Iterator[Token]:
    # The keys are generated on the token; their certificates come from the session's PKI.
    with softhsm_token(tmp_path_factory.mktemp("softhsm-signing")) as hsm:
        person = hsm.add_key(PERSON_KEY, b"\x01", issuer=pki.intermediate, common_name="Trần Văn")
        agency = hsm.add_key(
            AGENCY_KEY, b"\x02", issuer=pki.intermediate, common_name="Bộ Tài nguyên và Môi trường"
        )
        hsm.add_certificate("ca-trung-gian", b"\x0a", pki.intermediate.asn1)
        yield Token(hsm, person, agency)


def _register(
    admin: User, token: Token, certificate: asn1_x509.Certificate, **where: Any
) -> SigningCredential:
    options: dict[str, Any] = {
        "module_path": token.token.module_path,
        "token_label": token.token.label,
        "key_label": PERSON_KEY,
    } | where
    return services.credential_register_pkcs11(
        actor=admin, certificate=certificate.dump(), **options
    )


@pytest.fixture
def leader_on_token(personas: dict[str, User], token: Token) -> SigningCredential:
    return _register(personas["admin"], token, token.person_cert, owner_person=personas["leader"])


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _sign_as_leader(leader: User, pin: str | None) -> signing.SignedResult:
    return signing.sign_as_person(
        pdf=make_pdf(), actor=leader, pin=pin, appearance_box=BOX, timestamp_url=None
    )


def _assert_refused(error: pytest.ExceptionInfo[ValidationFailed], message: str) -> None:
    assert message in error.value.message
    (failed,) = _events(signing.ACTION_FAILED)
    assert message in failed.data["error"] and failed.data["kind"] == CredentialKind.PKCS11
    assert _events(signing.ACTION_SIGNED) == []


def test_the_person_signs_with_the_key_on_their_token(
    personas: dict[str, User], pki: TestPki, token: Token, leader_on_token: SigningCredential
) -> None:
    # given the leader's key on a token, registered; when they sign with the PIN
    result = _sign_as_leader(personas["leader"], token.token.pin)
    # then the PDF verifies up to the test root, signed by the token's certificate
    report = verify_pdf(result.pdf, roots=[pki.root.asn1])
    assert report.all_valid
    assert result.certificate_serial == leader_on_token.serial_number
    # and the journal names the token credential, never the PIN
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.data["kind"] == CredentialKind.PKCS11
    assert event.data["fingerprint"] == leader_on_token.fingerprint
    assert token.token.pin not in json.dumps(event.data)


def test_the_clerk_applies_the_agency_seal_from_the_token(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    token: Token,
    leader_on_token: SigningCredential,
    seal_png: bytes,
) -> None:
    # given the agency's key on the token with its seal image, and a PDF the leader signed
    seal = _register(
        personas["admin"], token, token.agency_cert, owner_agency=ministry, key_label=AGENCY_KEY
    )
    seal = services.credential_set_image(actor=personas["admin"], credential=seal, png=seal_png)
    signed = _sign_as_leader(personas["leader"], token.token.pin).pdf
    # when the clerk applies the agency's signature with the PIN
    result = signing.sign_as_agency(
        pdf=signed,
        actor=personas["clerk"],
        agency=ministry,
        pin=token.token.pin,
        number_symbol="12/QĐ-BTNMT",
    )
    # then both signatures verify, the agency's by the token's agency certificate
    report = verify_pdf(result.pdf, roots=[pki.root.asn1])
    assert [s.field_name for s in report.signatures] == ["ChuKy1", "ChuKyCoQuan"]
    assert report.all_valid and result.certificate_serial == seal.serial_number
    assert _events(signing.ACTION_SIGNED)[-1].data["as_agency"] is True


def test_a_wrong_pin_is_refused_and_journaled(
    personas: dict[str, User], leader_on_token: SigningCredential
) -> None:
    with pytest.raises(ValidationFailed) as error:
        _sign_as_leader(personas["leader"], WRONG_PIN)
    _assert_refused(error, "Mã PIN không đúng.")
    assert WRONG_PIN not in json.dumps(_events(signing.ACTION_FAILED)[0].data)


def test_no_pin_is_asked_for(personas: dict[str, User], leader_on_token: SigningCredential) -> None:
    with pytest.raises(ValidationFailed) as error:
        _sign_as_leader(personas["leader"], None)
    _assert_refused(error, signing.PIN_REQUIRED)
    assert error.value.fields == {"pin": signing.PIN_REQUIRED}


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            {"token_label": "token-khong-co"},
            "Không tìm thấy thiết bị ký số (token) có nhãn «token-khong-co». Hãy cắm thiết bị",
        ),
        (
            {"key_label": "khoa-khong-co"},
            "Không tìm thấy chứng thư số có nhãn «khoa-khong-co» trên thiết bị ký số.",
        ),
    ],
    ids=["token-missing", "key-missing"],
)
def test_a_token_or_key_that_is_not_there_is_reported(
    personas: dict[str, User], token: Token, where: dict[str, str], message: str
) -> None:
    # given the leader's credential names a token (or a key) label that is not there (the
    # key label names its certificate too, looked up first)
    _register(personas["admin"], token, token.person_cert, owner_person=personas["leader"], **where)
    # when they sign, then they are told what is missing, and nothing is signed
    with pytest.raises(ValidationFailed) as error:
        _sign_as_leader(personas["leader"], token.token.pin)
    _assert_refused(error, message)


def test_the_remote_kind_is_refused_clearly(
    personas: dict[str, User], pki: TestPki, person_credential: SigningCredential
) -> None:
    # given the leader's credential is a remote-signing one
    SigningCredential.objects.filter(pk=person_credential.pk).update(
        kind=CredentialKind.REMOTE, encrypted_pkcs12=None
    )
    # when they sign, then they are told to sign in the provider's application
    with pytest.raises(ValidationFailed) as error:
        signing.sign_as_person(
            pdf=make_pdf(), actor=personas["leader"], password=pki.password, appearance_box=BOX
        )
    assert error.value.message == signing.REMOTE_NOT_SUPPORTED
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.data["kind"] == CredentialKind.REMOTE
    assert failed.data["error"] == signing.REMOTE_NOT_SUPPORTED
    assert _events(signing.ACTION_SIGNED) == []
