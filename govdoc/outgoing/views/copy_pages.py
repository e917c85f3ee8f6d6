"""Copies of an issued document by the clerk (NĐ 30 Điều 25–27): sao y, sao lục or trích
sao (chosen pages), numbered in the copies book and signed with the agency's copy signature;
a copy whose signature failed keeps its number and is signed again. The copies are listed on
the document's page with their signed files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError
from govdoc.outgoing.access import is_clerk
from govdoc.outgoing.forms.action_forms import CopyForm, place_errors, secret_arguments
from govdoc.outgoing.models import DocumentCopy, OutgoingDocument
from govdoc.outgoing.selectors import agency_credential_kind
from govdoc.outgoing.services.copies import copy_make, copy_sign
from govdoc.outgoing.views.common import outgoing_or_404, serve_stored
from govdoc.outgoing.views.issued_pages import issued_page, run_issued_action


def _clerk_outgoing(request: HttpRequest, pk: int) -> OutgoingDocument:
    outgoing = outgoing_or_404(request, pk)
    if not is_clerk(request.user, outgoing.agency_id):
        raise Http404()
    return outgoing


def _copy(outgoing: OutgoingDocument, copy_pk: int) -> DocumentCopy:
    return get_object_or_404(
        DocumentCopy.objects.select_related("stored", "signed", "agency"),
        pk=copy_pk,
        source_id=outgoing.document_id,
    )


@login_required
@require_POST
def copy_make_view(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = _clerk_outgoing(request, pk)
    form = CopyForm(request.POST)
    credentials = secret_arguments(
        agency_credential_kind(outgoing.agency_id), str(form.data.get("secret", ""))
    )
    try:
        copy = copy_make(
            source=outgoing.document,
            kind=str(form.data.get("kind", "")),
            actor=request.user,
            pages=str(form.data.get("pages", "")),
            recipients=str(form.data.get("recipients", "")),
            **credentials,
        )
    except DomainError as error:
        form.is_valid()
        place_errors(form, error.fields, error.message)
        return issued_page(request, outgoing, failed={"make_copy": form}, status=error.status)
    messages.success(request, f"Đã sao văn bản: bản sao số {copy.code}.")
    return redirect("outgoing:issued_detail", pk=outgoing.pk)


@login_required
@require_POST
def copy_sign_view(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    outgoing = _clerk_outgoing(request, pk)
    copy = _copy(outgoing, copy_pk)
    form = CopyForm(request.POST)
    credentials = secret_arguments(
        agency_credential_kind(outgoing.agency_id), str(form.data.get("secret", ""))
    )
    return run_issued_action(
        request,
        outgoing,
        key="make_copy",
        form=form,
        step=lambda: copy_sign(copy=copy, actor=request.user, **credentials),
        success=f"Đã ký số bản sao {copy.code}.",
    )


@login_required
@xframe_options_sameorigin
def copy_file_view(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponseBase:
    """The signed copy (the unsigned one only to the clerks, while its signature is due)."""
    outgoing = outgoing_or_404(request, pk)
    copy = _copy(outgoing, copy_pk)
    stored = copy.signed
    if stored is None:
        if not is_clerk(request.user, outgoing.agency_id):
            raise Http404()
        stored = copy.stored
    return serve_stored(
        request,
        stored,
        name=f"{copy.code.replace('/', '-')}.pdf",
        target=copy,
        agency_id=outgoing.agency_id,
        label=str(outgoing),
    )
