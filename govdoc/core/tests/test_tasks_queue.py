"""Work queued for after the commit: in the database queue, written with the transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from govdoc.core.tasks_queue import enqueue_on_commit

DATABASE_QUEUE = {"default": {"BACKEND": "govdoc.core.tasks_backend.DatabaseBackend"}}
LIBRARY_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


RAN: list[str] = []


@task()
def _noted(text: str) -> str:
    RAN.append(text)
    return text


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_the_database_commits_with_the_transaction(settings: Any) -> None:
    # Given the database queue
    settings.TASKS = DATABASE_QUEUE
    # When a transaction queues a task and commits
    with transaction.atomic():
        enqueue_on_commit(_noted, "kept")
        # Then its row is written inside the transaction (no separate commit after it)
        assert DBTaskResult.objects.count() == 1
    row = DBTaskResult.objects.get()
    assert row.args_kwargs == {"args": ["kept"], "kwargs": {}}


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_savepoint_is_not_queued(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    # Given a transaction that queues one task, then another inside a savepoint that fails
    with transaction.atomic():
        enqueue_on_commit(_noted, "kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(_noted, "dropped")
            raise RuntimeError("refused")
    # Then only the first is queued
    assert [row.args_kwargs["args"] for row in DBTaskResult.objects.all()] == [["kept"]]


@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_rolled_back_transaction_is_not_queued(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(_noted, "dropped")
        raise RuntimeError("refused")
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_another_queue_hears_of_the_task_only_after_commit(settings: Any) -> None:
    # Given the immediate queue (a queue outside the database behaves alike: after commit)
    RAN.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with transaction.atomic():
        enqueue_on_commit(_noted, "after")
        assert RAN == []
    assert RAN == ["after"]


@pytest.mark.django_db
def test_the_queue_row_is_the_one_the_library_writes(settings: Any) -> None:
    # Given the same task queued through the library's backend and through govdoc's
    settings.TASKS = LIBRARY_QUEUE
    theirs = _noted.using(priority=5).enqueue("x").id
    settings.TASKS = DATABASE_QUEUE
    ours = _noted.using(priority=5).enqueue("x").id
    # Then both rows hold the same values (but their ids and times), ready to run
    fields = [
        f.attname
        for f in DBTaskResult._meta.concrete_fields
        if f.attname not in {"id", "enqueued_at"}
    ]
    a, b = (DBTaskResult.objects.values(*fields).get(id=i) for i in (theirs, ours))
    assert a == b
    assert DBTaskResult.objects.get(id=ours).status == "READY"
    assert DBTaskResult.objects.get(id=ours).enqueued_at is not None
