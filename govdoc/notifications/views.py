"""The person's notifications: the list, opening one, marking read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from govdoc.core.errors import NotFound
from govdoc.notifications.access import notification_for
from govdoc.notifications.models import Notification
from govdoc.notifications.selectors import notifications_of
from govdoc.notifications.services import notification_mark_read, notifications_mark_all_read

PER_PAGE = 20


def _own(request: HttpRequest, notification_id: int) -> Notification:
    try:
        return notification_for(actor=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404() from None


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    """The list again, on the page and filter the person came from."""
    query = {}
    page = request.POST.get("trang", "")
    if page.isdigit():
        query["trang"] = page
    if request.POST.get("chua_doc") == "1":
        query["chua_doc"] = "1"
    url = reverse("notifications:list")
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("chua_doc") == "1"
    paginator = Paginator(notifications_of(actor=request.user, unread_only=unread_only), PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "filter_query": "chua_doc=1&" if unread_only else "",
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is marked read and the person goes to what it is about."""
    notification = _own(request, notification_id)
    notification_mark_read(notification=notification, actor=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = _own(request, notification_id)
    notification_mark_read(notification=notification, actor=request.user)
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return _back_to_list(request)
