"""People screens: the list, create, the person page (details, password, lock) and the
roles granted and revoked from it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations import services
from govdoc.organizations.access import administered_agencies
from govdoc.organizations.forms import (
    PasswordForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
    RoleGrantForm,
)
from govdoc.organizations.models import Agency, Delegation, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.views.form_input import apply_errors, int_or_none
from govdoc.organizations.views.scoping import (
    person_or_404,
    positions_for,
    require_any_admin,
    units_for,
    visible_people,
    work_agencies,
)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    scope = administered_agencies(request.user)
    form = PeopleFilterForm(request.GET or None, agencies=scope, units=units_for(scope))
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = visible_people(request.user)
    status = cleaned.get("status") or ""
    if status == "locked":
        rows = rows.filter(is_active=False)
    elif status != "all":
        rows = rows.filter(is_active=True)
    if cleaned.get("agency"):
        rows = rows.filter(Q(agency_id=cleaned["agency"]) | Q(roles__agency_id=cleaned["agency"]))
    if cleaned.get("unit"):
        rows = rows.filter(unit_id=cleaned["unit"])
    if cleaned.get("role"):
        rows = rows.filter(roles__role=cleaned["role"], roles__agency__in=scope.values("pk"))
    query = (cleaned.get("q") or "").strip()
    if query:
        rows = rows.filter(
            Q(full_name__icontains=query) | Q(username__icontains=query) | Q(email__icontains=query)
        )
    rows = (
        rows.distinct()
        .select_related("agency", "unit", "position")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("agency", "unit"))
        )
        .order_by("full_name", "username")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "organizations/people.html",
        {"form": form, "page": page, "query": params.urlencode()},
    )


def _person_data(form: PersonForm) -> services.PersonData:
    data = form.cleaned_data
    return services.PersonData(
        username=data.get("username") or "",
        full_name=data.get("full_name") or "",
        agency_id=data.get("agency"),
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        unit_id=data.get("unit"),
        position_id=data.get("position"),
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    require_any_admin(request)
    scope = work_agencies(request.user)
    options: dict[str, Any] = {
        "agencies": scope,
        "units": units_for(scope),
        "positions": positions_for(scope),
    }
    if request.method == "POST":
        form = PersonCreateForm(request.POST, **options)
        if form.is_valid():
            try:
                person = services.person_create(
                    data=_person_data(form),
                    password=form.cleaned_data.get("password") or "",
                    actor=request.user,
                )
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, f"Đã tạo tài khoản {person.username}. Hãy cấp vai trò cho người này."
                )
                return redirect("organizations:person", pk=person.pk)
    else:
        agency_id = int_or_none(request.GET.get("co-quan")) or getattr(
            request.user, "agency_id", None
        )
        form = PersonCreateForm(initial={"agency": agency_id}, **options)
    return render(request, "organizations/person_form.html", {"form": form})


def _render_person(
    request: HttpRequest,
    person: User,
    *,
    form: PersonForm | None = None,
    role_form: RoleGrantForm | None = None,
    password_form: PasswordForm | None = None,
) -> HttpResponse:
    scope = work_agencies(request.user)
    keep = scope | Agency.objects.filter(pk=person.agency_id or 0)
    units = units_for(keep, keep=person.unit_id)
    if form is None:
        form = PersonForm(
            agencies=keep,
            units=units,
            positions=positions_for(keep),
            initial=dataclasses.asdict(services.PersonData.of(person))
            | {"agency": person.agency_id, "unit": person.unit_id, "position": person.position_id},
        )
    if role_form is None:
        role_form = RoleGrantForm(
            agencies=scope,
            units=units_for(scope),
            initial={"agency": person.agency_id, "unit": person.unit_id},
        )
    administered = administered_agencies(request.user).values("pk")
    today = timezone.localdate()
    return render(
        request,
        "organizations/person_detail.html",
        {
            "person": person,
            "form": form,
            "role_form": role_form,
            "password_form": password_form or PasswordForm(),
            "roles": RoleAssignment.objects.filter(user=person)
            .select_related("agency", "unit")
            .order_by("agency__name", "role"),
            "administered_ids": set(administered.values_list("pk", flat=True)),
            "delegations": Delegation.objects.filter(
                Q(delegator=person) | Q(delegate=person), ends_on__gte=today
            ).select_related("delegator", "delegate", "agency"),
            "is_self": person.pk == request.user.pk,
            "can_edit": services.can_manage_person(request.user, person),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    if request.method == "POST":
        scope = work_agencies(request.user) | Agency.objects.filter(pk=person.agency_id or 0)
        form = PersonForm(
            request.POST,
            agencies=scope,
            units=units_for(scope, keep=person.unit_id),
            positions=positions_for(scope),
        )
        if form.is_valid():
            try:
                services.person_update(
                    person=person,
                    data=_person_data(form),
                    actor=request.user,
                )
            except NotFound:
                raise Http404() from None
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin người dùng.")
                return redirect("organizations:person", pk=person.pk)
        person.refresh_from_db()
        return _render_person(request, person, form=form)
    return _render_person(request, person)


@login_required
@require_POST
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.person_set_password(
                person=person, password=form.cleaned_data.get("password") or "", actor=request.user
            )
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Đã đặt mật khẩu mới. Hãy báo cho người dùng qua kênh an toàn."
            )
            return redirect("organizations:person", pk=person.pk)
    return _render_person(request, person, password_form=form)


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(person=person, active=active, actor=request.user)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã mở khóa tài khoản." if active else "Đã khóa tài khoản.")
    return redirect("organizations:person", pk=person.pk)


@login_required
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    scope = work_agencies(request.user)
    form = RoleGrantForm(request.POST, agencies=scope, units=units_for(scope))
    if form.is_valid():
        data = form.cleaned_data
        agency = scope.filter(pk=data.get("agency") or 0).first()
        unit = Unit.objects.filter(pk=data.get("unit") or 0).first()
        if agency is None:
            form.add_error("agency", "Vui lòng chọn cơ quan.")
        elif not data.get("role"):
            form.add_error("role", "Vui lòng chọn vai trò.")
        else:
            try:
                services.role_grant(
                    person=person, agency=agency, role=data["role"], unit=unit, actor=request.user
                )
            except NotFound:
                raise Http404() from None
            except DomainError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Đã cấp vai trò {Role(data['role']).label}.")
                return redirect("organizations:person", pk=person.pk)
    return _render_person(request, person, role_form=form)


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = (
        RoleAssignment.objects.select_related("user", "agency")
        .filter(pk=pk, agency__in=administered_agencies(request.user).values("pk"))
        .first()
    )
    if assignment is None:
        raise Http404()
    try:
        services.role_revoke(assignment=assignment, actor=request.user)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thu hồi vai trò {Role(assignment.role).label}.")
    return redirect("organizations:person", pk=assignment.user_id)
