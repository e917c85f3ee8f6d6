"""Two leaders assigning the same document at the same moment: one lead is given, the other
leader is told the document was just handled, and nothing half-written remains."""

from __future__ import annotations

import threading

from django.db import connections

from govdoc.assignments.models import Assignment, HandlingHistory
from govdoc.assignments.services import AssigneeInput, incoming_assign
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_person
from govdoc.core.calendar import add_working_days
from govdoc.core.dates import today
from govdoc.core.errors import Conflict, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role


def test_two_leaders_at_once_give_one_lead(
    committed_db: None,
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> None:
    # given a presented document and two leaders of the agency
    second = make_person("lanhdao2", agency=ministry, roles=[Role.AGENCY_LEADER])
    incoming = incoming_register(
        agency=ministry, data=incoming_input(doc_type), actor=personas["clerk"]
    )
    incoming_present(incoming=incoming, leader=personas["leader"], actor=personas["clerk"])
    due = add_working_days(today(), 10)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def leader_assigns(leader: User, unit: Unit) -> None:
        try:
            barrier.wait(timeout=30)
            incoming.refresh_from_db()
            incoming_assign(
                incoming=incoming,
                instruction=f"Giao {unit.name} chủ trì.",
                assignees=[AssigneeInput(role=HandlingRole.LEAD, unit_id=unit.pk, due_date=due)],
                actor=leader,
            )
            outcomes.append("assigned")
        except Conflict:
            outcomes.append("conflict")
        except ValidationFailed as error:
            outcomes.append(f"invalid: {error.fields}")
        finally:
            connections.close_all()

    # when both assign a lead at the same moment
    threads = [
        threading.Thread(target=leader_assigns, args=(personas["leader"], units["DD"])),
        threading.Thread(target=leader_assigns, args=(second, units["TCCB"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one lead was given, the other leader was refused, and one step was recorded
    assert sorted(outcomes) == ["assigned", "conflict"]
    assert Assignment.objects.filter(role=HandlingRole.LEAD).count() == 1
    assert HandlingHistory.objects.filter(action="assign").count() == 1
