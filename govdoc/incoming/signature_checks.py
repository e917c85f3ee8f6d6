"""Checking the digital signatures of received documents (NĐ 30 Điều 21): every PDF file of
an incoming document (main and attachments) is verified after registration; the latest
result of each file is shown on the document's page, flagged in the list when a signature
fails, and the clerk may check again (after the trust store changed, for instance)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from govdoc.core.errors import NotFound
from govdoc.documents.models import DocumentFile
from govdoc.documents.storage import open_stored
from govdoc.incoming.access import (
    FILES_WITHDRAWN_MESSAGE,
    can_register,
    files_available,
    incoming_for,
)
from govdoc.incoming.models import IncomingDocument
from govdoc.signatures.models import PdfVerification, VerificationOutcome
from govdoc.signatures.verification import latest_verifications, pdf_verify_and_record

TEMPLATE = "incoming/_signatures_panel.html"

OUTCOME_TEXT: dict[str, str] = {
    VerificationOutcome.VALID: "Chữ ký hợp lệ",
    VerificationOutcome.INVALID: "Chữ ký không hợp lệ (văn bản đã bị sửa sau khi ký)",
    VerificationOutcome.UNKNOWN_TRUST: (
        "Chưa xác định được độ tin cậy (chứng thư gốc chưa có trong danh sách tin cậy)"
    ),
    VerificationOutcome.UNSIGNED: "Không có chữ ký số",
}
OUTCOME_CLASS: dict[str, str] = {
    VerificationOutcome.VALID: "text-bg-success",
    VerificationOutcome.INVALID: "text-bg-danger",
    VerificationOutcome.UNKNOWN_TRUST: "text-bg-warning",
    VerificationOutcome.UNSIGNED: "text-bg-secondary",
}
FLAG_TEXT = "Chữ ký lỗi"
NOT_CHECKED = "Chưa kiểm tra chữ ký số"


def _pdf_files(incoming: IncomingDocument) -> list[DocumentFile]:
    return list(
        DocumentFile.objects.filter(document_id=incoming.document_id, stored__kind="pdf")
        .select_related("stored")
        .order_by("position", "pk")
    )


def incoming_signatures_check(*, incoming: IncomingDocument, actor: Any) -> list[PdfVerification]:
    """Verify every PDF file of the document and record each result (one row and one journal
    event per file). Files of other kinds are not verified, nor the files of a document
    its sender revoked (nobody opens them any more)."""
    if not files_available(incoming):
        return []
    return [
        pdf_verify_and_record(
            data=open_stored(item.stored),
            actor=actor,
            agency_id=incoming.agency_id,
            target_label=f"{item.name} — {incoming}",
        )
        for item in _pdf_files(incoming)
    ]


# -- reads ---------------------------------------------------------------------------------


def latest_outcome_of_file() -> Subquery:
    """The outcome of the latest check of a DocumentFile's bytes (OuterRef on DocumentFile)."""
    return Subquery(
        PdfVerification.objects.filter(sha256=OuterRef("stored__sha256"))
        .order_by("-verified_at", "-pk")
        .values("outcome")[:1]
    )


def signature_failed() -> Exists:
    """True for an IncomingDocument one of whose files' latest check is INVALID (an
    expression for the list's query: one subquery, no query per row)."""
    return Exists(
        DocumentFile.objects.filter(document_id=OuterRef("document_id"))
        .annotate(latest_outcome=latest_outcome_of_file())
        .filter(latest_outcome=VerificationOutcome.INVALID)
    )


@dataclass(frozen=True)
class SignatureLine:
    field_name: str
    signer_name: str
    signing_time: dt.datetime | None
    timestamped: bool
    covers_whole_document: bool
    intact: bool
    trusted: bool
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FileSignatures:
    file: DocumentFile
    verification: PdfVerification | None
    signatures: list[SignatureLine]

    @property
    def outcome_text(self) -> str:
        if self.verification is None:
            return NOT_CHECKED
        if self.verification.error:
            return str(self.verification.error)
        return OUTCOME_TEXT[self.verification.outcome]

    @property
    def outcome_class(self) -> str:
        if self.verification is None:
            return "text-bg-light border"
        return OUTCOME_CLASS[self.verification.outcome]

    @property
    def failed(self) -> bool:
        return (
            self.verification is not None
            and self.verification.outcome == VerificationOutcome.INVALID
        )


def _lines(verification: PdfVerification | None) -> list[SignatureLine]:
    if verification is None:
        return []
    lines = []
    for item in verification.report or []:
        moment = item.get("signing_time")
        lines.append(
            SignatureLine(
                field_name=str(item.get("field_name", "")),
                signer_name=str(item.get("signer_name", "")),
                signing_time=dt.datetime.fromisoformat(moment) if moment else None,
                timestamped=bool(item.get("timestamped")),
                covers_whole_document=bool(item.get("covers_whole_document")),
                intact=bool(item.get("intact")),
                trusted=bool(item.get("trusted")),
                problems=[str(p) for p in item.get("problems") or []],
            )
        )
    return lines


def file_signatures(files: list[DocumentFile]) -> list[FileSignatures]:
    """Each PDF file with its latest check (one query for all of them)."""
    pdfs = [f for f in files if f.stored.kind == "pdf"]
    latest = latest_verifications(f.stored.sha256 for f in pdfs)
    return [
        FileSignatures(
            file=f,
            verification=latest.get(f.stored.sha256),
            signatures=_lines(latest.get(f.stored.sha256)),
        )
        for f in pdfs
    ]


def signatures_json(item: DocumentFile, latest: dict[str, PdfVerification]) -> list[dict[str, Any]]:
    """The API's view of a file's latest check: one entry per signature (empty for a file
    not checked, not a PDF, or without signatures)."""
    verification = latest.get(item.stored.sha256)
    if verification is None or item.stored.kind != "pdf":
        return []
    return [
        {**signature, "outcome": verification.outcome} for signature in verification.report or []
    ]


# -- the page ------------------------------------------------------------------------------


def signatures_panel(request: HttpRequest, incoming: IncomingDocument) -> dict[str, Any] | None:
    """The "Chữ ký số" section of the document page; nothing when it has no PDF file or
    its files are withdrawn."""
    if not files_available(incoming):
        return None
    rows = file_signatures(_pdf_files(incoming))
    if not rows:
        return None
    return {
        "template": TEMPLATE,
        "signature_rows": rows,
        "signature_failed": any(r.failed for r in rows),
        "signature_flag": FLAG_TEXT,
        "can_reverify": can_register(request.user, incoming.agency_id),
    }


@login_required
@require_POST
def reverify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk checks the document's signatures again."""
    try:
        incoming = incoming_for(request.user, pk, action="update")
    except NotFound:
        raise Http404() from None
    if not files_available(incoming):
        messages.error(request, FILES_WITHDRAWN_MESSAGE)
        return redirect("incoming:detail", pk=pk)
    results = incoming_signatures_check(incoming=incoming, actor=request.user)
    failed = sum(1 for r in results if r.outcome == VerificationOutcome.INVALID)
    if failed:
        messages.warning(request, f"Đã kiểm tra lại chữ ký số: {failed} tệp có chữ ký lỗi.")
    else:
        messages.success(request, f"Đã kiểm tra lại chữ ký số của {len(results)} tệp.")
    return redirect("incoming:detail", pk=pk)
