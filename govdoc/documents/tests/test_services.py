"""document_type_save: who may change the type list, and what a refusal leaves behind."""

from __future__ import annotations

from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Forbidden
from govdoc.documents.models import DocumentType
from govdoc.documents.services import document_type_save

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist", "outsider"])
def test_only_an_administrator_saves_types(personas: dict[str, Any], persona: str) -> None:
    actor = personas[persona]
    before = DocumentType.objects.count()
    with pytest.raises(Forbidden):
        document_type_save(
            actor=actor, agency_id=actor.agency_id, name="Giấy xác nhận", abbreviation="GXN"
        )
    assert DocumentType.objects.count() == before
    assert not AuditEvent.objects.filter(action__startswith="doctype.").exists()


def test_admin_of_one_agency_cannot_act_in_the_name_of_another(
    personas: dict[str, Any], other_agency: Any
) -> None:
    with pytest.raises(Forbidden):
        document_type_save(
            actor=personas["admin"], agency_id=other_agency.pk, name="Giấy", abbreviation="G"
        )


def test_create_records_the_agency_and_the_values(personas: dict[str, Any]) -> None:
    admin = personas["admin"]
    saved = document_type_save(
        actor=admin, agency_id=admin.agency_id, name="Luật  mẫu", abbreviation="LM", is_legal=True
    )
    assert (saved.name, saved.is_legal, saved.is_active) == ("Luật mẫu", True, True)
    event = AuditEvent.objects.get(action="doctype.create")
    assert event.agency_id == admin.agency_id
    assert event.data["changes"]["name"] == ["", "Luật mẫu"]
