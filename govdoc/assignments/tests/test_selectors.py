"""The work queues and their counters, per persona, on work built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from govdoc.assignments.selectors import (
    QUEUES,
    QueueFilters,
    extensions_to_decide,
    opinions_asked_of_me,
    presented_to_me,
    queue,
    queue_counts,
)
from govdoc.assignments.services import assignment_mark_read, opinion_answer
from govdoc.assignments.tests import _queue_scenario as scenario
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(
    time_machine: Any,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> scenario.Scenario:
    return scenario.build(time_machine, team, ministry, units, doc_type)


def _agency(user: User) -> int | None:
    return user.agency_id


@pytest.mark.parametrize("persona", scenario.PERSONAS)
def test_every_queue_holds_exactly_the_personas_work(work: scenario.Scenario, persona: str) -> None:
    # Given the ministry's work in every state
    actor = work.team[persona]
    expected = scenario.EXPECTED[persona]
    for name in QUEUES:
        # When the persona opens the queue
        rows = list(queue(actor=actor, agency_id=_agency(actor), name=name, filters=QueueFilters()))
        # Then it holds exactly their items, each once
        assert len(rows) == len({r.pk for r in rows}), name
        assert work.names(rows) == expected.get(name, set()), f"{persona} {name}"


@pytest.mark.parametrize("persona", scenario.PERSONAS)
def test_presented_opinions_and_extensions_per_persona(
    work: scenario.Scenario, persona: str
) -> None:
    actor = work.team[persona]
    agency_id = _agency(actor)
    expected = scenario.EXPECTED_OTHER[persona]
    presented = list(presented_to_me(actor, agency_id))
    asked = list(opinions_asked_of_me(actor, agency_id, answered=False))
    extensions = list(extensions_to_decide(actor, agency_id))
    assert [i.pk for i in presented] == ([work.doc_b.pk] if expected.get("trinh") else [])
    assert [o.pk for o in asked] == ([work.opinion.pk] if expected.get("xin-y-kien") else [])
    assert [e.pk for e in extensions] == ([work.extension.pk] if expected.get("gia-han") else [])


@pytest.mark.parametrize("persona", scenario.PERSONAS)
def test_counters_equal_the_queue_sizes(work: scenario.Scenario, persona: str) -> None:
    # Given the work; when the counters are computed
    actor = work.team[persona]
    agency_id = _agency(actor)
    counts = queue_counts(actor, agency_id)
    # Then each equals its queue's size (for information: the unread ones, all unread here)
    for name in QUEUES:
        size = queue(actor=actor, agency_id=agency_id, name=name, filters=QueueFilters()).count()
        assert counts.get(name, 0) == size, f"{persona} {name}"
    assert counts["trinh"] == presented_to_me(actor, agency_id).count()
    assert counts["xin-y-kien"] == opinions_asked_of_me(actor, agency_id, answered=False).count()
    assert counts["gia-han"] == extensions_to_decide(actor, agency_id).count()
    # and the actionable total counts new or overdue work once
    assert counts["can-xu-ly"] == len(
        {
            r.pk
            for name in ("cho-xu-ly", "qua-han")
            for r in queue(actor=actor, agency_id=agency_id, name=name, filters=QueueFilters())
        }
    )


def test_reading_and_answering_lower_the_counters_but_keep_the_history(
    work: scenario.Scenario,
) -> None:
    colleague = work.team["colleague"]
    agency_id = _agency(colleague)
    # When the colleague reads the document for information and answers the opinion
    assignment_mark_read(assignment=work.a["A_INFO"], actor=colleague)
    opinion_answer(opinion=work.opinion, answer="Đồng ý diện tích đề nghị.", actor=colleague)
    # Then the counters drop, the "for information" queue still lists it (read)
    counts = queue_counts(colleague, agency_id)
    assert counts["de-biet"] == 0 and counts["xin-y-kien"] == 0
    rows = queue(actor=colleague, agency_id=agency_id, name="de-biet", filters=QueueFilters())
    assert work.names(rows) == {"A_INFO"}
    # and the answered opinion moves to "opinions given"
    given = opinions_asked_of_me(colleague, agency_id, answered=True)
    assert [o.pk for o in given] == [work.opinion.pk]


def test_quick_search_ignores_diacritics(work: scenario.Scenario) -> None:
    specialist = work.team["specialist"]
    agency_id = _agency(specialist)

    def found(name: str, q: str) -> set[str]:
        rows = queue(actor=specialist, agency_id=agency_id, name=name, filters=QueueFilters(q=q))
        return work.names(rows)

    # "dat dai" finds the task "… kiểm kê đất đai …", not "Rà soát quy chế …"
    assert found("cho-xu-ly", "dat dai") == {"O1_spec"}
    assert found("cho-xu-ly", "ĐẤT ĐAI") == {"O1_spec"}
    # and the document "Về việc giao đất đai …" among the work in progress
    assert found("dang-xu-ly", "giao dat") == {"A_spec"}
    assert found("cho-xu-ly", "khong co dau nao") == set()


def test_filters_by_role_and_kind(work: scenario.Scenario) -> None:
    leader = work.team["leader"]
    agency_id = _agency(leader)

    def found(**filters: Any) -> set[str]:
        rows = queue(
            actor=leader, agency_id=agency_id, name="don-vi", filters=QueueFilters(**filters)
        )
        return work.names(rows)

    assert found(role="SUPPORT") == {"A_TCCB", "A_coll"}
    assert found(kind="cong-viec") == {"T_spec", "O1_spec"}
    assert found(kind="van-ban", role="LEAD") == {"A_DD", "A_spec"}


def test_urgent_first_whether_document_or_task(work: scenario.Scenario) -> None:
    # The urgent old task comes first in "khẩn trước" on both databases.
    leader = work.team["leader"]
    rows = list(
        queue(
            actor=leader,
            agency_id=_agency(leader),
            name="toi-giao",
            filters=QueueFilters(sort="khan"),
        )
    )
    assert work.names(rows[:1]) == {"O1_spec"}


def test_no_agency_no_queue(db: None) -> None:
    assert queue_counts(None, None) == {}
    assert not queue(actor=None, agency_id=None, name="cho-xu-ly", filters=QueueFilters()).exists()
