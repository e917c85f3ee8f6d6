"""Revocation, replacement and update of an issued document (NĐ 30 Điều 10 khoản 5;
Phụ lục VI F8): the original is frozen (revoked or replaced), the change is recorded for
ever, and the recipients are told: units here are notified, e-mail recipients are written
to, and agencies get the change as an edXML packet (the exchange app: their copy is
withdrawn with a trace on revocation or replacement, the update recorded)."""

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
from govdoc.organizations.access import has_role, unit_leaders
from govdoc.organizations.roles import Role
from govdoc.outgoing.models import Dispatch, OutgoingChange, OutgoingDocument
from govdoc.outgoing.services.common import history
from govdoc.outgoing.workflow import (
    ChangeKind,
    Method,
    OutgoingStatus,
    next_outgoing_status,
)

# Apps above this one tell the recipients this app cannot reach (the exchange app: the
# interconnection). Called inside the change's transaction for each such delivery.
ChangeHandler = Callable[[Dispatch, OutgoingChange, Any], None]
_change_handlers: dict[str, list[ChangeHandler]] = {}


def register_change_handler(method: str, handler: ChangeHandler) -> None:
    handlers = _change_handlers.setdefault(method, [])
    if handler not in handlers:
        handlers.append(handler)


ACTION = {ChangeKind.REVOKE: "revoke", ChangeKind.REPLACE: "replace", ChangeKind.UPDATE: "update"}
WITHDRAWS = frozenset({ChangeKind.REVOKE, ChangeKind.REPLACE})


def outgoing_change(
    *,
    outgoing: OutgoingDocument,
    kind: str,
    reason: str,
    actor: Any,
    replacement_id: int | None = None,
) -> OutgoingChange:
    """Revoke, replace (by `replacement_id`, an issued document of the agency) or update
    (an amending or correcting document, optional) an issued document."""
    if not has_role(actor, outgoing.agency_id, Role.CLERK, Role.AGENCY_LEADER):
        raise Forbidden("Chỉ văn thư hoặc lãnh đạo cơ quan được thu hồi, thay thế văn bản.")
    if kind not in ChangeKind.values:
        raise ValidationFailed(
            "Chọn thu hồi, thay thế hay đính chính.", fields={"kind": "Không hợp lệ."}
        )
    text = " ".join(reason.split())
    if not text:
        raise ValidationFailed("Vui lòng ghi lý do.", fields={"reason": "Vui lòng ghi lý do."})
    if len(text) > 1000:
        raise ValidationFailed("Lý do quá dài.", fields={"reason": "Tối đa 1000 ký tự."})
    replacement = None
    if replacement_id:
        replacement = (
            OutgoingDocument.objects.filter(
                pk=replacement_id, agency_id=outgoing.agency_id, issued_at__isnull=False
            )
            .select_related("document")
            .first()
        )
        if replacement is None or replacement.pk == outgoing.pk:
            raise ValidationFailed(
                "Văn bản thay thế phải là một văn bản khác đã phát hành của cơ quan.",
                fields={"replacement": "Chọn văn bản đã phát hành."},
            )
    elif kind == ChangeKind.REPLACE:
        raise ValidationFailed(
            "Thay thế cần văn bản thay thế đã phát hành.",
            fields={"replacement": "Chọn văn bản thay thế."},
        )
    if outgoing.issued_at is None:
        raise InvalidTransition("Văn bản chưa phát hành.")
    action = ACTION[ChangeKind(kind)]
    with transaction.atomic():
        current = (
            OutgoingDocument.objects.select_for_update()
            .select_related("document", "draft")
            .get(pk=outgoing.pk)
        )
        target = next_outgoing_status(current.status, action)
        if target is None:
            raise InvalidTransition(
                f"Văn bản đang ở trạng thái “{OutgoingStatus(current.status).label}”: "
                f"không {ChangeKind(kind).label.lower()} được."
            )
        updated = OutgoingDocument.objects.filter(pk=current.pk, status=current.status).update(
            status=target
        )
        if updated != 1:
            raise Conflict("Văn bản vừa được người khác thay đổi.")
        change = OutgoingChange.objects.create(
            outgoing=current,
            kind=kind,
            reason=text,
            replacement=replacement,
            at=timezone.now(),
            actor=actor,
        )
        history(
            current.draft,
            actor=actor,
            action=action,
            note=text,
            data={
                "from": current.status,
                "to": target,
                "replacement": replacement.document.code if replacement else "",
            },
        )
        audit_record(
            actor=actor,
            action=f"outgoing.{action}",
            target=current,
            agency_id=current.agency_id,
            data={"change": change.pk, "replacement": replacement.pk if replacement else None},
        )
        _tell_recipients(current, change, actor=actor)
    outgoing.refresh_from_db()
    return change


def _tell_recipients(outgoing: OutgoingDocument, change: OutgoingChange, *, actor: Any) -> None:
    document = outgoing.document
    label = ChangeKind(change.kind).label
    title = f"{label} văn bản số {document.code}: {document.subject[:120]}"
    for dispatch in outgoing.dispatches.select_related("recipient"):
        if dispatch.method == Method.INTERNAL and dispatch.recipient.unit_id is not None:
            notify(
                recipients=unit_leaders([dispatch.recipient.unit_id]),
                kind="outgoing.change",
                title=title,
                body=change.reason[:500],
                url=reverse("outgoing:issued_detail", args=[outgoing.pk]),
                agency_id=outgoing.agency_id,
            )
        elif dispatch.method == Method.EMAIL and dispatch.recipient.email:
            from govdoc.outgoing.tasks import send_change_email

            enqueue_on_commit(send_change_email, dispatch.pk, change.pk)
        for handler in _change_handlers.get(dispatch.method, []):
            handler(dispatch, change, actor)
