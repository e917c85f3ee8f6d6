"""Every refusal the API gives has one shape: {"code", "message", "fields"}, in Vietnamese."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from govdoc.api.schemas import DATE_MESSAGE
from govdoc.core.errors import DomainError, NotFound

INVALID_INPUT = "Dữ liệu gửi lên chưa hợp lệ, vui lòng kiểm tra các trường báo lỗi."
NOT_SIGNED_IN = (
    "Chưa xác thực: gửi mã truy cập API trong tiêu đề 'Authorization: Bearer <mã>' "
    "hoặc đăng nhập trên trình duyệt."
)

# What a missing field means to the person who forgot it (same words as the screens).
REQUIRED_MESSAGES: dict[str, str] = {
    "document_type_id": "Vui lòng chọn loại văn bản.",
    "subject": "Vui lòng nhập trích yếu.",
    "issued_date": "Vui lòng nhập ngày văn bản (dd/mm/yyyy).",
    "main_file": "Vui lòng chọn tệp văn bản.",
}
_SOURCES = frozenset({"body", "form", "file", "query", "path", "header", "cookie"})


def _field_of(loc: Any) -> str:
    """The client's field name in a pydantic error location like ("form", "subject")."""
    parts = [str(p) for p in (loc or ()) if not isinstance(p, int)]
    names = [p for p in parts if p not in _SOURCES]
    return names[-1] if names else (parts[-1] if parts else "")


def _message(error: Mapping[str, Any], field: str) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return REQUIRED_MESSAGES.get(field, "Trường này là bắt buộc.")
    if kind == "vn_date" or kind.startswith("date"):
        return DATE_MESSAGE
    if kind.startswith("int"):
        return "Phải là số nguyên."
    if kind.startswith(("bool", "float", "decimal")):
        return "Giá trị không đúng kiểu."
    if kind == "less_than_equal":
        return f"Giá trị tối đa là {ctx.get('le')}."
    if kind == "greater_than_equal":
        return f"Giá trị tối thiểu là {ctx.get('ge')}."
    if kind == "less_than":
        return f"Giá trị phải nhỏ hơn {ctx.get('lt')}."
    if kind == "greater_than":
        return f"Giá trị phải lớn hơn {ctx.get('gt')}."
    if kind == "string_too_long":
        return f"Tối đa {ctx.get('max_length')} ký tự."
    if kind.startswith("string"):
        return "Phải là chuỗi ký tự."
    if kind in {"literal_error", "enum"}:
        choices = str(ctx.get("expected", "")).replace(" or ", " hoặc ")
        return f"Giá trị không hợp lệ. Chọn một trong: {choices}."
    if field in {"main_file", "attachments"}:
        return "Phải gửi tệp (multipart/form-data)."
    return "Giá trị không hợp lệ."


def validation_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Vietnamese messages per field; the first error of a field wins."""
    fields: dict[str, str] = {}
    for error in errors:
        field = _field_of(error.get("loc"))
        if field and field not in fields:
            fields[field] = _message(error, field)
    return fields


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": dict(fields or {})}


_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Không đọc được dữ liệu gửi lên."),
    401: ("unauthorized", NOT_SIGNED_IN),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", NotFound().message),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    429: ("throttled", "Quá nhiều yêu cầu, vui lòng thử lại sau."),
}


def install_handlers(api: NinjaAPI) -> None:
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = error_body("validation", INVALID_INPUT, validation_fields(exc.errors))
        return api.create_response(request, body, status=400)

    def on_not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body("unauthorized", NOT_SIGNED_IN), status=401)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", "Có lỗi xảy ra."))
        return api.create_response(request, error_body(code, message), status=exc.status_code)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, NotFound().as_dict(), status=404)

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = "Dữ liệu gửi lên quá lớn hoặc quá nhiều trường, tệp."
        return api.create_response(request, error_body("too_large", message), status=400)

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (AuthenticationError, on_not_signed_in),
        (HttpError, on_http_error),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
        (TooManyFieldsSent, on_too_big),
        (TooManyFilesSent, on_too_big),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
