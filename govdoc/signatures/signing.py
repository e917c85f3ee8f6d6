"""Signing a PDF on behalf of someone: the competent person with their own credential, or the
clerk with the agency's (NĐ 30 Điều 5), checked, and journaled whatever happens.

* `sign_as_person`: the actor's own active credential (a PKCS#12 file kept encrypted, opened
  with the password typed now; or a key on a PKCS#11 token, opened with the PIN typed now),
  its signature image for the visible signature (else a text stamp). With `competent_person`
  (the draft's signer), only that person or someone acting for them by a delegation in force
  may sign.
* `sign_as_agency`: only a clerk of the agency, with the agency's active credential and its
  seal image, on a document the competent person has already signed.

Both check the signer's certificate for revocation first when revocation data is at hand
(CRLs given, or OCSP/CRL fetched when ``GOVDOC_REVOCATION_FETCH`` is on; see `revocation`):
a revoked certificate signs nothing. The level reached is reported: PAdES B-LT when
timestamped (``GOVDOC_TSA_URL``) with the revocation data embedded, B-T when timestamped
without it, B-B without a timestamp service.

Every attempt writes one journal event: ``signature.sign`` (the certificate, the SHA-256 of
the input — the document version — and of the output) or ``signature.sign_failed`` (why).
A refusal's event is written in its own transaction before the error goes up, so that the
caller's rollback does not take it away. The password or PIN is never journaled, nor put in
an exception. Signing happens outside any transaction (a timestamp service may be slow).
"""

from __future__ import annotations

import enum
import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.sign import timestamps

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, Forbidden, ValidationFailed
from govdoc.organizations.access import acting_for_ids, has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.signatures import agency_signing
from govdoc.signatures.credentials import decrypt_secret
from govdoc.signatures.models import CredentialKind, SigningCredential
from govdoc.signatures.pades import Appearance, Box, PdfSigningError, sign_pdf
from govdoc.signatures.pkcs11_provider import Pkcs11Signer
from govdoc.signatures.pkcs12_provider import Pkcs12Signer
from govdoc.signatures.revocation import Revocation, check_signer
from govdoc.signatures.selectors import active_trust_anchors
from govdoc.signatures.signer import Signer, SignerError

ACTION_SIGNED = "signature.sign"
ACTION_FAILED = "signature.sign_failed"

NO_PERSONAL_CREDENTIAL = "Bạn chưa có chứng thư số được đăng ký."
NO_AGENCY_CREDENTIAL = "Cơ quan chưa có chứng thư số (con dấu số) được đăng ký."
ONLY_CLERK = "Chỉ văn thư được ký số của cơ quan."
EXPIRED = "Chứng thư số đã hết hạn ngày {date}: không ký được."
REMOTE_NOT_SUPPORTED = (
    "Chứng thư số ký từ xa chưa dùng được ở đây: hãy ký trên ứng dụng của nhà cung cấp."
)
NOT_REGISTERED = "Chứng thư số trên thiết bị không khớp với chứng thư số đã đăng ký."
PIN_REQUIRED = "Vui lòng nhập mã PIN của thiết bị ký số."
NOT_PDF = "Tệp không phải PDF hợp lệ hoặc đã bị hỏng."
NOT_COMPETENT = "Bạn không phải người có thẩm quyền ký văn bản này."
REASON_PERSON = "Ký ban hành văn bản"
PERSON_FIELD = "ChuKy"


class _FromSettings(enum.Enum):
    TOKEN = 0


FROM_SETTINGS: Literal[_FromSettings.TOKEN] = _FromSettings.TOKEN
"""`timestamp_url` default: ``settings.GOVDOC_TSA_URL`` read at call time (empty: B-B)."""


@dataclass(frozen=True)
class SignedResult:
    pdf: bytes
    sha256: str
    certificate_subject: str
    certificate_serial: str
    field_name: str
    level: str
    """"B-LT" when timestamped with the revocation data embedded, "B-T" when timestamped
    without it, else "B-B"."""


@dataclass(frozen=True)
class _Plan:
    """How one signature is made, decided once the signer's key is open."""

    timestamper: timestamps.TimeStamper | None
    embed: Revocation | None
    """Validation data to embed (the signer's and the TSA's status is known and good)."""
    level: str


def _plan(
    signer: Signer,
    *,
    url: str | None,
    crls: Sequence[asn1_crl.CertificateList],
    journal: dict[str, Any],
) -> _Plan:
    """Check the signer's certificate for revocation (raises `SignerError` when revoked)
    and choose the level honestly: B-LT only with the revocation data in hand.

    Journals "revocation": "good" (known, embedded), "unknown" (checked, not known: no
    trusted root, a responder out of reach), "not_checked" (no CRL given, fetching off) or
    "revoked" (refused)."""
    timestamper = timestamps.HTTPTimeStamper(url) if url else None
    fetch = bool(settings.GOVDOC_REVOCATION_FETCH)
    embed: Revocation | None = None
    journal["revocation"] = "not_checked"
    if crls or fetch:
        roots = [
            x509.Certificate.load(bytes(anchor.certificate_der))
            for anchor in active_trust_anchors()
        ]
        known = Revocation(roots=roots, crls=list(crls), allow_fetching=fetch)
        journal["revocation"] = "revoked"  # unless check_signer returns
        embed = check_signer(signer=signer, revocation=known, timestamper=timestamper)
        journal["revocation"] = "good" if embed is not None else "unknown"
    level = ("B-LT" if embed is not None else "B-T") if url else "B-B"
    return _Plan(timestamper=timestamper, embed=embed, level=level)


