"""Holds (phong tỏa): the administrator freezes one file or the files of a year (and unit);
while held nothing in them is added, closed, transferred or destroyed; lifting one frees only
the files no other hold covers; refusals change nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import CaseFile, CaseFileHistory, DisposalDecision, RecordHold
from govdoc.records.services.disposal import files_due_for_appraisal
from govdoc.records.services.files import (
    ClosingReview,
    Retention,
    case_file_add_documents,
    case_file_close,
)
from govdoc.records.services.holds import (
    held_scope,
    hold_if_covered,
    hold_lift,
    hold_set,
    may_hold,
)
from govdoc.records.services.transfer import transfer_submit
from govdoc.records.tests.disposal_helpers import (
    archivist,
    closed_file,
    document_ids,
    open_file,
    propose,
)
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db

__all__ = ["archivist"]  # fixtures


def _history(case_file: CaseFile, action: str) -> int:
    return CaseFileHistory.objects.filter(case_file=case_file, action=action).count()


def test_a_held_file_cannot_be_filled_closed_transferred_or_destroyed_until_lifted(
    personas: dict[str, User], archivist: User
) -> None:
    owner, admin = personas["specialist"], personas["admin"]
    source = closed_file(owner, notation="01.NGUON", retention=Retention(True))
    working = open_file(owner, notation="02.DANG", texts=("to trinh",))
    permanent = closed_file(owner, notation="03.VV", retention=Retention(True))
    due = closed_file(owner, notation="04.HET")
    # when the administrator holds each of them
    holds = {
        f.pk: hold_set(actor=admin, case_file_id=f.pk, reason="Phục vụ thanh tra")
        for f in (working, permanent, due)
    }
    # then each is flagged, with one history row and one journal event per hold
    for case_file in (working, permanent, due):
        case_file.refresh_from_db()
        assert case_file.on_hold
        assert _history(case_file, "hold") == 1
    assert AuditEvent.objects.filter(action="records.hold").count() == 3
    before = working.version
    # nothing can be added, the file cannot be closed
    with pytest.raises(InvalidTransition, match="phong tỏa"):
        case_file_add_documents(case_file=working, document_ids=document_ids(source), actor=owner)
    with pytest.raises(InvalidTransition, match="phong tỏa"):
        case_file_close(
            case_file=working, actor=owner, review=ClosingReview(version=working.version)
        )
    working.refresh_from_db()
    assert (working.status, working.version, working.doc_total) == (FileStatus.OPEN, before, 1)
    # it is not transferred
    with pytest.raises(ValidationFailed, match="phong tỏa"):
        transfer_submit(actor=owner, case_file_ids=[permanent.pk])
    assert CaseFile.objects.get(pk=permanent.pk).status == FileStatus.CLOSED
    # it is not due for appraisal and may not be proposed for destruction
    today = timezone.localdate()
    assert due not in files_due_for_appraisal(due.agency_id, today)
    with pytest.raises(ValidationFailed, match="phong tỏa"):
        propose(archivist, [due], [archivist, personas["clerk"]])
    assert not DisposalDecision.objects.exists()
    # when the hold is lifted, with a reason
    with pytest.raises(ValidationFailed):
        hold_lift(hold=holds[working.pk], actor=admin, reason="  ")
    assert CaseFile.objects.get(pk=working.pk).on_hold
    lifted = hold_lift(hold=holds[working.pk], actor=admin, reason="Đã thanh tra xong")
    assert lifted.lifted_at is not None and lifted.lifted_by == admin
    assert lifted.lift_reason == "Đã thanh tra xong"
    working.refresh_from_db()
    assert not working.on_hold and _history(working, "unhold") == 1
    assert AuditEvent.objects.filter(action="records.unhold", target_id=str(lifted.pk)).exists()
    # then the file is filled again; a hold is lifted once
    case_file_add_documents(case_file=working, document_ids=document_ids(source), actor=owner)
    assert CaseFile.objects.get(pk=working.pk).doc_total == 2
    with pytest.raises(InvalidTransition):
        hold_lift(hold=holds[working.pk], actor=admin, reason="Lần nữa")
    # the others stay held
    assert CaseFile.objects.get(pk=due.pk).on_hold
    hold_lift(hold=holds[due.pk], actor=admin, reason="Xong")
    assert due in files_due_for_appraisal(due.agency_id, today)


def test_a_collection_hold_covers_its_year_and_unit_and_files_opened_later(
    personas: dict[str, User], units: dict[str, Unit], ministry: Agency
) -> None:
    admin = personas["admin"]
    year = timezone.localdate().year
    land = open_file(personas["specialist"], notation="01.DD", texts=("a",))
    office = open_file(personas["clerk"], notation="01.VP", texts=("b",))
    # when the administrator holds the files of this year of Vụ Đất đai
    by_unit = hold_set(actor=admin, year=year, unit_id=units["DD"].pk, reason="Kiểm tra")
    land.refresh_from_db()
    office.refresh_from_db()
    assert land.on_hold and not office.on_hold
    assert _history(land, "hold") == 1 and _history(office, "hold") == 0
    assert AuditEvent.objects.filter(action="records.hold").count() == 1
    # a file opened later in that year and unit is covered, one of another unit is not
    assert held_scope(ministry.pk, year, units["DD"].pk)
    assert not held_scope(ministry.pk, year, units["VP"].pk)
    assert not held_scope(ministry.pk, year - 1, units["DD"].pk)
    later = open_file(personas["specialist"], notation="02.DD")
    assert hold_if_covered(later, actor=personas["specialist"])
    assert hold_if_covered(later, actor=personas["specialist"])  # idempotent
    later.refresh_from_db()
    assert later.on_hold and _history(later, "hold") == 1
    other = open_file(personas["clerk"], notation="02.VP")
    assert not hold_if_covered(other, actor=personas["clerk"])
    # when the whole year is also held, lifting the unit's hold keeps its files held
    whole = hold_set(actor=admin, year=year, reason="Thanh tra toàn cơ quan")
    assert CaseFile.objects.filter(on_hold=True).count() == 4
    hold_lift(hold=by_unit, actor=admin, reason="Đơn vị xong")
    assert CaseFile.objects.filter(on_hold=True).count() == 4
    row = CaseFileHistory.objects.filter(case_file=land, action="unhold").get()
    assert row.data["still_held"] is True and "lệnh khác" in row.note
    # lifting the last one frees everything
    hold_lift(hold=whole, actor=admin, reason="Xong")
    assert not CaseFile.objects.filter(on_hold=True).exists()
    assert _history(land, "unhold") == 2 and _history(office, "unhold") == 1


def test_only_the_administrator_holds_and_bad_holds_change_nothing(
    personas: dict[str, User], units: dict[str, Unit], superuser: User
) -> None:
    case_file = open_file(personas["specialist"], notation="01.TT")
    for name in ("specialist", "clerk", "unit_head", "leader", "outsider"):
        assert not may_hold(personas[name], personas[name].agency_id)
        with pytest.raises(Forbidden):
            hold_set(actor=personas[name], case_file_id=case_file.pk, reason="Thử")
    admin = personas["admin"]
    bad = [
        ({"case_file_id": case_file.pk, "reason": " "}, "reason"),
        ({"reason": "Thiếu phạm vi"}, "year"),
        ({"case_file_id": case_file.pk, "year": 2026, "reason": "Cả hai"}, "case_file"),
        ({"case_file_id": 999_999, "reason": "Không có"}, "case_file"),
        ({"year": 2026, "unit_id": 999_999, "reason": "Đơn vị lạ"}, "unit"),
    ]
    for kwargs, field in bad:
        with pytest.raises(ValidationFailed) as error:
            hold_set(actor=admin, **kwargs)  # type: ignore[arg-type]
        assert field in error.value.fields
    assert not RecordHold.objects.exists() and not CaseFile.objects.get(pk=case_file.pk).on_hold
    # someone of another agency is refused
    with pytest.raises(Forbidden):
        hold_set(actor=personas["outsider"], case_file_id=case_file.pk, reason="Ngoài")
    # the same scope twice: refused
    hold = hold_set(actor=admin, case_file_id=case_file.pk, reason="Lần 1")
    with pytest.raises(Conflict):
        hold_set(actor=admin, case_file_id=case_file.pk, reason="Lần 2")
    assert RecordHold.objects.count() == 1
    # only the administrator lifts; the superuser administers every agency
    with pytest.raises(Forbidden):
        hold_lift(hold=hold, actor=personas["leader"], reason="Gỡ")
    assert CaseFile.objects.get(pk=case_file.pk).on_hold
    hold_lift(hold=hold, actor=superuser, reason="Gỡ")
    assert not CaseFile.objects.get(pk=case_file.pk).on_hold
