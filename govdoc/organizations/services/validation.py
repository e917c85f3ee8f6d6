"""Input checks and normalisation shared by the administration services."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from govdoc.core.errors import Conflict, ValidationFailed
from govdoc.organizations.models import Agency, Unit

INVALID_INPUT = "Thông tin chưa hợp lệ, vui lòng kiểm tra các ô được đánh dấu."
ABBREVIATION_PATTERN = re.compile(r"^[A-ZĐ0-9]+$")
ABBREVIATION_MESSAGE = (
    "Chữ viết tắt chỉ gồm chữ in hoa không dấu (và Đ) và chữ số, không có dấu cách "
    "(ví dụ VP, TCCB)."
)


def normalize_text(value: str) -> str:
    return " ".join(value.split())


def raise_if(errors: dict[str, str], conflicts: dict[str, str]) -> None:
    """Input errors first (ValidationFailed); if the only problem is a clash with existing
    data, a Conflict (HTTP 409)."""
    if errors:
        raise ValidationFailed(INVALID_INPUT, fields={**conflicts, **errors})
    if conflicts:
        raise Conflict(next(iter(conflicts.values())), fields=conflicts)


def check_length(errors: dict[str, str], field: str, value: str, limit: int) -> None:
    if len(value) > limit and field not in errors:
        errors[field] = f"Tối đa {limit} ký tự (đang có {len(value)})."


def check_email(errors: dict[str, str], value: str, field: str = "email") -> None:
    if not value:
        return
    try:
        validate_email(value)
    except ValidationError:
        errors[field] = "Địa chỉ thư điện tử không hợp lệ."


def creates_cycle(model: type[Agency] | type[Unit], node_id: int, new_parent_id: int) -> bool:
    """Would making `new_parent_id` the parent of `node_id` put the node under itself?"""
    current: int | None = new_parent_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == node_id:
            return True
        seen.add(current)
        current = model.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


def diff(old: Any, new: Any) -> dict[str, list[Any]]:
    before, after = dataclasses.asdict(old), dataclasses.asdict(new)
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}
