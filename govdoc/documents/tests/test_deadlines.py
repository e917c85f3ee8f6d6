"""Default deadlines: the most specific rule, counted in working days; the services that
manage the rules (administrators of the agency only, nothing written on refusal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core import calendar as cal
from govdoc.core.calendar import WorkingCalendar
from govdoc.core.errors import Conflict, NotFound, ValidationFailed
from govdoc.documents.deadlines import deadline_rule_for, default_due_date, pick_rule
from govdoc.documents.models import DeadlineRule, DocumentType, Priority
from govdoc.documents.services import (
    deadline_rule_create,
    deadline_rule_delete,
    deadline_rule_update,
)
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db

D = dt.date
FRIDAY_BEFORE_TET = D(2026, 2, 13)


@pytest.fixture(autouse=True)
def _fresh_copy() -> Iterator[None]:
    cal.reset_cache()
    yield
    cal.reset_cache()


@pytest.fixture
def memo(doc_type: DocumentType) -> DocumentType:
    return DocumentType.objects.get(name="Công văn")


def _rule(agency: Agency, days: int, **kwargs: Any) -> DeadlineRule:
    return DeadlineRule.objects.create(agency=agency, working_days=days, **kwargs)


def _snapshot() -> tuple[Any, ...]:
    return (
        list(DeadlineRule.objects.order_by("pk").values()),
        AuditEvent.objects.filter(action__startswith="deadline_rule.").count(),
    )


# ------------------------------------------------------------------- choosing the rule


def test_the_most_specific_rule_applies(
    ministry: Agency, doc_type: DocumentType, memo: DocumentType
) -> None:
    # given the ministry's four kinds of rule
    _rule(ministry, 15)  # any type, any urgency
    _rule(ministry, 7, priority=Priority.URGENT)  # urgent, any type
    _rule(ministry, 10, document_type=doc_type)  # decisions, any urgency
    _rule(ministry, 3, document_type=doc_type, priority=Priority.URGENT)  # urgent decisions

    def days(type_id: int | None, priority: int | None) -> int | None:
        rule = deadline_rule_for(agency_id=ministry.pk, document_type_id=type_id, priority=priority)
        return rule.working_days if rule else None

    # then type and urgency > type > urgency > the agency's default
    assert days(doc_type.pk, Priority.URGENT) == 3
    assert days(doc_type.pk, Priority.NORMAL) == 10
    assert days(memo.pk, Priority.URGENT) == 7
    assert days(memo.pk, Priority.NORMAL) == 15
    assert days(None, None) == 15
    assert days(None, Priority.URGENT) == 7


def test_pick_rule_needs_no_database() -> None:
    rules = [
        DeadlineRule(working_days=15),
        DeadlineRule(working_days=7, priority=1),
        DeadlineRule(working_days=10, document_type_id=5),
    ]
    assert pick_rule(rules, document_type_id=5, priority=1) is rules[2]
    assert pick_rule(rules, document_type_id=6, priority=1) is rules[1]
    assert pick_rule(rules, document_type_id=6, priority=0) is rules[0]
    assert pick_rule(rules[1:], document_type_id=6, priority=0) is None
    assert pick_rule([], document_type_id=None, priority=None) is None


def test_default_due_date_counts_working_days(ministry: Agency, doc_type: DocumentType) -> None:
    # given 5 working days for decisions
    _rule(ministry, 5, document_type=doc_type)
    # when a decision arrives on the Friday before Tết 2026
    due = default_due_date(
        agency_id=ministry.pk,
        document_type_id=doc_type.pk,
        priority=Priority.NORMAL,
        start=FRIDAY_BEFORE_TET,
    )
    # then Tết and the weekends are not counted
    assert due == D(2026, 2, 27)


def test_without_a_fitting_rule_there_is_no_default(
    ministry: Agency, other_agency: Agency, doc_type: DocumentType, memo: DocumentType
) -> None:
    # given a rule for urgent memos only, and a general rule in another agency
    _rule(ministry, 2, document_type=memo, priority=Priority.URGENT)
    _rule(other_agency, 10)
    # then a normal decision at the ministry gets no default deadline
    assert (
        default_due_date(
            agency_id=ministry.pk,
            document_type_id=doc_type.pk,
            priority=Priority.NORMAL,
            start=FRIDAY_BEFORE_TET,
        )
        is None
    )


def test_a_given_calendar_snapshot_is_used(ministry: Agency) -> None:
    _rule(ministry, 1)
    plain = WorkingCalendar()  # no holidays at all
    assert default_due_date(
        agency_id=ministry.pk,
        document_type_id=None,
        priority=None,
        start=FRIDAY_BEFORE_TET,
        calendar=plain,
    ) == D(2026, 2, 16)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"priority": Priority.FLASH},
        {"document_type": True},
        {"document_type": True, "priority": Priority.FLASH},
    ],
)
def test_the_database_allows_one_rule_per_agency_type_and_urgency(
    ministry: Agency, doc_type: DocumentType, kwargs: dict[str, Any]
) -> None:
    values = {**kwargs, "document_type": doc_type} if "document_type" in kwargs else kwargs
    _rule(ministry, 5, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        _rule(ministry, 6, **values)


def test_the_database_refuses_zero_days(ministry: Agency) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _rule(ministry, 0)


# ------------------------------------------------------------------------------ services


def test_admin_adds_a_rule(personas: dict[str, User], ministry: Agency, doc_type: Any) -> None:
    admin = personas["admin"]
    rule = deadline_rule_create(
        actor=admin,
        agency=ministry,
        document_type_id=doc_type.pk,
        priority=Priority.URGENT,
        working_days=3,
    )
    rule.refresh_from_db()
    assert (rule.agency, rule.document_type, rule.priority, rule.working_days) == (
        ministry,
        doc_type,
        Priority.URGENT,
        3,
    )
    event = AuditEvent.objects.get(action="deadline_rule.create")
    assert event.actor == admin and event.agency_id == ministry.pk
    assert event.data == {"document_type": doc_type.pk, "priority": 1, "working_days": 3}


def test_a_superuser_may_add_a_rule(ministry: Agency) -> None:
    root = make_person("root", agency=ministry, roles=[], superuser=True)
    rule = deadline_rule_create(actor=root, agency=ministry, working_days=15)
    assert rule.document_type is None and rule.priority is None


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"working_days": None}, "working_days", "Vui lòng nhập số ngày làm việc."),
        ({"working_days": 0}, "working_days", "Số ngày làm việc từ 1 đến 365"),
        ({"working_days": 366}, "working_days", "Số ngày làm việc từ 1 đến 365"),
        ({"working_days": 5, "document_type_id": 999999}, "document_type", "không có"),
        ({"working_days": 5, "priority": 9}, "priority", "Độ khẩn không hợp lệ."),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    personas: dict[str, User], ministry: Agency, kwargs: dict[str, Any], field: str, message: str
) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        deadline_rule_create(actor=personas["admin"], agency=ministry, **kwargs)
    assert message in caught.value.fields[field]
    assert _snapshot() == before


def test_a_retired_type_takes_no_new_rule(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    DocumentType.objects.filter(pk=doc_type.pk).update(is_active=False)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        deadline_rule_create(
            actor=personas["admin"], agency=ministry, document_type_id=doc_type.pk, working_days=5
        )
    assert caught.value.fields["document_type"] == "Loại “Quyết định (cá biệt)” đã ngừng dùng."
    assert _snapshot() == before


def test_a_second_rule_for_the_same_case_is_a_conflict(
    personas: dict[str, User], ministry: Agency
) -> None:
    deadline_rule_create(
        actor=personas["admin"], agency=ministry, priority=Priority.URGENT, working_days=5
    )
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        deadline_rule_create(
            actor=personas["admin"], agency=ministry, priority=Priority.URGENT, working_days=2
        )
    assert caught.value.message == (
        "Cơ quan đã có hạn xử lý mặc định cho mọi loại văn bản, độ khẩn “Khẩn”."
    )
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_the_agencys_administrators_manage_rules(
    personas: dict[str, User], ministry: Agency, persona: str
) -> None:
    # given a rule, and someone who does not administer the ministry
    rule = _rule(ministry, 10)
    actor = personas[persona]
    before = _snapshot()
    # when they try each change, then each answers "not found"
    with pytest.raises(NotFound):
        deadline_rule_create(actor=actor, agency=ministry, priority=1, working_days=3)
    with pytest.raises(NotFound):
        deadline_rule_update(
            actor=actor, rule=rule, document_type_id=None, priority=None, working_days=1
        )
    with pytest.raises(NotFound):
        deadline_rule_delete(actor=actor, rule=rule)
    # and nothing changed
    assert _snapshot() == before


def test_another_agencys_administrator_is_refused(
    personas: dict[str, User], ministry: Agency, other_agency: Agency
) -> None:
    foreign_admin = make_person("qtngoai", agency=other_agency, roles=[Role.ADMIN])
    before = _snapshot()
    with pytest.raises(NotFound):
        deadline_rule_create(actor=foreign_admin, agency=ministry, working_days=3)
    assert _snapshot() == before


def test_admin_changes_a_rule(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType
) -> None:
    rule = _rule(ministry, 10)
    deadline_rule_update(
        actor=personas["admin"],
        rule=rule,
        document_type_id=doc_type.pk,
        priority=None,
        working_days=8,
    )
    rule.refresh_from_db()
    assert (rule.document_type_id, rule.working_days) == (doc_type.pk, 8)
    event = AuditEvent.objects.get(action="deadline_rule.update")
    assert event.data == {
        "changes": {"document_type": [None, doc_type.pk], "working_days": [10, 8]}
    }


def test_changing_a_rule_into_an_existing_one_is_a_conflict(
    personas: dict[str, User], ministry: Agency
) -> None:
    _rule(ministry, 10)
    urgent = _rule(ministry, 5, priority=Priority.URGENT)
    before = _snapshot()
    with pytest.raises(Conflict):
        deadline_rule_update(
            actor=personas["admin"],
            rule=urgent,
            document_type_id=None,
            priority=None,
            working_days=5,
        )
    urgent.refresh_from_db()
    assert urgent.priority == Priority.URGENT
    assert _snapshot() == before


def test_an_unchanged_rule_records_nothing(personas: dict[str, User], ministry: Agency) -> None:
    rule = _rule(ministry, 10)
    before = _snapshot()
    deadline_rule_update(
        actor=personas["admin"], rule=rule, document_type_id=None, priority=None, working_days=10
    )
    assert _snapshot() == before


def test_admin_removes_a_rule(personas: dict[str, User], ministry: Agency) -> None:
    rule = _rule(ministry, 10)
    pk = rule.pk
    deadline_rule_delete(actor=personas["admin"], rule=rule)
    assert not DeadlineRule.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="deadline_rule.delete")
    assert event.target_id == str(pk) and event.agency_id == ministry.pk
    assert event.data == {"document_type": None, "priority": None, "working_days": 10}
    assert (
        default_due_date(
            agency_id=ministry.pk, document_type_id=None, priority=None, start=FRIDAY_BEFORE_TET
        )
        is None
    )
