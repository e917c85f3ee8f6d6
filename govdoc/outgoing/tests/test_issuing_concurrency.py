"""Clerks issuing at the same moment into one outgoing book, each thread with its own
database connection: the numbers are exactly 1..N; two clerks issuing the same document give
it one number (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from govdoc.core.errors import DomainError
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.tests.issuing_helpers import signed
from govdoc.outgoing.workflow import DraftStatus
from govdoc.registers.models import RegisterEntry
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

CLERKS = 8


def _signed(make_draft: Callable[..., Draft], personas: dict[str, Any], pki: TestPki) -> Draft:
    return signed(make_draft(recipients=()), personas, pki.password)


def _run_together(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            job()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_clerks_issuing_at_once_get_numbers_one_to_n(
    committed_db: None,
    personas: dict[str, Any],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    # given eight signed drafts
    drafts = [_signed(make_draft, personas, pki) for _ in range(CLERKS)]

    # when eight clerks' threads issue them at the same moment
    def issuer(draft: Draft) -> Callable[[], object]:
        return lambda: draft_issue(draft=draft, actor=personas["clerk"], password=pki.password)

    errors = _run_together([issuer(draft) for draft in drafts])
    # then every one is issued, the numbers are 1..8 with no gap and no duplicate
    assert errors == []
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, CLERKS + 1))
    assert RegisterEntry.objects.count() == CLERKS
    assert set(Draft.objects.values_list("status", flat=True)) == {DraftStatus.ISSUED}


def test_two_clerks_issuing_the_same_document_give_it_one_number(
    committed_db: None,
    personas: dict[str, Any],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> None:
    draft = _signed(make_draft, personas, pki)
    # when two clerks press "Phát hành" at the same moment
    errors = _run_together(
        [
            lambda: draft_issue(
                draft=Draft.objects.get(pk=draft.pk), actor=personas["clerk"], password=pki.password
            )
            for _ in range(2)
        ]
    )
    # then one issues it and the other is told it was issued; one number was taken
    assert len(errors) <= 1 and all(isinstance(e, DomainError) for e in errors)
    assert RegisterEntry.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ISSUED
    assert draft.outgoing.document.files.filter(role="MAIN").count() == 1
