"""What every router shares to call the services and answer: the error answers it documents,
the caller, a service's refusal as the API gives it, uploaded files, and the pages of a list.

"Not allowed" on an object the caller can see answers 404, like "not found"."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja.files import UploadedFile

from govdoc.api.schemas import ErrorOut
from govdoc.core.capped_pagination import capped_page
from govdoc.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from govdoc.documents.storage import Upload

M = TypeVar("M", bound=Model)

# The error answers of the OpenAPI page: any call, a call on one object, a write on one.
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}
FOUND: dict[int, Any] = {404: ErrorOut, **ERRORS}
WRITE: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, **ERRORS}


def actor_of(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def agency_id_of(actor: Any) -> int | None:
    return getattr(actor, "agency_id", None)


@contextmanager
def refusals(
    renamed: Mapping[str, str] | None = None, *, hide_forbidden: bool = True
) -> Iterator[None]:
    """A service's refusal as the API gives it: "not allowed" on an object the caller sees
    answers 404 like the rest, and fields are named as the client sent them (`renamed`:
    the service's name → the client's)."""
    try:
        yield
    except Forbidden:
        if not hide_forbidden:
            raise
        raise NotFound() from None
    except DomainError as error:
        if renamed:
            error.fields = {renamed.get(k, k): v for k, v in error.fields.items()}
        raise


def refuse_too_big(name: str, size: int | None, field: str) -> None:
    cap = int(settings.GOVDOC_MAX_FILE_SIZE)
    if size is not None and size > cap:
        message = f"Tệp {name} vượt quá dung lượng cho phép ({cap / (1024 * 1024):.0f} MB)."
        raise ValidationFailed(message, fields={field: message})


def to_upload(file: UploadedFile, *, field: str) -> Upload:
    """Read an uploaded file, refusing an oversized one before its bytes reach memory."""
    refuse_too_big(file.name or "(không tên)", file.size, field)
    return Upload(name=file.name or "", data=file.read())


def capped_page_out(
    queryset: QuerySet[M],
    *,
    page: int,
    page_size: int,
    item: Callable[[M], Any],
    **extra: Any,
) -> dict[str, Any]:
    """One page of a list, counted up to the cap (`count_capped` beyond it), as answered."""
    found = capped_page(queryset, number=page, per_page=page_size)
    return {
        **extra,
        "count": found.count if not found.count_capped else found.cap,
        "count_capped": found.count_capped,
        "page": found.number,
        "page_size": found.per_page,
        "has_next": found.has_next,
        "items": [item(row) for row in found.rows],
    }


def numbered_page(queryset: QuerySet[M], *, page: int, page_size: int) -> tuple[int, QuerySet[M]]:
    """The exact count of a list and the rows of one of its pages (numbered from 1)."""
    start = (page - 1) * page_size
    return queryset.count(), queryset[start : start + page_size]
