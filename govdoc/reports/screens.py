"""What the screens of the registers and reports share: the period shown (the defaults
filled in), the file handed out, a service's refusal on the form, and the two kinds of
screen — a book (a preview of its lines) and a report counted per unit (drill into one
unit's persons) — each on the screen, as a PDF or as a workbook. Bad input shows the form
with its errors and hands out no file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from govdoc.core.dates import vn_date
from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency
from govdoc.reports.count_lines import CountLine
from govdoc.reports.forms import RegisterPeriodForm
from govdoc.reports.handling_scope import this_month
from govdoc.reports.services import ExportedFile

# The screen previews the start of a book; the files always hold every line.
PREVIEW_ROWS = 200

T = TypeVar("T")
# What a screen does with the form's cleaned data: build what it shows, or export a file
# in the format asked for.
Build = Callable[[dict[str, Any]], T]
Export = Callable[[dict[str, Any]], ExportedFile]


class _Book(Protocol):
    @property
    def rows(self) -> Any: ...


class _Report(Protocol):
    def unit(self, unit_id: int) -> CountLine[Any] | None: ...

    def people_of(self, unit_id: int | None) -> tuple[CountLine[Any], ...]: ...


def _period_calls(
    request: HttpRequest,
    agency: Agency,
    builder: Callable[..., T],
    exporter: Callable[..., ExportedFile],
    keys: tuple[str, ...],
) -> tuple[Build[T], Export]:
    """`builder` and `exporter` of a period (and the form's `keys`), called for the agency
    by the person asking."""

    def given(cleaned: dict[str, Any]) -> dict[str, Any]:
        picked = {key: cleaned[key] for key in keys}
        return {"date_from": cleaned["date_from"], "date_to": cleaned["date_to"], **picked}

    def build(cleaned: dict[str, Any]) -> T:
        return builder(actor=request.user, agency=agency, **given(cleaned))

    def export(cleaned: dict[str, Any]) -> ExportedFile:
        return exporter(agency=agency, fmt=cleaned["format"], actor=request.user, **given(cleaned))

    return build, export


def with_period(request: HttpRequest, default_from: dt.date, default_to: dt.date) -> QueryDict:
    data = request.GET.copy()
    # Show the period actually used, also when the defaults apply.
    if not data.get("date_from", "").strip():
        data["date_from"] = vn_date(default_from)
    if not data.get("date_to", "").strip():
        data["date_to"] = vn_date(default_to)
    return data


def file_response(exported: ExportedFile, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(exported.data, content_type=exported.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{exported.name}"'
    return response


def form_errors(form: forms.Form, error: DomainError) -> None:
    for field, message in error.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


def _file_or_built(
    form: forms.Form, build: Build[T], export: Export
) -> tuple[HttpResponse | None, T | None]:
    """The file asked for (format pdf or xlsx), or what the screen shows (html); neither
    when the input is bad (the errors are on the form). NotFound answers 404."""
    if not form.is_valid():
        return None, None
    cleaned = form.cleaned_data
    try:
        if cleaned["format"] != "html":
            return file_response(export(cleaned)), None
        return None, build(cleaned)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        form_errors(form, error)
    return None, None


def _query(data: QueryDict, *dropped: str) -> str:
    query = data.copy()
    for key in dropped:
        query.pop(key, None)
    return query.urlencode()


def book_screen(
    request: HttpRequest,
    *,
    template: str,
    form: forms.Form,
    data: QueryDict,
    columns: tuple[str, ...],
    build: Build[_Book],
    export: Export,
) -> HttpResponse:
    """A book: its first lines on the screen, every line in the PDF or the workbook."""
    response, book = _file_or_built(form, build, export)
    if response is not None:
        return response
    return render(
        request,
        template,
        {
            "form": form,
            "book": book,
            "columns": columns,
            "preview": book.rows[:PREVIEW_ROWS] if book is not None else (),
            "preview_limit": PREVIEW_ROWS,
            "query": _query(data, "format"),
        },
    )


def report_screen(
    request: HttpRequest,
    *,
    template: str,
    form: forms.Form,
    data: QueryDict,
    count_columns: tuple[str, ...],
    build: Build[_Report],
    export: Export,
) -> HttpResponse:
    """A report per unit; with `unit`, that unit's line and its persons' (404 outside the
    report)."""
    response, report = _file_or_built(form, build, export)
    if response is not None:
        return response
    unit_line = None
    if report is not None and form.cleaned_data.get("unit"):
        unit_line = report.unit(form.cleaned_data["unit"])
        if unit_line is None:
            raise Http404()
    people: tuple[CountLine[Any], ...] = ()
    if report is not None and unit_line is not None:
        people = report.people_of(unit_line.unit_id)
    return render(
        request,
        template,
        {
            "form": form,
            "report": report,
            "unit_line": unit_line,
            "people": people,
            "count_columns": count_columns,
            "query": _query(data, "format", "unit"),
        },
    )


def period_book_screen(
    request: HttpRequest,
    *,
    agency: Agency,
    template: str,
    period: tuple[dt.date, dt.date],
    columns: tuple[str, ...],
    builder: Callable[..., _Book],
    exporter: Callable[..., ExportedFile],
) -> HttpResponse:
    """A book of a period: GET date_from, date_to (dd/mm/yyyy, default `period`) and format
    (html | pdf | xlsx)."""
    data = with_period(request, *period)
    build, export = _period_calls(request, agency, builder, exporter, ())
    return book_screen(
        request,
        template=template,
        form=RegisterPeriodForm(data, default_from=period[0], default_to=period[1]),
        data=data,
        columns=columns,
        build=build,
        export=export,
    )


def period_report_screen(
    request: HttpRequest,
    *,
    agency: Agency,
    template: str,
    form_class: type[RegisterPeriodForm],
    count_columns: tuple[str, ...],
    builder: Callable[..., _Report],
    exporter: Callable[..., ExportedFile],
    keys: tuple[str, ...] = (),
) -> HttpResponse:
    """A report of a period (default this month), with the form's other `keys` passed on."""
    default_from, default_to = this_month()
    data = with_period(request, default_from, default_to)
    build, export = _period_calls(request, agency, builder, exporter, keys)
    return report_screen(
        request,
        template=template,
        form=form_class(data, default_from=default_from, default_to=default_to),
        data=data,
        count_columns=count_columns,
        build=build,
        export=export,
    )
