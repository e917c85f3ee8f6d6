from __future__ import annotations

import datetime as dt

import pytest

from govdoc.core.dates import parse_vn_date, vn_date


def test_vietnamese_dates() -> None:
    assert vn_date(dt.date(2026, 1, 5)) == "05/01/2026"
    assert vn_date(None) == ""
    assert parse_vn_date("05/01/2026") == dt.date(2026, 1, 5)
    assert parse_vn_date("2026-01-05") == dt.date(2026, 1, 5)
    assert parse_vn_date("  ") is None
    with pytest.raises(ValueError):
        parse_vn_date("31/02/2026")
