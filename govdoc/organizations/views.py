"""Administration screens: agencies (tree), units and positions, people and their roles,
delegations, import from CSV/Excel. Only administrators reach them; everyone else, and
administrators looking at an agency they do not administer, get 404."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.core.text import fold
from govdoc.organizations import services
from govdoc.organizations.access import administered_agencies, agency_for_admin, is_any_admin
from govdoc.organizations.forms import (
    AgencyForm,
    AgencySearchForm,
    DelegationForm,
    ImportForm,
    PasswordForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
    PositionForm,
    RoleGrantForm,
    UnitForm,
    ordered_tree,
)
from govdoc.organizations.imports import COLUMNS, MAX_BYTES, Kind, import_run, template_csv
from govdoc.organizations.models import (
    Agency,
    Delegation,
    Position,
    RoleAssignment,
    Unit,
    User,
)
from govdoc.organizations.roles import Role

PAGE_SIZE = 100


# ---------------------------------------------------------------------------- scoping


def _require_any_admin(request: HttpRequest) -> None:
    if not is_any_admin(request.user):
        raise Http404()


def _agency_or_404(request: HttpRequest, pk: int) -> Agency:
    try:
        return agency_for_admin(request.user, pk)
    except NotFound:
        raise Http404() from None


def _work_agencies(user: Any) -> QuerySet[Agency]:
    """Administered agencies that work on this installation: where people, roles and
    delegations live (the others are directory entries)."""
    return administered_agencies(user).filter(is_hosted=True, is_active=True)


def _parent_candidates(user: Any) -> QuerySet[Agency]:
    """Agencies a new or moved agency may sit under: those the user administers directly."""
    if user.is_superuser:
        return Agency.objects.all()
    ids = RoleAssignment.objects.filter(user=user, role=Role.ADMIN).values("agency_id")
    return Agency.objects.filter(pk__in=ids)


def _descendant_ids(model: type[Agency] | type[Unit], pk: int) -> set[int]:
    found: set[int] = set()
    frontier = {pk}
    while frontier:
        frontier = (
            set(model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def _visible_people(user: Any) -> QuerySet[User]:
    """People whose home agency the user administers, or who hold a role in one. Superuser
    accounts only for superusers (an agency administrator may not change them)."""
    agencies = administered_agencies(user).values("pk")
    people = User.objects.filter(Q(agency__in=agencies) | Q(roles__agency__in=agencies))
    if not user.is_superuser:
        people = people.filter(is_superuser=False)
    return people.distinct()


def _person_or_404(request: HttpRequest, pk: int) -> User:
    person = _visible_people(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404()
    return person


def _units_for(agencies: QuerySet[Agency], *, keep: int | None = None) -> list[Unit]:
    return list(
        Unit.objects.filter(Q(agency__in=agencies, is_active=True) | Q(pk=keep or 0))
        .select_related("agency")
        .order_by("agency__name", "name")
    )


def _positions_for(agencies: QuerySet[Agency]) -> list[Position]:
    return list(
        Position.objects.filter(agency__in=agencies)
        .select_related("agency")
        .order_by("agency__name", "rank", "name")
    )


def _apply_errors(form: Any, error: DomainError) -> None:
    """A service's refusal on the form: each message on its field, the rest on top."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
        else:
            form.add_error(None, message)
    if not placed and error.message:
        form.add_error(None, error.message)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------- agencies


@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    _require_any_admin(request)
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
            "can_create": _parent_candidates(request.user).exists(),
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
    _require_any_admin(request)
    parents = _parent_candidates(request.user)
    if request.method == "POST":
        form = AgencyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                agency = services.agency_create(data=_agency_data(form), actor=request.user)
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo cơ quan {agency.name}.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = AgencyForm(
            parents=parents,
            initial={"parent": _int(request.GET.get("cap-tren")), "is_active": True},
        )
    return render(request, "organizations/agency_form.html", {"form": form, "agency": None})


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_or_404(request, pk)
    excluded = _descendant_ids(Agency, agency.pk) | {agency.pk}
    parents = _parent_candidates(request.user) | Agency.objects.filter(pk=agency.parent_id or 0)
    parents = parents.exclude(pk__in=excluded)
    if request.method == "POST":
        form = AgencyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                services.agency_update(agency=agency, data=_agency_data(form), actor=request.user)
            except DomainError as error:
                _apply_errors(form, error)
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
    agency = _agency_or_404(request, pk)
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


