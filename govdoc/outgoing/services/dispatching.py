"""Dispatch of an issued document to each recipient, and what the sender then sees of it.

* a unit of the agency: sent at once (its people see the document);
* another agency: an edXML packet, carried by the exchange app — at once, inside this
  transaction, to an agency hosted on this installation (its electronic inbox: the
  `local` transport), or queued for the interconnection;
* by e-mail: a task sends it after commit;
* by post: waits for the clerk to record the posting (Sổ gửi văn bản đi bưu điện).

Each change of a delivery is a DispatchEvent; the receiving side's steps arrive as status
packets (the exchange app) and never move a delivery backwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.core.tasks_queue import enqueue_on_commit
from govdoc.notifications.services import notify
from govdoc.organizations.access import unit_leaders
from govdoc.outgoing.access import is_clerk
from govdoc.outgoing.models import Dispatch, DispatchEvent, OutgoingDocument
from govdoc.outgoing.services.common import name_of
from govdoc.outgoing.workflow import DispatchStatus, Method, dispatch_moves_to

EXTERNAL_PREFIX = "outgoing-dispatch:"

# Apps above this one carry deliveries this app cannot (the exchange app: the
# interconnection). Each handler is called inside the issuance's transaction with the new
# delivery (status QUEUED) and the actor; it queues its own work.
DispatchHandler = Callable[[Dispatch, Any], None]
_handlers: dict[str, list[DispatchHandler]] = {}


def register_dispatch_handler(method: str, handler: DispatchHandler) -> None:
    handlers = _handlers.setdefault(method, [])
    if handler not in handlers:
        handlers.append(handler)


def external_ref(dispatch: Dispatch) -> str:
    return f"{EXTERNAL_PREFIX}{dispatch.pk}"


def record_status(
    dispatch: Dispatch, status: str, *, reason: str = "", by_name: str = "", at: Any = None
) -> bool:
    """Move a delivery to `status` if that is forward; one event row. False if ignored."""
    if not dispatch_moves_to(dispatch.status, status):
        return False
    when = at or timezone.now()
    changes: dict[str, Any] = {"status": status, "status_at": when, "reason": reason[:1000]}
    if status == DispatchStatus.SENT and dispatch.sent_at is None:
        changes["sent_at"] = when
    updated = Dispatch.objects.filter(pk=dispatch.pk, status=dispatch.status).update(**changes)
    if updated != 1:
        return False
    for key, value in changes.items():
        setattr(dispatch, key, value)
    DispatchEvent.objects.create(
        dispatch=dispatch, at=when, status=status, reason=reason[:1000], by_name=by_name[:150]
    )
    return True


def dispatch_all(outgoing: OutgoingDocument, *, actor: Any) -> list[Dispatch]:
    """Inside the issuance's transaction: one delivery per recipient of the draft."""
    dispatches: list[Dispatch] = []
    now = timezone.now()
    for recipient in outgoing.draft.recipients.select_related("agency", "unit"):
        dispatch = Dispatch.objects.create(
            outgoing=outgoing,
            recipient=recipient,
            method=recipient.method,
            status=DispatchStatus.QUEUED,
            status_at=now,
        )
        DispatchEvent.objects.create(
            dispatch=dispatch, at=now, status=DispatchStatus.QUEUED, by_name=name_of(actor)
        )
        dispatches.append(dispatch)
        if recipient.method == Method.INTERNAL and recipient.unit_id is not None:
            record_status(dispatch, DispatchStatus.SENT, by_name=name_of(actor))
            notify(
                recipients=unit_leaders([recipient.unit_id]),
                kind="outgoing.internal",
                title=(
                    f"Văn bản {outgoing.document.code} gửi đơn vị: "
                    f"{outgoing.document.subject[:150]}"
                ),
                url=reverse("outgoing:issued_detail", args=[outgoing.pk]),
                agency_id=outgoing.agency_id,
            )
        elif recipient.method == Method.EMAIL:
            from govdoc.outgoing.tasks import send_dispatch_email

            enqueue_on_commit(send_dispatch_email, dispatch.pk)
        for handler in _handlers.get(recipient.method, []):
            handler(dispatch, actor)
    audit_record(
        actor=actor,
        action="outgoing.dispatch",
        target=outgoing,
        agency_id=outgoing.agency_id,
        data={"dispatches": [[d.pk, d.method] for d in dispatches]},
    )
    return dispatches


def notify_refused(dispatch: Dispatch, reason: str) -> None:
    """Tell the drafter that a recipient sent the document back."""
    draft = dispatch.outgoing.draft
    notify(
        recipients=[draft.drafter],
        kind="outgoing.refused",
        title=f"{dispatch.recipient.name} trả lại văn bản {dispatch.outgoing.document.code}",
        body=reason[:500],
        url=reverse("outgoing:issued_detail", args=[dispatch.outgoing_id]),
        agency_id=dispatch.outgoing.agency_id,
    )


def dispatch_record_post(
    *,
    dispatch: Dispatch,
    actor: Any,
    postal_receipt: str = "",
    postage: str = "",
) -> Dispatch:
    """The clerk records that the copy went by post (Sổ gửi văn bản đi bưu điện)."""
    if not is_clerk(actor, dispatch.outgoing.agency_id):
        raise Forbidden("Chỉ văn thư ghi sổ gửi bưu điện.")
    if dispatch.method != Method.POST:
        raise InvalidTransition("Nơi nhận này không gửi qua bưu điện.")
    if len(postal_receipt) > 50 or len(postage) > 30:
        raise ValidationFailed(
            "Thông tin gửi bưu điện quá dài.",
            fields={"postal_receipt": "Tối đa 50 ký tự.", "postage": "Tối đa 30 ký tự."},
        )
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if current.status != DispatchStatus.QUEUED:
            raise InvalidTransition("Văn bản đã được ghi gửi bưu điện.")
        Dispatch.objects.filter(pk=current.pk).update(
            postal_receipt=postal_receipt.strip(), postage=postage.strip()
        )
        current.postal_receipt = postal_receipt.strip()
        current.postage = postage.strip()
        record_status(current, DispatchStatus.SENT, by_name=name_of(actor))
        audit_record(
            actor=actor,
            action="outgoing.post",
            target=current,
            agency_id=current.outgoing.agency_id,
            data={"receipt": current.postal_receipt},
        )
    return current


def dispatch_retry(*, dispatch: Dispatch, actor: Any) -> Dispatch:
    """Send a failed e-mail again."""
    if not is_clerk(actor, dispatch.outgoing.agency_id):
        raise Forbidden("Chỉ văn thư gửi lại văn bản.")
    if dispatch.method != Method.EMAIL or dispatch.status != DispatchStatus.FAILED:
        raise InvalidTransition("Chỉ gửi lại được thư điện tử gửi không thành công.")
    with transaction.atomic():
        updated = Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.FAILED).update(
            status=DispatchStatus.QUEUED, status_at=timezone.now(), reason=""
        )
        if updated != 1:
            raise Conflict("Thư điện tử này vừa được gửi lại.")
        DispatchEvent.objects.create(
            dispatch=dispatch,
            at=timezone.now(),
            status=DispatchStatus.QUEUED,
            by_name=name_of(actor),
        )
        from govdoc.outgoing.tasks import send_dispatch_email

        enqueue_on_commit(send_dispatch_email, dispatch.pk)
    dispatch.refresh_from_db()
    return dispatch
