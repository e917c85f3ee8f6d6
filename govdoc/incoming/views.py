"""Screens of incoming documents: the list, the registration form, the document page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from govdoc.audit.services import audit_record
from govdoc.core.capped_pagination import capped_page
from govdoc.core.errors import DomainError, DuplicateSuspected, NotFound
from govdoc.documents.models import DocumentFile
from govdoc.documents.storage import stream_stored
from govdoc.incoming.access import (
    FILES_WITHDRAWN_MESSAGE,
    can_register,
    files_available,
    incoming_for,
)
from govdoc.incoming.forms import (
    AnnulForm,
    EditForm,
    FilterForm,
    IncomingForm,
    RegisterForm,
    to_upload,
)
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.panels import detail_panels
from govdoc.incoming.selectors import IncomingFilters, incoming_list, presentable_leaders
from govdoc.incoming.services import (
    incoming_annul,
    incoming_present,
    incoming_refuse,
    incoming_register,
    incoming_update,
)
from govdoc.incoming.version_display import versions_for
from govdoc.incoming.workflow import allowed_actions
from govdoc.organizations.models import Agency

FIELD_ALIASES = {"main_file": "main_file", "attachments": "attachments"}


def _agency(request: HttpRequest) -> Agency:
    agency: Agency | None = getattr(request.user, "agency", None)
    if agency is None:
        raise Http404("Tài khoản chưa thuộc cơ quan nào.")
    return agency


def _apply_errors(form: Any, error: DomainError) -> None:
    """Show a service's refusal on the form: per field where it names one."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed or error.message:
        form.add_error(None, error.message)


@login_required
def incoming_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = getattr(request.user, "agency_id", None)
    form = FilterForm(request.GET or None, agency_id=agency_id)
    # The valid filters apply even when another one is not (that one is marked on the form).
    cleaned: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        cleaned = form.cleaned_data
    filters = IncomingFilters(
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
        document_type_id=cleaned["document_type"].pk if cleaned.get("document_type") else None,
        issuer=cleaned.get("issuer") or "",
        priority=cleaned.get("priority"),
        status=cleaned.get("status") or "",
        unit_id=cleaned["unit"].pk if cleaned.get("unit") else None,
        q=cleaned.get("q") or "",
        sort=cleaned.get("sort") or "-arrival",
    )
    # The count stops at 1,001 rows ("hơn 1.000 văn bản"): an exact count of a filtered list
    # of 100,000 costs more than the page (docs/benchmarks.md §3).
    page = capped_page(
        incoming_list(actor=request.user, agency_id=agency_id, filters=filters),
        number=request.GET.get("trang"),
        per_page=cleaned.get("per_page") or 25,
    )
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "incoming/list.html",
        {
            "form": form,
            "options": form.select_options(),
            "page": page,
            "rows": page.rows,
            "query": query.urlencode(),
            "can_register": can_register(request.user, agency_id),
        },
    )


def submit_registration(
    request: HttpRequest,
    form: IncomingForm,
    register: Callable[[IncomingInput], IncomingDocument],
) -> tuple[IncomingDocument | None, bool]:
    """Register from a bound registration form through `register` (given the form's input):
    the new document, or None with the service's refusal placed on the form; and whether
    the refusal was a suspected duplicate (the form then asks for a reason)."""
    if not form.is_valid():
        return None, False
    try:
        incoming = register(form.to_input())
    except DuplicateSuspected as error:
        _apply_errors(form, error)
        return None, True
    except DomainError as error:
        _apply_errors(form, error)
        return None, False
    messages.success(request, f"Đã vào sổ văn bản đến, số đến {incoming.display_arrival_number}.")
    return incoming, False


@login_required
def register_view(request: HttpRequest) -> HttpResponse:
    agency = _agency(request)
    if not can_register(request.user, agency.pk):
        raise Http404()
    duplicate_warning = False
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, agency=agency)

        def register(data: IncomingInput) -> IncomingDocument:
            main = to_upload(form.cleaned_data.get("main_file"))
            attachments = tuple(
                u for u in (to_upload(f) for f in form.cleaned_data.get("attachments") or []) if u
            )
            return incoming_register(
                agency=agency,
                data=dataclasses.replace(data, main_file=main, attachments=attachments),
                actor=request.user,
            )

        incoming, duplicate_warning = submit_registration(request, form, register)
        if incoming is not None:
            if "save_and_new" in request.POST:
                return redirect("incoming:register")
            return redirect("incoming:detail", pk=incoming.pk)
    else:
        form = RegisterForm(agency=agency)
    return render(
        request,
        "incoming/form.html",
        {"form": form, "creating": True, "duplicate_warning": duplicate_warning},
    )


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incoming = incoming_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="incoming.view",
            target=incoming,
            agency_id=incoming.agency_id,
        )
    document = incoming.document
    can_edit = can_register(request.user, incoming.agency_id)
    files = list(DocumentFile.objects.filter(document=document).select_related("stored"))
    available = files_available(incoming)
    main_pdf = next((f for f in files if f.role == "MAIN" and f.stored.kind == "pdf"), None)
    received = ReceivedDocument.objects.filter(incoming=incoming).first()
    return render(
        request,
        "incoming/detail.html",
        {
            "incoming": incoming,
            "document": document,
            "files": files,
            "files_available": available,
            "files_withdrawn_message": FILES_WITHDRAWN_MESSAGE,
            "main_pdf": main_pdf if available else None,
            "received": received,
            "history": incoming.history.select_related("actor").order_by("at", "id"),
            "versions": versions_for(document, incoming),
            "can_edit": can_edit,
            "actions": allowed_actions(incoming.status),
            "annul_form": AnnulForm(),
            "leaders": presentable_leaders(incoming.agency) if can_edit else [],
            "panels": detail_panels(request, incoming),
        },
    )


