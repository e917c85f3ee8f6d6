"""Signing and issuance from the draft's page. The signer signs an approved draft with their
own credential (the password of a PKCS#12 file or the PIN of a token, by the credential's
kind), or approves their pending step and signs at once ("Duyệt và ký"); the clerk numbers,
applies the agency's signature and sends it, then lands on the issued document's page with
what the issuance noticed. The secret is never put back into the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError
from govdoc.outgoing.access import is_clerk
from govdoc.outgoing.forms.action_forms import (
    IssueForm,
    SignForm,
    place_errors,
    secret_arguments,
)
from govdoc.outgoing.forms.recipient_rows import unit_options
from govdoc.outgoing.selectors import agency_credential_kind, personal_credential_kind
from govdoc.outgoing.services.circuits import step_approve
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.views.common import draft_or_404
from govdoc.outgoing.views.draft_pages import draft_page
from govdoc.outgoing.views.review_pages import my_step
from govdoc.outgoing.workflow import StepKind

SIGNED = "Đã ký số văn bản. Văn thư sẽ cấp số và phát hành."
APPROVED_NOT_SIGNED = "Đã duyệt dự thảo nhưng chưa ký số được: {message}"


@login_required
@require_POST
def draft_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    actor = request.user
    if draft.signer_id != actor.pk:
        raise Http404()
    form = SignForm(request.POST)
    form.is_valid()
    secret = str(form.data.get("secret", ""))
    credentials = secret_arguments(personal_credential_kind(actor), secret)
    step_pk = str(request.POST.get("step", "")).strip()
    approved_now = False
    if step_pk:
        step = my_step(request, draft, int(step_pk) if step_pk.isdigit() else 0)
        if step.kind != StepKind.SIGNER:
            raise Http404()
        try:
            step_approve(step=step, actor=actor, note=str(form.data.get("note", "")))
        except DomainError as error:
            place_errors(form, error.fields, error.message)
            return draft_page(
                request, draft_or_404(request, pk), failed={"sign": form}, status=error.status
            )
        approved_now = True
        draft.refresh_from_db()
    try:
        draft_sign(draft=draft, actor=actor, **credentials)
    except DomainError as error:
        place_errors(form, error.fields, error.message)
        message = APPROVED_NOT_SIGNED.format(message=error.message) if approved_now else ""
        return draft_page(
            request,
            draft_or_404(request, pk),
            failed={"sign": form},
            message=message,
            status=error.status,
        )
    messages.success(request, SIGNED)
    return redirect("outgoing:draft_detail", pk=draft.pk)


@login_required
@require_POST
def draft_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_or_404(request, pk)
    actor = request.user
    if not is_clerk(actor, draft.agency_id):
        raise Http404()
    form = IssueForm(request.POST, units=unit_options(draft.agency_id))
    form.is_valid()
    keeping_unit = form.cleaned_data.get("keeping_unit")
    credentials = secret_arguments(
        agency_credential_kind(draft.agency_id), str(form.data.get("secret", ""))
    )
    try:
        result = draft_issue(draft=draft, actor=actor, keeping_unit_id=keeping_unit, **credentials)
    except DomainError as error:
        place_errors(form, error.fields, error.message)
        return draft_page(
            request, draft_or_404(request, pk), failed={"issue": form}, status=error.status
        )
    messages.success(request, f"Đã phát hành văn bản số {result.outgoing.document.code}.")
    if result.notes:
        messages.warning(request, result.notes)
    return redirect("outgoing:issued_detail", pk=result.outgoing.pk)
