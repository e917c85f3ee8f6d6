"""Hand-over: the administrator gives everything a leaving person holds to another — files,
open assignments, drafts, approval steps — with a trace on each and one journal event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.assignments.models import Assignment, HandlingHistory
from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core.errors import Forbidden, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile
from govdoc.records.services.files import FileInput, Retention, case_file_open
from govdoc.records.services.handover import handover
from govdoc.records.tests.file_helpers import handled

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(ministry: Agency, units: dict[str, Unit]) -> User:
    return make_person(
        "kethua",
        agency=ministry,
        roles=[Role.SPECIALIST],
        unit=units["DD"],
        full_name="Ngô Kế Thừa",
    )


def test_everything_the_person_holds_goes_to_the_successor(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, successor: User
) -> None:
    leaving = personas["specialist"]
    case_file = case_file_open(
        actor=leaving, data=FileInput(title="Hồ sơ A", notation="01.DD", retention=Retention(True))
    )
    open_work = handled(personas, ministry, doc_type, complete=False)
    counts = handover(
        actor=personas["admin"], from_person=leaving, to_person=successor, reason="Nghỉ hưu"
    )
    assert (counts.files, counts.assignments) == (1, 1)
    case_file.refresh_from_db()
    assert case_file.owner == successor
    assert case_file.history.filter(action="handover", note__contains="Nghỉ hưu").exists()
    lead = Assignment.objects.get(incoming=open_work)
    assert lead.assignee_person == successor
    assert HandlingHistory.objects.filter(assignment=lead, action="handover").exists()
    event = AuditEvent.objects.get(action="records.handover")
    assert event.data["files"] == 1 and event.data["to"] == successor.pk


def test_only_the_administrator_hands_over_with_a_reason_to_a_colleague(
    personas: dict[str, User], successor: User
) -> None:
    leaving = personas["specialist"]
    case_file_open(
        actor=leaving, data=FileInput(title="Hồ sơ B", notation="02.DD", retention=Retention(True))
    )
    for who in ("leader", "clerk", "unit_head"):
        with pytest.raises(Forbidden):
            handover(actor=personas[who], from_person=leaving, to_person=successor, reason="x")
    with pytest.raises(ValidationFailed) as error:
        handover(
            actor=personas["admin"], from_person=leaving, to_person=personas["outsider"], reason=""
        )
    assert set(error.value.fields) == {"reason", "to_person"}
    assert CaseFile.objects.get().owner == leaving
    assert not AuditEvent.objects.filter(action="records.handover").exists()


def test_the_handover_page(
    personas: dict[str, User], successor: User, client_for: Callable[[User], Any]
) -> None:
    leaving = personas["specialist"]
    case_file_open(
        actor=leaving, data=FileInput(title="Hồ sơ C", notation="03.DD", retention=Retention(True))
    )
    assert client_for(personas["leader"]).get(reverse("records:handover")).status_code == 404
    admin = client_for(personas["admin"])
    preview = admin.get(reverse("records:handover"), {"tu": leaving.pk}).content.decode()
    assert 'data-testid="handover-preview"' in preview and "<strong>1</strong> hồ sơ" in preview
    refused = admin.post(reverse("records:handover"), {"tu": leaving.pk, "cho": successor.pk})
    assert refused.status_code == 400 and "Vui lòng ghi lý do bàn giao." in refused.content.decode()
    done = admin.post(
        reverse("records:handover"),
        {"tu": leaving.pk, "cho": successor.pk, "reason": "Chuyển công tác"},
    )
    assert done.status_code == 302
    assert CaseFile.objects.get().owner == successor
