"""Bring a draft to a state through the services, for the tests: submitted, approved,
signed, issued. The circuit is the built-in one: the unit leader (content), the clerk (form),
the leader (the signer's approval)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govdoc.organizations.models import User
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.circuits import draft_submit, step_approve
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign

ORDER = ("unit_head", "clerk", "leader")


def approve_by(draft: Draft, people: Iterable[User], *, note: str = "") -> Draft:
    """Each person in turn approves every step of theirs that is pending."""
    for person in people:
        for step in pending_steps_for(person, draft):
            step_approve(step=step, actor=person, note=note)
        draft.refresh_from_db()
    return draft


def submitted(draft: Draft, personas: dict[str, User]) -> Draft:
    draft_submit(draft=draft, actor=personas["specialist"])
    draft.refresh_from_db()
    return draft


def approved(
    draft: Draft, personas: dict[str, User], *, upto: int = len(ORDER), note: str = "Đồng ý"
) -> Draft:
    """Submitted and approved by the first `upto` people of the circuit."""
    if draft.status == "DRAFTING":
        submitted(draft, personas)
    return approve_by(draft, [personas[name] for name in ORDER[:upto]], note=note)


def signed(draft: Draft, personas: dict[str, User], password: str) -> Draft:
    approved(draft, personas)
    draft_sign(draft=draft, actor=personas["leader"], password=password)
    draft.refresh_from_db()
    return draft


def issued(
    draft: Draft, personas: dict[str, User], password: str, *, callbacks: Any = None
) -> OutgoingDocument:
    """Signed and issued by the clerk; `callbacks` (django_capture_on_commit_callbacks) runs
    the work queued after commit (e-mails)."""
    signed(draft, personas, password)
    if callbacks is not None:
        with callbacks(execute=True):
            result = draft_issue(draft=draft, actor=personas["clerk"], password=password)
    else:
        result = draft_issue(draft=draft, actor=personas["clerk"], password=password)
    draft.refresh_from_db()
    return result.outgoing
