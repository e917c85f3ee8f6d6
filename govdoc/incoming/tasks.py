"""Background work of the incoming app: take ids, call one service."""

from __future__ import annotations

from django_tasks import task


@task()
def verify_incoming_signatures(incoming_id: int, actor_id: int | None = None) -> int:
    """Verify the signatures of every PDF file of a registered incoming document; returns
    the number of files checked (0 when the document no longer exists)."""
    # Imported here: services.py imports this module, signature_checks imports access.py.
    from govdoc.incoming.models import IncomingDocument
    from govdoc.incoming.signature_checks import incoming_signatures_check
    from govdoc.organizations.models import User

    incoming = IncomingDocument.objects.filter(pk=incoming_id).first()
    if incoming is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    return len(incoming_signatures_check(incoming=incoming, actor=actor))
