"""Hold pages (phong tỏa hồ sơ), for the agency's administrator: the holds in force and
lifted, setting a hold on one file (by its code) or on the files of a year (optionally of
one unit), lifting one with a reason. Anyone else: not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Unit
from govdoc.records.models import CaseFile, RecordHold
from govdoc.records.services.holds import (
    covered_files,
    hold_for,
    hold_lift,
    hold_set,
    may_hold,
    scope_label,
    visible_holds,
)


def _admin_agency(request: HttpRequest) -> int:
    agency_id = getattr(request.user, "agency_id", None)
    if agency_id is None or not may_hold(request.user, agency_id):
        raise Http404()
    return int(agency_id)


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _context(request: HttpRequest, agency_id: int, **extra: Any) -> dict[str, Any]:
    holds = list(
        visible_holds(request.user, agency_id)
        .select_related("case_file", "unit", "set_by", "lifted_by")
        .order_by("lifted_at", "-set_at", "-pk")[:300]
    )
    rows = [(hold, scope_label(hold), covered_files(hold).count()) for hold in holds]
    return {
        "rows": rows,
        "units": Unit.objects.filter(agency_id=agency_id).order_by("name"),
        "form": request.POST if request.method == "POST" else {},
        **extra,
    }


@login_required
def hold_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = _admin_agency(request)
    return render(request, "records/hold_list.html", _context(request, agency_id))


@login_required
@require_POST
def hold_set_view(request: HttpRequest) -> HttpResponse:
    agency_id = _admin_agency(request)
    scope = str(request.POST.get("scope", "file"))
    case_file_id: int | None = None
    year: int | None = None
    unit_id: int | None = None
    errors: dict[str, str] = {}
    if scope == "file":
        code = " ".join(str(request.POST.get("code", "")).split())
        case_file_id = _int(request.POST.get("case_file"))
        if case_file_id is None and code:
            found = CaseFile.objects.filter(agency_id=agency_id, code=code).first()
            if found is None:
                errors["case_file"] = f"Không tìm thấy hồ sơ có mã {code}."
            else:
                case_file_id = found.pk
        elif case_file_id is None:
            errors["case_file"] = "Vui lòng nhập mã hồ sơ cần phong tỏa."
    else:
        year = _int(request.POST.get("year"))
        unit_id = _int(request.POST.get("unit"))
        if year is None:
            errors["year"] = "Vui lòng nhập năm cần phong tỏa."
    try:
        if errors:
            raise DomainError("Thông tin phong tỏa chưa hợp lệ.", fields=errors)
        hold = hold_set(
            actor=request.user,
            reason=str(request.POST.get("reason", "")),
            case_file_id=case_file_id,
            year=year,
            unit_id=unit_id,
        )
    except DomainError as error:
        context = _context(request, agency_id, error=error.message, fields=error.fields)
        return render(request, "records/hold_list.html", context, status=error.status)
    messages.success(request, f"Đã phong tỏa: {scope_label(hold)}.")
    return redirect("records:hold_list")


@login_required
@require_POST
def hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency_id = _admin_agency(request)
    try:
        hold: RecordHold = hold_for(request.user, agency_id, pk)
    except NotFound as error:
        raise Http404() from error
    try:
        hold_lift(hold=hold, actor=request.user, reason=str(request.POST.get("reason", "")))
    except DomainError as error:
        context = _context(
            request, agency_id, error=error.message, fields=error.fields, error_hold=hold.pk
        )
        return render(request, "records/hold_list.html", context, status=error.status)
    messages.success(request, f"Đã gỡ phong tỏa: {scope_label(hold)}.")
    return redirect("records:hold_list")
