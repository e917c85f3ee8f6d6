"""Revocation when signing and verifying: the OCSP response fetched from the (local)
responder or the CRL given is embedded (PAdES B-LT), a revoked certificate signs nothing,
a responder out of reach falls back to B-T and says so, and verification with fetching on
knows the revocation status."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_pdf
from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency, User
from govdoc.signatures import services, signing
from govdoc.signatures.models import PdfVerification, SigningCredential, VerificationOutcome
from govdoc.signatures.pades import Box
from govdoc.signatures.revocation import REVOKED
from govdoc.signatures.testing_pki import TestIdentity, TestPki
from govdoc.signatures.verification import pdf_verify_and_record
from govdoc.signatures.verify import REVOKED as VERIFY_REVOKED
from govdoc.signatures.verify import verify_pdf

from .conftest import RevocationService, signed_pdf_by

pytestmark = pytest.mark.django_db

PERSON_BOX = Box(0, 300, 100, 450, 170)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _dss(pdf: bytes) -> Any:
    root = PdfFileReader(io.BytesIO(pdf)).root
    if "/DSS" not in root:
        return None
    return root["/DSS"]  # dereferenced, unlike get()


def _register(admin: User, identity: TestIdentity, pki: TestPki, **owner: Any) -> SigningCredential:
    return services.credential_register_pkcs12(
        actor=admin, p12_bytes=identity.pkcs12, password=pki.password, **owner
    )


def _sign_as_leader(leader: User, pki: TestPki, **options: Any) -> signing.SignedResult:
    return signing.sign_as_person(
        pdf=make_pdf(),
        actor=leader,
        password=pki.password,
        appearance_box=PERSON_BOX,
        **options,
    )


def test_with_fetching_on_the_ocsp_response_is_embedded_b_lt(
    personas: dict[str, User],
    pki: TestPki,
    person_credential: SigningCredential,
    trusted_root: None,
    tsa_url: str,
    fetching_on: None,
    revocation_service: RevocationService,
) -> None:
    # given fetching on, the root trusted and the PKI's OCSP responder reachable
    asked_before = len(revocation_service.requests)
    # when the leader signs, timestamped
    result = _sign_as_leader(personas["leader"], pki, timestamp_url=tsa_url)
    # then the responder was asked and its answer is in the document (B-LT)
    assert "/ocsp" in revocation_service.requests[asked_before:]
    assert result.level == "B-LT"
    dss = _dss(result.pdf)
    assert dss is not None and len(dss["/OCSPs"]) >= 1
    # and the journal says so
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.data["level"] == "B-LT" and event.data["revocation"] == "good"
    # and it verifies, not revoked, offline from what it carries and with fetching on
    assert verify_pdf(result.pdf, roots=[pki.root.asn1]).all_valid
    verification = pdf_verify_and_record(
        data=result.pdf, actor=personas["clerk"], agency_id=None, target_label="kiểm tra"
    )
    assert verification.outcome == VerificationOutcome.VALID
    (signature,) = verification.report
    assert signature["trusted"] and VERIFY_REVOKED not in signature["problems"]


def test_the_agency_signature_is_b_lt_too(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    person_credential: SigningCredential,
    agency_credential: SigningCredential,
    trusted_root: None,
    tsa_url: str,
    fetching_on: None,
    settings: Any,
) -> None:
    # given the timestamp service configured and a document the leader signed
    settings.GOVDOC_TSA_URL = tsa_url
    signed = _sign_as_leader(personas["leader"], pki).pdf
    # when the clerk applies the agency's signature
    result = signing.sign_as_agency(
        pdf=signed,
        actor=personas["clerk"],
        agency=ministry,
        password=pki.password,
        number_symbol="12/QĐ-BTNMT",
    )
    # then it is B-LT as well, both signatures verify, and the journal says so
    assert result.level == "B-LT"
    assert len(_dss(result.pdf)["/OCSPs"]) >= 2
    assert verify_pdf(result.pdf, roots=[pki.root.asn1]).all_valid
    agency_event = _events(signing.ACTION_SIGNED)[-1]
    assert agency_event.data["as_agency"] is True
    assert agency_event.data["level"] == "B-LT" and agency_event.data["revocation"] == "good"


def test_with_the_crls_known_the_signature_is_b_lt(
    personas: dict[str, User],
    pki: TestPki,
    person_credential: SigningCredential,
    trusted_root: None,
    tsa_url: str,
) -> None:
    # given fetching off and the intermediate's CRL at hand
    # when the leader signs, timestamped, with the CRL
    result = _sign_as_leader(personas["leader"], pki, timestamp_url=tsa_url, crls=[pki.asn1_crl])
    # then it is B-LT: the chain's revocation data is in the document, and it verifies
    assert result.level == "B-LT"
    assert "/CRLs" in _dss(result.pdf)
    assert verify_pdf(result.pdf, roots=[pki.root.asn1]).all_valid


def test_without_a_timestamp_the_data_is_embedded_but_the_level_stays_b_b(
    personas: dict[str, User],
    pki: TestPki,
    person_credential: SigningCredential,
    trusted_root: None,
    fetching_on: None,
) -> None:
    result = _sign_as_leader(personas["leader"], pki, timestamp_url=None)
    assert result.level == "B-B"
    assert "/OCSPs" in _dss(result.pdf)
    assert _events(signing.ACTION_SIGNED)[0].data["revocation"] == "good"


def test_a_responder_out_of_reach_falls_back_to_b_t_and_says_so(
    personas: dict[str, User],
    pki: TestPki,
    unreachable_pki: TestPki,
    superuser: User,
    tsa_url: str,
    fetching_on: None,
) -> None:
    # given the leader's certificate from a CA whose OCSP responder and CRL are out of reach
    _register(
        personas["admin"],
        unreachable_pki.person,
        unreachable_pki,
        owner_person=personas["leader"],
    )
    for root in (unreachable_pki.root, pki.root):
        services.trust_anchor_add(actor=superuser, data=root.cert_pem)
    # when the leader signs, timestamped
    result = _sign_as_leader(personas["leader"], unreachable_pki, timestamp_url=tsa_url)
    # then it is signed B-T, without revocation data, and the journal says the status is
    # unknown
    assert result.level == "B-T"
    assert _dss(result.pdf) is None
    (event,) = _events(signing.ACTION_SIGNED)
    assert event.data["level"] == "B-T" and event.data["revocation"] == "unknown"
    report = verify_pdf(result.pdf, roots=[unreachable_pki.root.asn1, pki.root.asn1])
    assert report.all_valid and report.signatures[0].timestamped


def test_with_fetching_off_and_no_crl_nothing_is_checked(
    personas: dict[str, User],
    pki: TestPki,
    person_credential: SigningCredential,
    trusted_root: None,
    revocation_service: RevocationService,
) -> None:
    asked_before = len(revocation_service.requests)
    result = _sign_as_leader(personas["leader"], pki, timestamp_url=None)
    assert result.level == "B-B"
    assert revocation_service.requests[asked_before:] == []
    assert _events(signing.ACTION_SIGNED)[0].data["revocation"] == "not_checked"


# --- a revoked certificate signs nothing -----------------------------------------------------


def _assert_refused_as_revoked(error: pytest.ExceptionInfo[ValidationFailed]) -> None:
    assert error.value.message == REVOKED == "Chứng thư số đã bị thu hồi: không ký được."
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.data["error"] == REVOKED and failed.data["revocation"] == "revoked"
    assert _events(signing.ACTION_SIGNED) == []


def test_a_revoked_certificate_is_refused_on_the_responders_word(
    personas: dict[str, User], pki: TestPki, trusted_root: None, fetching_on: None
) -> None:
    # given the leader's credential is the revoked certificate, and fetching on
    credential = _register(personas["admin"], pki.revoked, pki, owner_person=personas["leader"])
    # when they sign, then it is refused in Vietnamese, journaled, and nothing is returned
    with pytest.raises(ValidationFailed) as error:
        _sign_as_leader(personas["leader"], pki, timestamp_url=None)
    _assert_refused_as_revoked(error)
    assert _events(signing.ACTION_FAILED)[0].data["fingerprint"] == credential.fingerprint


def test_a_revoked_certificate_is_refused_with_the_crl_given(
    personas: dict[str, User], pki: TestPki, trusted_root: None
) -> None:
    # given fetching off, but the CRL listing the certificate at hand
    _register(personas["admin"], pki.revoked, pki, owner_person=personas["leader"])
    with pytest.raises(ValidationFailed) as error:
        _sign_as_leader(personas["leader"], pki, timestamp_url=None, crls=[pki.asn1_crl])
    _assert_refused_as_revoked(error)


def test_a_revoked_agency_certificate_is_refused(
    personas: dict[str, User],
    ministry: Agency,
    pki: TestPki,
    person_credential: SigningCredential,
    trusted_root: None,
    fetching_on: None,
) -> None:
    # given a document signed by the leader, and the agency's credential revoked
    signed = _sign_as_leader(personas["leader"], pki, timestamp_url=None).pdf
    _register(personas["admin"], pki.revoked, pki, owner_agency=ministry)
    # when the clerk applies the agency's signature, then it is refused and journaled
    with pytest.raises(ValidationFailed, match=REVOKED):
        signing.sign_as_agency(
            pdf=signed,
            actor=personas["clerk"],
            agency=ministry,
            password=pki.password,
            number_symbol="12/QĐ-BTNMT",
        )
    (failed,) = _events(signing.ACTION_FAILED)
    assert failed.data["as_agency"] is True and failed.data["revocation"] == "revoked"
    assert len(_events(signing.ACTION_SIGNED)) == 1  # the leader's only


# --- verification knows the status when fetching ---------------------------------------------


def test_verification_with_fetching_reports_a_revoked_certificate(
    personas: dict[str, User], pki: TestPki, trusted_root: None, settings: Any
) -> None:
    # given a PDF signed (outside govdoc) with the revoked certificate
    pdf = signed_pdf_by(pki.revoked, pki)
    # when it is checked with fetching off, nothing is known of its revocation
    settings.GOVDOC_REVOCATION_FETCH = False
    offline = pdf_verify_and_record(
        data=pdf, actor=personas["clerk"], agency_id=None, target_label="văn bản đến"
    )
    assert offline.outcome == VerificationOutcome.VALID
    # when fetching is on, the responder's answer makes it invalid, revoked
    settings.GOVDOC_REVOCATION_FETCH = True
    online = pdf_verify_and_record(
        data=pdf, actor=personas["clerk"], agency_id=None, target_label="văn bản đến"
    )
    assert online.outcome == VerificationOutcome.INVALID
    (signature,) = online.report
    assert VERIFY_REVOKED in signature["problems"] and not signature["trusted"]
    assert PdfVerification.objects.count() == 2
    assert _events("signature.verify")[-1].data["outcome"] == VerificationOutcome.INVALID
