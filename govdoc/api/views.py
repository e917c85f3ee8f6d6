"""The token screen: a signed-in person lists, creates and revokes their API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from govdoc.api.forms import TokenForm
from govdoc.api.models import ApiToken
from govdoc.api.tokens import token_create, token_for, token_is_active, token_revoke, tokens_of
from govdoc.core.errors import DomainError, NotFound


def _rows(user: Any) -> list[dict[str, Any]]:
    return [{"token": t, "active": token_is_active(t)} for t in tokens_of(user)]


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    created: ApiToken | None = None
    raw_key = ""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                created, raw_key = token_create(
                    user=request.user,
                    name=form.cleaned_data.get("name") or "",
                    expires_at=form.expiry(),
                    actor=request.user,
                )
            except DomainError as error:
                placed = False
                for field, message in error.fields.items():
                    if field in form.fields:
                        form.add_error(field, message)
                        placed = True
                if not placed:
                    form.add_error(None, error.message)
            else:
                form = TokenForm()
    else:
        form = TokenForm()
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "rows": _rows(request.user),
            "created": created,
            "raw_key": raw_key,
            "api_base": request.build_absolute_uri(reverse("api:incoming_list")),
            "docs_url": reverse("api:openapi-view"),
        },
    )
    # The raw key is on this page only once: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = token_for(request.user, pk)
    except NotFound:
        raise Http404() from None
    try:
        token_revoke(token=token, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Đã thu hồi mã “{token.name}”. Chương trình dùng mã này không gọi được nữa."
        )
    return redirect("api_tokens")
