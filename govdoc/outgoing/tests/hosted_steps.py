"""Given-steps after a document is issued to an agency hosted on this installation (the
`other_agency` fixture): its copy waiting there, the people there who take it (their clerk
registers or refuses it), and the sender's change of the issued document — each with the
work queued after commit run at once (pytest-django's `django_capture_on_commit_callbacks`).

Shared by the outgoing tests of what follows issuance and the exchange tests of the local
transport."""

from __future__ import annotations

from typing import Any

from govdoc.conftest import make_person
from govdoc.incoming.models import IncomingDocument, ReceivedDocument
from govdoc.incoming.received_services import received_refuse, received_register
from govdoc.organizations.models import Agency, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.models import OutgoingChange, OutgoingDocument
from govdoc.outgoing.services.changes import outgoing_change


def received_there(agency: Agency, **filters: Any) -> ReceivedDocument:
    """The copy waiting in the agency's inbox (the only one, or the one `filters` name)."""
    return ReceivedDocument.objects.get(agency=agency, **filters)


def person_there(agency: Agency, username: str, role: str = Role.CLERK) -> User:
    """A person of the agency with `role` (their clerk unless told)."""
    return make_person(username, agency=agency, roles=[role])


def register_there(received: ReceivedDocument, *, clerk: User, capture: Any) -> IncomingDocument:
    """Their clerk registers the copy, its answers to the sender sent."""
    with capture(execute=True):
        return received_register(received=received, actor=clerk)


def refuse_there(received: ReceivedDocument, *, clerk: User, reason: str, capture: Any) -> None:
    """Their clerk refuses the copy with `reason`, its answer to the sender sent."""
    with capture(execute=True):
        received_refuse(received=received, reason=reason, actor=clerk)


def sender_changes(
    outgoing: OutgoingDocument, *, kind: str, reason: str, actor: User, capture: Any
) -> OutgoingChange:
    """The sender updates, revokes or replaces the issued document, its packets delivered."""
    with capture(execute=True):
        return outgoing_change(outgoing=outgoing, kind=kind, reason=reason, actor=actor)