def _check_competent(actor: Any, competent_person: Any) -> None:
    """The actor is the competent person, or holds their authority by a delegation in
    force today."""
    if competent_person is None:
        return
    actor_pk = getattr(actor, "pk", None)
    if actor_pk is not None and actor_pk == competent_person.pk:
        return
    agency_id = getattr(competent_person, "agency_id", None)
    if (
        actor_pk is not None
        and agency_id is not None
        and getattr(actor, "is_authenticated", False)
        and competent_person.pk in acting_for_ids(actor, agency_id)
    ):
        return
    raise Forbidden(NOT_COMPETENT)


def sign_as_person(
    *,
    pdf: bytes,
    actor: Any,
    password: str | None = None,
    pin: str | None = None,
    appearance_box: Box | None = None,
    placeholder: str | None = None,
    reason: str = "",
    timestamp_url: str | Literal[_FromSettings.TOKEN] | None = FROM_SETTINGS,
    crls: Sequence[asn1_crl.CertificateList] = (),
    competent_person: Any = None,
) -> SignedResult:
    """`pdf` signed by `actor` with their own active credential.

    With `crls` (revocation lists of the signer's chain), or with fetching on, the signer's
    certificate is checked for revocation and the chain's revocation data embedded (PAdES
    B-LT when timestamped). With `competent_person`, anyone but that person or their
    delegate in force is refused (`NOT_COMPETENT`).

    The visible signature goes in `appearance_box`, or on the `placeholder` text (default
    "[CHU_KY]"); it shows the credential's signature image, else a text stamp with the
    signer's name, position and the time. Refusals raise a `DomainError` in Vietnamese."""
    url = (settings.GOVDOC_TSA_URL or None) if timestamp_url is FROM_SETTINGS else timestamp_url
    input_sha256 = _sha256(pdf)
    journal: dict[str, Any] = {"input_sha256": input_sha256, "as_agency": False}
    if competent_person is not None:
        journal["competent_person"] = competent_person.pk
    credential: SigningCredential | None = None
    try:
        _check_competent(actor, competent_person)
        credential = _personal_credential(actor)
        journal |= _credential_data(credential)
        with _open_signer(credential, password=password, pin=pin) as signer:
            plan = _plan(signer, url=url, crls=crls, journal=journal)
            field_name = _free_field_name(pdf, PERSON_FIELD)
            position = getattr(getattr(actor, "position", None), "name", "") or ""
            appearance = Appearance(
                box=appearance_box,
                placeholder=placeholder,
                image_png=_image(credential),
                signer_name=str(getattr(actor, "display_name", "") or ""),
                position=str(position),
            )
            signed = sign_pdf(
                pdf=pdf,
                signer=signer,
                field_name=field_name,
                reason=reason or REASON_PERSON,
                location="",
                appearance=appearance,
                timestamper=plan.timestamper,
                revocation=plan.embed,
            )
            result = _result(signed, credential, field_name, level=plan.level)
    except Exception as error:
        _journal_failure(actor, credential, journal, error, agency_id=_agency_id(actor))
        refusal = _refusal(error)
        if refusal is error:
            raise
        raise refusal from None
    _journal_success(actor, credential, journal, result)
    return result


def sign_as_agency(
    *,
    pdf: bytes,
    actor: Any,
    agency: Agency,
    password: str | None = None,
    pin: str | None = None,
    number_symbol: str,
    attachment: bool = False,
    crls: Sequence[asn1_crl.CertificateList] = (),
) -> SignedResult:
    """`pdf` with the agency's signature added by its clerk (after the competent person's
    for the main document; with the number and symbol at the top right for an attachment).
    Revocation is checked and embedded as for `sign_as_person`."""
    input_sha256 = _sha256(pdf)
    journal: dict[str, Any] = {
        "input_sha256": input_sha256,
        "as_agency": True,
        "attachment": attachment,
        "number_symbol": number_symbol,
    }
    credential: SigningCredential | None = None
    try:
        if not has_role(actor, agency.pk, Role.CLERK):
            raise Forbidden(ONLY_CLERK)
        credential = _agency_credential(agency)
        journal |= _credential_data(credential)
        with _open_signer(credential, password=password, pin=pin) as signer:
            url = settings.GOVDOC_TSA_URL or None
            plan = _plan(signer, url=url, crls=crls, journal=journal)
            signed = agency_signing.sign_as_agency(
                pdf=pdf,
                signer=signer,
                seal_png=_image(credential),
                signer_box=None,
                number_symbol=number_symbol,
                attachment=attachment,
                agency_name=str(agency.name),
                timestamper=plan.timestamper,
                revocation=plan.embed,
            )
            result = _result(signed, credential, _last_field_name(signed), level=plan.level)
    except Exception as error:
        _journal_failure(actor, credential, journal, error, agency_id=agency.pk)
        refusal = _refusal(error)
        if refusal is error:
            raise
        raise refusal from None
    _journal_success(actor, credential, journal, result, agency_id=agency.pk)
    return result


