"""The electronic inbox at the same moment (threads with their own connections, PostgreSQL
and SQLite): one delivery retried at once gives one document; clerks registering or
refusing the same document at once — one of them wins, the others are told."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from govdoc.core.errors import Conflict
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument, ReceivedDocument, ReceivedHistory
from govdoc.incoming.received_services import received_refuse, received_register
from govdoc.incoming.received_workflow import ReceivedStatus
from govdoc.incoming.tests.received_helpers import deliver, sent_files
from govdoc.organizations.models import Agency

THREADS = 8


def _together(work: list[Callable[[], str]]) -> list[str]:
    barrier = threading.Barrier(len(work))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def runner(job: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(job())
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return outcomes


def test_a_delivery_retried_at_once_gives_one_document(
    committed_db: None,
    personas: dict[str, Any],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
) -> None:
    files = sent_files()

    def job() -> str:
        return str(
            deliver(ministry, other_agency, doc_type, ref="outgoing-dispatch:5", files=files).pk
        )

    outcomes = _together([job] * THREADS)
    assert len(set(outcomes)) == 1
    assert ReceivedDocument.objects.count() == 1
    assert ReceivedHistory.objects.filter(action="deliver").count() == 1


def test_clerks_deciding_the_same_document_at_once(
    committed_db: None,
    personas: dict[str, Any],
    ministry: Agency,
    other_agency: Agency,
    doc_type: DocumentType,
) -> None:
    received = deliver(ministry, other_agency, doc_type)
    clerk = personas["clerk"]

    def register() -> str:
        mine = ReceivedDocument.objects.get(pk=received.pk)
        try:
            received_register(received=mine, data=None, actor=clerk)
        except Conflict:
            return "told"
        return "registered"

    def refuse() -> str:
        mine = ReceivedDocument.objects.get(pk=received.pk)
        try:
            received_refuse(received=mine, reason="Gửi nhầm", actor=clerk)
        except Conflict:
            return "told"
        return "refused"

    outcomes = _together([register] * (THREADS - 2) + [refuse] * 2)
    decided = [o for o in outcomes if o != "told"]
    assert len(decided) == 1 and outcomes.count("told") == THREADS - 1
    received.refresh_from_db()
    if decided == ["registered"]:
        assert received.status == ReceivedStatus.REGISTERED
        assert IncomingDocument.objects.count() == 1
    else:
        assert received.status == ReceivedStatus.REFUSED
        assert IncomingDocument.objects.count() == 0
    assert ReceivedHistory.objects.exclude(action="deliver").count() == 1
