"""Gapless numbering under real concurrency: many threads, each with its own database
connection, take numbers from one book at the same moment.

Runs on SQLite (the test database is a file, see config/settings.py, and transactions begin
IMMEDIATE) and on PostgreSQL (SELECT … FOR UPDATE on the book row)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections, transaction

from govdoc.audit.models import AuditEvent
from govdoc.organizations.models import Agency, User
from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry
from govdoc.registers.services import book_for, number_allocate

THREADS = 16
PER_THREAD = 4
# Held inside the transaction after the number is taken, so that the others really queue
# behind the lock instead of running one after the other by luck.
HOLD_SECONDS = 0.002


class Rollback(Exception):
    """Raised inside a transaction after a number was taken, to undo it."""


def _run_in_threads(count: int, work: Callable[[int], list[int]]) -> list[int]:
    """Run `work(i)` in `count` threads released together; return every number it returns."""
    barrier = threading.Barrier(count)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            got = work(index)
            with lock:
                numbers.extend(got)
        except BaseException as error:  # reported by the main thread
            with lock:
                errors.append(error)
        finally:
            # Each thread opened its own connection: close it, or the flush waits on it.
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert errors == [], errors
    return numbers


def _allocate(book_pk: int, actor: User, index: int, *, roll_back: bool = False) -> int:
    with transaction.atomic():
        book = RegisterBook.objects.get(pk=book_pk)
        entry = number_allocate(
            book=book,
            actor=actor,
            target_type="tests.item",
            target_id=str(index),
            label=f"Văn bản thử {index}",
        )
        time.sleep(HOLD_SECONDS)
        if roll_back:
            raise Rollback(entry.number)
    return entry.number


@pytest.fixture
def book(committed_db: None, personas: dict[str, Any], ministry: Agency) -> RegisterBook:
    return book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)


def test_threads_get_every_number_once_without_gap(
    book: RegisterBook, personas: dict[str, Any]
) -> None:
    # given one book and 16 clerks' threads released at the same moment
    actor = personas["clerk"]

    def work(index: int) -> list[int]:
        return [_allocate(book.pk, actor, index * 100 + k) for k in range(PER_THREAD)]

    # when each takes numbers in its own transaction
    numbers = _run_in_threads(THREADS, work)

    # then the numbers are exactly 1..N: none skipped, none given twice
    total = THREADS * PER_THREAD
    assert sorted(numbers) == list(range(1, total + 1))
    entries = list(RegisterEntry.objects.filter(book=book).values_list("number", flat=True))
    assert sorted(entries) == list(range(1, total + 1))
    assert RegisterEntry.objects.filter(book=book).count() == total
    book.refresh_from_db()
    assert book.last_number == total
    # and each number has its journal row
    assert AuditEvent.objects.filter(action="register.number").count() == total


def test_rolled_back_numbers_are_given_again_so_committed_ones_have_no_gap(
    book: RegisterBook, personas: dict[str, Any]
) -> None:
    # given 16 threads, a third of whose transactions fail after taking a number
    actor = personas["clerk"]
    failing = {i for i in range(THREADS * PER_THREAD) if i % 3 == 0}

    def work(index: int) -> list[int]:
        committed: list[int] = []
        for k in range(PER_THREAD):
            item = index * PER_THREAD + k
            with contextlib.suppress(Rollback):
                committed.append(_allocate(book.pk, actor, item, roll_back=item in failing))
        return committed

    # when they all run at once
    numbers = _run_in_threads(THREADS, work)

    # then the committed numbers are 1..K with no gap and no duplicate
    committed_count = THREADS * PER_THREAD - len(failing)
    assert len(numbers) == committed_count
    assert sorted(numbers) == list(range(1, committed_count + 1))
    stored = RegisterEntry.objects.filter(book=book)
    assert sorted(stored.values_list("number", flat=True)) == list(range(1, committed_count + 1))
    # and nothing of the failed transactions remains: no entry, no journal row
    assert not stored.filter(target_id__in=[str(i) for i in failing]).exists()
    assert AuditEvent.objects.filter(action="register.number").count() == committed_count
    book.refresh_from_db()
    assert book.last_number == committed_count


def test_threads_opening_the_same_new_book_share_it(
    committed_db: None, personas: dict[str, Any], ministry: Agency
) -> None:
    # given no book yet for the year, and 16 threads registering its first documents
    actor = personas["clerk"]

    def work(index: int) -> list[int]:
        opened = book_for(agency=ministry, year=2031, kind=BookKind.INCOMING)
        return [_allocate(opened.pk, actor, index)]

    # when they all open the book and take a number at once
    numbers = _run_in_threads(THREADS, work)

    # then one book was opened and its numbers run 1..16
    assert RegisterBook.objects.filter(agency=ministry, year=2031).count() == 1
    assert sorted(numbers) == list(range(1, THREADS + 1))
