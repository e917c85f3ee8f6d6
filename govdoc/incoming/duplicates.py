"""Duplicate warning (NĐ 30 Phụ lục VI F1.h): same document identifier, or the same number,
symbol and issuing agency within the year."""

from __future__ import annotations

from django.db.models import Q
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
    # UPPER(column) = the value upper-cased here: the form the expression index on documents
    # holds. (Python's upper-casing, not SQLite's, which knows only ASCII: "qđ" → "QĐ".)
    # The issuer is compared in the query too (its
    # folded name: typed by hand, it may differ in accents, case or spacing), so a common
    # number and symbol ("01/QĐ-UBND") never hides the real duplicate among many.
    same_issuer = Q(document__issuer_folded=fold(issuer_name)[:200])
    if data.issuer_id is not None:
        same_issuer |= Q(document__issuer_id=data.issuer_id)
    by_code = (
        Q(
            code_number_upper=number.upper(),
            code_notation_upper=notation.upper(),
            document__issued_date__year=data.issued_date.year,
        )
        & same_issuer
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
    return candidates.first()
