"""The working-day calendar: weekends, Tết, compensatory days, year boundaries, the seeded
holidays, and this process's copy (one load, reloaded when the calendar changes)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from govdoc.core import calendar as cal
from govdoc.core.calendar import WorkingCalendar
from govdoc.core.calendar_seed import VIETNAM_HOLIDAYS, seed_calendar
from govdoc.core.models import CalendarDay, CalendarDayKind, WorkWeek

D = dt.date


def vietnam(**kwargs: Any) -> WorkingCalendar:
    """The seeded 2026–2027 calendar, built without the database."""
    return WorkingCalendar(
        holidays=[day for day, _, kind in VIETNAM_HOLIDAYS if kind == "HOLIDAY"],
        workdays=[day for day, _, kind in VIETNAM_HOLIDAYS if kind == "WORKDAY"],
        **kwargs,
    )


# Built once for the property tests (the index is built on first use).
VIETNAM = vietnam()
VIETNAM_2026_INDEX = vietnam(first_year=2026, last_year=2026)


@pytest.fixture(autouse=True)
def _fresh_copy() -> Iterator[None]:
    cal.reset_cache()
    yield
    cal.reset_cache()


# ------------------------------------------------------------------- the pure calendar


def test_weekend_days_are_not_working_days() -> None:
    # given the default work week (Saturday and Sunday off) and no holidays
    calendar = WorkingCalendar()
    # then Monday to Friday work, the weekend does not
    week = [D(2026, 3, 2) + dt.timedelta(days=i) for i in range(7)]
    assert [calendar.is_working_day(day) for day in week] == [True] * 5 + [False] * 2


def test_friday_plus_one_working_day_is_monday() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert calendar.add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)
    assert calendar.next_working_day(D(2026, 3, 6)) == D(2026, 3, 9)


def test_zero_days_is_the_start_or_the_next_working_day() -> None:
    calendar = vietnam()
    # a working day is its own deadline
    assert calendar.add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
    # a Saturday rolls to Monday, a day of Tết to the first day after Tết
    assert calendar.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 9)
    assert calendar.add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 23)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(D(2026, 3, 4), -1)


def test_tet_2026_is_skipped() -> None:
    # given the seeded calendar: Tết off Monday 16/02 to Friday 20/02/2026
    calendar = vietnam()
    # when a document arrives on Friday 13/02 with 5 working days to answer
    due = calendar.add_working_days(D(2026, 2, 13), 5)
    # then the deadline is Friday 27/02 (23, 24, 25, 26, 27 February)
    assert due == D(2026, 2, 27)
    assert calendar.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 22)) == 0
    assert not any(calendar.is_working_day(D(2026, 2, d)) for d in range(14, 23))


def test_tet_2027_takes_five_working_days() -> None:
    calendar = vietnam()
    # Thursday 04/02 to Wednesday 10/02/2027 are off: five working days
    days_off = [
        D(2027, 2, 4) + dt.timedelta(days=i)
        for i in range(7)
        if not calendar.is_working_day(D(2027, 2, 4) + dt.timedelta(days=i))
    ]
    assert len(days_off) == 7
    assert sum(day.isoweekday() <= 5 for day in days_off) == 5
    assert calendar.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)


def test_compensatory_days_off() -> None:
    calendar = vietnam()
    # Giỗ Tổ on Sunday 26/04/2026: Monday 27/04 off instead
    assert not calendar.is_working_day(D(2026, 4, 27))
    assert calendar.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)
    # 30/4 on Friday and 1/5 on Saturday 2027: Monday 03/05 off instead
    assert calendar.add_working_days(D(2027, 4, 29), 1) == D(2027, 5, 4)
    # 30/4 and 1/5 2026 on Thursday and Friday: Wednesday 29/04 + 1 is Monday 04/05
    assert calendar.add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # Quốc khánh 2026: Tuesday 01/09 and Wednesday 02/09
    assert calendar.add_working_days(D(2026, 8, 31), 1) == D(2026, 9, 3)


def test_a_compensatory_working_day_counts() -> None:
    # given Saturday 10/01/2026 made a working day
    calendar = WorkingCalendar(workdays=[D(2026, 1, 10)])
    # then Friday 09/01 + 1 working day is that Saturday, and Sunday is still off
    assert calendar.is_working_day(D(2026, 1, 10))
    assert calendar.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
    assert calendar.add_working_days(D(2026, 1, 9), 2) == D(2026, 1, 12)
    assert calendar.working_days_between(D(2026, 1, 9), D(2026, 1, 12)) == 2


def test_year_boundaries() -> None:
    calendar = vietnam()
    # Wednesday 31/12/2025 + 1: Thursday 01/01/2026 is Tết Dương lịch
    assert calendar.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    # Thursday 30/12/2027 + 2 runs into 2028 (no holidays seeded yet)
    assert calendar.add_working_days(D(2027, 12, 30), 2) == D(2028, 1, 3)
    # 2026 has 365 days, 104 weekend days and 11 weekday holidays
    assert calendar.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 250


def test_working_days_between_counts_after_start_up_to_end() -> None:
    calendar = vietnam()
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert calendar.working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 4
    assert calendar.working_days_between(D(2026, 3, 6), D(2026, 3, 2)) == -4
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5


def test_working_days_late() -> None:
    calendar = vietnam()
    due = D(2026, 2, 13)  # Friday before Tết
    assert calendar.working_days_late(due, D(2026, 2, 12)) == 0
    assert calendar.working_days_late(due, due) == 0
    # finished during Tết: late, by at least one day
    assert calendar.working_days_late(due, D(2026, 2, 17)) == 1
    # finished Tuesday 24/02: two working days late (23 and 24)
    assert calendar.working_days_late(due, D(2026, 2, 24)) == 2


def test_a_six_day_week() -> None:
    calendar = WorkingCalendar(weekend=[7])
    assert calendar.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    assert calendar.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)


def test_a_week_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=range(1, 8))
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=[0, 6])


def test_an_aware_datetime_counts_as_its_local_date() -> None:
    # 20:00 UTC on Friday 13/02/2026 is 03:00 on Saturday 14/02 in Hà Nội
    moment = dt.datetime(2026, 2, 13, 20, 0, tzinfo=dt.UTC)
    assert vietnam().add_working_days(moment, 0) == D(2026, 2, 23)
    local = moment.astimezone(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    assert vietnam().is_working_day(local) is False


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2025, 6, 1), max_value=D(2028, 6, 30)),
    n=st.integers(min_value=1, max_value=120),
)
def test_counting_back_gives_the_days_added(start: dt.date, n: int) -> None:
    calendar = VIETNAM
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(start, due) == n
    # the day before the deadline is one working day short
    assert calendar.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2025, 10, 1), max_value=D(2027, 12, 31)),
    end=st.dates(min_value=D(2025, 10, 1), max_value=D(2028, 3, 31)),
    n=st.integers(min_value=0, max_value=90),
)
def test_the_index_agrees_with_counting_day_by_day(start: dt.date, end: dt.date, n: int) -> None:
    # given the same calendar indexed over 2000–2100, and over 2026–2027 only (the years of
    # its holidays: most answers are then counted day by day)
    indexed, narrow = VIETNAM, VIETNAM_2026_INDEX
    assert (narrow.first_year, narrow.last_year) == (2026, 2027)
    # then both give the same answers
    assert indexed.add_working_days(start, n) == narrow.add_working_days(start, n)
    assert indexed.working_days_between(start, end) == narrow.working_days_between(start, end)
    assert indexed.next_working_day(end) == narrow.next_working_day(end)


def test_dates_beyond_the_index_are_counted() -> None:
    calendar = WorkingCalendar(first_year=2026, last_year=2026)
    assert calendar.add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 4)
    assert calendar.working_days_between(D(2026, 12, 25), D(2027, 1, 8)) == 10


def test_seeded_dates_are_weekdays_in_2026_and_2027() -> None:
    assert {day.year for day, _, _ in VIETNAM_HOLIDAYS} == {2026, 2027}
    assert all(day.isoweekday() <= 5 for day, _, _ in VIETNAM_HOLIDAYS)
    assert len({day for day, _, _ in VIETNAM_HOLIDAYS}) == len(VIETNAM_HOLIDAYS)


# --------------------------------------------------------------------- from the database


@pytest.mark.django_db
def test_the_migration_seeded_vietnams_holidays() -> None:
    # given a freshly migrated database
    # then the work week is Saturday and Sunday off and 2026–2027's holidays are there
    assert WorkWeek.objects.get(pk=1).weekend_days == "67"
    days = {row.date: row for row in CalendarDay.objects.all()}
    assert set(days) >= {day for day, _, _ in VIETNAM_HOLIDAYS}
    assert days[D(2026, 2, 17)].name == "Tết Nguyên đán (Mùng 1)"
    assert days[D(2027, 5, 3)].kind == CalendarDayKind.HOLIDAY
    # and the plain functions count with them
    assert cal.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert not cal.is_working_day(D(2026, 9, 2))
    assert cal.next_working_day(D(2026, 4, 24)) == D(2026, 4, 28)
    assert cal.working_days_between(D(2026, 4, 24), D(2026, 4, 28)) == 1
    assert cal.working_days_late(D(2026, 4, 24), D(2026, 4, 28)) == 1


@pytest.mark.django_db
def test_seeding_again_keeps_what_the_administrator_set() -> None:
    # given an administrator renamed a seeded day and removed another
    CalendarDay.objects.filter(date=D(2026, 1, 1)).update(name="Tết Dương lịch 2026")
    CalendarDay.objects.filter(date=D(2026, 9, 1)).delete()
    count = CalendarDay.objects.count()
    # when the seed runs again
    seed_calendar(CalendarDay, WorkWeek)
    # then only the missing date comes back; the renamed one stays as it is
    assert CalendarDay.objects.count() == count + 1
    assert CalendarDay.objects.get(date=D(2026, 1, 1)).name == "Tết Dương lịch 2026"
    assert WorkWeek.objects.count() == 1


@pytest.mark.django_db
def test_from_db_without_a_work_week_row_uses_saturday_and_sunday() -> None:
    WorkWeek.objects.all().delete()
    calendar = WorkingCalendar.from_db()
    assert calendar.weekend == frozenset({6, 7}) and calendar.version == 0
    assert D(2026, 2, 17) in calendar.holidays


@pytest.mark.django_db
def test_a_sweep_does_not_query_per_call(django_assert_num_queries: Any) -> None:
    # given the calendar loaded once
    cal.current_calendar()
    start = D(2026, 1, 1)
    # when a thousand deadlines are computed
    with django_assert_num_queries(0):
        dues = [cal.add_working_days(start + dt.timedelta(days=i % 700), 10) for i in range(1000)]
        lates = [cal.working_days_late(start, due) for due in dues]
    # then no query ran, and the answers are those of the seeded calendar
    assert dues[0] == D(2026, 1, 15)
    assert lates[0] == 10


@pytest.mark.django_db
def test_a_change_in_this_process_is_seen_at_once() -> None:
    # given the calendar loaded, and Wednesday 04/03/2026 a working day
    assert cal.is_working_day(D(2026, 3, 4))
    version = WorkWeek.objects.get(pk=1).version
    # when a holiday is added the way the services do it
    with transaction.atomic():
        cal.lock_work_week()
        CalendarDay.objects.create(date=D(2026, 3, 4), name="Nghỉ đột xuất")
        cal.calendar_changed()
    # then the version moved and the next answer knows the new day off
    assert WorkWeek.objects.get(pk=1).version == version + 1
    assert not cal.is_working_day(D(2026, 3, 4))


@pytest.mark.django_db
def test_a_rolled_back_change_is_forgotten() -> None:
    assert cal.is_working_day(D(2026, 3, 4))
    # when a change is made, read, and rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        cal.lock_work_week()
        CalendarDay.objects.create(date=D(2026, 3, 4), name="Nghỉ đột xuất")
        cal.calendar_changed()
        assert not cal.is_working_day(D(2026, 3, 4))
        raise RuntimeError
    # then the next answer is that of the stored calendar again
    assert cal.is_working_day(D(2026, 3, 4))


@pytest.mark.django_db
def test_another_processs_change_is_seen_after_the_recheck(monkeypatch: Any) -> None:
    # given this process's copy is loaded
    assert cal.is_working_day(D(2026, 3, 4))
    # when another process adds a holiday and bumps the version
    CalendarDay.objects.create(date=D(2026, 3, 4), name="Nghỉ đột xuất")
    WorkWeek.objects.filter(pk=1).update(version=WorkWeek.objects.get(pk=1).version + 1)
    # then this process keeps its copy until the recheck time has passed
    assert cal.is_working_day(D(2026, 3, 4))
    monkeypatch.setattr(cal, "RECHECK_SECONDS", 0.0)
    assert not cal.is_working_day(D(2026, 3, 4))
