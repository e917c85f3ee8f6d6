"""Screens of the document-type list (administrators read, add, edit and retire types) and
of each agency's default deadlines per document type and urgency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.core.calendar import current_calendar
from govdoc.core.dates import today
from govdoc.core.errors import DomainError, NotFound
from govdoc.core.forms import StyledFormMixin
from govdoc.documents.forms import DocumentTypeForm
from govdoc.documents.models import DeadlineRule, DocumentType, Priority
from govdoc.documents.services import (
    DEADLINE_MAX_WORKING_DAYS,
    deadline_rule_create,
    deadline_rule_delete,
    deadline_rule_label,
    deadline_rule_update,
    document_type_save,
)
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.organizations.views.scoping import work_agencies


def _admin_agency_id(request: HttpRequest) -> int | None:
    """The agency in whose name the administrator edits the shared type list (for the
    journal); 404 for everyone else, as for a page that does not exist."""
    user: Any = request.user
    agency_id: int | None = getattr(user, "agency_id", None)
    if user.is_superuser or has_role(user, agency_id, Role.ADMIN):
        return agency_id
    raise Http404()


def _apply_errors(form: Any, error: DomainError) -> None:
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@login_required
def types(request: HttpRequest) -> HttpResponse:
    _admin_agency_id(request)
    rows = DocumentType.objects.order_by("-is_active", "rank", "name")
    return render(request, "documents/types.html", {"rows": rows})


def _save(request: HttpRequest, instance: DocumentType | None) -> HttpResponse:
    agency_id = _admin_agency_id(request)
    if request.method == "POST":
        form = DocumentTypeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = document_type_save(
                    actor=request.user,
                    agency_id=agency_id,
                    name=data["name"],
                    abbreviation=data.get("abbreviation") or "",
                    is_legal=bool(data.get("is_legal")),
                    is_active=bool(data.get("is_active")),
                    instance=instance,
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã lưu loại văn bản “{saved.name}”.")
                return redirect("documents:types")
    elif instance is not None:
        form = DocumentTypeForm(
            initial={
                "name": instance.name,
                "abbreviation": instance.abbreviation,
                "is_legal": instance.is_legal,
                "is_active": instance.is_active,
            }
        )
    else:
        form = DocumentTypeForm()
    return render(request, "documents/type_form.html", {"form": form, "instance": instance})


@login_required
def type_create_view(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@login_required
def type_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_agency_id(request)
    return _save(request, get_object_or_404(DocumentType, pk=pk))


def _set_active(request: HttpRequest, pk: int, *, active: bool) -> HttpResponse:
    agency_id = _admin_agency_id(request)
    doc_type = get_object_or_404(DocumentType, pk=pk)
    try:
        document_type_save(
            actor=request.user,
            agency_id=agency_id,
            name=doc_type.name,
            abbreviation=doc_type.abbreviation,
            is_legal=doc_type.is_legal,
            is_active=active,
            instance=doc_type,
        )
    except DomainError as error:
        messages.error(request, " ".join([error.message, *error.fields.values()]))
    else:
        messages.success(
            request,
            f"Đã ngừng dùng loại “{doc_type.name}”: văn bản cũ giữ nguyên, không chọn được khi "
            "vào sổ mới."
            if not active
            else f"Đã dùng lại loại “{doc_type.name}”.",
        )
    return redirect("documents:types")


@login_required
@require_POST
def type_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def type_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


# -- default deadlines (hạn xử lý mặc định) per agency, document type and urgency -----------

ANY_TYPE = "Mọi loại văn bản"
ANY_PRIORITY = "Mọi độ khẩn"


class DeadlineRuleForm(StyledFormMixin, forms.Form):
    document_type = forms.TypedChoiceField(
        label="Loại văn bản",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Loại văn bản không hợp lệ, vui lòng chọn lại."},
    )
    priority = forms.TypedChoiceField(
        label="Độ khẩn",
        choices=[("", ANY_PRIORITY), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ, vui lòng chọn lại."},
    )
    working_days = forms.IntegerField(
        label="Số ngày làm việc",
        required=False,
        widget=forms.NumberInput(attrs={"min": "1", "max": str(DEADLINE_MAX_WORKING_DAYS)}),
        error_messages={"invalid": "Số ngày làm việc phải là số nguyên."},
    )

    def __init__(self, *args: Any, keep_type: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = DocumentType.objects.filter(Q(is_active=True) | Q(pk=keep_type or 0))
        field: Any = self.fields["document_type"]
        field.choices = [("", ANY_TYPE)] + [(t.pk, t.name) for t in types]


def _rule_agencies(request: HttpRequest) -> QuerySet[Agency]:
    """The agencies whose default deadlines the person administers; 404 if none."""
    agencies = work_agencies(request.user).order_by("name")
    if not agencies.exists():
        raise Http404()
    return agencies


def _rule_agency(request: HttpRequest) -> Agency:
    agencies = _rule_agencies(request)
    chosen = agencies.filter(pk=_int_or_none(request.GET.get("co-quan")) or 0).first()
    own = agencies.filter(pk=getattr(request.user, "agency_id", None) or 0).first()
    agency = chosen or own or agencies.first()
    assert agency is not None  # _rule_agencies() checked there is one
    return agency


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rules_url(agency: Agency) -> str:
    return f"{reverse('documents:deadline_rules')}?co-quan={agency.pk}"


def _rule_fields(form: DeadlineRuleForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "document_type_id": data.get("document_type"),
        "priority": data.get("priority"),
        "working_days": data.get("working_days"),
    }


@login_required
def deadline_rules(request: HttpRequest) -> HttpResponse:
    """The agency's rules, and the form that adds one."""
    agency = _rule_agency(request)
    if request.method == "POST":
        form = DeadlineRuleForm(request.POST)
        if form.is_valid():
            try:
                rule = deadline_rule_create(actor=request.user, agency=agency, **_rule_fields(form))
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Đã thêm hạn xử lý mặc định: "
                    f"{deadline_rule_label(rule.document_type, rule.priority)}, "
                    f"{rule.working_days} ngày làm việc.",
                )
                return redirect(_rules_url(agency))
    else:
        form = DeadlineRuleForm()
    start = today()
    calendar = current_calendar()
    rules = [
        {"rule": rule, "due": calendar.add_working_days(start, rule.working_days)}
        for rule in DeadlineRule.objects.filter(agency=agency)
        .select_related("document_type")
        .order_by(
            F("document_type__rank").asc(nulls_first=True),
            F("document_type__name").asc(nulls_first=True),
            F("priority").asc(nulls_first=True),
        )
    ]
    return render(
        request,
        "documents/deadline_rules.html",
        {
            "agency": agency,
            "agencies": _rule_agencies(request),
            "rules": rules,
            "form": form,
            "start": start,
        },
    )


