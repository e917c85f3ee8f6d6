"""The journal screen and its CSV export, for administrators."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.actions import label
from govdoc.audit.forms import JournalFilterForm
from govdoc.audit.models import AuditEvent
from govdoc.audit.selectors import can_read_journal, journal_list
from govdoc.audit.services import audit_record

DEFAULT_PER_PAGE = 50
CSV_HEADER = [
    "Thời điểm",
    "Người thực hiện",
    "Tên đăng nhập",
    "Thay mặt",
    "Hành động",
    "Mã hành động",
    "Loại đối tượng",
    "Mã đối tượng",
    "Đối tượng",
    "Cơ quan (mã nội bộ)",
    "Địa chỉ IP",
    "Chi tiết",
]
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _require_reader(request: HttpRequest) -> None:
    if not can_read_journal(request.user):
        raise Http404()


def _filter_form(request: HttpRequest) -> JournalFilterForm:
    form = JournalFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # fills cleaned_data with the valid fields and errors for the rest
    return form


@login_required
def journal(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = _filter_form(request)
    per_page = (form.cleaned_data.get("per_page") if form.is_bound else None) or DEFAULT_PER_PAGE
    paginator = Paginator(journal_list(actor=request.user, filters=form.to_filters()), per_page)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    rows = [(event, label(event.action)) for event in page.object_list]
    return render(
        request,
        "audit/journal.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
    yield writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S")),
                _cell(event.actor_name),
                _cell(event.actor.get_username() if event.actor else ""),
                _cell(event.on_behalf_of),
                _cell(label(event.action)),
                _cell(event.action),
                _cell(event.target_type),
                _cell(event.target_id),
                _cell(event.target_label),
                _cell(event.agency_id),
                _cell(event.ip),
                _cell(json.dumps(event.data, ensure_ascii=False) if event.data else ""),
            ]
        )


@login_required
def journal_export(request: HttpRequest) -> HttpResponseBase:
    _require_reader(request)
    form = _filter_form(request)
    if form.is_bound and form.errors:
        # Exporting with a filter dropped would hand out more than was asked for.
        messages.error(
            request, "Điều kiện lọc chưa hợp lệ, chưa xuất tệp. Vui lòng sửa rồi xuất lại."
        )
        return redirect(f"{reverse('audit:journal')}?{request.GET.urlencode()}")
    filters = form.to_filters()
    events = journal_list(actor=request.user, filters=filters)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="audit.export",
            target_type="audit.auditevent",
            target_label="Xuất nhật ký hệ thống (CSV)",
            agency_id=getattr(request.user, "agency_id", None),
            data={
                "filters": {
                    key: value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
                    for key, value in asdict(filters).items()
                    if value
                },
                "count": events.count(),
            },
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
