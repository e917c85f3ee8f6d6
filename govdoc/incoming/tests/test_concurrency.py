"""Whole registrations at the same moment: 16 clerks' threads, each with its own database
connection, register documents into one book (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input, make_pdf
from govdoc.core.errors import DuplicateSuspected
from govdoc.documents.models import DocumentType, StoredFile
from govdoc.documents.storage import Upload
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register
from govdoc.organizations.models import Agency
from govdoc.registers.models import RegisterEntry

THREADS = 16
PER_THREAD = 3


def test_concurrent_registrations_get_arrival_numbers_one_to_n(
    committed_db: None, personas: dict[str, Any], ministry: Agency, doc_type: DocumentType
) -> None:
    # given 16 threads released together, each registering three different documents
    clerk = personas["clerk"]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(PER_THREAD):
                n = index * PER_THREAD + k
                incoming_register(
                    agency=ministry,
                    data=incoming_input(
                        doc_type,
                        code_number=str(n + 1),
                        subject=f"Văn bản đồng thời số {n}",
                        main_file=Upload(name=f"vb-{n}.pdf", data=make_pdf(f"Van ban {n}")),
                    ),
                    actor=clerk,
                )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(THREADS)]
    # when they all register at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    # then the arrival numbers are exactly 1..N, each entry linked to its document
    total = THREADS * PER_THREAD
    numbers = sorted(IncomingDocument.objects.values_list("arrival_number", flat=True))
    assert numbers == list(range(1, total + 1))
    for incoming in IncomingDocument.objects.select_related("register_entry"):
        assert incoming.register_entry.number == incoming.arrival_number
        assert incoming.register_entry.target_id == str(incoming.pk)
    assert RegisterEntry.objects.count() == total
    # and every registration left its files and its journal rows
    assert StoredFile.objects.count() == total
    assert AuditEvent.objects.filter(action="incoming.register").count() == total
    assert AuditEvent.objects.filter(action="register.number").count() == total


def test_two_clerks_registering_the_same_document_at_once_get_one_warning(
    committed_db: None, personas: dict[str, Any], ministry: Agency, doc_type: DocumentType
) -> None:
    # given the same document registered by 8 threads released together
    clerk = personas["clerk"]
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def runner() -> None:
        try:
            barrier.wait(timeout=30)
            incoming_register(
                agency=ministry,
                data=incoming_input(doc_type, code_number="77", code_notation="QĐ-UBND"),
                actor=clerk,
            )
            outcomes.append("registered")
        except DuplicateSuspected:
            outcomes.append("warned")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then exactly one registration went through and every other clerk was warned
    assert sorted(outcomes) == ["registered"] + ["warned"] * 7
    assert IncomingDocument.objects.count() == 1
