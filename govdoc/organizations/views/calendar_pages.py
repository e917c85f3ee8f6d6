"""Working-day calendar screens: the year's holidays and compensatory working days, their
forms, the weekend days, and a deadline calculator to check the result. Administrators only
(anyone else gets 404)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.core.calendar import (
    WEEKDAY_NAMES,
    WorkingCalendar,
    current_calendar,
    weekday_name,
)
from govdoc.core.dates import parse_vn_date, today
from govdoc.core.errors import DomainError
from govdoc.core.forms import StyledFormMixin
from govdoc.core.models import CalendarDay, CalendarDayKind
from govdoc.organizations.forms import DATE_ATTRS, DATE_ERRORS
from govdoc.organizations.services import calendar as services
from govdoc.organizations.services.calendar import CalendarDayData
from govdoc.organizations.views.form_input import apply_errors, int_or_none
from govdoc.organizations.views.scoping import require_any_admin

FIRST_YEAR, LAST_YEAR = 1990, 2199
CALCULATOR_MAX_DAYS = 365


class CalendarDayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(
        label="Ngày",
        required=False,
        widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_ATTRS),
        error_messages=DATE_ERRORS,
    )
    kind = forms.ChoiceField(
        label="Loại",
        choices=CalendarDayKind.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "Vui lòng chọn loại: ngày nghỉ hoặc ngày làm bù."},
    )
    name = forms.CharField(
        label="Tên",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "vd: Tết Nguyên đán, Nghỉ bù Quốc khánh"}),
    )


class WeekendForm(StyledFormMixin, forms.Form):
    weekend_days = forms.TypedMultipleChoiceField(
        label="Ngày nghỉ hằng tuần",
        choices=[(str(number), name) for number, name in WEEKDAY_NAMES.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "Ngày trong tuần không hợp lệ."},
    )


class CalculatorForm(StyledFormMixin, forms.Form):
    start = forms.DateField(
        label="Ngày bắt đầu (ngày nhận)",
        widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_ATTRS),
        error_messages={**DATE_ERRORS, "required": "Vui lòng nhập ngày bắt đầu."},
    )
    days = forms.IntegerField(
        label="Số ngày làm việc",
        min_value=0,
        max_value=CALCULATOR_MAX_DAYS,
        error_messages={
            "required": "Vui lòng nhập số ngày làm việc.",
            "invalid": "Số ngày làm việc phải là số nguyên.",
            "min_value": "Số ngày làm việc không được âm.",
            "max_value": f"Tối đa {CALCULATOR_MAX_DAYS} ngày làm việc.",
        },
    )


def _year(request: HttpRequest) -> int:
    year = int_or_none(request.GET.get("nam")) or today().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _calculate(calendar: WorkingCalendar, start: dt.date, days: int) -> dict[str, Any]:
    due = calendar.add_working_days(start, days)
    skipped = [
        {"day": row, "weekday": weekday_name(row.date)}
        for row in CalendarDay.objects.filter(
            date__gt=start, date__lte=due, kind=CalendarDayKind.HOLIDAY
        )
        if row.date.isoweekday() not in calendar.weekend
    ]
    return {
        "start": start,
        "start_weekday": weekday_name(start),
        "days": days,
        "due": due,
        "due_weekday": weekday_name(due),
        "calendar_days": (due - start).days,
        "skipped": skipped,
    }


def _render_calendar(
    request: HttpRequest, *, weekend_form: WeekendForm | None = None
) -> HttpResponse:
    year = _year(request)
    calendar = current_calendar()
    days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    rows = [
        {
            "day": day,
            "weekday": weekday_name(day.date),
            "redundant": (day.kind == CalendarDayKind.HOLIDAY)
            == (day.date.isoweekday() in calendar.weekend),
        }
        for day in days
    ]
    if weekend_form is None:
        weekend_form = WeekendForm(initial={"weekend_days": [str(d) for d in calendar.weekend]})
    calculator = CalculatorForm(initial={"start": today(), "days": 5})
    if "tu-ngay" in request.GET:
        calculator = CalculatorForm(
            {"start": request.GET.get("tu-ngay", ""), "days": request.GET.get("so-ngay", "")}
        )
    result = None
    if calculator.is_bound and calculator.is_valid():
        result = _calculate(
            calendar, calculator.cleaned_data["start"], calculator.cleaned_data["days"]
        )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return render(
        request,
        "organizations/calendar/list.html",
        {
            "year": year,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
            "rows": rows,
            "holiday_count": sum(1 for d in days if d.kind == CalendarDayKind.HOLIDAY),
            "workday_count": sum(1 for d in days if d.kind == CalendarDayKind.WORKDAY),
            "working_days": calendar.working_days_between(first - dt.timedelta(days=1), last),
            "weekend_names": [WEEKDAY_NAMES[d] for d in sorted(calendar.weekend)],
            "weekend_form": weekend_form,
            "calculator": calculator,
            "result": result,
        },
    )


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    return _render_calendar(request)


def _list_url(year: int) -> str:
    return f"{reverse('organizations:calendar')}?nam={year}"


def _day_data(form: CalendarDayForm) -> CalendarDayData:
    data = form.cleaned_data
    return CalendarDayData(
        date=data.get("date"), name=data.get("name") or "", kind=data.get("kind") or ""
    )


def _day_or_404(pk: int) -> CalendarDay:
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        raise Http404()
    return day


@login_required
def calendar_day_create(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                day = services.calendar_day_create(data=_day_data(form), actor=request.user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã thêm {day.get_kind_display().lower()} {day}.")
                if "save_and_new" in request.POST:
                    return redirect("organizations:calendar_day_create")
                return redirect(_list_url(day.date.year))
    else:
        initial: dict[str, Any] = {"kind": CalendarDayKind.HOLIDAY}
        with contextlib.suppress(ValueError):
            initial["date"] = parse_vn_date(request.GET.get("ngay", ""))
        form = CalendarDayForm(initial=initial)
    back = _list_url(_year(request))
    return render(
        request, "organizations/calendar/day_form.html", {"form": form, "day": None, "back": back}
    )


@login_required
def calendar_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_any_admin(request)
    day = _day_or_404(pk)
    back = _list_url(day.date.year)
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                services.calendar_day_update(day=day, data=_day_data(form), actor=request.user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã lưu {day}.")
                return redirect(_list_url(day.date.year))
    else:
        form = CalendarDayForm(initial={"date": day.date, "name": day.name, "kind": day.kind})
    return render(
        request, "organizations/calendar/day_form.html", {"form": form, "day": day, "back": back}
    )


@login_required
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_any_admin(request)
    day = _day_or_404(pk)
    if request.method == "POST":
        label, year = str(day), day.date.year
        try:
            services.calendar_day_delete(day=day, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã xóa {label} khỏi lịch làm việc.")
        return redirect(_list_url(year))
    return render(
        request,
        "organizations/calendar/day_delete.html",
        {"day": day, "weekday": weekday_name(day.date), "back": _list_url(day.date.year)},
    )


@login_required
@require_POST
def calendar_weekend(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    form = WeekendForm(request.POST)
    if form.is_valid():
        try:
            services.work_week_set(
                weekend_days=form.cleaned_data["weekend_days"], actor=request.user
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Đã lưu ngày nghỉ hằng tuần.")
            return redirect(_list_url(_year(request)))
    return _render_calendar(request, weekend_form=form)
