"""Copies (NĐ 30 Điều 25–27): sao y, sao lục and trích sao of a document, numbered in the
agency's copies book ("05/SY-VP"), with the agency's copy signature at the top right of the
first page (text only: the number and symbol and the signing time).

Like issuance, the number is taken first (one transaction) and the signature made after,
outside any transaction; a copy whose signature failed keeps its number and is signed again
with `copy_sign`."""

from __future__ import annotations

import io
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from govdoc.documents.models import Document, FileRole
from govdoc.documents.sniffing import PDF
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.incoming.access import visible_incoming
from govdoc.outgoing.access import is_clerk, visible_outgoing
from govdoc.outgoing.models import DocumentCopy
from govdoc.outgoing.services.credentials import NO_AGENCY_CREDENTIAL, has_agency_credential
from govdoc.outgoing.workflow import FROZEN_OUTGOING, CopyKind
from govdoc.registers.models import BookKind
from govdoc.registers.numbering import format_number
from govdoc.registers.services import book_for, entry_set_target, number_allocate
from govdoc.signatures.signing import sign_as_agency


def _readable(actor: Any, source: Document) -> bool:
    """The copy is made of a document the clerk may read (checked here too, not only by the
    page that offers it)."""
    if source.direction == "OUTGOING":
        return visible_outgoing(actor, source.agency_id).filter(document_id=source.pk).exists()
    return visible_incoming(actor, source.agency_id).filter(document_id=source.pk).exists()


PAGES = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


def _main_pdf(source: Document) -> bytes:
    item = (
        source.files.filter(role=FileRole.MAIN, stored__kind=PDF.key)
        .select_related("stored")
        .order_by("position", "pk")
        .first()
    )
    if item is None:
        raise ValidationFailed("Văn bản không có tệp PDF chính để sao.")
    return open_stored(item.stored)


def parse_pages(text: str, *, page_count: int) -> list[int]:
    """ "1-2, 4" → [0, 1, 3] (indexes), every page inside the document."""
    if not PAGES.match(text or ""):
        raise ValidationFailed(
            "Ghi các trang cần trích sao, ví dụ 1-2, 4.",
            fields={"pages": "Ghi các trang cần trích sao, ví dụ 1-2, 4."},
        )
    pages: list[int] = []
    for part in text.split(","):
        bounds = [int(p) for p in part.split("-")]
        first, last = bounds[0], bounds[-1]
        if first < 1 or last > page_count or first > last:
            message = f"Văn bản có {page_count} trang: trang {part.strip()} không có."
            raise ValidationFailed(message, fields={"pages": message})
        pages.extend(range(first - 1, last))
    return pages


def _extract(pdf: bytes, pages: list[int]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    writer = PdfWriter()
    for index in pages:
        writer.add_page(reader.pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf), strict=False).pages)


def copy_make(
    *,
    source: Document,
    kind: str,
    actor: Any,
    pages: str = "",
    recipients: str = "",
    password: str | None = None,
    pin: str | None = None,
) -> DocumentCopy:
    """Number a copy of `source` (a document the caller checked the actor may read) and
    sign it with the agency's copy signature."""
    agency = actor.agency
    if agency is None or not is_clerk(actor, agency.pk):
        raise Forbidden("Chỉ văn thư được sao văn bản.")
    if source.agency_id != agency.pk or not _readable(actor, source):
        raise NotFound()
    if not has_agency_credential(agency):
        raise ValidationFailed(NO_AGENCY_CREDENTIAL)
    if kind not in CopyKind.values:
        raise ValidationFailed(
            "Chọn hình thức sao.", fields={"kind": "Chọn sao y, sao lục hoặc trích sao."}
        )
    outgoing = getattr(source, "outgoing", None) if source.direction == "OUTGOING" else None
    if outgoing is not None and outgoing.status in FROZEN_OUTGOING:
        raise InvalidTransition("Văn bản đã bị thu hồi hoặc thay thế: không sao được.")
    if not agency.abbreviation.strip():
        raise ValidationFailed("Cơ quan chưa có chữ viết tắt để ghi ký hiệu bản sao.")
    pdf = _main_pdf(source)
    selection = ""
    if kind == CopyKind.TRS:
        indexes = parse_pages(pages, page_count=_page_count(pdf))
        pdf = _extract(pdf, indexes)
        selection = " ".join(pages.split())
    now = timezone.now()
    year = timezone.localdate(now).year
    book = book_for(agency=agency, year=year, kind=BookKind.COPY)
    with transaction.atomic():
        unsigned = store_bytes(data=pdf, kind=PDF)
        entry = number_allocate(
            book=book,
            actor=actor,
            target_type="outgoing.documentcopy",
            label=f"{CopyKind(kind).label}: {source.code} {source.subject}",
            priority=int(source.priority),
            given_at=now,
        )
        code = f"{format_number(entry.number)}/{kind}-{agency.abbreviation.strip().upper()}"
        copy = DocumentCopy.objects.create(
            agency=agency,
            source=source,
            kind=kind,
            register_entry=entry,
            number=entry.number,
            year=year,
            code=code,
            pages=selection,
            recipients=recipients.strip()[:1000],
            stored=unsigned,
            created_at=now,
            created_by=actor,
        )
        entry_set_target(entry=entry, target_id=str(copy.pk))
        audit_record(
            actor=actor,
            action="outgoing.copy",
            target=copy,
            agency_id=agency.pk,
            data={"source": source.pk, "kind": kind, "code": code},
        )
    return copy_sign(copy=copy, actor=actor, password=password, pin=pin)


def copy_sign(
    *, copy: DocumentCopy, actor: Any, password: str | None = None, pin: str | None = None
) -> DocumentCopy:
    if copy.signed_at is not None:
        return copy
    if not is_clerk(actor, copy.agency_id):
        raise Forbidden("Chỉ văn thư được ký số bản sao.")
    try:
        signed = sign_as_agency(
            pdf=open_stored(copy.stored),
            actor=actor,
            agency=copy.agency,
            password=password,
            pin=pin,
            number_symbol=copy.code,
            attachment=True,
        )
    except DomainError as error:
        raise ValidationFailed(
            f"Bản sao đã được cấp số {copy.code}; chưa ký số được: {error.message} "
            "Hãy ký lại: bản sao giữ nguyên số đã cấp.",
            fields=error.fields,
        ) from None
    with transaction.atomic():
        stored = store_bytes(data=signed.pdf, kind=PDF)
        updated = DocumentCopy.objects.filter(pk=copy.pk, signed_at__isnull=True).update(
            signed=stored, signed_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=actor,
                action="outgoing.copy_signed",
                target=copy,
                agency_id=copy.agency_id,
                data={"code": copy.code, "sha256": stored.sha256},
            )
    copy.refresh_from_db()
    return copy
