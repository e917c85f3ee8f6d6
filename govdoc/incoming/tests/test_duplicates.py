"""The duplicate warning compares the issuer in the query: a common number and symbol used
by many issuers never hides the real duplicate."""

from __future__ import annotations

import pytest

from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType
from govdoc.incoming.duplicates import find_duplicate
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency, User

pytestmark = pytest.mark.django_db


def test_the_duplicate_is_found_among_many_issuers_with_the_same_number(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    # given 25 districts' "01/QĐ-UBND" of this year, registered before the one we look for
    clerk = personas["clerk"]
    for n in range(25):
        incoming_register(
            agency=ministry,
            data=incoming_input(
                doc_type,
                code_number="01",
                code_notation="QĐ-UBND",
                issuer_name=f"Ủy ban nhân dân huyện số {n}",
            ),
            actor=clerk,
        )
    target = incoming_register(
        agency=ministry,
        data=incoming_input(
            doc_type,
            code_number="01",
            code_notation="QĐ-UBND",
            issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        ),
        actor=clerk,
    )
    # when the same document arrives again, its issuer typed without accents and in lower case
    again = incoming_input(
        doc_type,
        code_number="01",
        code_notation="qđ-ubnd",
        issuer_name="uy ban nhan dan  tinh nghe an",
    )
    # then the earlier registration is found
    assert find_duplicate(again, agency=ministry, issuer_name=again.issuer_name) == target
    # and another district's document is not taken for it
    other = incoming_input(
        doc_type, code_number="01", code_notation="QĐ-UBND", issuer_name="UBND huyện khác"
    )
    assert find_duplicate(other, agency=ministry, issuer_name=other.issuer_name) is None
