"""The clerk's screens of the electronic inbox: the documents other agencies sent, one
document with its files, its registration (the incoming registration form, prefilled) and
its return to the sender."""

from __future__ import annotations

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
from govdoc.core.errors import DomainError, NotFound
from govdoc.documents.storage import stream_stored
from govdoc.incoming.access import can_receive, received_for
from govdoc.incoming.forms import ReceivedRegisterForm
from govdoc.incoming.inputs import IncomingInput
from govdoc.incoming.models import IncomingDocument, ReceivedDocument, ReceivedFile
from govdoc.incoming.received_selectors import received_counts, received_list
from govdoc.incoming.received_services import (
    received_incoming_input,
    received_refuse,
    received_register,
)
from govdoc.incoming.received_workflow import ReceivedStatus, received_actions
from govdoc.incoming.views import files_withdrawn_response, submit_registration

# The list's tabs: the query value ("?trang-thai=") and the status it shows.
TABS: list[tuple[str, str, str]] = [
    ("cho", ReceivedStatus.WAITING, "Chờ tiếp nhận"),
    ("da-vao-so", ReceivedStatus.REGISTERED, "Đã vào sổ"),
    ("tra-lai", ReceivedStatus.REFUSED, "Đã trả lại"),
    ("thu-hoi", ReceivedStatus.WITHDRAWN, "Nơi gửi đã thu hồi"),
]


def _received(request: HttpRequest, pk: int) -> ReceivedDocument:
    try:
        return received_for(request.user, pk)
    except NotFound:
        raise Http404() from None


def _files(received: ReceivedDocument) -> list[ReceivedFile]:
    return list(
        ReceivedFile.objects.filter(received=received)
        .select_related("stored")
        .order_by("position", "id")
    )


@login_required
def received_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = getattr(request.user, "agency_id", None)
    if not can_receive(request.user, agency_id):
        raise Http404()
    key = request.GET.get("trang-thai") or TABS[0][0]
    current = next((tab for tab in TABS if tab[0] == key), TABS[0])
    counts = received_counts(actor=request.user, agency_id=agency_id)
    page = capped_page(
        received_list(actor=request.user, agency_id=agency_id, status=current[1]),
        number=request.GET.get("trang"),
        per_page=25,
    )
    return render(
        request,
        "incoming/received_list.html",
        {
            "tabs": [
                {"key": k, "label": label, "count": counts[status], "active": k == current[0]}
                for k, status, label in TABS
            ],
            "current": current[0],
            "current_status": current[1],
            "page": page,
            "rows": page.rows,
        },
    )


@login_required
def received_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    received = _received(request, pk)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="incoming.received.view",
            target=received,
            agency_id=received.agency_id,
        )
    files = _files(received)
    withdrawn = received.status == ReceivedStatus.WITHDRAWN
    main_pdf = next((f for f in files if f.role == "MAIN" and f.stored.kind == "pdf"), None)
    return render(
        request,
        "incoming/received_detail.html",
        {
            "received": received,
            "files": files,
            "withdrawn": withdrawn,
            "main_pdf": None if withdrawn else main_pdf,
            "actions": received_actions(received.status),
            "history": received.history.select_related("actor").order_by("at", "id"),
        },
    )


def _initial(received: ReceivedDocument) -> dict[str, Any]:
    data = received_incoming_input(received)
    return {
        "medium": data.medium,
        "document_type": data.document_type_id,
        "issuer": data.issuer_id,
        "issuer_name": "" if data.issuer_id else data.issuer_name,
        "code_number": data.code_number,
        "code_notation": data.code_notation,
        "issued_date": data.issued_date,
        "subject": data.subject,
        "signer_name": data.signer_name,
        "signer_position": data.signer_position,
        "priority": data.priority,
        "page_count": data.page_count,
        "due_date": data.due_date,
        "to_places": data.to_places,
        "document_identifier": data.document_identifier,
    }


@login_required
def received_register_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The incoming registration form, prefilled from the document as sent."""
    received = _received(request, pk)
    if received.status != ReceivedStatus.WAITING:
        messages.error(
            request,
            f"Văn bản điện tử đang ở trạng thái “{received.get_status_display()}”, "
            "không vào sổ được.",
        )
        return redirect("incoming:received_detail", pk=pk)
    agency = received.agency
    locked = bool(received.document_identifier)
    initial = _initial(received)
    duplicate_warning = False
    if request.method == "POST":
        form = ReceivedRegisterForm(
            request.POST, agency=agency, identifier_locked=locked, initial=initial
        )

        def register(data: IncomingInput) -> IncomingDocument:
            return received_register(received=received, data=data, actor=request.user)

        incoming, duplicate_warning = submit_registration(request, form, register)
        if incoming is not None:
            return redirect("incoming:detail", pk=incoming.pk)
    else:
        form = ReceivedRegisterForm(agency=agency, identifier_locked=locked, initial=initial)
    return render(
        request,
        "incoming/form.html",
        {
            "form": form,
            "creating": True,
            "received": received,
            "received_files": _files(received),
            "duplicate_warning": duplicate_warning,
        },
    )


@login_required
@require_POST
def received_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    received = _received(request, pk)
    try:
        received_refuse(
            received=received, reason=str(request.POST.get("reason", "")), actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.fields.get("reason") or error.message)
        return redirect("incoming:received_detail", pk=pk)
    messages.success(request, "Đã trả lại văn bản cho nơi gửi, kèm lý do.")
    return redirect("incoming:received_list")


@login_required
@xframe_options_sameorigin  # the page shows the PDF in a frame of its own
def received_file_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    received = _received(request, pk)
    item = get_object_or_404(
        ReceivedFile.objects.select_related("stored"), pk=file_pk, received=received
    )
    if received.status == ReceivedStatus.WITHDRAWN:
        return files_withdrawn_response(
            request, back_url=reverse("incoming:received_detail", args=[received.pk])
        )
    download = request.GET.get("tai") == "1" or item.stored.kind != "pdf"
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="file.download" if download else "file.view",
            target=item,
            target_label=f"{item.name} — {received}",
            agency_id=received.agency_id,
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
