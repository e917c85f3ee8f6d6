"""Every write of the assignments app (one module per group of steps)."""

from govdoc.assignments.services.assigning import (
    assignment_cancel,
    assignment_reopen,
    assignment_sub_assign,
    incoming_assign,
    task_create,
)
from govdoc.assignments.services.common import AssigneeInput
from govdoc.assignments.services.handling import (
    assignment_complete,
    assignment_mark_read,
    assignment_progress,
    assignment_return,
    chase_send,
)
from govdoc.assignments.services.requests import (
    extension_decide,
    extension_request,
    opinion_answer,
    opinion_ask,
)

__all__ = [
    "AssigneeInput",
    "assignment_cancel",
    "assignment_complete",
    "assignment_mark_read",
    "assignment_progress",
    "assignment_reopen",
    "assignment_return",
    "assignment_sub_assign",
    "chase_send",
    "extension_decide",
    "extension_request",
    "incoming_assign",
    "opinion_answer",
    "opinion_ask",
    "task_create",
]
