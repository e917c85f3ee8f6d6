"""Appraisal and destruction pages: the files whose retention has ended (for the archivist
and the head), proposing their destruction with a council; the decisions one may see; one
decision with its files, the council's opinions, the head's approval, its execution and,
once carried out, the summary of what was destroyed (kept for ever)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.access import has_role
from govdoc.organizations.models import User
from govdoc.organizations.roles import Role
from govdoc.records.access import is_archivist
from govdoc.records.models import DisposalDecision
from govdoc.records.services.disposal import (
    ProposalInput,
    decision_for,
    disposal_decide,
    disposal_execute,
    disposal_propose,
    disposal_vote,
    files_due_for_appraisal,
    may_appraise,
    rejection_note,
    retention_ends_on,
    visible_decisions,
)
from govdoc.records.workflow import DisposalStatus

STATUS_CSS: dict[str, str] = {
    DisposalStatus.PROPOSED: "text-bg-warning",
    DisposalStatus.REVIEWED: "text-bg-info",
    DisposalStatus.APPROVED: "text-bg-primary",
    DisposalStatus.EXECUTED: "text-bg-dark",
    DisposalStatus.REJECTED: "text-bg-secondary",
}


def _agency_id(request: HttpRequest) -> int:
    agency_id = getattr(request.user, "agency_id", None)
    if agency_id is None:
        raise Http404()
    return int(agency_id)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


# -- appraisal -------------------------------------------------------------------------------


def _appraisal_context(request: HttpRequest, agency_id: int, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    files = list(
        files_due_for_appraisal(agency_id, today)
        .select_related("owner", "unit")
        .order_by("year", "notation", "pk")[:500]
    )
    return {
        "rows": [(f, retention_ends_on(f)) for f in files],
        "today": today,
        "archivist": is_archivist(request.user, agency_id),
        "people": User.objects.filter(agency_id=agency_id, is_active=True).order_by(
            "full_name", "username"
        ),
        "chosen": request.POST.getlist("file") if request.method == "POST" else [],
        "chosen_members": request.POST.getlist("member") if request.method == "POST" else [],
        "form": request.POST if request.method == "POST" else {},
        **extra,
    }


@login_required
def disposal_appraisal_view(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request)
    if not may_appraise(request.user, agency_id):
        raise Http404()
    return render(
        request, "records/disposal_appraisal.html", _appraisal_context(request, agency_id)
    )


@login_required
@require_POST
def disposal_propose_view(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request)
    if not may_appraise(request.user, agency_id):
        raise Http404()
    try:
        decision = disposal_propose(
            actor=request.user,
            data=ProposalInput(
                title=str(request.POST.get("title", "")),
                reason=str(request.POST.get("reason", "")),
                case_file_ids=_ids(request.POST.getlist("file")),
                member_ids=_ids(request.POST.getlist("member")),
            ),
        )
    except DomainError as error:
        context = _appraisal_context(request, agency_id, error=error.message, fields=error.fields)
        return render(request, "records/disposal_appraisal.html", context, status=error.status)
    messages.success(
        request, f"Đã lập đề nghị hủy số {decision.number}/{decision.year}, chờ hội đồng thẩm định."
    )
    return redirect("records:disposal_detail", pk=decision.pk)


# -- decisions -------------------------------------------------------------------------------


@login_required
def disposal_list_view(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request)
    decisions = (
        visible_decisions(request.user, agency_id)
        .select_related("proposed_by")
        .annotate(files=Count("items", distinct=True))
        .order_by("-proposed_at", "-pk")[:300]
    )
    return render(
        request,
        "records/disposal_list.html",
        {
            "decisions": [(d, STATUS_CSS.get(d.status, "")) for d in decisions],
            "appraise": may_appraise(request.user, agency_id),
        },
    )


def _decision_or_404(request: HttpRequest, pk: int) -> DisposalDecision:
    try:
        return decision_for(request.user, _agency_id(request), pk)
    except NotFound as error:
        raise Http404() from error


def _day(value: Any) -> Any:
    """An ISO date of the summary as a date (for the template's dd/mm/yyyy)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _summary_rows(decision: DisposalDecision) -> list[dict[str, Any]]:
    rows = []
    for entry in decision.summary or []:
        row = dict(entry)
        for key in ("start_date", "end_date", "work_ended_on", "archived_at"):
            row[key] = _day(entry.get(key))
        row["documents"] = [
            {**doc, "issued_date": _day(doc.get("issued_date"))}
            for doc in entry.get("documents", [])
        ]
        rows.append(row)
    return rows


def _detail_context(
    request: HttpRequest, decision: DisposalDecision, **extra: Any
) -> dict[str, Any]:
    decision = DisposalDecision.objects.select_related(
        "agency", "proposed_by", "approved_by", "executed_by", "refused_by"
    ).get(pk=decision.pk)
    user = request.user
    votes = {v.member_id: v for v in decision.votes.all()}
    members = [
        (m.member, votes.get(m.member_id))
        for m in decision.members.select_related("member").order_by("member__full_name", "pk")
    ]
    items = [
        (i.case_file, retention_ends_on(i.case_file))
        for i in decision.items.select_related("case_file", "case_file__owner").order_by(
            "case_file__year", "case_file__notation", "pk"
        )
    ]
    is_member = any(member.pk == user.pk for member, _ in members)
    return {
        "decision": decision,
        "status_css": STATUS_CSS.get(decision.status, ""),
        "items": items,
        "members": members,
        "may_vote": decision.status == DisposalStatus.PROPOSED
        and is_member
        and user.pk not in votes,
        "may_decide": decision.status == DisposalStatus.REVIEWED
        and has_role(user, decision.agency_id, Role.AGENCY_LEADER),
        "may_execute": decision.status == DisposalStatus.APPROVED
        and is_archivist(user, decision.agency_id),
        "rejection": rejection_note(decision),
        # A council member refuses by disagreeing (their vote); otherwise it was the head.
        "refused_by_head": decision.refused_by_id is not None
        and not any(v.member_id == decision.refused_by_id and not v.agree for v in votes.values()),
        "form": request.POST if request.method == "POST" else {},
        "summary": _summary_rows(decision),
        **extra,
    }


@login_required
def disposal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    return render(request, "records/disposal_detail.html", _detail_context(request, decision))


def _act(request: HttpRequest, decision: DisposalDecision, done: str, action: Any) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        context = _detail_context(request, decision, error=error.message, fields=error.fields)
        return render(request, "records/disposal_detail.html", context, status=error.status)
    messages.success(request, done)
    return redirect("records:disposal_detail", pk=decision.pk)


@login_required
@require_POST
def disposal_vote_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    agree = request.POST.get("agree") == "yes"
    return _act(
        request,
        decision,
        "Đã ghi ý kiến của bạn.",
        lambda: disposal_vote(
            decision=decision,
            actor=request.user,
            agree=agree,
            note=str(request.POST.get("note", "")),
        ),
    )


@login_required
@require_POST
def disposal_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        decision,
        "Đã phê duyệt quyết định hủy." if approve else "Đã ghi ý kiến không phê duyệt.",
        lambda: disposal_decide(
            decision=decision,
            actor=request.user,
            approve=approve,
            note=str(request.POST.get("note", "")),
        ),
    )


@login_required
@require_POST
def disposal_execute_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_or_404(request, pk)
    return _act(
        request,
        decision,
        "Đã thực hiện quyết định hủy: tài liệu đã được hủy, thông tin được lưu giữ.",
        lambda: disposal_execute(decision=decision, actor=request.user),
    )
