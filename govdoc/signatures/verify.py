"""Check every signature of a received or stored PDF (NĐ 30 Điều 21): integrity, coverage,
later changes, timestamp, and trust in the signer's certificate against given roots."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from govdoc.signatures.revocation import fetcher_backend

logger = logging.getLogger(__name__)

NOT_PDF = "Tệp không phải PDF hợp lệ hoặc đã bị hỏng."
ENCRYPTED = "Tệp PDF đã mã hóa, không kiểm tra được chữ ký."

NOT_INTACT = "Nội dung đã bị thay đổi sau khi ký: chữ ký không còn toàn vẹn."
BAD_SIGNATURE = "Giá trị chữ ký số không hợp lệ."
BAD_CHANGES = "Văn bản có thay đổi không được phép sau khi ký."
UNTRUSTED = "Chứng thư số không do tổ chức chứng thực được tin cậy cấp."
REVOKED = "Chứng thư số của người ký đã bị thu hồi."
EXPIRED = "Chứng thư số của người ký đã hết hạn."
NOT_YET_VALID = "Chứng thư số của người ký chưa có hiệu lực."
NOT_TRUSTED = "Không xác minh được chứng thư số của người ký."
BAD_TIMESTAMP = "Dấu thời gian kèm chữ ký không hợp lệ."
UNREADABLE = "Không đọc được chữ ký số: {error}"


class PdfVerificationError(Exception):
    """The file cannot be checked at all (not a PDF, broken, encrypted); the message is
    Vietnamese and safe to show."""


@dataclass(frozen=True)
class SignatureReport:
    """What one signature says about the document."""

    field_name: str
    signer_name: str
    signing_time: dt.datetime | None
    """The timestamp's time when there is one, otherwise the time the signer claims."""
    intact: bool
    """The signed bytes are unchanged and the signature value matches the certificate."""
    covers_whole_document: bool
    """Nothing was appended after this signature."""
    later_changes_allowed: bool
    """What was appended after this signature (other signatures, form filling) is allowed."""
    timestamped: bool
    trusted: bool
    """The certificate chains up to one of the given roots and is valid and not revoked."""
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerificationReport:
    signatures: list[SignatureReport]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def all_valid(self) -> bool:
        return self.signed and all(s.valid for s in self.signatures)


def verify_pdf(
    pdf: bytes,
    *,
    roots: Sequence[x509.Certificate],
    crls: Sequence[asn1_crl.CertificateList] = (),
    allow_fetching: bool = False,
) -> VerificationReport:
    """Validate every signature of `pdf` against the trust `roots`.

    `crls` are revocation lists known beforehand, and the revocation data embedded in the
    document (PAdES B-LT) is used; `allow_fetching` lets pyHanko download the CRLs/OCSP
    responses named in the certificates (callers pass ``GOVDOC_REVOCATION_FETCH``)."""
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise PdfVerificationError(NOT_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
        signatures = list(reader.embedded_signatures) if not encrypted else []
    except Exception as error:
        raise PdfVerificationError(NOT_PDF) from error
    if encrypted:
        raise PdfVerificationError(ENCRYPTED)

    reports: list[SignatureReport] = []
    for embedded in signatures:
        context = ValidationContext(
            trust_roots=list(roots),
            crls=list(crls),
            allow_fetching=allow_fetching,
            fetcher_backend=fetcher_backend() if allow_fetching else None,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as error:
            logger.warning("signature %s unreadable: %s", embedded.field_name, error)
            reports.append(
                SignatureReport(
                    field_name=str(embedded.field_name),
                    signer_name="",
                    signing_time=None,
                    intact=False,
                    covers_whole_document=False,
                    later_changes_allowed=False,
                    timestamped=False,
                    trusted=False,
                    problems=[UNREADABLE.format(error=error)],
                )
            )
            continue
        reports.append(_report(str(embedded.field_name), status))
    return VerificationReport(signatures=reports)


def _report(field_name: str, status: Any) -> SignatureReport:
    problems: list[str] = []
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problems.append(NOT_INTACT)
    elif not status.valid:
        problems.append(BAD_SIGNATURE)

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    changes_ok = whole or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok is not False
    )
    if intact and not changes_ok:
        problems.append(BAD_CHANGES)

    trusted = bool(status.trusted) and not status.revoked
    if not trusted:
        problems.append(_trust_problem(status))

    timestamp = status.timestamp_validity
    timestamped = timestamp is not None and bool(timestamp.intact and timestamp.valid)
    if timestamp is not None and not timestamped:
        problems.append(BAD_TIMESTAMP)
    signing_time = timestamp.timestamp if timestamped else status.signer_reported_dt

    return SignatureReport(
        field_name=field_name,
        signer_name=_common_name(status.signing_cert),
        signing_time=signing_time,
        intact=intact,
        covers_whole_document=whole,
        later_changes_allowed=changes_ok,
        timestamped=timestamped,
        trusted=trusted,
        problems=problems,
    )


def _trust_problem(status: Any) -> str:
    if status.revoked:
        return REVOKED
    indic = status.trust_problem_indic
    if indic in (
        AdESFailure.REVOKED,
        AdESIndeterminate.REVOKED_NO_POE,
        AdESIndeterminate.REVOKED_CA_NO_POE,
    ):
        return REVOKED
    if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
        return EXPIRED
    if indic in (AdESFailure.NOT_YET_VALID, AdESIndeterminate.NOT_YET_VALID):
        return NOT_YET_VALID
    if indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return UNTRUSTED
    return NOT_TRUSTED


def _common_name(certificate: x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    name = certificate.subject.native.get("common_name", "")
    return str(name)
