"""Agency screens: the tree, create, edit, detail."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from govdoc.core.errors import DomainError
from govdoc.core.text import fold
from govdoc.organizations import services
from govdoc.organizations.access import administered_agencies
from govdoc.organizations.forms import AgencyForm, AgencySearchForm, ordered_tree
from govdoc.organizations.models import Agency, Position, Unit, User
from govdoc.organizations.views.form_input import apply_errors, int_or_none
from govdoc.organizations.views.scoping import (
    agency_or_404,
    descendant_ids,
    parent_candidates,
    require_any_admin,
)

PAGE_SIZE = 100


@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    form = AgencySearchForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = administered_agencies(request.user).only(
        "id", "organ_id", "name", "abbreviation", "parent_id", "is_hosted", "is_active"
    )
    if cleaned.get("hosted"):
        scope = scope.filter(is_hosted=True)
    rows = ordered_tree(scope)
    query = fold(cleaned.get("q") or "")
    if query:
        # Folded matching (no diacritics needed) over the administered set the query above
        # already limited in SQL; the tree needs every row of that set anyway.
        rows = [
            (agency, depth)
            for agency, depth in rows
            if query in fold(f"{agency.name} {agency.abbreviation} {agency.organ_id}")
        ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "organizations/agencies.html",
        {
            "form": form,
            "page": page,
            "searching": bool(query),
            "query": params.urlencode(),
            "can_create": parent_candidates(request.user).exists(),
        },
    )


def _agency_data(form: AgencyForm) -> services.AgencyData:
    data = form.cleaned_data
    return services.AgencyData(
        organ_id=data.get("organ_id") or "",
        name=data.get("name") or "",
        abbreviation=data.get("abbreviation") or "",
        parent_id=data.get("parent"),
        address=data.get("address") or "",
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        is_hosted=bool(data.get("is_hosted")),
        is_active=bool(data.get("is_active")),
    )


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    parents = parent_candidates(request.user)
    if request.method == "POST":
        form = AgencyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                agency = services.agency_create(data=_agency_data(form), actor=request.user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo cơ quan {agency.name}.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = AgencyForm(
            parents=parents,
            initial={"parent": int_or_none(request.GET.get("cap-tren")), "is_active": True},
        )
    return render(request, "organizations/agency_form.html", {"form": form, "agency": None})


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_or_404(request, pk)
    excluded = descendant_ids(Agency, agency.pk) | {agency.pk}
    parents = parent_candidates(request.user) | Agency.objects.filter(pk=agency.parent_id or 0)
    parents = parents.exclude(pk__in=excluded)
    if request.method == "POST":
        form = AgencyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                services.agency_update(agency=agency, data=_agency_data(form), actor=request.user)
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin cơ quan.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = AgencyForm(
            parents=parents,
            initial={
                **dataclasses.asdict(services.AgencyData.of(agency)),
                "parent": agency.parent_id,
            },
        )
    return render(request, "organizations/agency_form.html", {"form": form, "agency": agency})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_or_404(request, pk)
    units = ordered_tree(Unit.objects.filter(agency=agency).order_by("name"))
    return render(
        request,
        "organizations/agency_detail.html",
        {
            "agency": agency,
            "units": units,
            "positions": Position.objects.filter(agency=agency),
            "children": administered_agencies(request.user).filter(parent=agency),
            "people_count": User.objects.filter(agency=agency, is_active=True).count(),
        },
    )
