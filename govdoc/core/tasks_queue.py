"""Enqueue background work so that it runs only if the surrounding transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction


def _queued_in_this_database(task: Any) -> bool:
    """The task backend writes its queue into this database (django_tasks_db, the default):
    a row written inside the transaction commits with it, or disappears with it (a savepoint
    rolled back included), and no worker sees it before the commit."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    # In the database queue: written now, within the transaction (no commit of its own after
    # it, nothing lost if the process stops between the two). Any other queue: after commit.
    if connection.in_atomic_block and _queued_in_this_database(task):
        task.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
