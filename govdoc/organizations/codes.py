"""Agency identifier codes (mã định danh, QCVN 102): 13 characters, `XXX.XX.XX.Y99`."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
ORGAN_ID_MESSAGE = (
    "Mã định danh phải có 13 ký tự dạng XXX.XX.XX.Y99 (ví dụ 000.00.00.G12): "
    "ba nhóm chữ số và một chữ cái in hoa kèm hai chữ số."
)


def compact_code(value: str) -> str:
    """Codes and abbreviations as stored: without spaces, in upper case."""
    return "".join(value.split()).upper()


def is_valid_organ_id(value: str) -> bool:
    return bool(ORGAN_ID_RE.match(value))


def validate_organ_id(value: str) -> None:
    if not is_valid_organ_id(value):
        raise ValidationError(ORGAN_ID_MESSAGE, code="organ_id")


ABBREVIATION_RE = re.compile(r"^[A-ZĐ0-9]+(?:[A-ZĐa-zđ0-9]*)$")
