"""Calendar services: holidays, compensatory working days and the weekend days; only
administrators; Vietnamese errors; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from govdoc.audit.models import AuditEvent
from govdoc.conftest import make_person
from govdoc.core import calendar as cal
from govdoc.core.errors import Conflict, Forbidden, ValidationFailed
from govdoc.core.models import CalendarDay, CalendarDayKind, WorkWeek
from govdoc.organizations.models import Agency, User
from govdoc.organizations.services.calendar import (
    CalendarDayData,
    calendar_day_create,
    calendar_day_delete,
    calendar_day_update,
    work_week_set,
)

pytestmark = pytest.mark.django_db

D = dt.date
HOLIDAY, WORKDAY = CalendarDayKind.HOLIDAY, CalendarDayKind.WORKDAY


@pytest.fixture(autouse=True)
def _fresh_copy() -> Iterator[None]:
    cal.reset_cache()
    yield
    cal.reset_cache()


def _snapshot() -> tuple[Any, ...]:
    """Everything these services may write, to show that a refusal wrote nothing."""
    return (
        list(CalendarDay.objects.order_by("pk").values()),
        list(WorkWeek.objects.values()),
        AuditEvent.objects.count(),
    )


def _version() -> int:
    return WorkWeek.objects.get(pk=1).version


# ---------------------------------------------------------------------------- add


def test_admin_adds_a_day_off(personas: dict[str, User]) -> None:
    # given the administrator, and Wednesday 04/03/2026 a working day
    admin = personas["admin"]
    assert cal.is_working_day(D(2026, 3, 4))
    version = _version()
    # when they add it as a day off (name loosely typed)
    day = calendar_day_create(
        data=CalendarDayData(date=D(2026, 3, 4), name="  Nghỉ   đột xuất ", kind=HOLIDAY),
        actor=admin,
    )
    # then it is stored, normalised, and deadlines skip it at once
    day.refresh_from_db()
    assert (day.date, day.name, day.kind) == (D(2026, 3, 4), "Nghỉ đột xuất", HOLIDAY)
    assert not cal.is_working_day(D(2026, 3, 4))
    assert cal.add_working_days(D(2026, 3, 3), 1) == D(2026, 3, 5)
    assert _version() == version + 1
    # and one audit event describes it
    event = AuditEvent.objects.get(action="calendar_day.create")
    assert event.actor == admin and event.target_id == str(day.pk)
    assert event.agency_id == admin.agency_id
    assert event.data == {"date": "2026-03-04", "name": "Nghỉ đột xuất", "kind": "HOLIDAY"}


def test_admin_adds_a_compensatory_working_day(personas: dict[str, User]) -> None:
    # when Saturday 07/03/2026 is made a working day
    calendar_day_create(
        data=CalendarDayData(date=D(2026, 3, 7), name="Làm bù", kind=WORKDAY),
        actor=personas["admin"],
    )
    # then Friday + 1 working day is that Saturday
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)


def test_a_superuser_without_a_role_may_change_the_calendar(ministry: Agency) -> None:
    root = make_person("root", agency=ministry, roles=[], superuser=True)
    day = calendar_day_create(
        data=CalendarDayData(date=D(2026, 3, 4), name="Nghỉ", kind=HOLIDAY), actor=root
    )
    assert CalendarDay.objects.filter(pk=day.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (CalendarDayData(date=None, name="Nghỉ", kind=HOLIDAY), "date", "Vui lòng nhập ngày"),
        (CalendarDayData(date=D(2026, 3, 4), name="  ", kind=HOLIDAY), "name", "Vui lòng nhập"),
        (CalendarDayData(date=D(2026, 3, 4), name="x" * 201, kind=HOLIDAY), "name", "Tối đa 200"),
        (CalendarDayData(date=D(2026, 3, 4), name="Nghỉ", kind="OTHER"), "kind", "Vui lòng chọn"),
        (
            CalendarDayData(date=D(2026, 3, 3), name="Làm bù", kind=WORKDAY),
            "date",
            "Thứ Ba 03/03/2026 vốn là ngày làm việc",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    personas: dict[str, User], data: CalendarDayData, field: str, message: str
) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        calendar_day_create(data=data, actor=personas["admin"])
    assert message in caught.value.fields[field]
    assert _snapshot() == before


def test_a_date_already_in_the_calendar_is_a_conflict(personas: dict[str, User]) -> None:
    # given 01/01/2026 seeded as Tết Dương lịch
    before = _snapshot()
    # when the administrator adds it again
    with pytest.raises(Conflict) as caught:
        calendar_day_create(
            data=CalendarDayData(date=D(2026, 1, 1), name="Năm mới", kind=HOLIDAY),
            actor=personas["admin"],
        )
    # then the message names the existing day, and nothing changed
    assert caught.value.fields["date"] == "Ngày 01/01/2026 đã có trong lịch: Tết Dương lịch."
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_change_the_calendar(personas: dict[str, User], persona: str) -> None:
    # given someone who is not an administrator, and a seeded day
    actor = personas[persona]
    seeded = CalendarDay.objects.get(date=D(2026, 1, 1))
    before = _snapshot()
    # when they try each change
    attempts: list[Callable[[], object]] = [
        lambda: calendar_day_create(
            data=CalendarDayData(date=D(2026, 3, 4), name="Nghỉ", kind=HOLIDAY), actor=actor
        ),
        lambda: calendar_day_update(
            day=seeded, data=CalendarDayData(D(2026, 1, 1), "Khác", HOLIDAY), actor=actor
        ),
        lambda: calendar_day_delete(day=seeded, actor=actor),
        lambda: work_week_set(weekend_days=[7], actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as caught:
            attempt()
        assert caught.value.message == "Chỉ quản trị hệ thống được sửa lịch làm việc."
    # then nothing changed
    assert _snapshot() == before


# ---------------------------------------------------------------------------- edit


def test_admin_moves_a_day(personas: dict[str, User]) -> None:
    # given Quốc khánh's adjacent day seeded on Tuesday 01/09/2026
    day = CalendarDay.objects.get(date=D(2026, 9, 1))
    # when the government announces Thursday 03/09 instead
    calendar_day_update(
        day=day,
        data=CalendarDayData(date=D(2026, 9, 3), name="Quốc khánh (ngày liền kề)", kind=HOLIDAY),
        actor=personas["admin"],
    )
    # then the day moved, and the calendar counts with the new date
    day.refresh_from_db()
    assert day.date == D(2026, 9, 3)
    assert cal.is_working_day(D(2026, 9, 1)) and not cal.is_working_day(D(2026, 9, 3))
    event = AuditEvent.objects.get(action="calendar_day.update")
    assert event.data == {"changes": {"date": ["2026-09-01", "2026-09-03"]}}


def test_moving_a_day_onto_another_is_a_conflict(personas: dict[str, User]) -> None:
    day = CalendarDay.objects.get(date=D(2026, 9, 1))
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        calendar_day_update(
            day=day,
            data=CalendarDayData(date=D(2026, 9, 2), name=day.name, kind=HOLIDAY),
            actor=personas["admin"],
        )
    assert "02/09/2026 đã có trong lịch: Quốc khánh (2/9)" in caught.value.fields["date"]
    day.refresh_from_db()
    assert day.date == D(2026, 9, 1)
    assert _snapshot() == before


def test_turning_a_weekday_holiday_into_a_working_day_is_refused(
    personas: dict[str, User],
) -> None:
    day = CalendarDay.objects.get(date=D(2026, 9, 1))
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        calendar_day_update(
            day=day,
            data=CalendarDayData(date=day.date, name=day.name, kind=WORKDAY),
            actor=personas["admin"],
        )
    assert "vốn là ngày làm việc" in caught.value.fields["date"]
    assert _snapshot() == before


def test_saving_without_changes_records_nothing(personas: dict[str, User]) -> None:
    day = CalendarDay.objects.get(date=D(2026, 9, 1))
    before = _snapshot()
    calendar_day_update(day=day, data=CalendarDayData.of(day), actor=personas["admin"])
    assert _snapshot() == before


# ---------------------------------------------------------------------------- remove


def test_admin_removes_a_day(personas: dict[str, User]) -> None:
    # given Monday 27/04/2026 off (compensatory for Giỗ Tổ)
    day = CalendarDay.objects.get(date=D(2026, 4, 27))
    pk = day.pk
    assert not cal.is_working_day(D(2026, 4, 27))
    # when the administrator removes it
    calendar_day_delete(day=day, actor=personas["admin"])
    # then it is a working day again, and the journal keeps what was removed
    assert not CalendarDay.objects.filter(pk=pk).exists()
    assert cal.is_working_day(D(2026, 4, 27))
    event = AuditEvent.objects.get(action="calendar_day.delete")
    assert event.target_id == str(pk) and event.target_type == "core.calendarday"
    assert event.data["date"] == "2026-04-27"
    assert "27/04/2026" in event.target_label


def test_removing_a_day_removed_meanwhile_is_a_conflict(personas: dict[str, User]) -> None:
    day = CalendarDay.objects.get(date=D(2026, 4, 27))
    CalendarDay.objects.filter(pk=day.pk).delete()
    cal.reset_cache()
    before = _snapshot()
    with pytest.raises(Conflict):
        calendar_day_delete(day=day, actor=personas["admin"])
    assert _snapshot() == before


# ---------------------------------------------------------------------------- weekend days


def test_admin_sets_a_six_day_week(personas: dict[str, User]) -> None:
    # when only Sunday stays off
    work_week = work_week_set(weekend_days=[7], actor=personas["admin"])
    # then it is stored, and Friday + 1 working day is Saturday
    assert WorkWeek.objects.get(pk=1).weekend_days == "7" == work_week.weekend_days
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    event = AuditEvent.objects.get(action="work_week.update")
    assert event.data == {"weekend_days": ["67", "7"]}


def test_the_same_weekend_records_nothing(personas: dict[str, User]) -> None:
    before = _snapshot()
    work_week_set(weekend_days=[7, 6, 6], actor=personas["admin"])
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([1, 2, 3, 4, 5, 6, 7], "Phải còn ít nhất một ngày làm việc trong tuần."),
        ([0], "Ngày trong tuần không hợp lệ."),
        ([8], "Ngày trong tuần không hợp lệ."),
    ],
)
def test_a_bad_weekend_is_refused(personas: dict[str, User], days: list[int], message: str) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        work_week_set(weekend_days=days, actor=personas["admin"])
    assert caught.value.fields == {"weekend_days": message}
    assert _snapshot() == before


def test_the_work_week_row_is_created_when_missing(personas: dict[str, User]) -> None:
    # given a database without the row (as after a flush)
    WorkWeek.objects.all().delete()
    cal.reset_cache()
    # when the weekend is set
    work_week_set(weekend_days=[6, 7, 5], actor=personas["admin"])
    # then the one row exists with the new setting
    assert list(WorkWeek.objects.values_list("pk", "weekend_days")) == [(1, "567")]
    assert not cal.is_working_day(D(2026, 3, 6))
