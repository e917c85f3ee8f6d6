"""Domain errors: every refusal carries a Vietnamese message and, where it concerns input,
the fields at fault. Views turn them into form errors; the API into HTTP 400/404/409."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every refusal raised by a service. `status` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    code = "validation"


class Conflict(DomainError):
    """The record changed under the caller, or the action clashes with existing data."""

    status = 409
    code = "conflict"


class DuplicateSuspected(Conflict):
    code = "duplicate"


class NotFound(DomainError):
    """Also raised when the actor may not see the object: both answer the same."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Không tìm thấy hoặc bạn không có quyền truy cập.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class InvalidTransition(Conflict):
    code = "invalid_transition"
