"""When the sender revokes an incoming document, the open work on it stops: every open
assignment is cancelled by the system, with one history row each (who revoked, why)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govdoc.assignments.models import Assignment, HandlingHistory
from govdoc.assignments.workflow import OPEN_STATUSES, AssignmentStatus
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.received_services import register_withdrawal_handler


def cancel_open_work(incoming: IncomingDocument, actor: Any) -> None:
    """Inside the revocation's transaction (incoming already WITHDRAWN)."""
    now = timezone.now()
    open_work = list(
        Assignment.objects.filter(incoming=incoming, status__in=list(OPEN_STATUSES)).values_list(
            "pk", "status"
        )
    )
    if not open_work:
        return
    Assignment.objects.filter(pk__in=[pk for pk, _ in open_work]).update(
        status=AssignmentStatus.CANCELLED
    )
    HandlingHistory.objects.bulk_create(
        [
            HandlingHistory(
                agency_id=incoming.agency_id,
                incoming=incoming,
                assignment_id=pk,
                at=now,
                actor=None,
                action="withdrawn",
                from_status=status,
                to_status=AssignmentStatus.CANCELLED,
                note=f"Nơi gửi đã thu hồi văn bản: {incoming.withdrawal_reason}"[:2000],
            )
            for pk, status in open_work
        ]
    )


def connect() -> None:
    register_withdrawal_handler(cancel_open_work)
