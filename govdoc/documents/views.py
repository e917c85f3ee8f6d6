"""Screens of the document-type list: administrators read, add, edit and retire types."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError
from govdoc.documents.forms import DocumentTypeForm
from govdoc.documents.models import DocumentType
from govdoc.documents.services import document_type_save
from govdoc.organizations.access import has_role
from govdoc.organizations.roles import Role


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
