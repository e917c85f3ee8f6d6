"""Issuance by the clerk, in NĐ 30's order (Điều 15–18): the number and date from the right
outgoing book, written into the signed document; the entry in the "Sổ đăng ký văn bản đi";
the agency's signature; dispatch.

Numbering and the agency's signature are two steps so that no number is ever lost or given
twice: the number is taken and registered in one transaction (the draft becomes NUMBERED);
the agency's signature is made outside any transaction; a second transaction stores the
issued files, marks the document issued and dispatches it. If the agency's signature fails
(a wrong password, a missing token), the document keeps its number and waits, NUMBERED, for
the clerk to try again — it never takes a second one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.db import reserve_id
from govdoc.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import Direction, Document, DocumentFile, FileRole
from govdoc.documents.services import index_text
from govdoc.documents.sniffing import PDF
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.organizations.models import Agency, Unit
from govdoc.outgoing.access import is_clerk
from govdoc.outgoing.models import Draft, DraftVersion, OutgoingDocument
from govdoc.outgoing.services.common import journal, locked, move
from govdoc.outgoing.services.credentials import NO_AGENCY_CREDENTIAL, has_agency_credential
from govdoc.outgoing.services.dispatching import dispatch_all
from govdoc.outgoing.workflow import DraftStatus
from govdoc.registers.models import BookKind, RegisterBook
from govdoc.registers.numbering import format_number
from govdoc.registers.services import book_for, entry_set_target, number_allocate
from govdoc.signatures.signing import sign_as_agency

ONLY_CLERK = "Chỉ văn thư của cơ quan được cấp số và phát hành văn bản."


@dataclass(frozen=True)
class IssueResult:
    outgoing: OutgoingDocument
    notes: str
    """Problems met along the way (e.g. no place for the number in an uploaded PDF)."""


def symbol_for(draft: Draft, agency: Agency) -> str:
    """The symbol (ký hiệu): "QĐ-BTNMT"; for công văn "BTNMT-VP" (NĐ 30 Phụ lục I)."""
    agency_abbr = agency.abbreviation.strip().upper()
    type_abbr = draft.document_type.abbreviation.strip()
    if not agency_abbr:
        raise ValidationFailed(
            "Cơ quan chưa có chữ viết tắt: quản trị cần khai báo trước khi cấp số.",
        )
    if type_abbr:
        return f"{type_abbr}-{agency_abbr}"
    unit_abbr = draft.drafting_unit.abbreviation.strip().upper()
    if not unit_abbr:
        raise ValidationFailed(
            f"Đơn vị {draft.drafting_unit.name} chưa có chữ viết tắt để ghi ký hiệu công văn."
        )
    return f"{agency_abbr}-{unit_abbr}"


def book_of(draft: Draft, agency: Agency, year: int) -> RegisterBook:
    """Legal documents have a series per type; every other document shares the outgoing book."""
    if draft.document_type.is_legal and draft.document_type.abbreviation:
        return book_for(
            agency=agency, year=year, kind=BookKind.LEGAL, series=draft.document_type.abbreviation
        )
    return book_for(agency=agency, year=year, kind=BookKind.OUTGOING)


def document_identifier(agency: Agency, day: dt.date, code: str) -> str:
    """edXML DocumentId: "{OrganId},{yyyy/MM/dd},{number}/{symbol}"."""
    return f"{agency.organ_id},{day:%Y/%m/%d},{code}"


def _journal_refusal(draft: Draft, actor: Any, error: DomainError) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing.issue_refused",
            target=draft,
            agency_id=draft.agency_id,
            data={"status": draft.status, "error": error.message[:500]},
        )


def draft_number(
    *, draft: Draft, actor: Any, keeping_unit_id: int | None = None
) -> OutgoingDocument:
    """Give the signed draft its number and date and register it (one transaction)."""
    agency = draft.agency
    if not is_clerk(actor, agency.pk):
        raise Forbidden(ONLY_CLERK)
    keeping_unit = (
        Unit.objects.filter(pk=keeping_unit_id, agency=agency).first() if keeping_unit_id else None
    )
    if keeping_unit_id and keeping_unit is None:
        message = "Đơn vị giữ bản lưu phải là một đơn vị của cơ quan."
        raise ValidationFailed(message, fields={"keeping_unit": message})
    symbol = symbol_for(draft, agency)
    if not has_agency_credential(agency):
        # Refused before a number is taken: the document could not be sealed.
        raise ValidationFailed(NO_AGENCY_CREDENTIAL)
    # Read before the book's lock is taken: everything slow stays outside it.
    page_count = _page_count(draft.signed_version)
    now = timezone.now()
    today = timezone.localdate(now)
    book = book_of(draft, agency, today.year)
    with transaction.atomic():
        current = locked(draft)
        if current.status == DraftStatus.ISSUED:
            raise InvalidTransition(
                f"Văn bản đã được phát hành với số {current.outgoing.document.code}."
            )
        if current.status == DraftStatus.NUMBERED:
            return current.outgoing
        if current.status != DraftStatus.SIGNED:
            raise InvalidTransition("Văn bản chưa được người có thẩm quyền ký: chưa cấp số được.")
        outgoing_id = reserve_id(OutgoingDocument)
        entry = number_allocate(
            book=book,
            actor=actor,
            target_type="outgoing.outgoingdocument",
            target_id="" if outgoing_id is None else str(outgoing_id),
            label=current.subject,
            priority=int(current.priority),
            given_at=now,
        )
        code_number = format_number(entry.number)
        code = f"{code_number}/{symbol}"
        document = Document(
            agency=agency,
            direction=Direction.OUTGOING,
            document_type=current.document_type,
            code_number=code_number,
            code_notation=symbol,
            issued_date=today,
            issuer=agency,
            issuer_name=agency.name,
            subject=current.subject,
            signer_name=_name(current.signer)[:50],
            signer_position=current.signer_position[:100],
            priority=current.priority,
            due_date=current.due_date,
            description=current.description,
            document_identifier=document_identifier(agency, today, code),
            page_count=page_count,
        )
        index_text(document)
        document.save()
        outgoing = OutgoingDocument.objects.create(
            id=outgoing_id,
            document=document,
            agency=agency,
            draft=current,
            register_entry=entry,
            number=entry.number,
            year=today.year,
            numbered_at=now,
            numbered_by=actor,
            keeping_unit=keeping_unit or current.drafting_unit,
        )
        if outgoing_id is None:
            entry_set_target(entry=entry, target_id=str(outgoing.pk))
        move(
            current,
            action="number",
            actor=actor,
            note=f"Cấp số {code}, ngày {today:%d/%m/%Y}",
            data={"number": entry.number, "code": code, "book": book.pk},
        )
    return outgoing


def draft_issue(
    *,
    draft: Draft,
    actor: Any,
    password: str | None = None,
    pin: str | None = None,
    keeping_unit_id: int | None = None,
) -> IssueResult:
    """Number (if not yet), write the number and date, apply the agency's signature to the
    document and its attachments, store the issued files and dispatch."""
    try:
        outgoing = draft_number(draft=draft, actor=actor, keeping_unit_id=keeping_unit_id)
    except DomainError as error:
        _journal_refusal(draft, actor, error)
        raise
    draft.refresh_from_db()
    document = outgoing.document
    signed = draft.signed_version
    assert signed is not None and signed.pdf is not None
    code = document.code
    notes: list[str] = []
    # LibreOffice-free, but pyHanko's font machinery is heavy: imported when issuing.
    from govdoc.outgoing.drafting.content import vietnamese_date_text
    from govdoc.outgoing.drafting.number_fields import NumberFieldsError, write_number_and_date

    pdf = open_stored(signed.pdf)
    try:
        written = write_number_and_date(
            pdf,
            number=document.code_number,
            date_text=vietnamese_date_text(document.issued_date or timezone.localdate()),
        )
        pdf, missing = written.pdf, written.missing
    except NumberFieldsError as error:
        missing = ("[SO]", "[NGAY_BAN_HANH]")
        notes.append(str(error))
    if missing:
        notes.append(
            "Không tìm thấy chỗ ghi số hoặc ngày trong văn bản; số và ngày có trong sổ và "
            "trong chữ ký số của cơ quan."
        )
    try:
        sealed = sign_as_agency(
            pdf=pdf,
            actor=actor,
            agency=draft.agency,
            password=password,
            pin=pin,
            number_symbol=code,
        )
        stamped = [
            (
                attachment,
                sign_as_agency(
                    pdf=open_stored(attachment.stored),
                    actor=actor,
                    agency=draft.agency,
                    password=password,
                    pin=pin,
                    number_symbol=code,
                    attachment=True,
                ).pdf
                if attachment.stored.kind == PDF.key
                else None,
            )
            for attachment in draft.attachments.filter(removed_at__isnull=True).select_related(
                "stored"
            )
        ]
    except DomainError as error:
        raise ValidationFailed(
            f"Văn bản đã được cấp số {code}. Chưa ký số được chữ ký của cơ quan: "
            f"{error.message} Hãy thử lại: văn bản giữ nguyên số đã cấp.",
            fields=error.fields,
        ) from None
    with transaction.atomic():
        current = locked(draft)
        if current.status != DraftStatus.NUMBERED:
            raise Conflict(f"Văn bản {code} vừa được phát hành bởi người khác.")
        issued = store_bytes(data=sealed.pdf, kind=PDF)
        now = timezone.now()
        last = current.versions.order_by("-number").values_list("number", flat=True).first() or 0
        DraftVersion.objects.create(
            draft=current,
            number=last + 1,
            source=DraftVersion.Source.ISSUED,
            body=issued,
            body_name=f"{code.replace('/', '-')}.pdf"[:255],
            pdf=issued,
            note=f"Bản phát hành số {code}",
            created_at=now,
            created_by=actor,
        )
        DocumentFile.objects.create(
            document=document,
            stored=issued,
            role=FileRole.MAIN,
            name=f"{code.replace('/', '-')}.pdf",
            position=0,
            added_by=actor,
        )
        for position, (attachment, stamped_pdf) in enumerate(stamped, start=1):
            stored = (
                store_bytes(data=stamped_pdf, kind=PDF)
                if stamped_pdf is not None
                else attachment.stored
            )
            DocumentFile.objects.create(
                document=document,
                stored=stored,
                role=FileRole.ATTACHMENT,
                name=attachment.name,
                position=position,
                added_by=actor,
            )
        OutgoingDocument.objects.filter(pk=outgoing.pk).update(
            issued_at=now, issued_by=actor, issue_notes=" ".join(notes)[:500]
        )
        outgoing.refresh_from_db()
        move(
            current,
            action="issue",
            actor=actor,
            note=f"Phát hành văn bản số {code}",
            data={"code": code, "sha256": issued.sha256, "notes": notes},
        )
        journal(current, actor=actor, action="issued", data={"outgoing": outgoing.pk, "code": code})
        dispatch_all(outgoing, actor=actor)
        _complete_reply(current, outgoing)
    return IssueResult(outgoing=outgoing, notes=" ".join(notes))


def _complete_reply(draft: Draft, outgoing: OutgoingDocument) -> None:
    """A reply closes the loop: the incoming document's handling is completed by its lead
    handler (the drafter) when the drafter asked for it."""
    if draft.reply_to_id is None or not draft.complete_reply:
        return
    from govdoc.outgoing.services.replies import complete_incoming_with_reply

    complete_incoming_with_reply(draft, outgoing)


def _page_count(version: DraftVersion | None) -> int | None:
    if version is None or version.pdf is None:
        return None
    from govdoc.documents.pdf_info import pdf_page_count

    try:
        return pdf_page_count(open_stored(version.pdf))
    except Exception:
        return None


def _name(person: Any) -> str:
    return str(getattr(person, "full_name", "") or person.get_username())
