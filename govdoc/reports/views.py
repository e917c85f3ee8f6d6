"""Screens of the registers: the incoming register with its PDF and Excel exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govdoc.core.dates import vn_date
from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency
from govdoc.reports.forms import RegisterPeriodForm
from govdoc.reports.incoming_register import (
    COLUMNS,
    can_read_register,
    default_period,
    incoming_register_book,
)
from govdoc.reports.services import incoming_register_export

# The screen previews the start of the book; the files always hold every line.
PREVIEW_ROWS = 200


def _agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_register(request.user, agency.pk):
        raise Http404()
    return agency


@login_required
def incoming_register_view(request: HttpRequest) -> HttpResponse:
    """GET date_from, date_to (dd/mm/yyyy, default 1 January → today) and format
    (html | pdf | xlsx). Bad input shows the form with its errors and hands out no file."""
    agency = _agency(request)
    default_from, default_to = default_period()
    data = request.GET.copy()
    # Show the period actually used, also when the defaults apply.
    if not data.get("date_from", "").strip():
        data["date_from"] = vn_date(default_from)
    if not data.get("date_to", "").strip():
        data["date_to"] = vn_date(default_to)
    form = RegisterPeriodForm(data, default_from=default_from, default_to=default_to)
    book = None
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        fmt = form.cleaned_data["format"]
        try:
            if fmt != "html":
                exported = incoming_register_export(
                    agency=agency, date_from=date_from, date_to=date_to, fmt=fmt, actor=request.user
                )
                response = HttpResponse(exported.data, content_type=exported.content_type)
                response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
                return response
            book = incoming_register_book(
                actor=request.user, agency=agency, date_from=date_from, date_to=date_to
            )
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            for field, message in error.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.message)
    query = data.copy()
    query.pop("format", None)
    return render(
        request,
        "reports/incoming_register.html",
        {
            "form": form,
            "book": book,
            "columns": COLUMNS,
            "preview": book.rows[:PREVIEW_ROWS] if book is not None else (),
            "preview_limit": PREVIEW_ROWS,
            "query": query.urlencode(),
        },
    )