@login_required
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incoming = incoming_for(request.user, pk, action="update")
    except NotFound:
        raise Http404() from None
    agency = incoming.agency
    document = incoming.document
    if request.method == "POST":
        form = EditForm(request.POST, agency=agency)
        if form.is_valid():
            try:
                incoming_update(
                    incoming=incoming,
                    data=form.to_input(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                    reason=form.cleaned_data.get("reason") or "",
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Đã lưu thông tin văn bản.")
                return redirect("incoming:detail", pk=incoming.pk)
    else:
        form = EditForm(
            agency=agency,
            initial={
                "medium": incoming.medium,
                "document_type": document.document_type_id,
                "issuer": document.issuer_id,
                "issuer_name": "" if document.issuer_id else document.issuer_name,
                "code_number": document.code_number,
                "code_notation": document.code_notation,
                "issued_date": document.issued_date,
                "subject": document.subject,
                "signer_name": document.signer_name,
                "signer_position": document.signer_position,
                "priority": document.priority,
                "page_count": document.page_count,
                "due_date": document.due_date,
                "receiving_unit": incoming.receiving_unit_id,
                "receiving_person": incoming.receiving_person_id,
                "to_places": incoming.to_places,
                "notes": incoming.notes,
                "document_identifier": document.document_identifier,
                "version": document.version,
            },
        )
    return render(
        request, "incoming/form.html", {"form": form, "creating": False, "incoming": incoming}
    )


@login_required
@require_POST
def annul_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incoming = incoming_for(request.user, pk, action="annul")
    except NotFound:
        raise Http404() from None
    form = AnnulForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        incoming_annul(incoming=incoming, reason=str(reason), actor=request.user)
    except DomainError as error:
        messages.error(request, error.fields.get("reason") or error.message)
    else:
        messages.success(request, "Đã hủy đăng ký. Số đến vẫn được giữ trong sổ cùng lý do hủy.")
    return redirect("incoming:detail", pk=pk)


@login_required
@require_POST
def present_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incoming = incoming_for(request.user, pk, action="present")
    except NotFound:
        raise Http404() from None
    leader = presentable_leaders(incoming.agency).filter(pk=request.POST.get("leader") or 0).first()
    try:
        incoming_present(
            incoming=incoming,
            leader=leader,
            actor=request.user,
            note=str(request.POST.get("note", "")),
        )
    except DomainError as error:
        messages.error(request, error.fields.get("leader") or error.message)
    else:
        messages.success(request, f"Đã trình văn bản cho {leader}.")
    return redirect("incoming:detail", pk=pk)


@login_required
@require_POST
def refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incoming = incoming_for(request.user, pk, action="refuse")
    except NotFound:
        raise Http404() from None
    try:
        incoming_refuse(
            incoming=incoming, reason=str(request.POST.get("reason", "")), actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.fields.get("reason") or error.message)
    else:
        messages.success(request, "Đã trả lại văn bản cho nơi gửi, kèm lý do.")
    return redirect("incoming:detail", pk=pk)


def files_withdrawn_response(request: HttpRequest, *, back_url: str) -> HttpResponse:
    """The answer to a file of a revoked document: gone, with the reason why (410)."""
    return render(
        request,
        "incoming/file_withdrawn.html",
        {"message": FILES_WITHDRAWN_MESSAGE, "back_url": back_url},
        status=410,
    )


@login_required
@xframe_options_sameorigin  # the document page shows the PDF in a frame of its own
def file_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    try:
        incoming = incoming_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    item = get_object_or_404(
        DocumentFile.objects.select_related("stored"), pk=file_pk, document_id=incoming.document_id
    )
    if not files_available(incoming):
        return files_withdrawn_response(
            request, back_url=reverse("incoming:detail", args=[incoming.pk])
        )
    download = request.GET.get("tai") == "1" or item.stored.kind != "pdf"
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="file.download" if download else "file.view",
            target=item,
            target_label=f"{item.name} — {incoming}",
            agency_id=incoming.agency_id,
            data={"sha256": item.stored.sha256},
        )
    response = FileResponse(
        stream_stored(item.stored),
        content_type=item.stored.content_type,
        as_attachment=download,
        filename=item.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
