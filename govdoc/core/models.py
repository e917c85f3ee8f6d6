from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "HOLIDAY", "Ngày nghỉ"
    WORKDAY = "WORKDAY", "Ngày làm bù"


class CalendarDay(TimeStampedModel):
    """A date that departs from the work week: a public holiday or day off on a working day
    (HOLIDAY), or a weekend day made a working day (WORKDAY, "ngày làm bù")."""

    date = models.DateField("ngày", unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField(
        "loại", max_length=10, choices=CalendarDayKind.choices, default=CalendarDayKind.HOLIDAY
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values), name="calendar_day_kind_valid"
            ),
        ]
        verbose_name = "ngày nghỉ, ngày làm bù"
        verbose_name_plural = "ngày nghỉ, ngày làm bù"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


def default_weekend_days() -> str:
    return "67"


class WorkWeek(models.Model):
    """The one row (id 1) of the work-week setting: which ISO weekdays are days off
    ("67": Saturday and Sunday), and the calendar's version, bumped by every change to the
    calendar so that each process knows when to reload it."""

    weekend_days = models.CharField(
        "ngày nghỉ hằng tuần", max_length=7, default=default_weekend_days, blank=True
    )
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="work_week_singleton"),
        ]
        verbose_name = "tuần làm việc"
        verbose_name_plural = "tuần làm việc"

    def __str__(self) -> str:
        return f"Tuần làm việc (nghỉ: {self.weekend_days or 'không'})"


class PeriodicRun(models.Model):
    """One occurrence of a periodic job, claimed by the worker that enqueued it.

    The unique (job, occurrence) pair is the guard: however many workers run the scheduler,
    only the one whose INSERT wins enqueues the occurrence (govdoc/core/periodic.py).
    """

    job = models.CharField("tác vụ định kỳ", max_length=100)
    occurrence = models.DateTimeField("lần chạy")
    claimed_at = models.DateTimeField("thời điểm nhận")
    worker = models.CharField("bộ xử lý", max_length=100, blank=True)

    class Meta:
        verbose_name = "lần chạy tác vụ định kỳ"
        verbose_name_plural = "các lần chạy tác vụ định kỳ"
        constraints = [
            models.UniqueConstraint(fields=["job", "occurrence"], name="core_periodic_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.occurrence.isoformat()}"
