"""Date helpers in the Vietnamese style (dd/mm/yyyy) and the local calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def vn_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_vn_date(raw: str) -> dt.date | None:
    """Accept dd/mm/yyyy (how people write dates here) and ISO yyyy-mm-dd."""
    text = raw.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
