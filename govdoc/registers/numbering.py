"""Rendering of numbers and symbols (NĐ 30 Phụ lục I)."""

from __future__ import annotations


def format_number(number: int) -> str:
    """Numbers below 10 take a leading zero: 1 → "01", 15 → "15", 123 → "123"."""
    return f"{number:02d}"
