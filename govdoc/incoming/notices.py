"""Notices to people about an incoming document (in the app and by e-mail, after commit)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from govdoc.incoming.models import IncomingDocument
from govdoc.notifications.services import notify


def notice_incoming(
    *,
    recipients: list[Any],
    incoming: IncomingDocument,
    kind: str,
    title: str,
    body: str = "",
    dedupe_key: str | None = None,
) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        title=title[:300],
        body=body
        or f"{incoming} — {incoming.document.code or 'không số'} của "
        f"{incoming.document.issuer_name}",
        url=reverse("incoming:detail", args=[incoming.pk]),
        agency_id=incoming.agency_id,
        dedupe_key=dedupe_key,
    )
