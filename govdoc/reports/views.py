"""Screens of the registers: the incoming register with its PDF and Excel exports."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from govdoc.core.capped_pagination import capped_page
from govdoc.core.dates import vn_date
from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency
from govdoc.reports.forms import RegisterPeriodForm
from govdoc.reports.handling_forms import HandlingListForm, HandlingReportForm
from govdoc.reports.handling_register import COLUMNS as HANDLING_REGISTER_COLUMNS
from govdoc.reports.handling_register import default_period as handling_default_period
from govdoc.reports.handling_register import handling_register_book
from govdoc.reports.handling_report import COUNT_COLUMNS as HANDLING_COUNT_COLUMNS
from govdoc.reports.handling_report import (
    handling_assignments,
    handling_list_row,
    handling_list_subject,
    handling_report,
)
from govdoc.reports.handling_scope import KINDS as HANDLING_KINDS
from govdoc.reports.handling_scope import MEASURES as HANDLING_MEASURES
from govdoc.reports.handling_scope import can_read_handling, this_month
from govdoc.reports.handling_services import (
    handling_register_export,
    handling_report_export,
    handling_slip_export,
)
from govdoc.reports.incoming_register import (
    COLUMNS,
    can_read_register,
    default_period,
    incoming_register_book,
)
from govdoc.reports.services import ExportedFile, incoming_register_export

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


# -- Handling of incoming documents: the follow-up book, the report, the handling form ----


def _handling_agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_handling(request.user, agency.pk):
        raise Http404()
    return agency


def _with_period(request: HttpRequest, default_from: dt.date, default_to: dt.date) -> QueryDict:
    data = request.GET.copy()
    # Show the period actually used, also when the defaults apply.
    if not data.get("date_from", "").strip():
        data["date_from"] = vn_date(default_from)
    if not data.get("date_to", "").strip():
        data["date_to"] = vn_date(default_to)
    return data


def _file_response(exported: ExportedFile, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(exported.data, content_type=exported.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{exported.name}"'
    return response


def _form_errors(form: forms.Form, error: DomainError) -> None:
    for field, message in error.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
def handling_register_view(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi giải quyết văn bản đến. GET date_from, date_to (dd/mm/yyyy, default
    1 January → today) and format (html | pdf | xlsx)."""
    agency = _handling_agency(request)
    default_from, default_to = handling_default_period()
    data = _with_period(request, default_from, default_to)
    form = RegisterPeriodForm(data, default_from=default_from, default_to=default_to)
    book = None
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        fmt = form.cleaned_data["format"]
        try:
            if fmt != "html":
                return _file_response(
                    handling_register_export(
                        agency=agency,
                        date_from=date_from,
                        date_to=date_to,
                        fmt=fmt,
                        actor=request.user,
                    )
                )
            book = handling_register_book(
                actor=request.user, agency=agency, date_from=date_from, date_to=date_to
            )
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            _form_errors(form, error)
    query = data.copy()
    query.pop("format", None)
    return render(
        request,
        "reports/handling_register.html",
        {
            "form": form,
            "book": book,
            "columns": HANDLING_REGISTER_COLUMNS,
            "preview": book.rows[:PREVIEW_ROWS] if book is not None else (),
            "preview_limit": PREVIEW_ROWS,
            "query": query.urlencode(),
        },
    )


@login_required
def handling_report_view(request: HttpRequest) -> HttpResponse:
    """Tình hình giải quyết văn bản đến. GET date_from, date_to (default this month), kind
    (van-ban | cong-viec), unit (drill into its persons) and format (html | pdf | xlsx)."""
    agency = _handling_agency(request)
    default_from, default_to = this_month()
    data = _with_period(request, default_from, default_to)
    form = HandlingReportForm(data, default_from=default_from, default_to=default_to)
    report = None
    unit_line = None
    if form.is_valid():
        cleaned = form.cleaned_data
        date_from, date_to, kind = cleaned["date_from"], cleaned["date_to"], cleaned["kind"]
        try:
            if cleaned["format"] != "html":
                return _file_response(
                    handling_report_export(
                        agency=agency,
                        date_from=date_from,
                        date_to=date_to,
                        kind=kind,
                        fmt=cleaned["format"],
                        actor=request.user,
                    )
                )
            report = handling_report(
                actor=request.user,
                agency=agency,
                date_from=date_from,
                date_to=date_to,
                kind=kind,
            )
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            _form_errors(form, error)
        if report is not None and cleaned.get("unit"):
            unit_line = report.unit(cleaned["unit"])
            if unit_line is None:
                raise Http404()
    query = data.copy()
    for key in ("format", "unit"):
        query.pop(key, None)
    return render(
        request,
        "reports/handling_report.html",
        {
            "form": form,
            "report": report,
            "unit_line": unit_line,
            "people": (
                report.people_of(unit_line.unit_id)
                if report is not None and unit_line is not None
                else ()
            ),
            "count_columns": HANDLING_COUNT_COLUMNS,
            "query": query.urlencode(),
        },
    )


HANDLING_LIST_PER_PAGE = 50


@login_required
def handling_list_view(request: HttpRequest) -> HttpResponse:
    """The assignments behind one number of the report (drill-down)."""
    agency = _handling_agency(request)
    default_from, default_to = this_month()
    data = _with_period(request, default_from, default_to)
    form = HandlingListForm(data, default_from=default_from, default_to=default_to)
    if not form.is_valid():
        raise Http404()
    cleaned = form.cleaned_data
    today = timezone.localdate()
    try:
        queryset = handling_assignments(
            actor=request.user,
            agency_id=agency.pk,
            date_from=cleaned["date_from"],
            date_to=cleaned["date_to"],
            kind=cleaned["kind"],
            measure=cleaned["measure"],
            unit_id=cleaned.get("unit"),
            person_id=cleaned.get("person"),
            today=today,
        )
    except NotFound:
        raise Http404() from None
    page = capped_page(queryset, number=request.GET.get("trang"), per_page=HANDLING_LIST_PER_PAGE)
    rows = [handling_list_row(assignment, today) for assignment in page.rows]
    query = data.copy()
    query.pop("trang", None)
    back = data.copy()
    for key in ("measure", "person", "trang"):
        back.pop(key, None)
    return render(
        request,
        "reports/handling_list.html",
        {
            "page": page,
            "rows": rows,
            "measure_label": HANDLING_MEASURES[cleaned["measure"]],
            "kind": cleaned["kind"],
            "kind_label": HANDLING_KINDS[cleaned["kind"]],
            "who": handling_list_subject(
                agency_id=agency.pk, unit_id=cleaned.get("unit"), person_id=cleaned.get("person")
            ),
            "period_text": (
                f"Từ ngày {vn_date(cleaned['date_from'])} đến ngày {vn_date(cleaned['date_to'])}"
            ),
            "query": query.urlencode(),
            "back_query": back.urlencode(),
        },
    )


@login_required
def handling_slip_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Phiếu giải quyết văn bản đến of one document, as a PDF to print."""
    try:
        exported = handling_slip_export(incoming_id=pk, actor=request.user)
    except NotFound:
        raise Http404() from None
    return _file_response(exported, inline=True)
