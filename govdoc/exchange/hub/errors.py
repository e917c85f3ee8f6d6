"""The hub's refusals, all in one shape: {"code", "message", "fields"} in Vietnamese, with the
HTTP status each maps to (as the installation's API does, docs/adr/0005-json-api.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from govdoc.core.errors import DomainError, Forbidden, NotFound, ValidationFailed

NO_TOKEN = "Chưa xác thực: gửi mã truy cập của cơ quan trong tiêu đề 'Authorization: Bearer <mã>'."


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class AgencyInactive(Forbidden):
    code = "agency_inactive"


class MtlsRequired(Forbidden):
    code = "mtls_required"


class MtlsMismatch(Forbidden):
    code = "mtls_mismatch"


class AdminOnly(Forbidden):
    code = "admin_only"


class AgencyOnly(Forbidden):
    code = "agency_only"


class Gone(DomainError):
    """The packet existed and the caller may see it, but retention removed its bytes."""

    status = 410
    code = "purged"


class LengthRequired(DomainError):
    status = 411
    code = "length_required"


class PacketTooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class UnknownRecipients(ValidationFailed):
    """Recipients the hub does not know or that are not active: listed for the sender."""

    code = "unknown_recipients"

    def __init__(self, message: str, *, recipients: Sequence[str], field: str) -> None:
        super().__init__(message, fields={field: message})
        self.recipients = list(recipients)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "recipients": self.recipients}


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": dict(fields or {})}


def _field_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return "Trường này là bắt buộc."
    if kind in {"literal_error", "enum"}:
        choices = str(ctx.get("expected", "")).replace(" or ", " hoặc ")
        return f"Giá trị không hợp lệ. Chọn một trong: {choices}."
    if kind == "string_too_long":
        return f"Tối đa {ctx.get('max_length')} ký tự."
    if kind.startswith("datetime") or kind.startswith("date"):
        return "Thời điểm phải theo ISO 8601 (vd: 2026-01-31T08:00:00+07:00)."
    if kind.startswith("int"):
        return "Phải là số nguyên."
    if kind in {"less_than_equal", "greater_than_equal"}:
        bound = ctx.get("le", ctx.get("ge"))
        return f"Giá trị vượt giới hạn ({bound})."
    if kind.startswith("bool"):
        return "Phải là true hoặc false."
    if kind.startswith(("string", "list")):
        return "Giá trị không đúng kiểu."
    return "Giá trị không hợp lệ."


_SOURCES = frozenset({"body", "query", "path", "header", "payload"})


def validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in errors:
        parts = [str(p) for p in (error.get("loc") or ()) if not isinstance(p, int)]
        names = [p for p in parts if p not in _SOURCES]
        field = names[-1] if names else (parts[-1] if parts else "")
        if field and field not in fields:
            fields[field] = _field_message(error)
    return fields


_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Không đọc được dữ liệu gửi lên."),
    401: ("unauthorized", NO_TOKEN),
    403: ("forbidden", "Không có quyền thực hiện thao tác này."),
    404: ("not_found", NotFound().message),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
}


def _note(request: HttpRequest, code: str) -> None:
    """The outcome code, for the journal (govdoc/exchange/hub/journal.py)."""
    request.hub_result = code  # type: ignore[attr-defined]


def install_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        _note(request, str(body.get("code", "")))
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="govdoc-hub"'
        return response

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.as_dict(), exc.status)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = error_body(
            "validation",
            "Dữ liệu gửi lên chưa hợp lệ, vui lòng kiểm tra các trường báo lỗi.",
            validation_fields(exc.errors),
        )
        return respond(request, body, 400)

    def on_not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, error_body("unauthorized", NO_TOKEN), 401)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", "Có lỗi xảy ra."))
        return respond(request, error_body(code, message), exc.status_code)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, NotFound().as_dict(), 404)

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        body = error_body("too_large", "Dữ liệu gửi lên quá lớn.")
        return respond(request, body, 413)

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (AuthenticationError, on_not_signed_in),
        (HttpError, on_http_error),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
