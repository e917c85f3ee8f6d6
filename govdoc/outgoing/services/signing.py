"""The competent person signs an approved draft; from then on its content is frozen.

The signature is made outside any transaction (a timestamp service may be slow); the signed
PDF is then stored as the draft's last version with a compare-and-set on the draft, so a
draft changed meanwhile is not signed behind anyone's back."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.calendar import next_working_day
from govdoc.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.sniffing import PDF
from govdoc.documents.storage import open_stored, store_bytes
from govdoc.notifications.services import notify
from govdoc.outgoing.bodies import with_number_fields
from govdoc.outgoing.models import Draft, DraftVersion
from govdoc.outgoing.selectors import agency_clerks
from govdoc.outgoing.services.common import locked, move
from govdoc.outgoing.workflow import DraftStatus
from govdoc.signatures.pades import Box, find_text_box
from govdoc.signatures.signing import sign_as_person

PLACEHOLDER = "[CHU_KY]"
NOT_APPROVED = "Dự thảo chưa được duyệt đủ các bước: chưa ký được."
NOT_SIGNER = "Bạn không phải người có thẩm quyền ký văn bản này."
ALREADY_SIGNED = "Văn bản đã được ký số."


def _refuse(draft: Draft, actor: Any, error: DomainError) -> None:
    """Journal a refused attempt in its own transaction, then raise it."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="outgoing.sign_refused",
            target=draft,
            agency_id=draft.agency_id,
            data={"status": draft.status, "error": error.message[:500]},
        )
    raise error


def signature_box(pdf: bytes) -> Box | None:
    """Where the signer's image goes: the template's placeholder; for an uploaded PDF
    without one, the lower right of the last page (the usual place of cell 7)."""
    if find_text_box(pdf, PLACEHOLDER) is not None:
        return None  # the placeholder is used
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        page = reader.pages[-1]
        width = float(page.mediabox.width)
    except Exception:
        return None
    return Box(page=len(reader.pages) - 1, x1=width - 230, y1=90, x2=width - 70, y2=160)


def draft_sign(
    *, draft: Draft, actor: Any, password: str | None = None, pin: str | None = None
) -> DraftVersion:
    """Sign the approved draft's current version as its competent person."""
    if draft.status in (DraftStatus.SIGNED, DraftStatus.NUMBERED, DraftStatus.ISSUED):
        _refuse(draft, actor, InvalidTransition(ALREADY_SIGNED))
    if draft.status != DraftStatus.APPROVED:
        _refuse(draft, actor, InvalidTransition(NOT_APPROVED))
    if draft.signer_id != getattr(actor, "pk", None):
        _refuse(draft, actor, Forbidden(NOT_SIGNER))
    version = draft.versions.select_related("pdf").order_by("-number").first()
    if version is None or version.pdf is None:
        _refuse(draft, actor, ValidationFailed("Dự thảo chưa có bản PDF để ký."))
    assert version is not None and version.pdf is not None
    # Fields for the number and date, if the version has none yet (an older upload).
    pdf = with_number_fields(open_stored(version.pdf))
    box = signature_box(pdf)
    signed = sign_as_person(
        pdf=pdf,
        actor=actor,
        password=password,
        pin=pin,
        appearance_box=box,
        placeholder=PLACEHOLDER if box is None else None,
        competent_person=draft.signer,
    )
    with transaction.atomic():
        current = locked(draft)
        latest = current.versions.order_by("-number").first()
        if current.status != DraftStatus.APPROVED or latest is None or latest.pk != version.pk:
            raise Conflict(
                "Dự thảo vừa thay đổi trong lúc ký: chữ ký không được lưu; "
                "vui lòng xem lại và ký lại."
            )
        stored = store_bytes(data=signed.pdf, kind=PDF)
        now = timezone.now()
        signed_version = DraftVersion.objects.create(
            draft=current,
            number=latest.number + 1,
            source=DraftVersion.Source.SIGNED,
            body=stored,
            body_name=_signed_name(latest.body_name),
            pdf=stored,
            note=f"Ký số bởi {signed.certificate_subject} ({signed.level})"[:1000],
            created_at=now,
            created_by=actor,
        )
        today = timezone.localdate(now)
        issue_due = today if current.is_urgent else next_working_day(today)
        move(
            current,
            action="sign",
            actor=actor,
            data={
                "version": signed_version.number,
                "signed_from": latest.number,
                "sha256": signed.sha256,
                "certificate_serial": signed.certificate_serial,
                "level": signed.level,
            },
            extra={"signed_at": now, "issue_due": issue_due, "signed_version": signed_version},
        )
        notify(
            recipients=agency_clerks(current.agency_id),
            kind="outgoing.to_issue",
            title=f"Văn bản đã ký, chờ phát hành: {current.subject[:150]}",
            url=reverse("outgoing:draft_detail", args=[current.pk]),
            agency_id=current.agency_id,
        )
    draft.refresh_from_db()
    return signed_version


def _signed_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}-da-ky.pdf"[:255]
