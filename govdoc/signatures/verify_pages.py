"""Check the signatures of any PDF on demand (NĐ 30 Điều 21): anyone signed in at an agency
uploads a file and reads the report in plain Vietnamese. Nothing is kept but the
``PdfVerification`` row and its journal event; the file itself is not stored."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from govdoc.core.forms import StyledFormMixin
from govdoc.signatures.models import PdfVerification, VerificationOutcome
from govdoc.signatures.verification import pdf_verify_and_record

logger = logging.getLogger(__name__)

# Same words as the panel of an incoming document.
OUTCOME_TEXT: dict[str, str] = {
    VerificationOutcome.VALID: "Chữ ký hợp lệ",
    VerificationOutcome.INVALID: "Chữ ký không hợp lệ",
    VerificationOutcome.UNKNOWN_TRUST: (
        "Chưa xác định được độ tin cậy (chứng thư gốc chưa có trong danh sách tin cậy)"
    ),
    VerificationOutcome.UNSIGNED: "Không có chữ ký số",
}
OUTCOME_EXPLANATION: dict[str, str] = {
    VerificationOutcome.VALID: (
        "Mọi chữ ký số còn toàn vẹn, văn bản không bị sửa sau khi ký và chứng thư số của người "
        "ký do tổ chức chứng thực được tin cậy cấp, còn hiệu lực."
    ),
    VerificationOutcome.INVALID: (
        "Có chữ ký số không đạt: văn bản đã bị sửa sau khi ký, hoặc chứng thư số đã bị thu hồi, "
        "hết hạn, hoặc dấu thời gian không hợp lệ. Xem chi tiết từng chữ ký bên dưới."
    ),
    VerificationOutcome.UNKNOWN_TRUST: (
        "Chữ ký số còn toàn vẹn nhưng chứng thư số gốc của người ký chưa có trong kho tin cậy "
        "của hệ thống, nên chưa khẳng định được người ký."
    ),
    VerificationOutcome.UNSIGNED: "Tệp PDF này không có chữ ký số nào.",
}
OUTCOME_CLASS: dict[str, str] = {
    VerificationOutcome.VALID: "success",
    VerificationOutcome.INVALID: "danger",
    VerificationOutcome.UNKNOWN_TRUST: "warning",
    VerificationOutcome.UNSIGNED: "secondary",
}
FILE_ERRORS = {
    "required": "Vui lòng chọn tệp PDF cần kiểm tra.",
    "empty": "Tệp rỗng.",
    "invalid": "Tệp không hợp lệ.",
}


def too_large_message(name: str) -> str:
    cap = int(settings.GOVDOC_MAX_FILE_SIZE)
    return f"Tệp {name} vượt quá dung lượng cho phép ({cap / (1024 * 1024):.0f} MB)."


def is_too_large(upload: Any) -> bool:
    """Whether an upload is over GOVDOC_MAX_FILE_SIZE, judged by its size before reading."""
    size = getattr(upload, "size", None)
    return size is not None and int(size) > int(settings.GOVDOC_MAX_FILE_SIZE)


def verify_upload(*, data: bytes, name: str, actor: Any) -> PdfVerification:
    """Check an uploaded PDF for `actor` and record the check under the actor's agency."""
    return pdf_verify_and_record(
        data=data,
        actor=actor,
        agency_id=getattr(actor, "agency_id", None),
        target_label=f"Kiểm tra chữ ký số tệp {name}",
    )


# --- certificates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateInfo:
    issuer: str
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None


def _name_of(name: Any) -> str:
    native = name.native
    common = native.get("common_name")
    if common:
        return str(common)
    return str(name.human_friendly)


def certificates_of(pdf: bytes) -> dict[str, CertificateInfo]:
    """The signer's certificate issuer and validity by signature field; empty when the file
    cannot be read (the verification already said why)."""
    found: dict[str, CertificateInfo] = {}
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.encrypted:
            return found
        for embedded in reader.embedded_signatures:
            certificate = embedded.signer_cert
            validity = certificate["tbs_certificate"]["validity"]
            found[str(embedded.field_name)] = CertificateInfo(
                issuer=_name_of(certificate.issuer),
                valid_from=validity["not_before"].native,
                valid_to=validity["not_after"].native,
            )
    except Exception as error:
        logger.info("certificates unreadable: %s", error)
    return found


# --- the page --------------------------------------------------------------------------------


class VerifyForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Tệp PDF cần kiểm tra", error_messages=FILE_ERRORS)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if is_too_large(upload):
            raise forms.ValidationError(too_large_message(upload.name or ""))
        return upload


@dataclass(frozen=True)
class SignatureRow:
    signer_name: str
    signing_time: dt.datetime | None
    intact: bool
    covers_whole_document: bool
    timestamped: bool
    trusted: bool
    valid: bool
    problems: list[str]
    certificate: CertificateInfo | None


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def signature_rows(verification: PdfVerification, pdf: bytes) -> list[SignatureRow]:
    certificates = certificates_of(pdf) if verification.report else {}
    return [
        SignatureRow(
            signer_name=str(s.get("signer_name") or ""),
            signing_time=_time(s.get("signing_time")),
            intact=bool(s.get("intact")),
            covers_whole_document=bool(s.get("covers_whole_document")),
            timestamped=bool(s.get("timestamped")),
            trusted=bool(s.get("trusted")),
            valid=bool(s.get("valid")),
            problems=[str(p) for p in s.get("problems", [])],
            certificate=certificates.get(str(s.get("field_name", ""))),
        )
        for s in verification.report
    ]


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """GET: the upload form; POST: check the file and show the report."""
    if getattr(request.user, "agency_id", None) is None:
        raise Http404()
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = upload.name or "(không tên)"
            data: bytes = upload.read()
            verification = verify_upload(data=data, name=name, actor=request.user)
            outcome = verification.outcome
            context.update(
                file_name=name,
                verification=verification,
                error=verification.error,
                outcome_text=OUTCOME_TEXT[outcome],
                outcome_explanation=OUTCOME_EXPLANATION[outcome],
                outcome_class=OUTCOME_CLASS[outcome],
                signatures=signature_rows(verification, data),
            )
            form = VerifyForm()
    else:
        form = VerifyForm()
    context["form"] = form
    context["max_size_mb"] = f"{int(settings.GOVDOC_MAX_FILE_SIZE) / (1024 * 1024):.0f}"
    return render(request, "signatures/verify.html", context)
