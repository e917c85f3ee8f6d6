"""The operator's page of the interconnection: packets waiting to be sent, failed, and
received packets refused, each with its reason and its history, and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from govdoc.core.errors import DomainError
from govdoc.exchange.access import visible_inbox, visible_outbox
from govdoc.exchange.services.inbox import inbox_retry
from govdoc.exchange.services.outbox import outbox_requeue
from govdoc.exchange.workflow import InboxStatus, OutboxStatus

TABS: dict[str, tuple[str, str, list[str]]] = {
    "cho-gui": ("Chờ gửi", "outbox", [OutboxStatus.QUEUED, OutboxStatus.SENDING]),
    "that-bai": ("Gửi không thành công", "outbox", [OutboxStatus.FAILED]),
    "da-gui": ("Đã gửi", "outbox", [OutboxStatus.SENT]),
    "bi-tu-choi": ("Nhận bị từ chối", "inbox", [InboxStatus.REFUSED]),
    "da-nhan": ("Đã nhận", "inbox", [InboxStatus.RECEIVED, InboxStatus.APPLIED]),
}
PAGE = 100


@login_required
@require_GET
def packets_view(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "cho-gui")
    if tab not in TABS:
        tab = "cho-gui"
    if not _operator(request):
        raise Http404
    outbox = visible_outbox(request.user)
    inbox = visible_inbox(request.user)
    counts = {
        key: (outbox if box == "outbox" else inbox).filter(status__in=statuses).count()
        for key, (_label, box, statuses) in TABS.items()
    }
    label, box, statuses = TABS[tab]
    source = outbox if box == "outbox" else inbox
    rows = list(
        source.filter(status__in=statuses)
        .select_related("agency")
        .prefetch_related("events")
        .order_by("-pk")[:PAGE]
    )
    return render(
        request,
        "exchange/packets.html",
        {
            "tabs": [(key, TABS[key][0], counts[key]) for key in TABS],
            "tab": tab,
            "label": label,
            "box": box,
            "rows": rows,
        },
    )


def _operator(request: HttpRequest) -> bool:
    from govdoc.organizations.access import has_role
    from govdoc.organizations.roles import Role

    user = request.user
    return bool(
        getattr(user, "is_superuser", False)
        or has_role(user, getattr(user, "agency_id", None), Role.ADMIN, Role.CLERK)
    )


@login_required
@require_POST
def outbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    packet = visible_outbox(request.user).filter(pk=pk).first()
    if packet is None:
        raise Http404
    try:
        outbox_requeue(packet=packet, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã đưa gói tin {packet.pk} vào hàng chờ gửi lại.")
    return HttpResponseRedirect(reverse("exchange:packets") + "?tab=that-bai")


@login_required
@require_POST
def inbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    packet = visible_inbox(request.user).filter(pk=pk).first()
    if packet is None:
        raise Http404
    try:
        result = inbox_retry(packet=packet, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if result.status == InboxStatus.APPLIED:
            messages.success(request, f"Đã xử lý gói tin {packet.pk}.")
        else:
            messages.error(request, f"Gói tin {packet.pk} vẫn bị từ chối: {result.reason}")
    return HttpResponseRedirect(reverse("exchange:packets") + "?tab=bi-tu-choi")