# ---------------------------------------------------------------------------- units, positions


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
    agency = _agency_or_404(request, pk)
    units = Unit.objects.filter(agency=agency).order_by("name")
    if request.method == "POST":
        form = UnitForm(request.POST, units=units)
        if form.is_valid():
            try:
                unit = services.unit_create(
                    agency=agency, data=_unit_data(form), actor=request.user
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo đơn vị {unit.name}.")
                if "save_and_new" in request.POST:
                    return redirect("organizations:unit_create", pk=agency.pk)
                return redirect("organizations:agency", pk=agency.pk)
    else:
        form = UnitForm(
            units=units, initial={"parent": _int(request.GET.get("cap-tren")), "is_active": True}
        )
    return render(
        request, "organizations/unit_form.html", {"form": form, "agency": agency, "unit": None}
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404()
    agency = _agency_or_404(request, unit.agency_id)
    excluded = _descendant_ids(Unit, unit.pk) | {unit.pk}
    units = Unit.objects.filter(agency=agency).exclude(pk__in=excluded).order_by("name")
    if request.method == "POST":
        form = UnitForm(request.POST, units=units)
        if form.is_valid():
            try:
                services.unit_update(unit=unit, data=_unit_data(form), actor=request.user)
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin đơn vị.")
                return redirect("organizations:agency", pk=agency.pk)
    else:
        initial = dataclasses.asdict(services.UnitData.of(unit)) | {"parent": unit.parent_id}
        form = UnitForm(units=units, initial=initial)
    return render(
        request, "organizations/unit_form.html", {"form": form, "agency": agency, "unit": unit}
    )


def _position_data(form: PositionForm) -> services.PositionData:
    rank = form.cleaned_data.get("rank")
    return services.PositionData(
        name=form.cleaned_data.get("name") or "", rank=100 if rank is None else rank
    )


@login_required
def position_create(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _agency_or_404(request, pk)
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                position = services.position_create(
                    agency=agency, data=_position_data(form), actor=request.user
                )
            except DomainError as error:
                _apply_errors(form, error)
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
    agency = _agency_or_404(request, position.agency_id)
    if request.method == "POST":
        form = PositionForm(request.POST)
        if form.is_valid():
            try:
                services.position_update(
                    position=position, data=_position_data(form), actor=request.user
                )
            except DomainError as error:
                _apply_errors(form, error)
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


# ---------------------------------------------------------------------------- people


@login_required
def people(request: HttpRequest) -> HttpResponse:
    _require_any_admin(request)
    scope = administered_agencies(request.user)
    form = PeopleFilterForm(request.GET or None, agencies=scope, units=_units_for(scope))
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = _visible_people(request.user)
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
    _require_any_admin(request)
    scope = _work_agencies(request.user)
    options: dict[str, Any] = {
        "agencies": scope,
        "units": _units_for(scope),
        "positions": _positions_for(scope),
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
                _apply_errors(form, error)
            else:
                messages.success(
                    request, f"Đã tạo tài khoản {person.username}. Hãy cấp vai trò cho người này."
                )
                return redirect("organizations:person", pk=person.pk)
    else:
        agency_id = _int(request.GET.get("co-quan")) or getattr(request.user, "agency_id", None)
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
    scope = _work_agencies(request.user)
    keep = scope | Agency.objects.filter(pk=person.agency_id or 0)
    units = _units_for(keep, keep=person.unit_id)
    if form is None:
        form = PersonForm(
            agencies=keep,
            units=units,
            positions=_positions_for(keep),
            initial=dataclasses.asdict(services.PersonData.of(person))
            | {"agency": person.agency_id, "unit": person.unit_id, "position": person.position_id},
        )
    if role_form is None:
        role_form = RoleGrantForm(
            agencies=scope,
            units=_units_for(scope),
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
    person = _person_or_404(request, pk)
    if request.method == "POST":
        scope = _work_agencies(request.user) | Agency.objects.filter(pk=person.agency_id or 0)
        form = PersonForm(
            request.POST,
            agencies=scope,
            units=_units_for(scope, keep=person.unit_id),
            positions=_positions_for(scope),
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
                _apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin người dùng.")
                return redirect("organizations:person", pk=person.pk)
        person.refresh_from_db()
        return _render_person(request, person, form=form)
    return _render_person(request, person)


@login_required
@require_POST
def person_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.person_set_password(
                person=person, password=form.cleaned_data.get("password") or "", actor=request.user
            )
        except NotFound:
            raise Http404() from None
        except DomainError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Đã đặt mật khẩu mới. Hãy báo cho người dùng qua kênh an toàn."
            )
            return redirect("organizations:person", pk=person.pk)
    return _render_person(request, person, password_form=form)


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
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
    person = _person_or_404(request, pk)
    scope = _work_agencies(request.user)
    form = RoleGrantForm(request.POST, agencies=scope, units=_units_for(scope))
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
                _apply_errors(form, error)
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


# ---------------------------------------------------------------------------- delegations

DELEGATION_STATES = [
    ("", "Đang hiệu lực và sắp tới"),
    ("hieu-luc", "Đang hiệu lực"),
    ("het-han", "Đã hết hạn"),
    ("da-huy", "Đã hủy"),
    ("tat-ca", "Tất cả"),
]


def _delegation_form(request: HttpRequest, data: Any = None) -> DelegationForm:
    scope = _work_agencies(request.user)
    members = _visible_people(request.user).filter(is_active=True).order_by("full_name")
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
    _require_any_admin(request)
    if request.method == "POST":
        form = _delegation_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            agency = _work_agencies(request.user).filter(pk=data.get("agency") or 0).first()
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
                    _apply_errors(form, error)
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


# ---------------------------------------------------------------------------- import


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _require_any_admin(request)
    report = None  # the page shows the outcome and the per-row report below the form
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        upload = form.cleaned_data["file"] if form.is_valid() else None
        if upload is not None and (upload.size or 0) > MAX_BYTES:
            # Refused before reading it into memory.
            form.add_error("file", f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
        elif upload is not None:
            try:
                report = import_run(
                    kind=form.cleaned_data["kind"],
                    name=upload.name or "",
                    data=upload.read(),
                    actor=request.user,
                    dry_run=bool(form.cleaned_data.get("dry_run")),
                )
            except DomainError as error:
                _apply_errors(form, error)
    else:
        form = ImportForm(initial={"kind": request.GET.get("loai") or Kind.AGENCIES})
    return render(
        request,
        "organizations/import.html",
        {
            "form": form,
            "report": report,
            "kinds": [(kind, label, COLUMNS[kind]) for kind, label in Kind.choices],
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_any_admin(request)
    if kind not in Kind.values:
        raise Http404()
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.csv"'
    return response
