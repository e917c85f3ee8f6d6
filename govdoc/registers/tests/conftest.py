"""Fixtures for tests that commit for real (threads need committed data)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection

_trigger_migration = importlib.import_module("govdoc.audit.migrations.0003_append_only_trigger")


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """A database whose writes commit. At the end the journal is emptied with its trigger
    lifted for a moment: the test database is flushed after each such test, and on SQLite
    the flush is a DELETE, which an append-only trigger would refuse (PostgreSQL truncates).
    Harmless while audit/migrations/0003 installs the trigger on PostgreSQL only."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        _trigger_migration.drop(None, editor)
        editor.execute("DELETE FROM audit_auditevent")
        _trigger_migration.create(None, editor)
