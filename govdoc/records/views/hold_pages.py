"""Hold pages (phong tỏa hồ sơ), for the agency's administrator: the holds in force and
lifted, setting a hold on one file (by its code) or on the files of a year (optionally of
one unit), lifting one with a reason. A superuser administers every agency, with or without
an agency of their own: they choose the agency (`?agency=`), or hold a file of any agency by
its code. Anyone else: not found."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency, Unit
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


def _superuser(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _admin_agency(request: HttpRequest) -> int | None:
    """The agency whose holds the page shows: the administrator's own; for a superuser the
    one chosen (`agency` in the query or the form), else their own, else None (to choose)."""
    if _superuser(request):
        chosen = _int(request.POST.get("agency") or request.GET.get("agency"))
        if chosen is not None:
            if not Agency.objects.filter(pk=chosen).exists():
                raise Http404()
            return chosen
        own = getattr(request.user, "agency_id", None)
        return int(own) if own is not None else None
    agency_id = getattr(request.user, "agency_id", None)
    if agency_id is None or not may_hold(request.user, agency_id):
        raise Http404()
    return int(agency_id)


def _back(request: HttpRequest, agency_id: int) -> HttpResponseRedirect:
    url = reverse("records:hold_list")
    return redirect(f"{url}?agency={agency_id}" if _superuser(request) else url)


def _context(request: HttpRequest, agency_id: int | None, **extra: Any) -> dict[str, Any]:
    holds = (
        list(
            visible_holds(request.user, agency_id)
            .select_related("case_file", "unit", "set_by", "lifted_by")
            .order_by("lifted_at", "-set_at", "-pk")[:300]
        )
        if agency_id is not None
        else []
    )
    rows = [(hold, scope_label(hold), covered_files(hold).count()) for hold in holds]
    superuser = _superuser(request)
    return {
        "rows": rows,
        "agency": Agency.objects.filter(pk=agency_id).first() if agency_id else None,
        "agency_id": agency_id,
        "agencies": (
            Agency.objects.filter(is_hosted=True, is_active=True).order_by("name")
            if superuser
            else None
        ),
        "superuser": superuser,
        "units": Unit.objects.filter(agency_id=agency_id).order_by("name")
        if agency_id is not None
        else Unit.objects.none(),
        "form": request.POST if request.method == "POST" else {},
        **extra,
    }


@login_required
def hold_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = _admin_agency(request)
    return render(request, "records/hold_list.html", _context(request, agency_id))


def _chosen(request: HttpRequest) -> int | None:
    """The agency a superuser chose explicitly on the page (None: none chosen)."""
    return _int(request.POST.get("agency") or request.GET.get("agency"))


def _file_by_code(request: HttpRequest, agency_id: int | None, code: str) -> CaseFile | None:
    """The file of that code in the agency; for a superuser who chose no agency, of any
    agency (file codes are unique across the installation)."""
    files = CaseFile.objects.filter(code=code)
    if not _superuser(request):
        files = files.filter(agency_id=agency_id or 0)
    elif (chosen := _chosen(request)) is not None:
        files = files.filter(agency_id=chosen)
    return files.first()


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
            found = _file_by_code(request, agency_id, code)
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
        if agency_id is None:
            errors["agency"] = "Vui lòng chọn cơ quan cần phong tỏa hồ sơ."
    try:
        if errors:
            raise DomainError("Thông tin phong tỏa chưa hợp lệ.", fields=errors)
        hold = hold_set(
            actor=request.user,
            reason=str(request.POST.get("reason", "")),
            case_file_id=case_file_id,
            year=year,
            unit_id=unit_id,
            # A superuser's file hold goes to the file's agency unless they chose one.
            agency_id=_chosen(request)
            if _superuser(request) and case_file_id is not None
            else agency_id,
        )
    except DomainError as error:
        context = _context(request, agency_id, error=error.message, fields=error.fields)
        return render(request, "records/hold_list.html", context, status=error.status)
    messages.success(request, f"Đã phong tỏa: {scope_label(hold)}.")
    return _back(request, hold.agency_id)


@login_required
@require_POST
def hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    agency_id = _admin_agency(request)
    if _superuser(request):
        # A superuser lifts a hold of any agency: the hold's own.
        agency_id = (
            RecordHold.objects.filter(pk=pk).values_list("agency_id", flat=True).first()
            or agency_id
        )
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
    return _back(request, hold.agency_id)
