"""What the work-file services share: the history row of a file and the compare-and-set bump
of its version."""

from __future__ import annotations

import pytest

from govdoc.core.errors import Conflict
from govdoc.organizations.models import User
from govdoc.records.models import CaseFile, CaseFileHistory
from govdoc.records.services.common import (
    bump_version,
    bump_versions,
    file_history,
    file_history_rows,
)
from govdoc.records.tests.disposal_helpers import open_file
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db


def test_a_history_row_names_the_person_or_the_system(personas: dict[str, User]) -> None:
    owner = personas["specialist"]
    case_file = open_file(owner, notation="01.LS")
    # when a person acts, and when a scheduled job does
    row = file_history(
        case_file, actor=owner, action="note", note="x" * 1200, data={"a": 1}, to_status="OPEN"
    )
    system = file_history(case_file, actor=None, action="note")
    # then the person is linked and named, the system named, the note cut to its column
    row.refresh_from_db()
    assert row.actor == owner and row.actor_name == (owner.full_name or owner.username)
    assert len(row.note) == 1000 and row.data == {"a": 1} and row.to_status == "OPEN"
    assert system.actor is None and system.actor_name == "Hệ thống" and system.data == {}
    # and the same step on many files is written at one moment
    other = open_file(owner, notation="02.LS")
    rows = file_history_rows([case_file.pk, other.pk], actor=owner, action="bulk", note="n")
    assert len(rows) == 2 and len({r.at for r in rows}) == 1
    assert CaseFileHistory.objects.filter(action="bulk").count() == 2


def test_the_version_moves_only_from_what_the_caller_read(personas: dict[str, User]) -> None:
    case_file = open_file(personas["specialist"], notation="01.PB")
    read = CaseFile.objects.get(pk=case_file.pk)
    # when it changes with the version read
    bump_version(case_file, title="Tiêu đề mới")
    # then the row and the instance follow, the version one more
    case_file.refresh_from_db()
    assert (case_file.title, case_file.version) == ("Tiêu đề mới", read.version + 1)
    # and a change from the old version, or from a status it no longer has, is a conflict
    with pytest.raises(Conflict):
        bump_version(read, title="Cũ")
    with pytest.raises(Conflict):
        bump_version(case_file, status_was=FileStatus.CLOSED, status=FileStatus.SUBMITTED)
    case_file.refresh_from_db()
    assert case_file.title == "Tiêu đề mới" and case_file.status == FileStatus.OPEN
    # and many rows at once each take their next version
    assert bump_versions(CaseFile.objects.filter(pk=case_file.pk), description="d") == 1
    case_file.refresh_from_db()
    assert case_file.version == read.version + 2


def test_a_step_that_keeps_the_status_writes_it_before_and_after(
    personas: dict[str, User],
) -> None:
    from django.utils import timezone

    from govdoc.records.services.common import file_step

    owner = personas["specialist"]
    case_file = open_file(owner, notation="03.LS")
    at = timezone.now()
    row = file_step(
        case_file, actor=owner, action="handover", note="Bàn giao", data={"to": 1}, at=at
    )
    plain = file_step(case_file, actor=owner, action="keep_refused", note="Không")
    row.refresh_from_db()
    assert (row.from_status, row.to_status) == (FileStatus.OPEN, FileStatus.OPEN)
    assert row.note == "Bàn giao" and row.data == {"to": 1} and row.at == at
    assert plain.data == {} and plain.from_status == plain.to_status == FileStatus.OPEN
