"""The annual file plan's services: creating one plan a year, headings numbered I, II… and
1, 2…, planned files with their checks, compare-and-set on the plan's version, approval and
reopening by the head, copying into a new year — and who may do each of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plans import (
    heading_add,
    heading_delete,
    heading_move,
    heading_update,
    parse_retention,
    plan_approve,
    plan_copy,
    plan_create,
    plan_outline,
    plan_reopen,
    planned_file_add,
    planned_file_delete,
    planned_file_move,
    planned_file_update,
    roman,
)
from govdoc.records.tests.plan_helpers import (
    APPROVERS,
    EDITORS,
    PERSONAS,
    THIS_YEAR,
    decision,
    events,
    file_input,
    snapshot,
)
from govdoc.records.workflow import PlanStatus

pytestmark = pytest.mark.django_db


def _heading(plan: FilePlan, number: str, parent: str | None = None) -> PlanHeading:
    query = PlanHeading.objects.filter(plan=plan, number=number)
    if parent is None:
        return query.get(parent__isnull=True)
    return query.get(parent__number=parent, parent__parent__isnull=True)


# --- small rules --------------------------------------------------------------------------


def test_roman_numerals_and_retention_texts() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90)] == ["I", "IV", "IX", "XIV", "XL", "XC"]
    assert parse_retention("Vĩnh viễn") == (True, None)
    assert parse_retention("VV") == (True, None)
    assert parse_retention("10 năm") == (False, 10)
    assert parse_retention(" 5 ") == (False, 5)
    with pytest.raises(ValueError):
        parse_retention("lâu dài")


# --- the plan -----------------------------------------------------------------------------


def test_clerk_creates_the_plan_of_a_year(ministry: Agency, people: dict[str, User]) -> None:
    # given the clerk of the ministry
    clerk = people["clerk"]
    # when they create the plan of this year
    plan = plan_create(agency=ministry, year=THIS_YEAR, actor=clerk)
    # then it is a draft at version 1, and the journal says who created it
    assert (plan.status, plan.version, plan.year) == (PlanStatus.DRAFT, 1, THIS_YEAR)
    assert plan.created_by == clerk
    [event] = events("create")
    assert event.actor == clerk and event.agency_id == ministry.pk
    assert event.target_id == str(plan.pk)


def test_one_plan_a_year(ministry: Agency, people: dict[str, User]) -> None:
    # given the plan of this year
    plan_create(agency=ministry, year=THIS_YEAR, actor=people["clerk"])
    before = snapshot()
    # when the archivist creates another one for the same year
    with pytest.raises(ValidationFailed) as refused:
        plan_create(agency=ministry, year=THIS_YEAR, actor=people["archivist"])
    # then it is refused on the year, and nothing was written
    assert "mỗi năm chỉ một danh mục" in refused.value.fields["year"]
    assert snapshot() == before


@pytest.mark.parametrize("year", [1900, THIS_YEAR + 2])
def test_the_year_must_be_sensible(ministry: Agency, people: dict[str, User], year: int) -> None:
    with pytest.raises(ValidationFailed) as refused:
        plan_create(agency=ministry, year=year, actor=people["clerk"])
    assert "year" in refused.value.fields
    assert FilePlan.objects.count() == 0


# --- headings -----------------------------------------------------------------------------


def test_headings_are_numbered_roman_and_sub_headings_arabic(
    ministry: Agency, people: dict[str, User]
) -> None:
    # given an empty plan
    clerk = people["clerk"]
    plan = plan_create(agency=ministry, year=THIS_YEAR, actor=clerk)
    # when three headings and two sub-headings under the second are added
    first = heading_add(plan=plan, title="Tổng hợp", actor=clerk)
    second = heading_add(plan=plan, title="Tổ chức, cán bộ", actor=clerk)
    third = heading_add(plan=plan, title="Tài chính", actor=clerk)
    sub_one = heading_add(plan=plan, title="Tuyển dụng", parent_id=second.pk, actor=clerk)
    sub_two = heading_add(plan=plan, title="Đào tạo", parent_id=second.pk, actor=clerk)
    # then they are numbered I, II, III and 1, 2; each write moved the version once
    assert [first.number, second.number, third.number] == ["I", "II", "III"]
    assert [sub_one.number, sub_two.number] == ["1", "2"]
    plan.refresh_from_db()
    assert plan.version == 6
    assert len(events("heading_add")) == 5


def test_a_sub_heading_sits_under_a_top_heading(plan: FilePlan, people: dict[str, User]) -> None:
    sub = _heading(plan, "1", parent="I")
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        heading_add(plan=plan, title="Cấp ba", parent_id=sub.pk, actor=people["clerk"])
    assert "parent" in refused.value.fields
    assert snapshot(plan) == before


def test_moving_a_heading_renumbers(plan: FilePlan, people: dict[str, User]) -> None:
    # given headings I (Tổ chức, cán bộ) and II (Văn phòng)
    second = _heading(plan, "II")
    # when II is moved up
    moved = heading_move(heading=second, direction="up", actor=people["clerk"])
    # then it is I and the other one II; their files and sub-headings went with them
    assert moved.number == "I"
    outline = plan_outline(plan)
    assert [h.heading.title for h in outline.headings] == ["Văn phòng", "Tổ chức, cán bộ"]
    assert [h.heading.number for h in outline.headings] == ["I", "II"]
    assert [f.notation for f in outline.files()] == ["01.VP", "01.TCCB", "02.TCCB", "03.TCCB"]
    [event] = events("heading_move")
    assert event.data["before"] == "II" and event.data["after"] == "I"


def test_the_first_heading_cannot_move_up(plan: FilePlan, people: dict[str, User]) -> None:
    before = snapshot(plan)
    with pytest.raises(ValidationFailed):
        heading_move(heading=_heading(plan, "I"), direction="up", actor=people["clerk"])
    assert snapshot(plan) == before


def test_renaming_a_heading(plan: FilePlan, people: dict[str, User]) -> None:
    heading = heading_update(
        heading=_heading(plan, "II"), title="  Hành chính,   văn phòng ", actor=people["clerk"]
    )
    assert PlanHeading.objects.get(pk=heading.pk).title == "Hành chính, văn phòng"
    [event] = events("heading_update")
    assert event.data["before"] == "Văn phòng"


def test_a_heading_needs_a_title(plan: FilePlan, people: dict[str, User]) -> None:
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        heading_update(heading=_heading(plan, "II"), title="  ", actor=people["clerk"])
    assert refused.value.fields == {"title": "Vui lòng nhập tên đề mục."}
    with pytest.raises(ValidationFailed):
        heading_add(plan=plan, title="x" * 501, actor=people["clerk"])
    assert snapshot(plan) == before


def test_only_an_empty_heading_is_deleted(plan: FilePlan, people: dict[str, User]) -> None:
    clerk = people["clerk"]
    # given heading I with files and a sub-heading
    before = snapshot(plan)
    # when it is deleted: refused, nothing changed
    with pytest.raises(ValidationFailed):
        heading_delete(heading=_heading(plan, "I"), actor=clerk)
    assert snapshot(plan) == before
    # when a new empty heading III is deleted after moving it first: II stays II
    empty = heading_add(plan=plan, title="Tạm", actor=clerk)
    heading_move(heading=empty, direction="up", actor=clerk)
    heading_delete(heading=PlanHeading.objects.get(pk=empty.pk), actor=clerk)
    assert not PlanHeading.objects.filter(pk=empty.pk).exists()
    assert [h.heading.number for h in plan_outline(plan).headings] == ["I", "II"]
    [event] = events("heading_delete")
    assert event.data["title"] == "Tạm"


# --- planned files ------------------------------------------------------------------------


def test_adding_a_planned_file(
    plan: FilePlan, people: dict[str, User], units: dict[str, Unit]
) -> None:
    # given sub-heading I.1
    sub = _heading(plan, "1", parent="I")
    # when the archivist adds a file under it, in charge of the specialist
    planned = planned_file_add(
        plan=plan,
        data=file_input(
            sub,
            "04.TCCB",
            title="Hồ sơ thi nâng ngạch",
            unit_id=units["TCCB"].pk,
            person_in_charge_id=people["specialist"].pk,
            person_in_charge_name="ignored when a person is chosen",
            note="Ghi chú",
        ),
        actor=people["archivist"],
    )
    # then it is the last of the sub-heading, with its retention and people
    stored = PlannedFile.objects.get(pk=planned.pk)
    assert (stored.notation, stored.retention, stored.person_in_charge) == (
        "04.TCCB",
        "10 năm",
        people["specialist"],
    )
    assert stored.person_in_charge_name == ""
    assert [f.notation for f in sub.files.order_by("position")] == ["03.TCCB", "04.TCCB"]
    [*_, event] = events("file_add")
    assert event.actor == people["archivist"] and event.data["notation"] == "04.TCCB"


def test_every_mistake_of_a_planned_file_at_once(
    plan: FilePlan, people: dict[str, User], other_agency: Agency
) -> None:
    # given a unit and a person of another agency
    foreign_unit = Unit.objects.create(agency=other_agency, name="Sở Nội vụ", abbreviation="SNV")
    before = snapshot(plan)
    # when a file is added with every field wrong
    with pytest.raises(ValidationFailed) as refused:
        planned_file_add(
            plan=plan,
            data=file_input(
                _heading(plan, "I"),
                "",
                title="x" * 501,
                retention_years=None,
                unit_id=foreign_unit.pk,
                person_in_charge_id=people["outsider"].pk,
                note="n" * 501,
            ),
            actor=people["clerk"],
        )
    # then every field is named, in Vietnamese, and nothing was written
    assert set(refused.value.fields) == {
        "notation",
        "title",
        "retention",
        "unit",
        "person_in_charge",
        "note",
    }
    assert "Vui lòng nhập số và ký hiệu" in refused.value.fields["notation"]
    assert snapshot(plan) == before


@pytest.mark.parametrize(
    ("notation", "message"),
    [
        ("01.tccb", "đã có trong danh mục"),
        ("A" * 21, "tối đa 20 ký tự"),
        ("01 TCCB", "không có khoảng trắng"),
    ],
)
def test_the_notation_is_short_and_unique_in_the_plan(
    plan: FilePlan, people: dict[str, User], notation: str, message: str
) -> None:
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        planned_file_add(
            plan=plan, data=file_input(_heading(plan, "II"), notation), actor=people["clerk"]
        )
    assert message in refused.value.fields["notation"]
    assert snapshot(plan) == before


@pytest.mark.parametrize("years", [0, 101])
def test_retention_is_permanent_or_some_years(
    plan: FilePlan, people: dict[str, User], years: int
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        planned_file_add(
            plan=plan,
            data=file_input(_heading(plan, "II"), "09.VP", retention_years=years),
            actor=people["clerk"],
        )
    assert "retention" in refused.value.fields


def test_editing_a_planned_file_and_moving_it_to_another_heading(
    plan: FilePlan, people: dict[str, User]
) -> None:
    # given 02.TCCB under heading I
    planned = PlannedFile.objects.get(plan=plan, notation="02.TCCB")
    # when it is renamed, made permanent and put under heading II
    updated = planned_file_update(
        planned=planned,
        data=file_input(
            _heading(plan, "II"),
            "02.VP",
            title="Hồ sơ nâng lương (sửa)",
            permanent=True,
            retention_years=7,
            capital_construction=True,
        ),
        actor=people["clerk"],
    )
    # then it is the last file of II, permanent (the years are dropped)
    stored = PlannedFile.objects.get(pk=updated.pk)
    assert (stored.notation, stored.permanent, stored.retention_years) == ("02.VP", True, None)
    assert [f.notation for f in _heading(plan, "II").files.order_by("position")] == [
        "01.VP",
        "02.VP",
    ]
    [event] = events("file_update")
    assert event.data["before"]["notation"] == "02.TCCB"
    assert event.data["after"]["notation"] == "02.VP"


def test_a_file_keeps_its_own_notation_when_edited(plan: FilePlan, people: dict[str, User]) -> None:
    planned = PlannedFile.objects.get(plan=plan, notation="01.VP")
    planned_file_update(
        planned=planned,
        data=file_input(_heading(plan, "II"), "01.VP", title="Tiêu đề mới"),
        actor=people["clerk"],
    )
    assert PlannedFile.objects.get(pk=planned.pk).title == "Tiêu đề mới"


def test_moving_a_file_up_and_to_another_heading(plan: FilePlan, people: dict[str, User]) -> None:
    clerk = people["clerk"]
    second = PlannedFile.objects.get(plan=plan, notation="02.TCCB")
    planned_file_move(planned=second, direction="up", actor=clerk)
    assert [f.notation for f in _heading(plan, "I").files.order_by("position")] == [
        "02.TCCB",
        "01.TCCB",
    ]
    planned_file_move(
        planned=PlannedFile.objects.get(pk=second.pk),
        heading_id=_heading(plan, "II").pk,
        actor=clerk,
    )
    assert [f.notation for f in _heading(plan, "II").files.order_by("position")] == [
        "01.VP",
        "02.TCCB",
    ]
    assert len(events("file_move")) == 2


def test_deleting_a_planned_file(plan: FilePlan, people: dict[str, User]) -> None:
    planned = PlannedFile.objects.get(plan=plan, notation="03.TCCB")
    planned_file_delete(planned=planned, actor=people["clerk"])
    assert not PlannedFile.objects.filter(pk=planned.pk).exists()
    [event] = events("file_delete")
    assert event.data["notation"] == "03.TCCB"


# --- two people at once -------------------------------------------------------------------


def test_a_stale_version_is_refused(plan: FilePlan, people: dict[str, User]) -> None:
    # given the clerk read the plan at its version, then the archivist changed it
    read = plan.version
    heading_add(plan=FilePlan.objects.get(pk=plan.pk), title="Mới", actor=people["archivist"])
    before = snapshot(plan)
    # when the clerk writes with the version they read
    with pytest.raises(Conflict):
        planned_file_add(
            plan=plan,
            data=file_input(_heading(plan, "II"), "05.VP"),
            actor=people["clerk"],
            expected_version=read,
        )
    # then nothing was written
    assert snapshot(plan) == before


def test_a_stale_instance_is_refused_too(plan: FilePlan, people: dict[str, User]) -> None:
    stale = FilePlan.objects.get(pk=plan.pk)
    heading_add(plan=plan, title="Mới", actor=people["archivist"])
    with pytest.raises(Conflict):
        heading_add(plan=stale, title="Cũng mới", actor=people["clerk"])
    assert not PlanHeading.objects.filter(title="Cũng mới").exists()


# --- approval and reopening -----------------------------------------------------------------


def test_the_head_approves_the_plan(plan: FilePlan, people: dict[str, User]) -> None:
    # when the agency's leader approves it
    approved = plan_approve(
        plan=plan, actor=people["leader"], **decision(), expected_version=plan.version
    )
    # then it is approved, by them, now; one journal event
    stored = FilePlan.objects.get(pk=approved.pk)
    assert stored.status == PlanStatus.APPROVED
    assert stored.approved_by == people["leader"] and stored.approved_at is not None
    [event] = events("approve")
    assert event.data["files"] == 4 and event.data["to"] == PlanStatus.APPROVED


def test_an_approved_plan_is_not_edited(plan: FilePlan, people: dict[str, User]) -> None:
    plan_approve(plan=plan, actor=people["leader"], **decision())
    before = snapshot(plan)
    with pytest.raises(InvalidTransition):
        heading_add(plan=plan, title="Thêm", actor=people["clerk"])
    with pytest.raises(InvalidTransition):
        planned_file_delete(
            planned=PlannedFile.objects.get(plan=plan, notation="01.VP"), actor=people["clerk"]
        )
    with pytest.raises(InvalidTransition):
        plan_approve(plan=plan, actor=people["leader"], **decision())
    assert snapshot(plan) == before


def test_an_empty_plan_is_not_approved(ministry: Agency, people: dict[str, User]) -> None:
    plan = plan_create(agency=ministry, year=THIS_YEAR, actor=people["clerk"])
    before = snapshot(plan)
    with pytest.raises(ValidationFailed):
        plan_approve(plan=plan, actor=people["leader"], **decision())
    assert snapshot(plan) == before


def test_approving_a_stale_version(plan: FilePlan, people: dict[str, User]) -> None:
    read = plan.version
    heading_add(plan=plan, title="Mới", actor=people["clerk"])
    before = snapshot(plan)
    with pytest.raises(Conflict):
        plan_approve(plan=plan, actor=people["leader"], **decision(), expected_version=read)
    assert snapshot(plan) == before


def test_the_head_reopens_with_a_reason(plan: FilePlan, people: dict[str, User]) -> None:
    leader = people["leader"]
    plan_approve(plan=plan, actor=leader, **decision())
    # when reopened without a reason: refused, still approved
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        plan_reopen(plan=plan, reason="  ", actor=leader)
    assert "reason" in refused.value.fields
    assert snapshot(plan) == before
    # when reopened with a reason: a draft again, the reason in the journal
    plan_reopen(plan=plan, reason="Bổ sung hồ sơ dự án mới", actor=leader)
    stored = FilePlan.objects.get(pk=plan.pk)
    assert (stored.status, stored.approved_by) == (PlanStatus.DRAFT, None)
    [event] = events("reopen")
    assert event.data["reason"] == "Bổ sung hồ sơ dự án mới"
    assert event.data["approved_by"] == leader.display_name
    # and the clerk can edit again
    heading_add(plan=stored, title="Dự án mới", actor=people["clerk"])


def test_a_draft_is_not_reopened(plan: FilePlan, people: dict[str, User]) -> None:
    with pytest.raises(InvalidTransition):
        plan_reopen(plan=plan, reason="Không cần", actor=people["leader"])


# --- copying into a new year ---------------------------------------------------------------


def test_copying_last_years_plan(plan: FilePlan, people: dict[str, User]) -> None:
    # given last year's plan, approved; one person in charge has left since
    source = FilePlan.objects.get(pk=plan.pk)
    plan_approve(plan=source, actor=people["leader"], **decision())
    people["specialist"].is_active = False
    people["specialist"].save()
    FilePlan.objects.filter(pk=source.pk).update(year=THIS_YEAR - 1)
    source.refresh_from_db()
    # when the archivist copies it into this year
    copy = plan_copy(source=source, year=THIS_YEAR, actor=people["archivist"])
    # then the new plan is a draft with the same headings and files, in the same order
    assert (copy.year, copy.status, copy.copied_from_id) == (
        THIS_YEAR,
        PlanStatus.DRAFT,
        source.pk,
    )
    old, new = plan_outline(source), plan_outline(copy)
    assert [(r.kind, r.heading.number if r.heading else r.file.notation) for r in new.rows()] == [  # type: ignore[union-attr]
        (r.kind, r.heading.number if r.heading else r.file.notation)  # type: ignore[union-attr]
        for r in old.rows()
    ]
    copied = PlannedFile.objects.get(plan=copy, notation="02.TCCB")
    assert copied.person_in_charge is None  # no longer active
    assert PlannedFile.objects.get(plan=copy, notation="01.VP").capital_construction
    # the source is untouched
    assert PlannedFile.objects.filter(plan=source).count() == 4
    [event] = events("copy")
    assert (event.data["headings"], event.data["files"]) == (3, 4)


def test_copying_into_a_year_that_has_a_plan(plan: FilePlan, people: dict[str, User]) -> None:
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        plan_copy(source=plan, year=plan.year, actor=people["clerk"])
    assert "year" in refused.value.fields
    assert snapshot(plan) == before


# --- who may do what ----------------------------------------------------------------------

Action = Callable[[FilePlan, User], Any]


def _approved(plan: FilePlan, people: dict[str, User]) -> FilePlan:
    return plan_approve(plan=plan, actor=people["leader"], **decision())


ACTIONS: dict[str, tuple[bool, set[str], Action]] = {
    # name: (plan approved first?, allowed personas, the call)
    "create": (
        False,
        EDITORS,
        lambda p, a: plan_create(agency=p.agency, year=THIS_YEAR + 1, actor=a),
    ),
    "add heading": (False, EDITORS, lambda p, a: heading_add(plan=p, title="Mới", actor=a)),
    "rename heading": (
        False,
        EDITORS,
        lambda p, a: heading_update(heading=_heading(p, "II"), title="Đổi tên", actor=a),
    ),
    "add file": (
        False,
        EDITORS,
        lambda p, a: planned_file_add(plan=p, data=file_input(_heading(p, "II"), "09.VP"), actor=a),
    ),
    "delete file": (
        False,
        EDITORS,
        lambda p, a: planned_file_delete(
            planned=PlannedFile.objects.get(plan=p, notation="01.VP"), actor=a
        ),
    ),
    "copy": (False, EDITORS, lambda p, a: plan_copy(source=p, year=THIS_YEAR + 1, actor=a)),
    "approve": (False, APPROVERS, lambda p, a: plan_approve(plan=p, actor=a, **decision())),
    "reopen": (True, APPROVERS, lambda p, a: plan_reopen(plan=p, reason="Sửa", actor=a)),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(
    plan: FilePlan, people: dict[str, User], persona: str, action: str
) -> None:
    approved_first, allowed, call = ACTIONS[action]
    if approved_first:
        _approved(plan, people)
    plan = FilePlan.objects.select_related("agency").get(pk=plan.pk)
    before = snapshot(plan)
    if persona in allowed:
        call(plan, people[persona])
        assert snapshot(plan) != before
    else:
        with pytest.raises(Forbidden) as refused:
            call(plan, people[persona])
        assert refused.value.message.startswith("Chỉ ")
        assert snapshot(plan) == before
