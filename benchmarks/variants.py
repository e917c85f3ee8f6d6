"""An experiment, not product code: `incoming_register` with its steps reordered so that the
register book's row lock is taken as late as possible.

The product's service takes the arrival number (and with it the lock on the book row) right
after inserting the document, then stores the files, links them, writes the history and the
journal, and commits: every other registration of the agency waits for all of that. Here the
files are stored and linked before the number is taken; everything else — checks, statements,
rows, audit events, one transaction — is the same. `bench_register.py --variant number-last`
measures the difference; `--variant short-lock` also takes the number with one
UPDATE … RETURNING. They reuse the service's private helpers, so they follow them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import DuplicateSuspected
from govdoc.documents.models import Direction, Document
from govdoc.documents.pdf_info import pdf_page_count
from govdoc.documents.services import files_attach, search_text_for
from govdoc.incoming.duplicates import find_duplicate
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import _check_all, _history, _require_clerk
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency
from govdoc.registers.models import BookKind
from govdoc.registers.services import book_for, entry_set_target, number_allocate


def register_number_last(
    *, agency: Agency, data: IncomingInput, actor: Any, arrived_at: dt.datetime | None = None
) -> IncomingDocument:
    _require_clerk(actor, agency)
    checked = _check_all(data, agency=agency)
    duplicate = find_duplicate(data, agency=agency, issuer_name=checked.issuer_name)
    reason = " ".join(data.duplicate_reason.split())
    if duplicate is not None and not reason:
        raise DuplicateSuspected("Văn bản có thể trùng.")
    page_count = data.page_count
    if page_count is None and data.main_file is not None and data.main_file.data[:5] == b"%PDF-":
        page_count = pdf_page_count(data.main_file.data)
    now = arrived_at or timezone.now()
    year = timezone.localdate(now).year
    book = book_for(agency=agency, year=year, kind=BookKind.INCOMING)
    with transaction.atomic():
        document = Document(
            agency=agency,
            direction=Direction.INCOMING,
            document_type=checked.document_type,
            code_number=data.code_number.strip(),
            code_notation=data.code_notation.strip(),
            issued_date=data.issued_date,
            issuer=checked.issuer,
            issuer_name=checked.issuer_name,
            subject=" ".join(data.subject.split()),
            language=data.language or "Tiếng Việt",
            page_count=page_count,
            signer_name=data.signer_name.strip(),
            signer_position=data.signer_position.strip(),
            priority=data.priority,
            due_date=data.due_date,
            document_identifier=data.document_identifier.strip(),
        )
        document.search_text = search_text_for(document)
        document.save()
        # The difference: files first, the numbered (locked) part last.
        files_attach(
            document=document, main=data.main_file, attachments=list(data.attachments), actor=actor
        )
        entry = number_allocate(
            book=book, actor=actor, target_type="incoming.incomingdocument", label=document.subject
        )
        incoming = IncomingDocument.objects.create(
            document=document,
            agency=agency,
            register_entry=entry,
            arrival_number=entry.number,
            arrival_year=year,
            arrival_date=now,
            medium=data.medium,
            status=Status.REGISTERED,
            receiving_unit=checked.receiving_unit,
            receiving_person=checked.receiving_person,
            to_places=data.to_places.strip(),
            notes=data.notes.strip(),
            duplicate_of=duplicate if reason else None,
            duplicate_reason=reason if duplicate is not None else "",
            registered_by=actor,
        )
        entry_set_target(entry=entry, target_id=str(incoming.pk))
        _history(
            incoming,
            actor=actor,
            action="register",
            to_status=Status.REGISTERED,
            data={"arrival_number": entry.number},
        )
        audit_record(
            actor=actor,
            action="incoming.register",
            target=incoming,
            agency_id=agency.pk,
            data={"arrival_number": entry.number, "year": year, "duplicate_of": None},
        )
    return incoming


def _allocate_in_one_statement(*, book: Any, actor: Any, label: str) -> Any:
    """number_allocate with the counter taken by one UPDATE … RETURNING (the row lock comes
    with the UPDATE) instead of SELECT … FOR UPDATE followed by UPDATE."""
    from django.db import connection

    from govdoc.core.errors import Conflict
    from govdoc.registers.models import RegisterEntry

    table = book._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET last_number = last_number + 1, updated_at = %s '
            "WHERE id = %s AND NOT is_closed RETURNING last_number",
            [timezone.now(), book.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Conflict("Sổ đã khóa, không cấp thêm số.")
    entry = RegisterEntry.objects.create(
        book=book,
        number=row[0],
        given_at=timezone.now(),
        given_by=actor,
        target_type="incoming.incomingdocument",
        label=label[:500],
    )
    audit_record(
        actor=actor,
        action="register.number",
        target=entry,
        agency_id=book.agency_id,
        data={"book": book.pk, "number": entry.number, "target": "incoming.incomingdocument:"},
    )
    return entry


def register_short_lock(
    *, agency: Agency, data: IncomingInput, actor: Any, arrived_at: dt.datetime | None = None
) -> IncomingDocument:
    """As `register_number_last`, and the number taken by one UPDATE … RETURNING."""
    _require_clerk(actor, agency)
    checked = _check_all(data, agency=agency)
    duplicate = find_duplicate(data, agency=agency, issuer_name=checked.issuer_name)
    if duplicate is not None:
        raise DuplicateSuspected("Văn bản có thể trùng.")
    page_count = data.page_count
    if page_count is None and data.main_file is not None and data.main_file.data[:5] == b"%PDF-":
        page_count = pdf_page_count(data.main_file.data)
    now = arrived_at or timezone.now()
    year = timezone.localdate(now).year
    book = book_for(agency=agency, year=year, kind=BookKind.INCOMING)
    with transaction.atomic():
        document = Document(
            agency=agency,
            direction=Direction.INCOMING,
            document_type=checked.document_type,
            code_number=data.code_number.strip(),
            code_notation=data.code_notation.strip(),
            issued_date=data.issued_date,
            issuer=checked.issuer,
            issuer_name=checked.issuer_name,
            subject=" ".join(data.subject.split()),
            language=data.language or "Tiếng Việt",
            page_count=page_count,
            signer_name=data.signer_name.strip(),
            signer_position=data.signer_position.strip(),
            priority=data.priority,
            due_date=data.due_date,
            document_identifier=data.document_identifier.strip(),
        )
        document.search_text = search_text_for(document)
        document.save()
        files_attach(
            document=document, main=data.main_file, attachments=list(data.attachments), actor=actor
        )
        entry = _allocate_in_one_statement(book=book, actor=actor, label=document.subject)
        incoming = IncomingDocument.objects.create(
            document=document,
            agency=agency,
            register_entry=entry,
            arrival_number=entry.number,
            arrival_year=year,
            arrival_date=now,
            medium=data.medium,
            status=Status.REGISTERED,
            receiving_unit=checked.receiving_unit,
            receiving_person=checked.receiving_person,
            to_places=data.to_places.strip(),
            notes=data.notes.strip(),
            registered_by=actor,
        )
        entry_set_target(entry=entry, target_id=str(incoming.pk))
        _history(
            incoming,
            actor=actor,
            action="register",
            to_status=Status.REGISTERED,
            data={"arrival_number": entry.number},
        )
        audit_record(
            actor=actor,
            action="incoming.register",
            target=incoming,
            agency_id=agency.pk,
            data={"arrival_number": entry.number, "year": year, "duplicate_of": None},
        )
    return incoming
