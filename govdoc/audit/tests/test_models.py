"""The journal is append-only: the ORM refuses changes, and on PostgreSQL (production) so does
the database itself, through the trigger of audit/migrations/0003."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from govdoc.audit.models import AppendOnlyError, AuditEvent
from govdoc.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(personas: dict[str, Any]) -> AuditEvent:
    return audit_record(
        actor=personas["admin"], action="register.create", target_label="Sổ đến", agency_id=1
    )


def _unchanged(event: AuditEvent) -> None:
    row = AuditEvent.objects.filter(pk=event.pk).values("action", "target_label").get()
    assert row == {"action": "register.create", "target_label": "Sổ đến"}


def test_orm_refuses_to_change_or_delete(event: AuditEvent) -> None:
    event.action = "register.annul"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="register.annul")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    _unchanged(event)


@pytest.mark.postgres
def test_raw_sql_update_is_refused_by_the_database(event: AuditEvent) -> None:
    # when someone bypasses the ORM
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    # then the trigger refuses it and the row is as written
    assert "append-only" in str(refused.value)
    _unchanged(event)


@pytest.mark.postgres
def test_raw_sql_delete_is_refused_by_the_database(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert "append-only" in str(refused.value)
    _unchanged(event)


def test_new_events_are_still_written(event: AuditEvent) -> None:
    audit_record(actor=None, action="auth.login_failed", target_label="ai-do")
    assert AuditEvent.objects.count() == 2
