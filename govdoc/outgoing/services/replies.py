"""Replies close the loop: an issued reply completes the drafter's lead assignment on the
incoming document it answers (when the drafter asked for it at drafting)."""

from __future__ import annotations

from govdoc.assignments.models import Assignment
from govdoc.assignments.services.handling import assignment_complete
from govdoc.assignments.workflow import OPEN_STATUSES, HandlingRole
from govdoc.core.errors import DomainError
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.common import history


def complete_incoming_with_reply(draft: Draft, outgoing: OutgoingDocument) -> bool:
    """Inside the issuance's transaction. True when the handling was completed."""
    assignment = (
        Assignment.objects.filter(
            incoming_id=draft.reply_to_id,
            role=HandlingRole.LEAD,
            status__in=list(OPEN_STATUSES),
            assignee_person_id=draft.drafter_id,
        )
        .order_by("-pk")
        .first()
    )
    if assignment is None:
        return False
    try:
        assignment_complete(
            assignment=assignment,
            result=f"Đã trả lời bằng văn bản số {outgoing.document.code}.",
            actor=draft.drafter,
        )
    except DomainError as error:
        # Someone inside the unit still works on it: the reply is linked, the handler
        # completes later.
        history(draft, actor=None, action="reply_not_completed", note=error.message)
        return False
    history(
        draft,
        actor=None,
        action="reply_completed",
        note="Hoàn thành xử lý văn bản đến bằng văn bản trả lời.",
        data={"assignment": assignment.pk},
    )
    return True