def _rule_or_404(request: HttpRequest, pk: int) -> DeadlineRule:
    rule = (
        DeadlineRule.objects.select_related("agency", "document_type")
        .filter(pk=pk, agency__in=_rule_agencies(request))
        .first()
    )
    if rule is None:
        raise Http404()
    return rule


@login_required
def deadline_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    if request.method == "POST":
        form = DeadlineRuleForm(request.POST, keep_type=rule.document_type_id)
        if form.is_valid():
            try:
                deadline_rule_update(actor=request.user, rule=rule, **_rule_fields(form))
            except NotFound:
                raise Http404() from None
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu hạn xử lý mặc định.")
                return redirect(_rules_url(rule.agency))
    else:
        form = DeadlineRuleForm(
            keep_type=rule.document_type_id,
            initial={
                "document_type": rule.document_type_id,
                "priority": rule.priority,
                "working_days": rule.working_days,
            },
        )
    return render(
        request,
        "documents/deadline_rule_form.html",
        {"form": form, "rule": rule, "back": _rules_url(rule.agency)},
    )


@login_required
@require_POST
def deadline_rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    agency = rule.agency
    label = deadline_rule_label(rule.document_type, rule.priority)
    try:
        deadline_rule_delete(actor=request.user, rule=rule)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã xóa hạn xử lý mặc định cho {label}.")
    return redirect(_rules_url(agency))
