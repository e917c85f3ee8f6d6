"""Check the digital signatures of any PDF (NĐ 30 Điều 21), for a program or the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import FileEx, P, Router, Schema
from ninja.files import UploadedFile

from govdoc.api.calls import actor_of, agency_id_of
from govdoc.api.schemas import ErrorOut
from govdoc.core.errors import ValidationFailed
from govdoc.signatures.models import VerificationOutcome
from govdoc.signatures.verify_pages import (
    OUTCOME_TEXT,
    is_too_large,
    too_large_message,
    verify_upload,
)

router = Router(tags=["Chữ ký số"])

NO_AGENCY = "Tài khoản chưa thuộc cơ quan nào, không kiểm tra được chữ ký số."


class SignatureOut(Schema):
    signer_name: str
    signing_time: dt.datetime | None
    intact: bool
    covers_whole_document: bool
    timestamped: bool
    trusted: bool
    valid: bool
    problems: list[str]


class VerificationOut(Schema):
    outcome: VerificationOutcome
    outcome_label: str
    signatures: list[SignatureOut]


def _signature_out(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "signer_name": report.get("signer_name") or "",
        "signing_time": report.get("signing_time"),
        "intact": bool(report.get("intact")),
        "covers_whole_document": bool(report.get("covers_whole_document")),
        "timestamped": bool(report.get("timestamped")),
        "trusted": bool(report.get("trusted")),
        "valid": bool(report.get("valid")),
        "problems": list(report.get("problems", [])),
    }


@router.post(
    "/signatures/verify",
    response={200: VerificationOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Kiểm tra chữ ký số của một tệp PDF",
    description=(
        "Gửi một tệp PDF (multipart/form-data, trường `file`): kiểm tra mọi chữ ký số theo kho "
        "chứng thư gốc tin cậy. Kết quả `outcome`: VALID (hợp lệ), INVALID (không hợp lệ), "
        "UNKNOWN_TRUST (chưa xác định được độ tin cậy), UNSIGNED (không có chữ ký số). "
        "Hệ thống không lưu tệp, chỉ ghi kết quả kiểm tra vào nhật ký. Tệp không phải PDF, "
        "hỏng hoặc đã mã hóa trả 400."
    ),
    url_name="signatures_verify",
)
def verify(
    request: HttpRequest,
    file: FileEx[UploadedFile, P(title="Tệp PDF", description="Tệp PDF cần kiểm tra.")],
) -> dict[str, Any]:
    actor = actor_of(request)
    if agency_id_of(actor) is None:
        raise ValidationFailed(NO_AGENCY)
    name = file.name or "(không tên)"
    if is_too_large(file):
        message = too_large_message(name)
        raise ValidationFailed(message, fields={"file": message})
    verification = verify_upload(data=file.read(), name=name, actor=actor)
    if verification.error:
        raise ValidationFailed(verification.error, fields={"file": verification.error})
    return {
        "outcome": verification.outcome,
        "outcome_label": OUTCOME_TEXT[verification.outcome],
        "signatures": [_signature_out(s) for s in verification.report],
    }
