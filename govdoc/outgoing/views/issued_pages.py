"""The issued document's page (/van-ban-di/<pk>/): its number, date, signer, urgency and
status (revoked, replaced, updated, with each change kept), the issued PDF in a frame with
the attachments, the last check of its signatures, the reply it answers, and the follow-up
of each recipient (method, latest status, history). The clerk records the posting of a
copy, sends a failed e-mail again, revokes, replaces or updates the document; copies have
their own module. Every file served is journaled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError
from govdoc.documents.models import DocumentFile, FileRole
from govdoc.documents.storage import open_stored
from govdoc.organizations.access import has_role
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import is_clerk
from govdoc.outgoing.dispatch_actions import action_named, actions_for
from govdoc.outgoing.forms.action_forms import (
    ChangeForm,
    CopyForm,
    PostForm,
    place_errors,
    secret_label,
)
from govdoc.outgoing.issued_panels import issued_panels
from govdoc.outgoing.models import (
    Dispatch,
    DispatchEvent,
    DocumentCopy,
    OutgoingChange,
    OutgoingDocument,
)
from govdoc.outgoing.selectors import agency_credential_kind, replacement_choices
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.dispatching import dispatch_record_post, dispatch_retry
from govdoc.outgoing.views.common import (
    DISPATCH_STATUS_CSS,
    OUTGOING_STATUS_CSS,
    outgoing_or_404,
    serve_stored,
)
from govdoc.outgoing.workflow import (
    FROZEN_OUTGOING,
    DispatchStatus,
    Method,
)
from govdoc.signatures.verification import latest_verifications, pdf_verify_and_record

OUTCOME_CSS = {
    "VALID": "text-bg-success",
    "INVALID": "text-bg-danger",
    "UNKNOWN_TRUST": "text-bg-warning",
    "UNSIGNED": "text-bg-secondary",
}


def _full(outgoing: OutgoingDocument) -> OutgoingDocument:
    """The document with what its page shows (one query)."""
    return OutgoingDocument.objects.select_related(
        "document",
        "document__document_type",
        "draft",
        "draft__signer",
        "draft__drafter",
        "draft__drafting_unit",
        "draft__reply_to",
        "keeping_unit",
        "numbered_by",
        "issued_by",
        "agency",
    ).get(pk=outgoing.pk)


def may_change(actor: Any, outgoing: OutgoingDocument) -> bool:
    return has_role(actor, outgoing.agency_id, Role.CLERK, Role.AGENCY_LEADER)


def issued_page(
    request: HttpRequest,
    outgoing: OutgoingDocument,
    *,
    failed: dict[str, forms.Form] | None = None,
    failed_dispatch: int | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    outgoing = _full(outgoing)
    document = outgoing.document
    files = list(
        DocumentFile.objects.filter(document=document)
        .select_related("stored")
        .order_by("position", "pk")
    )
    main = next((f for f in files if f.role == FileRole.MAIN), None)
    dispatches = list(
        Dispatch.objects.filter(outgoing=outgoing)
        .select_related("recipient")
        .prefetch_related(Prefetch("events", queryset=DispatchEvent.objects.order_by("at", "pk")))
        .order_by("recipient__position", "pk")
    )
    changes = list(
        OutgoingChange.objects.filter(outgoing=outgoing).select_related(
            "actor", "replacement__document"
        )
    )
    replaces = list(
        OutgoingChange.objects.filter(replacement=outgoing).select_related("outgoing__document")
    )
    clerk = is_clerk(actor, outgoing.agency_id)
    changer = may_change(actor, outgoing) and outgoing.status not in FROZEN_OUTGOING
    copies = list(
        DocumentCopy.objects.filter(source=document)
        .select_related("created_by")
        .order_by("-year", "-number")
    )
    verification = (
        latest_verifications([main.stored.sha256]).get(main.stored.sha256) if main else None
    )
    built: dict[str, forms.Form] = {}
    if changer:
        built["change"] = ChangeForm(
            replacements=[
                (o.pk, f"{o.document.code} — {o.document.subject[:80]}")
                for o in replacement_choices(actor, outgoing)
            ]
        )
    if clerk and outgoing.status not in FROZEN_OUTGOING:
        built["make_copy"] = CopyForm()
    built["post"] = PostForm()
    built |= failed or {}
    context = {
        "outgoing": outgoing,
        "document": document,
        "draft": outgoing.draft,
        "files": files,
        "main": main,
        # Each delivery with its colour and the actions the apps above offer on it.
        "dispatches": [
            (
                d,
                DISPATCH_STATUS_CSS.get(d.status, ""),
                [] if outgoing_frozen(outgoing) else actions_for(actor, d),
            )
            for d in dispatches
        ],
        "changes": changes,
        "replaces": replaces,
        "status_css": OUTGOING_STATUS_CSS.get(outgoing.status, ""),
        "frozen": outgoing.status in FROZEN_OUTGOING,
        "clerk": clerk,
        "changer": changer,
        "copies": copies,
        "verification": verification,
        "outcome_css": OUTCOME_CSS.get(verification.outcome, "") if verification else "",
        "forms": built,
        "failed_dispatch": failed_dispatch,
        "copy_label": secret_label(agency_credential_kind(outgoing.agency_id), agency=True)
        if "make_copy" in built
        else "",
        "panels": issued_panels(request, outgoing),
        "method_post": Method.POST,
        "method_email": Method.EMAIL,
        "queued": DispatchStatus.QUEUED,
        "failed_status": DispatchStatus.FAILED,
    }
    return render(request, "outgoing/issued_detail.html", context, status=status)


@login_required
def issued_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = outgoing_or_404(request, pk)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="outgoing.view",
            target=outgoing,
            agency_id=outgoing.agency_id,
        )
    return issued_page(request, outgoing)


@login_required
@xframe_options_sameorigin  # the page shows the issued PDF in a frame of its own
def issued_file_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    outgoing = outgoing_or_404(request, pk)
    item = get_object_or_404(
        DocumentFile.objects.select_related("stored"), pk=file_pk, document_id=outgoing.document_id
    )
    return serve_stored(
        request,
        item.stored,
        name=item.name,
        target=item,
        agency_id=outgoing.agency_id,
        label=str(outgoing),
    )


def run_issued_action(
    request: HttpRequest,
    outgoing: OutgoingDocument,
    *,
    key: str,
    form: forms.Form,
    step: Callable[[], Any],
    success: str,
    failed_dispatch: int | None = None,
) -> HttpResponse:
    try:
        step()
    except DomainError as error:
        form.is_valid()
        place_errors(form, error.fields, error.message)
        return issued_page(
            request,
            outgoing,
            failed={key: form},
            failed_dispatch=failed_dispatch,
            status=error.status,
        )
    messages.success(request, success)
    return redirect("outgoing:issued_detail", pk=outgoing.pk)


def _dispatch(request: HttpRequest, outgoing: OutgoingDocument, dispatch_pk: int) -> Dispatch:
    if not is_clerk(request.user, outgoing.agency_id):
        raise Http404()
    return get_object_or_404(
        Dispatch.objects.select_related("outgoing", "recipient"),
        pk=dispatch_pk,
        outgoing=outgoing,
    )


@login_required
@require_POST
def dispatch_post_view(request: HttpRequest, pk: int, dispatch_pk: int) -> HttpResponse:
    outgoing = outgoing_or_404(request, pk)
    dispatch = _dispatch(request, outgoing, dispatch_pk)
    form = PostForm(request.POST)
    return run_issued_action(
        request,
        outgoing,
        key="post",
        form=form,
        step=lambda: dispatch_record_post(
            dispatch=dispatch,
            actor=request.user,
            postal_receipt=str(form.data.get("postal_receipt", "")),
            postage=str(form.data.get("postage", "")),
        ),
        success=f"Đã ghi sổ gửi bưu điện: {dispatch.recipient.name}.",
        failed_dispatch=dispatch.pk,
    )


@login_required
@require_POST
def dispatch_retry_view(request: HttpRequest, pk: int, dispatch_pk: int) -> HttpResponse:
    outgoing = outgoing_or_404(request, pk)
    dispatch = _dispatch(request, outgoing, dispatch_pk)
    return run_issued_action(
        request,
        outgoing,
        key="post",
        form=PostForm(request.POST),
        step=lambda: dispatch_retry(dispatch=dispatch, actor=request.user),
        success=f"Đã gửi lại thư điện tử: {dispatch.recipient.name}.",
        failed_dispatch=dispatch.pk,
    )


def outgoing_frozen(outgoing: OutgoingDocument) -> bool:
    return outgoing.status in FROZEN_OUTGOING


@login_required
@require_POST
def dispatch_action_view(request: HttpRequest, pk: int, dispatch_pk: int, key: str) -> HttpResponse:
    """An action another app offers on this delivery (dispatch_actions)."""
    outgoing = outgoing_or_404(request, pk)
    action = action_named(key)
    dispatch = get_object_or_404(
        Dispatch.objects.select_related("outgoing", "recipient"), pk=dispatch_pk, outgoing=outgoing
    )
    if action is None or not action.applies(request.user, dispatch):
        raise Http404()
    form = PostForm(request.POST)
    return run_issued_action(
        request,
        outgoing,
        key="post",
        form=form,
        step=lambda: action.run(dispatch, request.user, str(request.POST.get("reason", ""))),
        success=f"{action.success}: {dispatch.recipient.name}.",
        failed_dispatch=dispatch.pk,
    )


@login_required
@require_POST
def outgoing_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = outgoing_or_404(request, pk)
    if not may_change(request.user, outgoing):
        raise Http404()
    form = ChangeForm(
        request.POST,
        replacements=[
            (o.pk, f"{o.document.code} — {o.document.subject[:80]}")
            for o in replacement_choices(request.user, outgoing)
        ],
    )
    raw = str(form.data.get("replacement", "")).strip()
    labels = {"REVOKE": "Đã thu hồi văn bản.", "REPLACE": "Đã ghi văn bản bị thay thế."}
    return run_issued_action(
        request,
        outgoing,
        key="change",
        form=form,
        step=lambda: outgoing_change(
            outgoing=outgoing,
            kind=str(form.data.get("kind", "")),
            reason=str(form.data.get("reason", "")),
            actor=request.user,
            replacement_id=int(raw) if raw.isdigit() else None,
        ),
        success=labels.get(str(form.data.get("kind", "")), "Đã ghi đính chính, cập nhật."),
    )


@login_required
@require_POST
def issued_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the issued PDF's signatures against the trust store now (kept and journaled)."""
    outgoing = outgoing_or_404(request, pk)
    main = (
        DocumentFile.objects.filter(document_id=outgoing.document_id, role=FileRole.MAIN)
        .select_related("stored")
        .first()
    )
    if main is None:
        raise Http404()
    verification = pdf_verify_and_record(
        data=open_stored(main.stored),
        actor=request.user,
        agency_id=outgoing.agency_id,
        target_label=f"{main.name} — {outgoing}",
    )
    messages.info(request, f"Kết quả kiểm tra chữ ký số: {verification.get_outcome_display()}.")
    return redirect("outgoing:issued_detail", pk=outgoing.pk)
