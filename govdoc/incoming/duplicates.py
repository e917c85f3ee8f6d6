"""Duplicate warning (NĐ 30 Phụ lục VI F1.h): same document identifier, or the same number,
symbol and issuing agency within the year."""

from __future__ import annotations

from django.db.models import Q, Value
from django.db.models.functions import Upper

from govdoc.core.text import fold
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency


def find_duplicate(
    data: IncomingInput, *, agency: Agency, issuer_name: str, exclude_pk: int | None = None
) -> IncomingDocument | None:
    identifier = data.document_identifier.strip()
    number = data.code_number.strip()
    notation = data.code_notation.strip()
    by_identifier = Q(document__document_identifier=identifier) if identifier else None
    # UPPER on both sides, by the database: the form the expression index on documents
    # holds, on PostgreSQL and SQLite alike.
    by_code = (
        Q(
            code_number_upper=Upper(Value(number)),
            code_notation_upper=Upper(Value(notation)),
            document__issued_date__year=data.issued_date.year,
        )
        if number and notation and data.issued_date is not None
        else None
    )
    conditions = [c for c in (by_identifier, by_code) if c is not None]
    if not conditions:
        return None
    matches = conditions[0]
    for condition in conditions[1:]:
        matches |= condition
    candidates = (
        IncomingDocument.objects.filter(agency=agency, document__agency=agency)
        .annotate(
            code_number_upper=Upper("document__code_number"),
            code_notation_upper=Upper("document__code_notation"),
        )
        .exclude(status=Status.ANNULLED)
        .filter(matches)
        .select_related("document")
        .order_by("arrival_date")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    wanted_issuer = fold(issuer_name)
    for candidate in candidates[:20]:
        document = candidate.document
        if identifier and document.document_identifier == identifier:
            return candidate
        # Issuer names typed by hand may differ in accents, case or spacing.
        same_issuer = (data.issuer_id is not None and document.issuer_id == data.issuer_id) or fold(
            document.issuer_name
        ) == wanted_issuer
        if same_issuer:
            return candidate
    return None
