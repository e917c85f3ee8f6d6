"""Sign-in, sign-out and failed sign-in go to the journal, with the client's address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from govdoc.audit.services import audit_record
from govdoc.core.middleware import request_ip
from govdoc.core.request_context import reset_client_ip, set_client_ip


@contextmanager
def _client_ip_of(request: HttpRequest | None) -> Iterator[None]:
    """Use the request's address when the signal carries one (sign-in can happen outside the
    middleware, e.g. in the API); otherwise keep what the middleware set."""
    ip = request_ip(request) if request is not None else None
    if ip is None:
        yield
        return
    token = set_client_ip(ip)
    try:
        yield
    finally:
        reset_client_ip(token)


@receiver(user_logged_in, dispatch_uid="govdoc.audit.login")
def journal_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with _client_ip_of(request):
        audit_record(
            actor=user,
            action="auth.login",
            target=user,
            agency_id=getattr(user, "agency_id", None),
        )


@receiver(user_logged_out, dispatch_uid="govdoc.audit.logout")
def journal_logout(
    sender: Any, request: HttpRequest | None, user: Any | None, **kwargs: Any
) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # signing out without a session changes nothing worth recording
    with _client_ip_of(request):
        audit_record(
            actor=user,
            action="auth.logout",
            target=user,
            agency_id=getattr(user, "agency_id", None),
        )


@receiver(user_login_failed, dispatch_uid="govdoc.audit.login_failed")
def journal_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    model = get_user_model()
    username = str(credentials.get(model.USERNAME_FIELD) or "")[:150]
    # Recorded under the account that was tried, so its agency's administrators see it.
    account = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    with _client_ip_of(request):
        audit_record(
            actor=None,
            action="auth.login_failed",
            target_type=model._meta.label_lower,
            target_id=str(account.pk) if account is not None else "",
            target_label=username,
            agency_id=getattr(account, "agency_id", None),
            data={"username": username},
        )
