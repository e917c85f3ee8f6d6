"""Between requests, forms and services: query parameters, and service refusals shown on
the form."""

from __future__ import annotations

from typing import Any

from govdoc.core.errors import DomainError


def apply_errors(form: Any, error: DomainError) -> None:
    """A service's refusal on the form: each message on its field, the rest on top."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
        else:
            form.add_error(None, message)
    if not placed and error.message:
        form.add_error(None, error.message)


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
