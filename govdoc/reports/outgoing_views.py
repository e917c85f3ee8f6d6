"""Screens of the outgoing books and report: the Sổ đăng ký văn bản đi, the Sổ gửi văn bản
đi bưu điện and the report on outgoing documents with its drill-down, each on the screen, as
a PDF and as a workbook. Bad input shows the form with its errors and hands out no file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govdoc.core.capped_pagination import capped_page
from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.organizations.models import Agency
from govdoc.reports.count_lines import list_subject
from govdoc.reports.handling_scope import this_month
from govdoc.reports.incoming_register import default_period
from govdoc.reports.outgoing_forms import OutgoingListForm, OutgoingRegisterForm, OutgoingReportForm
from govdoc.reports.outgoing_register import COLUMNS as REGISTER_COLUMNS
from govdoc.reports.outgoing_register import (
    books_of,
    can_read_outgoing_register,
    default_year,
    outgoing_register_book,
)
from govdoc.reports.outgoing_report import (
    COUNT_COLUMNS,
    MEASURES,
    can_read_outgoing_report,
    outgoing_drafts,
    outgoing_list_row,
    outgoing_report,
)
from govdoc.reports.outgoing_services import (
    outgoing_register_export,
    outgoing_report_export,
    postal_register_export,
)
from govdoc.reports.postal_register import COLUMNS as POSTAL_COLUMNS
from govdoc.reports.postal_register import postal_register_book
from govdoc.reports.screens import (
    book_screen,
    period_book_screen,
    period_report_screen,
    with_period,
)

LIST_PER_PAGE = 50


def _register_agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_outgoing_register(request.user, agency.pk):
        raise Http404()
    return agency


def _report_agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_outgoing_report(request.user, agency.pk):
        raise Http404()
    return agency


def _requested_year(raw: str | None, default: int) -> int:
    try:
        year = int((raw or "").strip())
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
def outgoing_register_view(request: HttpRequest) -> HttpResponse:
    """Sổ đăng ký văn bản đi. GET year (default this year), book (the outgoing book by
    default, or a legal series of the year) and format (html | pdf | xlsx)."""
    agency = _register_agency(request)
    fallback = default_year()
    year = _requested_year(request.GET.get("year"), fallback)
    data = request.GET.copy()
    if not data.get("year", "").strip():
        data["year"] = str(fallback)
    return book_screen(
        request,
        template="reports/outgoing_register.html",
        form=OutgoingRegisterForm(data, books=books_of(agency.pk, year), default_year=fallback),
        data=data,
        columns=REGISTER_COLUMNS,
        build=lambda cleaned: outgoing_register_book(
            actor=request.user, agency=agency, year=cleaned["year"], book_id=cleaned.get("book")
        ),
        export=lambda cleaned: outgoing_register_export(
            agency=agency,
            year=cleaned["year"],
            book_id=cleaned.get("book"),
            fmt=cleaned["format"],
            actor=request.user,
        ),
    )


@login_required
def postal_register_view(request: HttpRequest) -> HttpResponse:
    """Sổ gửi văn bản đi bưu điện. GET date_from, date_to (dd/mm/yyyy, default 1 January →
    today) and format (html | pdf | xlsx)."""
    return period_book_screen(
        request,
        agency=_register_agency(request),
        template="reports/postal_register.html",
        period=default_period(),
        columns=POSTAL_COLUMNS,
        builder=postal_register_book,
        exporter=postal_register_export,
    )


@login_required
def outgoing_report_view(request: HttpRequest) -> HttpResponse:
    """Tình hình giải quyết văn bản đi. GET date_from, date_to (default this month), unit
    (drill into its drafters) and format (html | pdf | xlsx)."""
    return period_report_screen(
        request,
        agency=_report_agency(request),
        template="reports/outgoing_report.html",
        form_class=OutgoingReportForm,
        count_columns=COUNT_COLUMNS,
        builder=outgoing_report,
        exporter=outgoing_report_export,
    )


@login_required
def outgoing_list_view(request: HttpRequest) -> HttpResponse:
    """The drafts behind one number of the report (drill-down)."""
    agency = _report_agency(request)
    default_from, default_to = this_month()
    data = with_period(request, default_from, default_to)
    form = OutgoingListForm(data, default_from=default_from, default_to=default_to)
    if not form.is_valid():
        raise Http404()
    cleaned = form.cleaned_data
    try:
        queryset = outgoing_drafts(
            actor=request.user,
            agency_id=agency.pk,
            date_from=cleaned["date_from"],
            date_to=cleaned["date_to"],
            measure=cleaned["measure"],
            unit_id=cleaned.get("unit"),
            person_id=cleaned.get("person"),
        )
    except NotFound:
        raise Http404() from None
    page = capped_page(queryset, number=request.GET.get("trang"), per_page=LIST_PER_PAGE)
    query = data.copy()
    query.pop("trang", None)
    back = data.copy()
    for key in ("measure", "person", "trang"):
        back.pop(key, None)
    return render(
        request,
        "reports/outgoing_list.html",
        {
            "page": page,
            "rows": [outgoing_list_row(draft) for draft in page.rows],
            "measure_label": MEASURES[cleaned["measure"]],
            "who": list_subject(
                agency_id=agency.pk, unit_id=cleaned.get("unit"), person_id=cleaned.get("person")
            ),
            "period_text": (
                f"Dự thảo tạo từ ngày {vn_date(cleaned['date_from'])} "
                f"đến ngày {vn_date(cleaned['date_to'])}"
            ),
            "today_text": vn_date(timezone.localdate()),
            "query": query.urlencode(),
            "back_query": back.urlencode(),
        },
    )
