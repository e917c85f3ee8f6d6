"""The working-day calendar: holidays, compensatory working days, the weekend days.

Only administrators (the ADMIN role in any agency) and superusers change it: the calendar is
the same for every agency of the installation. Each change takes the work-week row's lock,
validates, writes, bumps the calendar's version (core.calendar.calendar_changed) and records
one audit event, in one transaction: a refused change writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from govdoc.audit.services import audit_record
from govdoc.core.calendar import (
    WEEKDAY_NAMES,
    calendar_changed,
    format_weekend,
    lock_work_week,
    parse_weekend,
)
from govdoc.core.dates import vn_date
from govdoc.core.errors import Conflict, Forbidden, ValidationFailed
from govdoc.core.models import CalendarDay, CalendarDayKind, WorkWeek
from govdoc.organizations.access import is_any_admin
from govdoc.organizations.services.validation import normalize_text, raise_if

NAME_MAX_LENGTH = 200
CALENDAR_INVALID = "Thông tin ngày nghỉ, ngày làm bù chưa hợp lệ."
NOT_ALLOWED = "Chỉ quản trị hệ thống được sửa lịch làm việc."


@dataclasses.dataclass(frozen=True)
class CalendarDayData:
    date: dt.date | None
    name: str
    kind: str = CalendarDayKind.HOLIDAY

    @classmethod
    def of(cls, day: CalendarDay) -> CalendarDayData:
        return cls(date=day.date, name=day.name, kind=day.kind)

    def normalized(self) -> CalendarDayData:
        return dataclasses.replace(self, name=normalize_text(self.name))


def _require_calendar_admin(actor: Any) -> None:
    if not is_any_admin(actor):
        raise Forbidden(NOT_ALLOWED)


def _agency_id(actor: Any) -> int | None:
    agency_id: int | None = getattr(actor, "agency_id", None)
    return agency_id


def _duplicate_message(existing: CalendarDay) -> str:
    return f"Ngày {vn_date(existing.date)} đã có trong lịch: {existing.name}."


def _check_day(data: CalendarDayData, *, weekend: frozenset[int], day: CalendarDay | None) -> None:
    errors: dict[str, str] = {}
    conflicts: dict[str, str] = {}
    if data.date is None:
        errors["date"] = "Vui lòng nhập ngày (dd/mm/yyyy)."
    if not data.name:
        errors["name"] = "Vui lòng nhập tên ngày nghỉ hoặc ngày làm bù (ví dụ Tết Nguyên đán)."
    elif len(data.name) > NAME_MAX_LENGTH:
        errors["name"] = f"Tối đa {NAME_MAX_LENGTH} ký tự (đang có {len(data.name)})."
    if data.kind not in CalendarDayKind.values:
        errors["kind"] = "Vui lòng chọn loại: ngày nghỉ hoặc ngày làm bù."
    if data.date is not None:
        if data.kind == CalendarDayKind.WORKDAY and data.date.isoweekday() not in weekend:
            errors["date"] = (
                f"{WEEKDAY_NAMES[data.date.isoweekday()]} {vn_date(data.date)} vốn là ngày làm "
                "việc: chỉ ghi ngày làm bù vào ngày nghỉ hằng tuần."
            )
        existing = (
            CalendarDay.objects.filter(date=data.date).exclude(pk=day.pk if day else 0).first()
        )
        if existing is not None:
            conflicts["date"] = _duplicate_message(existing)
    raise_if(errors, conflicts)


def _save(day: CalendarDay, data: CalendarDayData) -> None:
    day.date = data.date  # type: ignore[assignment]  # checked: not None
    day.name = data.name
    day.kind = data.kind
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError:
        # The same date saved by someone else at the same moment (the column is unique).
        message = f"Ngày {vn_date(data.date)} đã có trong lịch."
        raise Conflict(message, fields={"date": message}) from None


def _audit_data(day: CalendarDay) -> dict[str, Any]:
    return {"date": day.date.isoformat(), "name": day.name, "kind": day.kind}


def calendar_day_create(*, data: CalendarDayData, actor: Any) -> CalendarDay:
    """Add a holiday (a day off) or a compensatory working day to the calendar."""
    _require_calendar_admin(actor)
    data = data.normalized()
    with transaction.atomic():
        work_week = lock_work_week()
        _check_day(data, weekend=parse_weekend(work_week.weekend_days), day=None)
        day = CalendarDay()
        _save(day, data)
        calendar_changed()
        audit_record(
            actor=actor,
            action="calendar_day.create",
            target=day,
            agency_id=_agency_id(actor),
            data=_audit_data(day),
        )
    return day


def calendar_day_update(*, day: CalendarDay, data: CalendarDayData, actor: Any) -> CalendarDay:
    """Change a calendar day's date, name or kind."""
    _require_calendar_admin(actor)
    data = data.normalized()
    with transaction.atomic():
        work_week = lock_work_week()
        _check_day(data, weekend=parse_weekend(work_week.weekend_days), day=day)
        before = CalendarDayData.of(day)
        changes = {
            key: [str(old), str(new)]
            for key, old, new in (
                ("date", before.date, data.date),
                ("name", before.name, data.name),
                ("kind", before.kind, data.kind),
            )
            if old != new
        }
        if not changes:
            return day
        _save(day, data)
        calendar_changed()
        audit_record(
            actor=actor,
            action="calendar_day.update",
            target=day,
            agency_id=_agency_id(actor),
            data={"changes": changes},
        )
    return day


def calendar_day_delete(*, day: CalendarDay, actor: Any) -> None:
    """Take a day out of the calendar (it becomes an ordinary day of the work week)."""
    _require_calendar_admin(actor)
    with transaction.atomic():
        lock_work_week()
        label = str(day)
        data = _audit_data(day)
        target_id = str(day.pk)
        deleted, _ = CalendarDay.objects.filter(pk=day.pk).delete()
        if not deleted:
            raise Conflict("Ngày này đã được người khác xóa khỏi lịch.")
        calendar_changed()
        audit_record(
            actor=actor,
            action="calendar_day.delete",
            target_type=CalendarDay._meta.label_lower,
            target_id=target_id,
            target_label=label,
            agency_id=_agency_id(actor),
            data=data,
        )


def work_week_set(*, weekend_days: Iterable[int], actor: Any) -> WorkWeek:
    """Set the weekdays that are days off every week (ISO numbers: Monday 1 … Sunday 7)."""
    _require_calendar_admin(actor)
    days = list(weekend_days)
    if any(not isinstance(day, int) or day not in WEEKDAY_NAMES for day in days):
        raise ValidationFailed(
            CALENDAR_INVALID, fields={"weekend_days": "Ngày trong tuần không hợp lệ."}
        )
    if len(set(days)) == len(WEEKDAY_NAMES):
        raise ValidationFailed(
            CALENDAR_INVALID,
            fields={"weekend_days": "Phải còn ít nhất một ngày làm việc trong tuần."},
        )
    stored = format_weekend(days)
    with transaction.atomic():
        work_week = lock_work_week()
        before = work_week.weekend_days
        if before == stored:
            return work_week
        work_week.weekend_days = stored
        work_week.save(update_fields=["weekend_days", "updated_at"])
        calendar_changed()
        work_week.refresh_from_db()
        audit_record(
            actor=actor,
            action="work_week.update",
            target=work_week,
            agency_id=_agency_id(actor),
            data={"weekend_days": [before, stored]},
        )
    return work_week
