"""Background work of the outgoing app: take ids, call one service."""

from __future__ import annotations

from django_tasks import task


@task()
def send_dispatch_email(dispatch_id: int) -> bool:
    """E-mail the issued document to one recipient; a sent one is not sent again."""
    from govdoc.outgoing.services.mailing import dispatch_email_send

    return dispatch_email_send(dispatch_id=dispatch_id)


@task()
def send_change_email(dispatch_id: int, change_id: int) -> bool:
    """Tell an e-mail recipient that the document was revoked, replaced or updated."""
    from govdoc.outgoing.services.mailing import change_email_send

    return change_email_send(dispatch_id=dispatch_id, change_id=change_id)
