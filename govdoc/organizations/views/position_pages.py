"""Position screens: create and edit a position of an agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govdoc.core.errors import DomainError
from govdoc.organizations import services
from govdoc.organizations.forms import PositionForm
from govdoc.organizations.models import Position
from govdoc.organizations.views.form_input import apply_errors
from govdoc.organizations.views.scoping import agency_or_404


def _position_data(form: PositionForm) -> services.PositionData:
    rank = form.cleaned_data.get("rank")
    return services.PositionData(
        name=form.cleaned_data.get("name") or "", rank=100 if rank is None else rank
    )


@login_required
def position_create(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_or_404(request, pk)
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                position = services.position_create(
                    agency=agency, data=_position_data(form), actor=request.user
                )
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo chức vụ {position.name}.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = PositionForm()
    return render(
        request,
        "organizations/position_form.html",
        {"form": form, "agency": agency, "position": None},
    )


@login_required
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = Position.objects.filter(pk=pk).first()
    if position is None:
        raise Http404()
    agency = agency_or_404(request, position.agency_id)
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.position_update(
                    position=position, data=_position_data(form), actor=request.user
                )
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu chức vụ.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = PositionForm(initial={"name": position.name, "rank": position.rank})
    return render(
        request,
        "organizations/position_form.html",
        {"form": form, "agency": agency, "position": position},
    )
