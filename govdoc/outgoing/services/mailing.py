"""E-mail deliveries: the issued document (and its attachments) to a recipient by e-mail,
and the notice of a later revocation, replacement or update."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from govdoc.documents.storage import open_stored
from govdoc.outgoing.models import Dispatch, OutgoingChange
from govdoc.outgoing.services.dispatching import record_status
from govdoc.outgoing.workflow import DispatchStatus, Method

logger = logging.getLogger(__name__)


def dispatch_email_send(*, dispatch_id: int) -> bool:
    dispatch = (
        Dispatch.objects.select_related("outgoing__document", "outgoing__agency", "recipient")
        .filter(pk=dispatch_id, method=Method.EMAIL)
        .first()
    )
    if dispatch is None or dispatch.status != DispatchStatus.QUEUED:
        return False
    document = dispatch.outgoing.document
    agency = dispatch.outgoing.agency
    message = EmailMessage(
        subject=f"[{agency.name}] Văn bản số {document.code}: {document.subject[:150]}",
        body=(
            f"Kính gửi: {dispatch.recipient.name}\n\n"
            f"{agency.name} gửi văn bản số {document.code} ngày "
            f"{document.issued_date:%d/%m/%Y} về việc {document.subject}.\n\n"
            "Văn bản điện tử có chữ ký số của người có thẩm quyền và của cơ quan, "
            "đính kèm thư này.\n"
        ),
        from_email=agency.email or settings.DEFAULT_FROM_EMAIL,
        to=[dispatch.recipient.email],
    )
    for item in document.files.select_related("stored").order_by("position", "pk"):
        message.attach(item.name, open_stored(item.stored), item.stored.content_type)
    try:
        message.send(fail_silently=False)
    except Exception as error:  # the mail server's answer, kept for the clerk
        logger.warning("dispatch %s e-mail failed: %s", dispatch_id, error)
        with transaction.atomic():
            Dispatch.objects.filter(pk=dispatch.pk).update(attempts=dispatch.attempts + 1)
            record_status(
                dispatch,
                DispatchStatus.FAILED,
                reason=f"Không gửi được thư điện tử: {error}"[:1000],
            )
        return False
    with transaction.atomic():
        Dispatch.objects.filter(pk=dispatch.pk).update(attempts=dispatch.attempts + 1)
        record_status(dispatch, DispatchStatus.SENT, by_name="Thư điện tử")
    return True


def change_email_send(*, dispatch_id: int, change_id: int) -> bool:
    dispatch = (
        Dispatch.objects.select_related("outgoing__document", "outgoing__agency", "recipient")
        .filter(pk=dispatch_id, method=Method.EMAIL)
        .first()
    )
    change = (
        OutgoingChange.objects.select_related("replacement__document").filter(pk=change_id).first()
    )
    if dispatch is None or change is None:
        return False
    document = dispatch.outgoing.document
    agency = dispatch.outgoing.agency
    replacement = (
        f" bằng văn bản số {change.replacement.document.code}" if change.replacement else ""
    )
    EmailMessage(
        subject=f"[{agency.name}] {change.get_kind_display()} văn bản số {document.code}",
        body=(
            f"Kính gửi: {dispatch.recipient.name}\n\n"
            f"{agency.name} thông báo {change.get_kind_display().lower()} văn bản số "
            f"{document.code} ngày {document.issued_date:%d/%m/%Y}{replacement}.\n"
            f"Lý do: {change.reason}\n"
        ),
        from_email=agency.email or settings.DEFAULT_FROM_EMAIL,
        to=[dispatch.recipient.email],
    ).send(fail_silently=True)
    return True