# --- credentials and signers -----------------------------------------------------------------


def _personal_credential(actor: Any) -> SigningCredential:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationFailed(NO_PERSONAL_CREDENTIAL)
    credential = (
        SigningCredential.objects.filter(owner_person=actor, is_active=True)
        .order_by("-valid_to", "-pk")
        .first()
    )
    if credential is None:
        raise ValidationFailed(NO_PERSONAL_CREDENTIAL)
    return credential


def _agency_credential(agency: Agency) -> SigningCredential:
    credential = (
        SigningCredential.objects.filter(owner_agency=agency, is_active=True)
        .order_by("-valid_to", "-pk")
        .first()
    )
    if credential is None:
        raise ValidationFailed(NO_AGENCY_CREDENTIAL)
    return credential


@contextmanager
def _open_signer(
    credential: SigningCredential, *, password: str | None, pin: str | None
) -> Iterator[Signer]:
    if credential.valid_to <= timezone.now():
        date = f"{timezone.localtime(credential.valid_to):%d/%m/%Y}"
        raise ValidationFailed(EXPIRED.format(date=date))
    if credential.kind == CredentialKind.PKCS12:
        if credential.encrypted_pkcs12 is None:  # pragma: no cover - a database constraint
            raise ValidationFailed(NO_PERSONAL_CREDENTIAL)
        data = decrypt_secret(bytes(credential.encrypted_pkcs12))
        yield _checked(Pkcs12Signer(data, password or ""), credential)
    elif credential.kind == CredentialKind.PKCS11:
        if not pin:
            raise ValidationFailed(PIN_REQUIRED, fields={"pin": PIN_REQUIRED})
        with Pkcs11Signer(
            module_path=credential.pkcs11_module,
            token_label=credential.pkcs11_token_label,
            key_label=credential.pkcs11_key_label,
            pin=pin,
        ) as token:
            yield _checked(token, credential)
    else:
        raise ValidationFailed(REMOTE_NOT_SUPPORTED)


def _checked(signer: Signer, credential: SigningCredential) -> Signer:
    """The key opened must be the one registered (a token may hold another under the label)."""
    if hashlib.sha256(signer.certificate.dump()).hexdigest() != credential.fingerprint:
        raise ValidationFailed(NOT_REGISTERED)
    return signer


def _image(credential: SigningCredential) -> bytes | None:
    return bytes(credential.image) if credential.image is not None else None


# --- PDF helpers -----------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _field_names(pdf: bytes) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return [str(name) for name, _value, _ref in fields.enumerate_sig_fields(reader)]
    except Exception:
        return []  # sign_pdf reports the unreadable file


def _free_field_name(pdf: bytes, prefix: str) -> str:
    taken = set(_field_names(pdf))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _last_field_name(pdf: bytes) -> str:
    names = _field_names(pdf)
    return names[-1] if names else ""


def _result(
    pdf: bytes, credential: SigningCredential, field_name: str, *, level: str
) -> SignedResult:
    return SignedResult(
        pdf=pdf,
        sha256=_sha256(pdf),
        certificate_subject=credential.subject,
        certificate_serial=credential.serial_number,
        field_name=field_name,
        level=level,
    )


# --- journal ---------------------------------------------------------------------------------


def _agency_id(actor: Any) -> int | None:
    value = getattr(actor, "agency_id", None)
    return int(value) if value is not None else None


def _credential_data(credential: SigningCredential) -> dict[str, Any]:
    return {
        "credential": credential.pk,
        "kind": credential.kind,
        "fingerprint": credential.fingerprint,
        "serial_number": credential.serial_number,
    }


def _journal_success(
    actor: Any,
    credential: SigningCredential | None,
    journal: dict[str, Any],
    result: SignedResult,
    *,
    agency_id: int | None = None,
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=ACTION_SIGNED,
            target=credential,
            agency_id=agency_id if agency_id is not None else _agency_id(actor),
            data=journal
            | {
                "output_sha256": result.sha256,
                "field_name": result.field_name,
                "level": result.level,
            },
        )


def _journal_failure(
    actor: Any,
    credential: SigningCredential | None,
    journal: dict[str, Any],
    error: Exception,
    *,
    agency_id: int | None,
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=ACTION_FAILED,
            target=credential,
            agency_id=agency_id,
            data=journal | {"error": _message(error)[:500]},
        )


def _message(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, SignerError | PdfSigningError):
        return str(error)
    return f"Lỗi hệ thống khi ký số ({type(error).__name__})."


def _refusal(error: Exception) -> Exception:
    """The error to raise: domain errors as they are, the providers' and pyHanko's as a
    `ValidationFailed` with their Vietnamese message, anything else unchanged."""
    if isinstance(error, DomainError):
        return error
    if isinstance(error, SignerError | PdfSigningError):
        return ValidationFailed(str(error))
    return error
