"""The queues of outgoing documents (/van-ban-di/): drafts waiting for my review, for my
signature, for the clerk's issuance (late ones flagged), my own drafts, and the issued
documents I may see with their filters; a counter on each tab from one aggregate (shared
with the navigation's counter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from govdoc.core.capped_pagination import capped_page
from govdoc.core.dates import today
from govdoc.outgoing.access import can_draft, is_clerk
from govdoc.outgoing.forms.list_forms import PER_PAGE, IssuedFilterForm, MineFilterForm
from govdoc.outgoing.selectors import (
    drafts_to_issue,
    drafts_to_review,
    drafts_to_sign,
    is_late,
    issued_count,
    issued_list,
    my_drafts,
    outgoing_badge,
    queue_counts,
)
from govdoc.outgoing.views.common import (
    DRAFT_STATUS_CSS,
    OUTGOING_STATUS_CSS,
    STEP_KIND_SHORT,
)

TABS: dict[str, str] = {
    "cho-duyet": "Chờ tôi duyệt",
    "cho-ky": "Chờ tôi ký",
    "cho-phat-hanh": "Chờ phát hành",
    "cua-toi": "Dự thảo của tôi",
    "da-phat-hanh": "Văn bản đã phát hành",
}
CLERK_ONLY = frozenset({"cho-phat-hanh"})
DRAFT_TABS = ("cho-duyet", "cho-ky", "cho-phat-hanh", "cua-toi")


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    count: str
    url: str
    active: bool
    urgent: bool


def _per_page(request: HttpRequest) -> int:
    raw = request.GET.get("so_dong", "")
    return int(raw) if raw.isdigit() and int(raw) in PER_PAGE else PER_PAGE[0]


def _tabs(counts: dict[str, int], issued: tuple[int, bool], current: str, clerk: bool) -> list[Tab]:
    tabs = []
    for slug, label in TABS.items():
        if slug in CLERK_ONLY and not clerk:
            continue
        if slug == "da-phat-hanh":
            number, capped = issued
            count = f"{number}+" if capped else str(number)
        else:
            count = str(counts.get(slug, 0))
        tabs.append(
            Tab(
                slug=slug,
                label=label,
                count=count,
                url=reverse("outgoing:queue_tab", kwargs={"slug": slug}),
                active=slug == current,
                urgent=(slug == "cho-phat-hanh" and counts.get("qua-han", 0) > 0)
                or (slug in ("cho-duyet", "cho-ky") and counts.get(slug, 0) > 0),
            )
        )
    return tabs


@dataclass(frozen=True)
class DraftRow:
    pk: int
    url: str
    priority: int
    priority_label: str
    type_name: str
    subject: str
    who: str
    detail: str
    when: Any
    status: str
    status_css: str
    code: str
    late: bool


def _draft_rows(drafts: list[Any], *, tab: str) -> list[DraftRow]:
    mark = "987654321"
    template = reverse("outgoing:draft_detail", args=[int(mark)])
    day = today()
    rows = []
    for draft in drafts:
        outgoing = (
            getattr(draft, "outgoing", None) if draft.status in ("NUMBERED", "ISSUED") else None
        )
        if tab == "cho-duyet":
            detail = STEP_KIND_SHORT.get(getattr(draft, "my_step_kind", "") or "", "")
            who = draft.drafter.display_name
            when = draft.submitted_at
        elif tab == "cho-ky":
            detail = draft.get_signing_authority_display() if draft.signing_authority else ""
            who = draft.drafter.display_name
            when = draft.updated_at
        elif tab == "cho-phat-hanh":
            detail = f"Người ký: {draft.signer.display_name}"
            who = draft.drafting_unit.name
            when = draft.signed_at
        else:
            detail = f"Người ký: {draft.signer.display_name}"
            who = draft.drafting_unit.name
            when = draft.updated_at
        rows.append(
            DraftRow(
                pk=draft.pk,
                url=template.replace(mark, str(draft.pk)),
                priority=int(draft.priority),
                priority_label=draft.get_priority_display(),
                type_name=draft.document_type.name,
                subject=draft.subject,
                who=who,
                detail=detail,
                when=when,
                status=draft.get_status_display(),
                status_css=DRAFT_STATUS_CSS.get(draft.status, "text-bg-light"),
                code=outgoing.document.code if outgoing is not None else "",
                late=is_late(draft, day=day),
            )
        )
    return rows


@login_required
def queue_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    actor = request.user
    agency_id: int | None = getattr(actor, "agency_id", None)
    clerk = is_clerk(actor, agency_id)
    name = slug or ("cho-phat-hanh" if clerk else "cho-duyet")
    if name not in TABS or (name in CLERK_ONLY and not clerk):
        raise Http404()
    badge = outgoing_badge(request)
    counts = badge.counts if badge is not None else queue_counts(actor, agency_id)
    issued = issued_count(actor, agency_id)
    number = request.GET.get("trang")
    per_page = _per_page(request)
    context: dict[str, Any] = {
        "tab": name,
        "tab_label": TABS[name],
        "tabs": _tabs(counts, issued, name, clerk),
        "has_agency": agency_id is not None,
        "can_draft": can_draft(actor, agency_id),
        "late_count": counts.get("qua-han", 0),
    }
    if name == "da-phat-hanh":
        form = IssuedFilterForm(request.GET or None)
        issued_page = capped_page(
            issued_list(actor, agency_id, form.filters()), number=number, per_page=per_page
        )
        context.update(
            form=form,
            page=issued_page,
            issued_rows=issued_page.rows,
            status_css=OUTGOING_STATUS_CSS,
            filtered=form.filtered,
        )
    else:
        mine_form = MineFilterForm(request.GET or None) if name == "cua-toi" else None
        queryset = {
            "cho-duyet": lambda: drafts_to_review(actor, agency_id),
            "cho-ky": lambda: drafts_to_sign(actor, agency_id),
            "cho-phat-hanh": lambda: drafts_to_issue(actor, agency_id),
            "cua-toi": lambda: my_drafts(
                actor, agency_id, status=mine_form.status() if mine_form else "mo"
            ),
        }[name]()
        page = capped_page(queryset, number=number, per_page=per_page)
        context.update(
            page=page,
            rows=_draft_rows(page.rows, tab=name),
            mine_form=mine_form,
            filtered=bool(mine_form and mine_form.status() != "mo"),
        )
    query = request.GET.copy()
    query.pop("trang", None)
    context["query"] = query.urlencode()
    return render(request, "outgoing/queue.html", context)
