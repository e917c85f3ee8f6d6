"""The working-day calendar: the only place that knows which days are working days.

A day is a working day unless it is a weekend day of the work week (Saturday and Sunday by
default) or a holiday in the calendar; a weekend day listed as a WORKDAY ("ngày làm bù") is a
working day. Deadlines are counted in working days:

- `add_working_days(start, n)`: the n-th working day after `start` (the day a document
  arrives is day 0; "within 5 working days" of Friday 13/02/2026 is Friday 27/02/2026,
  Tết being in between). With n = 0: `start` itself, or the next working day when `start`
  is a day off.
- `working_days_between(start, end)`: the working days after `start` up to and including
  `end` (negative when `end` comes first), so that
  `working_days_between(d, add_working_days(d, n)) == n` for every n ≥ 1.
- `working_days_late(due, done)`: 0 when done on or before the due date, else the working
  days between them, at least 1 (work finished on the weekend after a Friday deadline is a
  day late).

`WorkingCalendar` holds one snapshot of the calendar and answers in constant time inside its
span of years (loops day by day outside it). The plain functions use this process's copy,
loaded once and reloaded when the calendar's version (in the `WorkWeek` row, bumped by every
change through `calendar_changed()`) moves: this process sees its own changes at once, other
processes within `RECHECK_SECONDS`. A sweep over many deadlines may also build one
`WorkingCalendar.from_db()` and call its methods: no query at all.

Dates are `datetime.date`; an aware `datetime` counts as its local date.
"""

from __future__ import annotations

import datetime as dt
import time
from array import array
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from govdoc.core.models import CalendarDay, CalendarDayKind, WorkWeek

# ISO weekday numbers (Monday 1 … Sunday 7) and their Vietnamese names.
WEEKDAY_NAMES: dict[int, str] = {
    1: "Thứ Hai",
    2: "Thứ Ba",
    3: "Thứ Tư",
    4: "Thứ Năm",
    5: "Thứ Sáu",
    6: "Thứ Bảy",
    7: "Chủ nhật",
}
DEFAULT_WEEKEND: frozenset[int] = frozenset({6, 7})
# The span of years the constant-time index covers unless told otherwise (it always covers
# the years that have holidays or compensatory days).
DEFAULT_FIRST_YEAR = 2000
DEFAULT_LAST_YEAR = 2100
# How long a process trusts its copy of the calendar before checking the version again.
RECHECK_SECONDS = 10.0


def parse_weekend(text: str) -> frozenset[int]:
    """The stored form ("67") as ISO weekdays; other characters are ignored."""
    return frozenset(int(ch) for ch in text if ch in "1234567")


def format_weekend(days: Iterable[int]) -> str:
    return "".join(str(day) for day in sorted(set(days)) if 1 <= day <= 7)


def weekday_name(day: dt.date) -> str:
    return WEEKDAY_NAMES[day.isoweekday()]


