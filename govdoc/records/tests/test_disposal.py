"""Appraisal and destruction: the files due, a decision proposed with its council, the
members' opinions, the head's approval, the execution (files destroyed, their summary kept,
their content purged from the storage unless a living file still holds a document); every
refusal leaves nothing changed; who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from govdoc.documents.models import DocumentFile, StoredFile
from govdoc.notifications.models import Notification
from govdoc.organizations.models import User
from govdoc.records.models import (
    CaseFile,
    CaseFileHistory,
    DisposalDecision,
    DisposalItem,
    DisposalVote,
)
from govdoc.records.services.disposal import (
    PERMANENT,
    add_years,
    decision_for,
    disposal_decide,
    disposal_execute,
    disposal_vote,
    files_due_for_appraisal,
    may_appraise,
    rejection_note,
    retention_ends_on,
)
from govdoc.records.services.files import Retention
from govdoc.records.services.holds import hold_lift, hold_set
from govdoc.records.tests.disposal_helpers import (
    approved,
    archivist,
    closed_file,
    document_ids,
    on_disk,
    open_file,
    propose,
    stored_of,
)
from govdoc.records.workflow import DisposalStatus, FileStatus

pytestmark = pytest.mark.django_db

__all__ = ["archivist"]  # fixtures

PERSONAS = ("specialist", "clerk", "archivist", "unit_head", "leader", "admin", "outsider")


def _people(personas: dict[str, User], archivist: User) -> dict[str, User]:
    return {**personas, "archivist": archivist}


def _snapshot() -> dict[str, int]:
    return {
        "decisions": DisposalDecision.objects.count(),
        "items": DisposalItem.objects.count(),
        "votes": DisposalVote.objects.count(),
        "history": CaseFileHistory.objects.count(),
        "document_files": DocumentFile.objects.count(),
        "stored": StoredFile.objects.count(),
        "destroyed": CaseFile.objects.filter(status=FileStatus.DESTROYED).count(),
    }


def test_retention_ends_a_number_of_years_after_the_work() -> None:
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2020, 6, 30), 5) == dt.date(2025, 6, 30)


def test_files_due_are_closed_or_archived_not_permanent_not_held_and_past_their_retention(
    personas: dict[str, User], archivist: User
) -> None:
    owner = personas["specialist"]
    # given files whose work ended on 30/06/2019
    two = closed_file(owner, notation="01.HAI")  # 2 years: ends 30/06/2021
    ten = closed_file(owner, notation="02.MUOI", retention=Retention(False, 10))
    closed_file(owner, notation="03.VV", retention=Retention(True))
    open_file(owner, notation="04.DANG", texts=("x",))
    assert retention_ends_on(two) == dt.date(2021, 6, 30)
    agency = two.agency_id
    # then: due the day after the retention ends, not on the day
    assert list(files_due_for_appraisal(agency, dt.date(2021, 6, 30))) == []
    assert list(files_due_for_appraisal(agency, dt.date(2021, 7, 1))) == [two]
    assert set(files_due_for_appraisal(agency, dt.date(2029, 7, 1))) == {two, ten}
    # a file in a decision still to be carried out is not listed again
    propose(archivist, [two], [archivist, personas["clerk"]])
    assert list(files_due_for_appraisal(agency, dt.date(2029, 7, 1))) == [ten]


def test_the_due_date_matches_the_retention_on_every_day(
    personas: dict[str, User],
) -> None:
    owner = personas["specialist"]
    case_file = closed_file(owner, notation="01.NGAY", ended=dt.date(2020, 2, 29))
    for years in (1, 2, 4):
        CaseFile.objects.filter(pk=case_file.pk).update(retention_years=years)
        case_file.refresh_from_db()
        ends = retention_ends_on(case_file)
        assert ends is not None
        for offset in range(-3, 4):
            today = ends + dt.timedelta(days=offset)
            listed = case_file in files_due_for_appraisal(case_file.agency_id, today)
            assert listed == (ends < today), (years, today)


def test_appraise_propose_vote_approve_execute(
    personas: dict[str, User], archivist: User, django_capture_on_commit_callbacks: Any
) -> None:
    owner, clerk, leader = personas["specialist"], personas["clerk"], personas["leader"]
    # given a file due for destruction with two documents, one of them also in a file that
    # lives on (kept 20 years)
    doomed = closed_file(owner, notation="01.HUY", texts=("bao cao", "to trinh"))
    own_doc, shared_doc = document_ids(doomed)
    (shared_stored,) = stored_of(shared_doc)
    (purged_stored,) = stored_of(own_doc)
    living = closed_file(
        owner, notation="02.SONG", retention=Retention(False, 20), texts=(), shared=[shared_doc]
    )
    assert on_disk(purged_stored) and on_disk(shared_stored)
    assert list(files_due_for_appraisal(doomed.agency_id)) == [doomed]
    # when the archivist proposes it with a council of two
    decision = propose(archivist, [doomed], [archivist, clerk])
    year = timezone.localdate().year
    assert (decision.number, decision.year, decision.status) == (1, year, "PROPOSED")
    assert Notification.objects.filter(recipient=clerk, kind="records.disposal_review").exists()
    assert CaseFileHistory.objects.filter(case_file=doomed, action="disposal_propose").exists()
    # each member agrees once: the last agreement sends it to the head
    disposal_vote(decision=decision, actor=clerk, agree=True)
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.PROPOSED
    disposal_vote(decision=decision, actor=archivist, agree=True, note="Đúng danh mục")
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REVIEWED
    assert Notification.objects.filter(recipient=leader, kind="records.disposal_approve").exists()
    # the head approves
    disposal_decide(decision=decision, actor=leader, approve=True)
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.APPROVED and decision.approved_by == leader
    # the archivist carries it out
    with pytest.raises(Forbidden):
        disposal_execute(decision=decision, actor=leader)
    with django_capture_on_commit_callbacks(execute=True):
        done = disposal_execute(decision=decision, actor=archivist)
    assert done.status == DisposalStatus.EXECUTED and done.executed_by == archivist
    # then the file is destroyed, with its history row and journal event
    doomed.refresh_from_db()
    assert doomed.status == FileStatus.DESTROYED
    row = CaseFileHistory.objects.get(case_file=doomed, action="destroy")
    assert (row.from_status, row.to_status) == ("CLOSED", "DESTROYED")
    assert f"{decision.number}/{decision.year}" in row.note
    assert AuditEvent.objects.filter(action="records.destroy", target_id=str(doomed.pk)).exists()
    event = AuditEvent.objects.get(action="records.disposal_execute")
    assert event.data["stored_files_deleted"] == 1 and event.data["documents_purged"] == 1
    # the summary keeps the file's metadata and its documents' list, for ever
    decision.refresh_from_db()
    (summary,) = decision.summary
    assert summary["code"] == doomed.code and summary["retention"] == "2 năm"
    assert summary["work_ended_on"] == "2019-06-30"
    assert [d["subject"] for d in summary["documents"]] == ["Tài liệu bao cao", "Tài liệu to trinh"]
    assert summary["documents"][0]["code"] == "1/BC-01.HUY"
    assert summary["documents"][0]["issued_date"] == "2019-03-01"
    assert summary["documents"][0]["page_count"] == 2
    # the content of the document only the destroyed file held is gone from the storage
    assert not DocumentFile.objects.filter(document_id=own_doc).exists()
    assert not StoredFile.objects.filter(pk=purged_stored.pk).exists()
    assert not on_disk(purged_stored)
    # the document shared with the living file is kept, bytes and all
    assert DocumentFile.objects.filter(document_id=shared_doc).count() == 1
    assert on_disk(shared_stored)
    living.refresh_from_db()
    assert living.status == FileStatus.CLOSED and living.doc_total == 1
    # a decision is carried out once
    with pytest.raises(InvalidTransition):
        disposal_execute(decision=decision, actor=archivist)
    # and the next one of the year is number 2
    other = closed_file(owner, notation="03.HUY")
    assert propose(archivist, [other], [archivist, clerk]).number == 2


def test_what_may_not_be_destroyed_is_refused_and_nothing_is_written(
    personas: dict[str, User], archivist: User
) -> None:
    owner, clerk = personas["specialist"], personas["clerk"]
    permanent = closed_file(owner, notation="01.VV", retention=Retention(True))
    not_yet = closed_file(owner, notation="02.CHUA", retention=Retention(False, 70))
    open_one = open_file(owner, notation="03.DANG", texts=("x",))
    held = closed_file(owner, notation="04.PT")
    due = closed_file(owner, notation="05.HET")
    hold_set(actor=personas["admin"], case_file_id=held.pk, reason="Đang điều tra")
    before = _snapshot()
    council = [archivist, clerk]
    cases = [
        (permanent, PERMANENT),
        (not_yet, "chưa hết thời hạn bảo quản (đến 30/06/2089)"),
        (open_one, "chưa kết thúc"),
        (held, "phong tỏa"),
    ]
    for case_file, message in cases:
        with pytest.raises(ValidationFailed) as error:
            propose(archivist, [due, case_file], council)
        assert message in error.value.fields["files"]
        assert case_file.code in error.value.fields["files"]
    # a council of one, or with someone of another agency
    for members in ([archivist], [archivist, personas["outsider"]]):
        with pytest.raises(ValidationFailed) as error:
            propose(archivist, [due], members)
        assert "members" in error.value.fields
    assert _snapshot() == before


def test_opinions_once_by_members_only_a_disagreement_rejects(
    personas: dict[str, User], archivist: User
) -> None:
    clerk, leader = personas["clerk"], personas["leader"]
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, clerk])
    # executing or approving before the council agreed: refused
    with pytest.raises(InvalidTransition):
        disposal_execute(decision=decision, actor=archivist)
    with pytest.raises(InvalidTransition):
        disposal_decide(decision=decision, actor=leader, approve=True)
    disposal_vote(decision=decision, actor=clerk, agree=True)
    before = _snapshot()
    # a second opinion, someone not on the council, a disagreement without a note
    with pytest.raises(Conflict):
        disposal_vote(decision=decision, actor=clerk, agree=False, note="Đổi ý")
    with pytest.raises(Forbidden):
        disposal_vote(decision=decision, actor=personas["unit_head"], agree=True)
    with pytest.raises(ValidationFailed):
        disposal_vote(decision=decision, actor=archivist, agree=False, note=" ")
    assert _snapshot() == before
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.PROPOSED
    # one disagreement rejects it, with its note
    disposal_vote(decision=decision, actor=archivist, agree=False, note="Còn giá trị tra cứu")
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REJECTED
    assert rejection_note(decision) == "Còn giá trị tra cứu"
    assert Notification.objects.filter(
        recipient=archivist, kind="records.disposal_rejected"
    ).exists()
    # the file may be proposed again, nothing was destroyed
    assert CaseFile.objects.get(pk=due.pk).status == FileStatus.CLOSED
    assert list(files_due_for_appraisal(due.agency_id)) == [due]


def test_the_head_refuses_with_a_reason(personas: dict[str, User], archivist: User) -> None:
    clerk, leader = personas["clerk"], personas["leader"]
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, clerk])
    for member in (archivist, clerk):
        disposal_vote(decision=decision, actor=member, agree=True)
    with pytest.raises(ValidationFailed):
        disposal_decide(decision=decision, actor=leader, approve=False, note="")
    disposal_decide(decision=decision, actor=leader, approve=False, note="Chờ ý kiến Bộ")
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REJECTED and decision.approved_by is None
    assert "Chờ ý kiến Bộ" in rejection_note(decision)
    with pytest.raises(InvalidTransition):
        disposal_execute(decision=decision, actor=archivist)


def test_a_file_held_after_approval_stops_the_execution(
    personas: dict[str, User], archivist: User, django_capture_on_commit_callbacks: Any
) -> None:
    due = closed_file(personas["specialist"], notation="01.HET", texts=("mot", "hai"))
    stored = [s for d in document_ids(due) for s in stored_of(d)]
    decision = approved(archivist, personas["leader"], [due], [archivist, personas["clerk"]])
    hold = hold_set(actor=personas["admin"], case_file_id=due.pk, reason="Có khiếu nại")
    before = _snapshot()
    with pytest.raises(InvalidTransition, match="phong tỏa"):
        disposal_execute(decision=decision, actor=archivist)
    assert _snapshot() == before
    assert all(on_disk(s) for s in stored)
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.APPROVED and decision.summary == []
    # once lifted, it is carried out
    hold_lift(hold=hold, actor=personas["admin"], reason="Đã giải quyết")
    with django_capture_on_commit_callbacks(execute=True):
        disposal_execute(decision=decision, actor=archivist)
    assert CaseFile.objects.get(pk=due.pk).status == FileStatus.DESTROYED
    assert not any(on_disk(s) for s in stored)


def test_who_may_do_what(personas: dict[str, User], archivist: User) -> None:
    """Persona × action: only the allowed persona gets through; the others are refused and
    nothing changes."""
    people = _people(personas, archivist)
    due = closed_file(personas["specialist"], notation="01.HET")
    agency = due.agency_id
    # appraisal list: the archivist and the head
    assert {n for n in PERSONAS if may_appraise(people[n], people[n].agency_id)} == {
        "archivist",
        "leader",
    }

    def refused(action: object, allowed: set[str]) -> None:
        for name in PERSONAS:
            if name in allowed:
                continue
            before = _snapshot()
            with pytest.raises(Forbidden):
                action(people[name])  # type: ignore[operator]
            assert _snapshot() == before, name

    # propose: the archivist only
    refused(lambda who: propose(who, [due], [archivist, personas["clerk"]]), {"archivist"})
    decision = propose(archivist, [due], [archivist, personas["clerk"]])
    # who sees the decision: the archive, the head, the administrator, the council
    seen = set()
    for name in PERSONAS:
        try:
            decision_for(people[name], people[name].agency_id, decision.pk)
            seen.add(name)
        except NotFound:
            pass
    assert seen == {"archivist", "leader", "admin", "clerk"}
    # vote: the council's members
    refused(
        lambda who: disposal_vote(decision=decision, actor=who, agree=True),
        {"archivist", "clerk"},
    )
    for name in ("archivist", "clerk"):
        disposal_vote(decision=decision, actor=people[name], agree=True)
    # approve: the head
    refused(lambda who: disposal_decide(decision=decision, actor=who, approve=True), {"leader"})
    disposal_decide(decision=decision, actor=people["leader"], approve=True)
    # execute: the archivist
    refused(lambda who: disposal_execute(decision=decision, actor=who), {"archivist"})
    disposal_execute(decision=decision, actor=archivist)
    # hold: the administrator
    other = closed_file(personas["specialist"], notation="02.KHAC")
    refused(lambda who: hold_set(actor=who, case_file_id=other.pk, reason="Thử"), {"admin"})
    assert hold_set(actor=people["admin"], case_file_id=other.pk, reason="Thử").agency_id == agency
