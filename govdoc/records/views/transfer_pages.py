"""Transfer to the agency archive: the batches one submitted or, for the archivist, every
batch; submitting closed files; one batch checked against the plan, file by file accepted or
returned; its "Mục lục hồ sơ, tài liệu nộp lưu" and "Biên bản giao nhận" as PDF; requests to
keep a file longer and the leader's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, NotFound
from govdoc.documents.models import DocumentFile
from govdoc.organizations.access import has_role, led_unit_ids
from govdoc.organizations.roles import Role
from govdoc.records.access import case_file_for, is_archivist, visible_batches
from govdoc.records.models import CaseFile, CaseFileItem, KeepRequest, TransferBatch, TransferItem
from govdoc.records.selectors import my_files
from govdoc.records.services.transfer import (
    effective_due,
    keep_decide,
    keep_request,
    plan_check,
    transfer_accept,
    transfer_return,
    transfer_submit,
)
from govdoc.records.workflow import FileStatus, ItemDecision, KeepStatus


def _agency_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "agency_id", None)


def _batch_or_404(request: HttpRequest, pk: int) -> TransferBatch:
    return get_object_or_404(visible_batches(request.user, _agency_id(request)), pk=pk)


def _submittable(request: HttpRequest) -> QuerySet[CaseFile]:
    """Closed files of mine (or of the units I lead) that go to the archive."""
    agency_id = _agency_id(request) or 0
    condition = Q(owner_id=request.user.pk)
    led = led_unit_ids(request.user, agency_id)
    if led:
        condition |= Q(unit_id__in=led)
    return (
        CaseFile.objects.filter(agency_id=agency_id, status=FileStatus.CLOSED, on_hold=False)
        .filter(condition)
        .filter(Q(permanent=True) | Q(retention_years__gte=5))
        .select_related("owner")
        .order_by("transfer_due", "year", "notation")
    )


@login_required
def transfer_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request)
    if agency_id is None:
        raise Http404()
    batches = (
        visible_batches(request.user, agency_id)
        .select_related("submitted_by", "unit")
        .annotate(
            files=Count("items", distinct=True),
            pending=Count("items", filter=Q(items__decision=ItemDecision.PENDING), distinct=True),
        )
        .order_by("-submitted_at")[:200]
    )
    today = timezone.localdate()
    due = [
        (f, effective_due(f)) for f in _submittable(request)[:200] if effective_due(f) is not None
    ]
    return render(
        request,
        "records/transfer_list.html",
        {
            "batches": batches,
            "due": due,
            "today": today,
            "soon": today + dt.timedelta(days=30),
            "archivist": is_archivist(request.user, agency_id),
        },
    )


@login_required
def transfer_new_view(request: HttpRequest) -> HttpResponse:
    if _agency_id(request) is None:
        raise Http404()
    files = list(_submittable(request)[:500])
    error = ""
    status = 200
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("file") if v.isdigit()]
        try:
            batch = transfer_submit(
                actor=request.user, case_file_ids=ids, note=str(request.POST.get("note", ""))
            )
        except DomainError as failure:
            error, status = failure.message, failure.status
        else:
            messages.success(
                request,
                f"Đã nộp lưu {batch.items.count()} hồ sơ (đợt {batch.number}/{batch.year}).",
            )
            return redirect("records:transfer_detail", pk=batch.pk)
    return render(
        request,
        "records/transfer_new.html",
        {
            "files": files,
            "error": error,
            "chosen": request.POST.getlist("file") or request.GET.getlist("file"),
        },
        status=status,
    )


def _totals(batch: TransferBatch) -> dict[str, int]:
    file_ids = batch.items.values("case_file_id")
    pages = CaseFile.objects.filter(pk__in=file_ids).aggregate(
        pages=Sum("page_total"), documents=Sum("doc_total")
    )
    computer_files = DocumentFile.objects.filter(
        document_id__in=CaseFileItem.objects.filter(case_file_id__in=file_ids).values("document_id")
    ).count()
    return {
        "files": batch.items.count(),
        "accepted": batch.items.filter(decision=ItemDecision.ACCEPTED).count(),
        "documents": int(pages["documents"] or 0),
        "pages": int(pages["pages"] or 0),
        "computer_files": computer_files,
    }


def _batch_context(request: HttpRequest, batch: TransferBatch) -> dict[str, Any]:
    batch = TransferBatch.objects.select_related(
        "agency", "submitted_by", "received_by", "unit"
    ).get(pk=batch.pk)
    return {
        "batch": batch,
        "checked": plan_check(batch),
        "totals": _totals(batch),
        "archivist": is_archivist(request.user, batch.agency_id),
    }


@login_required
def transfer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    return render(request, "records/transfer_detail.html", _batch_context(request, batch))


@login_required
@require_POST
def transfer_decide_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    item = get_object_or_404(TransferItem, pk=item_pk, batch=batch)
    try:
        if request.POST.get("decision") == "accept":
            transfer_accept(item=item, actor=request.user)
            messages.success(request, f"Đã tiếp nhận hồ sơ {item.case_file.code}.")
        else:
            transfer_return(
                item=item, actor=request.user, reason=str(request.POST.get("reason", ""))
            )
            messages.success(request, f"Đã trả lại hồ sơ {item.case_file.code}.")
    except DomainError as error:
        context = _batch_context(request, batch) | {"error": error.message, "error_item": item.pk}
        return render(request, "records/transfer_detail.html", context, status=error.status)
    return redirect("records:transfer_detail", pk=batch.pk)


@login_required
def transfer_form_pdf_view(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """ "muc-luc": Mục lục hồ sơ, tài liệu nộp lưu; "bien-ban": Biên bản giao nhận."""
    from weasyprint import HTML

    if form not in ("muc-luc", "bien-ban"):
        raise Http404()
    batch = _batch_or_404(request, pk)
    context = _batch_context(request, batch)
    context["rows"] = [
        (index, item)
        for index, (item, _note) in enumerate(context["checked"], start=1)
        if item.decision != ItemDecision.RETURNED
    ]
    template = (
        "records/transfer_list_pdf.html"
        if form == "muc-luc"
        else "records/transfer_record_pdf.html"
    )
    pdf = HTML(string=render_to_string(template, context)).write_pdf()
    audit_record(
        actor=request.user,
        action="records.transfer_form",
        target=batch,
        agency_id=batch.agency_id,
        data={"form": form},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "muc-luc-nop-luu" if form == "muc-luc" else "bien-ban-giao-nhan"
    response["Content-Disposition"] = f'inline; filename="{name}-{batch.number}-{batch.year}.pdf"'
    return response


# -- keeping longer --------------------------------------------------------------------------


@login_required
@require_POST
def keep_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case_file = case_file_for(request.user, _agency_id(request), pk)
    except NotFound as error:
        raise Http404() from error
    raw = str(request.POST.get("until", ""))
    try:
        until = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        until = None
    try:
        keep_request(
            case_file=case_file,
            actor=request.user,
            until=until,
            reason=str(request.POST.get("reason", "")),
        )
    except DomainError as error:
        detail = " ".join(error.fields.values()) or error.message
        messages.error(request, detail)
    else:
        messages.success(request, "Đã gửi đề nghị giữ lại hồ sơ.")
    return redirect("records:file_detail", pk=case_file.pk)


@login_required
def keep_requests_view(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request)
    if agency_id is None:
        raise Http404()
    leader = has_role(request.user, agency_id, Role.AGENCY_LEADER)
    requests = KeepRequest.objects.filter(case_file__agency_id=agency_id).select_related(
        "case_file", "requested_by", "decided_by"
    )
    if not leader:
        requests = requests.filter(case_file__in=my_files(request.user, agency_id))
    error = ""
    status = 200
    if request.method == "POST":
        target = get_object_or_404(requests, pk=int(str(request.POST.get("request", "0")) or 0))
        try:
            keep_decide(
                request=target,
                actor=request.user,
                approve=request.POST.get("decision") == "approve",
                note=str(request.POST.get("note", "")),
            )
        except DomainError as failure:
            error, status = failure.message, failure.status
        else:
            messages.success(request, "Đã ghi quyết định.")
            return redirect("records:keep_requests")
    return render(
        request,
        "records/keep_requests.html",
        {
            "requests": requests.order_by("-requested_at")[:200],
            "leader": leader,
            "pending": KeepStatus.PENDING,
            "error": error,
        },
        status=status,
    )
