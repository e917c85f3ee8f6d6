"""Screens of the registers: the incoming register with its PDF and Excel exports."""

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
from govdoc.reports.handling_forms import HandlingListForm, HandlingReportForm
from govdoc.reports.handling_register import COLUMNS as HANDLING_REGISTER_COLUMNS
from govdoc.reports.handling_register import default_period as handling_default_period
from govdoc.reports.handling_register import handling_register_book
from govdoc.reports.handling_report import COUNT_COLUMNS as HANDLING_COUNT_COLUMNS
from govdoc.reports.handling_report import (
    handling_assignments,
    handling_list_row,
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
from govdoc.reports.screens import (
    file_response,
    period_book_screen,
    period_report_screen,
    with_period,
)
from govdoc.reports.services import incoming_register_export


def _agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_register(request.user, agency.pk):
        raise Http404()
    return agency


@login_required
def incoming_register_view(request: HttpRequest) -> HttpResponse:
    """GET date_from, date_to (dd/mm/yyyy, default 1 January → today) and format
    (html | pdf | xlsx). Bad input shows the form with its errors and hands out no file."""
    return period_book_screen(
        request,
        agency=_agency(request),
        template="reports/incoming_register.html",
        period=default_period(),
        columns=COLUMNS,
        builder=incoming_register_book,
        exporter=incoming_register_export,
    )


# -- Handling of incoming documents: the follow-up book, the report, the handling form ----


def _handling_agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None or not can_read_handling(request.user, agency.pk):
        raise Http404()
    return agency


@login_required
def handling_register_view(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi giải quyết văn bản đến. GET date_from, date_to (dd/mm/yyyy, default
    1 January → today) and format (html | pdf | xlsx)."""
    return period_book_screen(
        request,
        agency=_handling_agency(request),
        template="reports/handling_register.html",
        period=handling_default_period(),
        columns=HANDLING_REGISTER_COLUMNS,
        builder=handling_register_book,
        exporter=handling_register_export,
    )


@login_required
def handling_report_view(request: HttpRequest) -> HttpResponse:
    """Tình hình giải quyết văn bản đến. GET date_from, date_to (default this month), kind
    (van-ban | cong-viec), unit (drill into its persons) and format (html | pdf | xlsx)."""
    return period_report_screen(
        request,
        agency=_handling_agency(request),
        template="reports/handling_report.html",
        form_class=HandlingReportForm,
        count_columns=HANDLING_COUNT_COLUMNS,
        builder=handling_report,
        exporter=handling_report_export,
        keys=("kind",),
    )


HANDLING_LIST_PER_PAGE = 50


@login_required
def handling_list_view(request: HttpRequest) -> HttpResponse:
    """The assignments behind one number of the report (drill-down)."""
    agency = _handling_agency(request)
    default_from, default_to = this_month()
    data = with_period(request, default_from, default_to)
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
            "who": list_subject(
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
    return file_response(exported, inline=True)
