"""Navigation for the signed-in person, by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govdoc.assignments.views.queue_pages import queue_badge
from govdoc.incoming.received_selectors import received_badge
from govdoc.notifications.context import UnreadBadge
from govdoc.organizations.access import is_any_admin, roles_in
from govdoc.organizations.roles import Role
from govdoc.outgoing.selectors import outgoing_badge
from govdoc.records.views.file_pages import unfiled_badge
from govdoc.signatures.sign_pages import has_personal_credential
from govdoc.web.nav_counts import KeptCount, KeptLabel, kept


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    agency_id = getattr(user, "agency_id", None)
    roles = roles_in(user, agency_id)
    queue = queue_badge(request)
    received = received_badge(request) if Role.CLERK in roles else None
    outgoing = outgoing_badge(request) if roles - {Role.ADMIN} else None
    unfiled = unfiled_badge(request) if roles - {Role.ADMIN} else None
    # The menu's counters are kept in the session for a few seconds (nav_counts.py).
    return {
        "nav_roles": roles,
        "nav_role_labels": [Role(r).label for r in sorted(roles)],
        "nav_is_clerk": Role.CLERK in roles,
        "nav_reads_agency": bool(roles & {Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN}),
        "nav_is_admin": is_any_admin(user),
        "nav_agency": getattr(user, "agency", None),
        "nav_unread": KeptLabel(request, "unread", UnreadBadge(user)),
        # The "Xử lý" link's counter: None without an agency; counted once, when shown.
        "nav_queue": None if queue is None else KeptLabel(request, "queue", queue),
        # Clerks: the electronic documents waiting for them (None for others; counted lazily).
        "nav_received": None if received is None else KeptLabel(request, "received", received),
        # "Văn bản đi" and its counter of drafts waiting for me (to review, sign, issue):
        # None without a role in an agency; one aggregate, counted when shown.
        "nav_outgoing": None if outgoing is None else KeptLabel(request, "outgoing", outgoing),
        # Whether the "Ký số" link shows: clerks always; others with an active personal
        # credential (one EXISTS query, only on pages that render the link).
        "nav_can_sign": lambda: (
            Role.CLERK in roles or kept(request, "can_sign", lambda: has_personal_credential(user))
        ),
        # "Hồ sơ" and the number of documents I handled and have not filed: counted lazily,
        # once per request (the "my files" page shows the same object's count).
        "nav_unfiled": None if unfiled is None else KeptCount(request, "unfiled", unfiled),
    }
