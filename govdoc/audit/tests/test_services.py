"""The journal's writer: one event per call, or a batch written together."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from govdoc.audit.models import AuditEvent
from govdoc.audit.services import audit_batch, audit_record
from govdoc.organizations.models import User


@pytest.mark.django_db
def test_events_recorded_in_a_batch_are_written_in_one_statement_at_its_end(
    personas: dict[str, User],
) -> None:
    # Given a clerk
    clerk = personas["clerk"]
    # When three events are recorded inside a batch
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, audit_batch():
        for n in range(3):
            audit_record(actor=clerk, action="test.batch", target_id=str(n))
        # Then nothing is written before the batch ends
        assert not AuditEvent.objects.filter(action="test.batch").exists()
    # and then all three are, in the order recorded, with one INSERT
    events = list(AuditEvent.objects.filter(action="test.batch").order_by("id"))
    assert [e.target_id for e in events] == ["0", "1", "2"]
    assert all(e.actor == clerk and e.actor_name for e in events)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1


@pytest.mark.django_db
def test_a_failing_batch_writes_nothing(personas: dict[str, User]) -> None:
    # Given a batch whose block fails after recording an event
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), audit_batch():
        audit_record(actor=personas["clerk"], action="test.batch")
        raise RuntimeError("boom")
    # Then no event was written
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_nested_batch_is_written_by_the_outer_one(personas: dict[str, User]) -> None:
    with audit_batch():
        with audit_batch():
            audit_record(actor=personas["clerk"], action="test.nested")
        # the inner block ended, but the outer one writes the event
        assert not AuditEvent.objects.filter(action="test.nested").exists()
    assert AuditEvent.objects.filter(action="test.nested").count() == 1


@pytest.mark.django_db
def test_outside_a_batch_each_event_is_written_at_once(personas: dict[str, User]) -> None:
    event = audit_record(actor=personas["clerk"], action="test.single")
    assert event.pk is not None and AuditEvent.objects.filter(pk=event.pk).exists()
