"""Delegation screen: the list, create, revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations import services
from govdoc.organizations.access import administered_agencies
from govdoc.organizations.forms import DelegationForm
from govdoc.organizations.models import Delegation
from govdoc.organizations.roles import Role
from govdoc.organizations.views.form_input import apply_errors
from govdoc.organizations.views.scoping import require_any_admin, visible_people, work_agencies

DELEGATION_STATES = [
    ("", "Đang hiệu lực và sắp tới"),
    ("hieu-luc", "Đang hiệu lực"),
    ("het-han", "Đã hết hạn"),
    ("da-huy", "Đã hủy"),
    ("tat-ca", "Tất cả"),
]


def _delegation_form(request: HttpRequest, data: Any = None) -> DelegationForm:
    scope = work_agencies(request.user)
    members = visible_people(request.user).filter(is_active=True).order_by("full_name")
    leaders = members.filter(
        roles__role__in=[Role.AGENCY_LEADER, Role.UNIT_LEADER], roles__agency__in=scope
    ).distinct()
    return DelegationForm(
        data,
        agencies=scope,
        leaders=leaders,
        people=members,
        initial={"agency": getattr(request.user, "agency_id", None)},
    )


def _render_delegations(request: HttpRequest, form: DelegationForm) -> HttpResponse:
    state = request.GET.get("trang-thai", "")
    today = timezone.localdate()
    rows = Delegation.objects.filter(
        agency__in=administered_agencies(request.user).values("pk")
    ).select_related("agency", "delegator", "delegate", "created_by", "revoked_by")
    if state == "hieu-luc":
        rows = rows.filter(revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today)
    elif state == "het-han":
        rows = rows.filter(revoked_at__isnull=True, ends_on__lt=today)
    elif state == "da-huy":
        rows = rows.filter(revoked_at__isnull=False)
    elif state != "tat-ca":
        rows = rows.filter(revoked_at__isnull=True, ends_on__gte=today)
    page = Paginator(rows.order_by("-starts_on", "-id"), 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "organizations/delegations.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "state": state,
            "states": DELEGATION_STATES,
        },
    )


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    if request.method == "POST":
        form = _delegation_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            agency = work_agencies(request.user).filter(pk=data.get("agency") or 0).first()
            if agency is None:
                form.add_error("agency", "Vui lòng chọn cơ quan.")
            else:
                try:
                    services.delegation_create(
                        agency=agency,
                        delegator_id=data.get("delegator"),
                        delegate_id=data.get("delegate"),
                        starts_on=data.get("starts_on"),
                        ends_on=data.get("ends_on"),
                        scope=data.get("scope") or "",
                        reason=data.get("reason") or "",
                        actor=request.user,
                    )
                except DomainError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, "Đã ghi nhận ủy quyền.")
                    return redirect("organizations:delegations")
        return _render_delegations(request, form)
    return _render_delegations(request, _delegation_form(request))


@login_required
@require_POST
def delegation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = (
        Delegation.objects.select_related("agency")
        .filter(pk=pk, agency__in=administered_agencies(request.user).values("pk"))
        .first()
    )
    if delegation is None:
        raise Http404()
    try:
        services.delegation_revoke(delegation=delegation, actor=request.user)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã hủy ủy quyền.")
    return redirect("organizations:delegations")
