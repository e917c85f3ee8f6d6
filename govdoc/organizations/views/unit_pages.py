"""Unit screens: create and edit a unit of an agency."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govdoc.core.errors import DomainError
from govdoc.organizations import services
from govdoc.organizations.forms import UnitForm
from govdoc.organizations.models import Unit
from govdoc.organizations.views.form_input import apply_errors, int_or_none
from govdoc.organizations.views.scoping import agency_or_404, descendant_ids


def _unit_data(form: UnitForm) -> services.UnitData:
    data = form.cleaned_data
    return services.UnitData(
        name=data.get("name") or "",
        abbreviation=data.get("abbreviation") or "",
        parent_id=data.get("parent"),
        is_active=bool(data.get("is_active")),
    )


@login_required
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_or_404(request, pk)
    units = Unit.objects.filter(agency=agency).order_by("name")
    if request.method == "POST":
        form = UnitForm(request.POST, units=units)
        if form.is_valid():
            try:
                unit = services.unit_create(
                    agency=agency, data=_unit_data(form), actor=request.user
                )
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo đơn vị {unit.name}.")
                if "save_and_new" in request.POST:
                    return redirect("organizations:unit_create", pk=agency.pk)
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = UnitForm(
            units=units,
            initial={"parent": int_or_none(request.GET.get("cap-tren")), "is_active": True},
        )
    return render(
        request, "organizations/unit_form.html", {"form": form, "agency": agency, "unit": None}
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404()
    agency = agency_or_404(request, unit.agency_id)
    excluded = descendant_ids(Unit, unit.pk) | {unit.pk}
    units = Unit.objects.filter(agency=agency).exclude(pk__in=excluded).order_by("name")
    if request.method == "POST":
        form = UnitForm(request.POST, units=units)
        if form.is_valid():
            try:
                services.unit_update(unit=unit, data=_unit_data(form), actor=request.user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin đơn vị.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        initial = dataclasses.asdict(services.UnitData.of(unit)) | {"parent": unit.parent_id}
        form = UnitForm(units=units, initial=initial)
    return render(
        request, "organizations/unit_form.html", {"form": form, "agency": agency, "unit": unit}
    )
