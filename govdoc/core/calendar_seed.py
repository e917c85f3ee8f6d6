"""Vietnam's public holidays for 2026 and 2027, seeded by a data migration.

The dates follow the Labour Code (Bộ luật Lao động 2019, Điều 112): Tết Dương lịch (1/1),
Tết Nguyên đán (5 days), Giỗ Tổ Hùng Vương (10/3 lunar), Chiến thắng (30/4), Quốc tế Lao động
(1/5), Quốc khánh (2/9 and one day before or after it). A holiday falling on a weekend day is
made up by a day off on the next working day ("nghỉ bù"). Only days off that fall on working
days are listed (a holiday on a Sunday changes nothing by itself). Each year the government
announces the exact days; administrators adjust the calendar to that announcement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

HOLIDAY = "HOLIDAY"
WORKDAY = "WORKDAY"

_D = dt.date

VIETNAM_HOLIDAYS: list[tuple[dt.date, str, str]] = [
    # 2026
    (_D(2026, 1, 1), "Tết Dương lịch", HOLIDAY),
    # Lunar new year: Tuesday 17/02/2026; off Saturday 14/02 to Sunday 22/02.
    (_D(2026, 2, 16), "Tết Nguyên đán (ngày cuối năm Ất Tỵ)", HOLIDAY),
    (_D(2026, 2, 17), "Tết Nguyên đán (Mùng 1)", HOLIDAY),
    (_D(2026, 2, 18), "Tết Nguyên đán (Mùng 2)", HOLIDAY),
    (_D(2026, 2, 19), "Tết Nguyên đán (Mùng 3)", HOLIDAY),
    (_D(2026, 2, 20), "Tết Nguyên đán (Mùng 4)", HOLIDAY),
    # 10/3 lunar falls on Sunday 26/04/2026.
    (_D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/04)", HOLIDAY),
    (_D(2026, 4, 30), "Ngày Chiến thắng (30/4)", HOLIDAY),
    (_D(2026, 5, 1), "Ngày Quốc tế Lao động (1/5)", HOLIDAY),
    (_D(2026, 9, 1), "Quốc khánh (ngày liền kề)", HOLIDAY),
    (_D(2026, 9, 2), "Quốc khánh (2/9)", HOLIDAY),
    # 2027
    (_D(2027, 1, 1), "Tết Dương lịch", HOLIDAY),
    # Lunar new year: Saturday 06/02/2027; five working days off, Thursday 04/02 to
    # Wednesday 10/02 (Mùng 1 and Mùng 2 fall on the weekend).
    (_D(2027, 2, 4), "Tết Nguyên đán", HOLIDAY),
    (_D(2027, 2, 5), "Tết Nguyên đán (ngày cuối năm Bính Ngọ)", HOLIDAY),
    (_D(2027, 2, 8), "Tết Nguyên đán (Mùng 3)", HOLIDAY),
    (_D(2027, 2, 9), "Tết Nguyên đán (Mùng 4, nghỉ bù Mùng 1)", HOLIDAY),
    (_D(2027, 2, 10), "Tết Nguyên đán (Mùng 5, nghỉ bù Mùng 2)", HOLIDAY),
    (_D(2027, 4, 16), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", HOLIDAY),
    (_D(2027, 4, 30), "Ngày Chiến thắng (30/4)", HOLIDAY),
    # 1/5 falls on Saturday 01/05/2027.
    (_D(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động (Thứ Bảy 01/05)", HOLIDAY),
    (_D(2027, 9, 2), "Quốc khánh (2/9)", HOLIDAY),
    (_D(2027, 9, 3), "Quốc khánh (ngày liền kề)", HOLIDAY),
]


def seed_calendar(calendar_day_model: Any, work_week_model: Any) -> None:
    """Add the holidays that are not there yet and the work-week row (Saturday and Sunday
    off). Idempotent: dates already in the calendar keep what the administrator set."""
    work_week_model.objects.get_or_create(pk=1, defaults={"weekend_days": "67"})
    existing = set(calendar_day_model.objects.values_list("date", flat=True))
    calendar_day_model.objects.bulk_create(
        [
            calendar_day_model(date=date, name=name, kind=kind)
            for date, name, kind in VIETNAM_HOLIDAYS
            if date not in existing
        ]
    )