def _day(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class WorkingCalendar:
    """One snapshot of the calendar: the weekend days, the holidays and the compensatory
    working days. Immutable once built."""

    def __init__(
        self,
        *,
        weekend: Iterable[int] = DEFAULT_WEEKEND,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        version: int = 0,
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> None:
        self.weekend: frozenset[int] = frozenset(weekend)
        self.holidays: frozenset[dt.date] = frozenset(holidays)
        self.workdays: frozenset[dt.date] = frozenset(workdays)
        self.version = version
        if not self.weekend <= set(WEEKDAY_NAMES) or len(self.weekend) == len(WEEKDAY_NAMES):
            raise ValueError("weekend: ISO weekdays 1..7, at least one working weekday")
        years = {day.year for day in self.holidays | self.workdays}
        self.first_year = min([first_year or DEFAULT_FIRST_YEAR, *years])
        self.last_year = max([last_year or DEFAULT_LAST_YEAR, *years])
        # Built on first use: `_rank[i]` counts the working days from the span's first day up
        # to and including day i; `_work[k]` is the ordinal of the span's (k+1)-th working day.
        self._base = dt.date(self.first_year, 1, 1).toordinal()
        self._end = dt.date(self.last_year, 12, 31).toordinal()
        self._rank: array[int] | None = None
        self._work: array[int] = array("i")

    @classmethod
    def from_db(
        cls, *, first_year: int | None = None, last_year: int | None = None
    ) -> WorkingCalendar:
        """The calendar as stored (every holiday is loaded; the years only set the span of
        the constant-time index). Two queries."""
        row = WorkWeek.objects.filter(pk=1).values_list("weekend_days", "version").first()
        weekend, version = (parse_weekend(row[0]), row[1]) if row else (DEFAULT_WEEKEND, 0)
        holidays: list[dt.date] = []
        workdays: list[dt.date] = []
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (workdays if kind == CalendarDayKind.WORKDAY else holidays).append(day)
        return cls(
            weekend=weekend,
            holidays=holidays,
            workdays=workdays,
            version=version,
            first_year=first_year,
            last_year=last_year,
        )

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(weekend={format_weekend(self.weekend)!r}, "
            f"holidays={len(self.holidays)}, workdays={len(self.workdays)}, "
            f"version={self.version})"
        )

    # -- answers ---------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        day = _day(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() not in self.weekend

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after `day` (strictly after)."""
        day = _day(day)
        ordinal = day.toordinal()
        if self._base <= ordinal <= self._end:
            rank = self._index()
            done = rank[ordinal - self._base]
            if done < len(self._work):
                return dt.date.fromordinal(self._work[done])
        candidate = day + dt.timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += dt.timedelta(days=1)
        return candidate

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The deadline `n` working days after `start` (n ≥ 0; see the module's notes)."""
        start = _day(start)
        if n < 0:
            raise ValueError("n must be ≥ 0")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        ordinal = start.toordinal()
        if self._base <= ordinal <= self._end:
            rank = self._index()
            target = rank[ordinal - self._base] + n - 1
            if target < len(self._work):
                return dt.date.fromordinal(self._work[target])
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative if `end` < `start`."""
        start, end = _day(start), _day(end)
        if end < start:
            return -self.working_days_between(end, start)
        first, last = start.toordinal(), end.toordinal()
        if self._base <= first and last <= self._end:
            rank = self._index()
            return rank[last - self._base] - rank[first - self._base]
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def working_days_late(self, due: dt.date, done: dt.date) -> int:
        """0 if done on or before the due date; else the working days late, at least 1."""
        due, done = _day(due), _day(done)
        if done <= due:
            return 0
        return max(1, self.working_days_between(due, done))

    def _index(self) -> array[int]:
        if self._rank is None:
            rank = array("i")
            work = array("i")
            count = 0
            weekend, holidays, workdays = self.weekend, self.holidays, self.workdays
            for ordinal in range(self._base, self._end + 1):
                day = dt.date.fromordinal(ordinal)
                if day in workdays or (day not in holidays and day.isoweekday() not in weekend):
                    count += 1
                    work.append(ordinal)
                rank.append(count)
            self._work = work
            self._rank = rank
        return self._rank


# -- this process's copy ----------------------------------------------------------------------


class _Copy:
    calendar: WorkingCalendar | None = None
    checked_at = 0.0
    # A calendar change made by this process whose commit has not been seen yet: check the
    # version on every call until then (the change may still be rolled back).
    unsettled = False


_copy = _Copy()


def _stored_version() -> int:
    version = WorkWeek.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


def current_calendar() -> WorkingCalendar:
    """This process's copy of the calendar, reloaded when the stored version moves."""
    calendar = _copy.calendar
    now = time.monotonic()
    if calendar is not None and not _copy.unsettled and now - _copy.checked_at < RECHECK_SECONDS:
        return calendar
    if calendar is None or calendar.version != _stored_version():
        calendar = WorkingCalendar.from_db()
    _copy.calendar = calendar
    _copy.checked_at = now
    if _copy.unsettled and not connection.in_atomic_block:
        _copy.unsettled = False
    return calendar


def reset_cache() -> None:
    """Forget this process's copy (tests that write calendar rows directly call this)."""
    _copy.calendar = None
    _copy.unsettled = False


def lock_work_week() -> WorkWeek:
    """The work-week row, locked for the rest of the transaction (created if missing):
    every change to the calendar takes this lock first, so changes happen one at a time."""
    WorkWeek.objects.get_or_create(pk=1, defaults={"weekend_days": format_weekend(DEFAULT_WEEKEND)})
    return WorkWeek.objects.select_for_update().get(pk=1)


def calendar_changed() -> None:
    """Call inside the transaction of every change to the calendar, after `lock_work_week()`:
    bumps the stored version (other processes reload within RECHECK_SECONDS) and drops this
    process's copy now and again after the commit."""
    WorkWeek.objects.filter(pk=1).update(version=F("version") + 1)
    _copy.calendar = None
    _copy.unsettled = True
    transaction.on_commit(reset_cache)


# -- the plain functions ---------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return current_calendar().next_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current_calendar().working_days_between(start, end)


def working_days_late(due: dt.date, done: dt.date) -> int:
    return current_calendar().working_days_late(due, done)
