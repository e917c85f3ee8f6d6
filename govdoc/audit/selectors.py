"""Reads of the journal, scoped to the actor inside the query.

A superuser reads every event; an agency administrator reads the events of the agencies
they administer plus their own; nobody else reads the journal.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govdoc.audit.models import AuditEvent

# organizations.roles.Role.ADMIN. The journal sits below organizations in the layers, so it
# reads the role through the user's `roles` relation instead of importing that app.
ADMIN_ROLE = "ADMIN"
LOGIN_FAILED = "auth.login_failed"


@dataclass(frozen=True)
class JournalFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    ip: str = ""


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def journal_scope(actor: Any) -> Q | None:
    """The condition an event must meet to be shown to the actor, or None for no access."""
    if not getattr(actor, "is_authenticated", False):
        return None
    if actor.is_superuser:
        return Q()
    administered = actor.roles.filter(role=ADMIN_ROLE).values("agency_id")
    if not administered.exists():
        return None
    return Q(agency_id__in=administered) | Q(actor_id=actor.pk)


def can_read_journal(actor: Any) -> bool:
    return journal_scope(actor) is not None


def journal_list(*, actor: Any, filters: JournalFilters) -> QuerySet[AuditEvent]:
    """Events the actor may read that match the filters, newest first."""
    scope = journal_scope(actor)
    if scope is None:
        return AuditEvent.objects.none()
    queryset = AuditEvent.objects.filter(scope)
    if filters.date_from:
        queryset = queryset.filter(at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(at__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    who = filters.actor.strip()
    if who:
        queryset = queryset.filter(
            Q(actor_name__icontains=who)
            | Q(actor__username__icontains=who)
            | Q(on_behalf_of__icontains=who)
            # A failed sign-in has no actor: the name that was tried is its target.
            | Q(action=LOGIN_FAILED, target_label__icontains=who)
        )
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.target_type.strip():
        queryset = queryset.filter(target_type=filters.target_type.strip().lower())
    if filters.target_id.strip():
        queryset = queryset.filter(target_id=filters.target_id.strip())
    ip = filters.ip.strip()
    if ip:
        try:
            queryset = queryset.filter(ip=str(ipaddress.ip_address(ip)))
        except ValueError:
            # A partial address ("10.0.") matches every address that starts with it.
            queryset = queryset.filter(ip__startswith=ip)
    return queryset.select_related("actor").order_by("-at", "-id")
