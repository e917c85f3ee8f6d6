"""Drafting: create a draft (often as the reply to an incoming document), change its
metadata and recipients, add versions of the body, attachments and comments, cancel it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from govdoc.core.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from govdoc.documents.models import DocumentType, Priority
from govdoc.documents.storage import Upload, check_upload, store_bytes
from govdoc.incoming.access import visible_incoming
from govdoc.incoming.models import IncomingDocument
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.access import can_draft, pending_steps_for
from govdoc.outgoing.bodies import PreparedBody
from govdoc.outgoing.inputs import DraftInput, RecipientInput
from govdoc.outgoing.models import (
    Draft,
    DraftAttachment,
    DraftComment,
    DraftRecipient,
    DraftVersion,
)
from govdoc.outgoing.services.circuits import reset_signer_steps, signer_changed
from govdoc.outgoing.services.common import (
    check_version,
    clean,
    history,
    journal,
    last_version_number,
    locked,
    move,
    touch,
)
from govdoc.outgoing.workflow import (
    EDITABLE,
    DraftStatus,
    Method,
    RecipientKind,
    SigningAuthority,
)

SUBJECT_MAX = 500
MAX_RECIPIENTS = 500
FROZEN = "Văn bản đã được ký số: nội dung không thể sửa nữa."
ONLY_DRAFTER = "Chỉ người soạn thảo được thay đổi dự thảo này."


@dataclass(frozen=True)
class CheckedDraft:
    document_type: DocumentType
    drafting_unit: Unit
    signer: User
    reply_to: IncomingDocument | None
    recipients: tuple[DraftRecipient, ...]
    """Unsaved rows (no draft yet)."""


def _check(data: DraftInput, *, agency: Agency, actor: Any) -> CheckedDraft:
    """Every field checked at once: all mistakes in one answer."""
    fields: dict[str, str] = {}
    document_type = (
        DocumentType.objects.filter(pk=data.document_type_id, is_active=True).first()
        if data.document_type_id
        else None
    )
    if document_type is None:
        fields["document_type"] = "Vui lòng chọn loại văn bản."
    subject = clean(data.subject)
    if not subject:
        fields["subject"] = "Vui lòng nhập trích yếu."
    elif len(subject) > SUBJECT_MAX:
        fields["subject"] = f"Trích yếu tối đa {SUBJECT_MAX} ký tự."
    if data.priority not in Priority.values:
        fields["priority"] = "Độ khẩn không hợp lệ."
    unit_id = data.drafting_unit_id or getattr(actor, "unit_id", None)
    unit = (
        Unit.objects.filter(pk=unit_id, agency=agency, is_active=True).first() if unit_id else None
    )
    if unit is None:
        fields["drafting_unit"] = "Vui lòng chọn đơn vị soạn thảo của cơ quan."
    signer = (
        User.objects.filter(pk=data.signer_id, agency=agency, is_active=True)
        .select_related("position")
        .first()
        if data.signer_id
        else None
    )
    if signer is None:
        fields["signer"] = "Vui lòng chọn người ký trong cơ quan."
    if data.signing_authority not in SigningAuthority.values:
        fields["signing_authority"] = "Thẩm quyền ký không hợp lệ."
    elif data.signing_authority and not data.authority_title.strip():
        fields["authority_title"] = (
            "Ký thay, thừa lệnh, thừa ủy quyền, thay mặt hay quyền: ghi chức danh của người "
            "có thẩm quyền (ví dụ BỘ TRƯỞNG)."
        )
    if not 1 <= data.copies <= 999:
        fields["copies"] = "Số lượng bản từ 1 đến 999."
    if len(data.description) > 500:
        fields["description"] = "Ghi chú tối đa 500 ký tự."
    reply_to = None
    if data.reply_to_id:
        reply_to = visible_incoming(actor, agency.pk).filter(pk=data.reply_to_id).first()
        if reply_to is None:
            fields["reply_to"] = "Không tìm thấy văn bản đến này hoặc bạn không có quyền xem."
    recipients: list[DraftRecipient] = []
    if len(data.recipients) > MAX_RECIPIENTS:
        fields["recipients"] = f"Tối đa {MAX_RECIPIENTS} nơi nhận."
    else:
        for index, item in enumerate(data.recipients):
            try:
                recipients.append(_recipient(item, agency=agency, position=index))
            except ValidationFailed as error:
                fields.setdefault("recipients", f"Nơi nhận thứ {index + 1}: {error.message}")
    if fields or document_type is None or unit is None or signer is None:
        raise ValidationFailed(
            "Dự thảo chưa hợp lệ: vui lòng sửa các mục được đánh dấu.", fields=fields
        )
    return CheckedDraft(
        document_type=document_type,
        drafting_unit=unit,
        signer=signer,
        reply_to=reply_to,
        recipients=tuple(recipients),
    )


def _recipient(item: RecipientInput, *, agency: Agency, position: int) -> DraftRecipient:
    method = item.method
    if item.kind == RecipientKind.UNIT:
        unit = Unit.objects.filter(pk=item.unit_id or 0, agency=agency, is_active=True).first()
        if unit is None:
            raise ValidationFailed("đơn vị không thuộc cơ quan.")
        return DraftRecipient(
            kind=item.kind,
            unit=unit,
            name=unit.name,
            method=Method.INTERNAL,
            is_addressee=item.is_addressee,
            position=position,
        )
    if item.kind == RecipientKind.AGENCY:
        target = Agency.objects.filter(pk=item.agency_id or 0, is_active=True).first()
        if target is None:
            raise ValidationFailed("cơ quan không có trong danh bạ.")
        if target.pk == agency.pk:
            raise ValidationFailed("không gửi văn bản cho chính cơ quan mình; chọn đơn vị nhận.")
        if not method:
            method = Method.LOCAL if target.is_hosted else Method.INTERCONNECT
        if method in (Method.LOCAL, Method.INTERCONNECT) and not target.organ_id.strip():
            raise ValidationFailed(
                f"{target.name} chưa có mã định danh: không gửi điện tử được; "
                "chọn gửi thư điện tử hoặc bưu điện."
            )
        if method == Method.LOCAL and not target.is_hosted:
            method = Method.INTERCONNECT
        email = item.email.strip() or target.email
        return _checked_contact(
            DraftRecipient(
                kind=item.kind,
                agency=target,
                name=target.name,
                email=email if method == Method.EMAIL else "",
                address=item.address.strip() or target.address,
                method=method,
                is_addressee=item.is_addressee,
                position=position,
            )
        )
    if item.kind == RecipientKind.OTHER:
        name = clean(item.name)
        if not name:
            raise ValidationFailed("ghi tên nơi nhận.")
        if method in (Method.LOCAL, Method.INTERCONNECT, Method.INTERNAL):
            raise ValidationFailed(
                f"{name} không có mã định danh trong danh bạ: chỉ gửi được qua thư điện tử "
                "hoặc bưu điện."
            )
        method = method or (Method.EMAIL if item.email.strip() else Method.POST)
        return _checked_contact(
            DraftRecipient(
                kind=item.kind,
                name=name[:200],
                email=item.email.strip(),
                address=item.address.strip()[:300],
                method=method,
                is_addressee=item.is_addressee,
                position=position,
            )
        )
    raise ValidationFailed("loại nơi nhận không hợp lệ.")


def _checked_contact(recipient: DraftRecipient) -> DraftRecipient:
    if recipient.method not in Method.values:
        raise ValidationFailed("hình thức gửi không hợp lệ.")
    if recipient.method == Method.EMAIL:
        try:
            validate_email(recipient.email)
        except DjangoValidationError:
            raise ValidationFailed(
                f"{recipient.name}: địa chỉ thư điện tử không hợp lệ hoặc chưa có."
            ) from None
    if recipient.method == Method.POST and not recipient.address:
        raise ValidationFailed(f"{recipient.name}: gửi bưu điện cần địa chỉ nơi nhận.")
    return recipient


def _fields(checked: CheckedDraft, data: DraftInput) -> dict[str, Any]:
    signer_position = data.signer_position.strip() or (
        getattr(checked.signer.position, "name", "") if checked.signer.position_id else ""
    )
    return {
        "document_type": checked.document_type,
        "subject": clean(data.subject),
        "priority": data.priority,
        "drafting_unit": checked.drafting_unit,
        "signer": checked.signer,
        "signing_authority": data.signing_authority,
        "authority_title": clean(data.authority_title).upper()[:100],
        "signer_position": clean(signer_position)[:100],
        "reply_to": checked.reply_to,
        "due_date": data.due_date,
        "copies": data.copies,
        "complete_reply": data.complete_reply,
        "description": data.description.strip(),
    }


def _save_recipients(draft: Draft, recipients: tuple[DraftRecipient, ...]) -> None:
    for recipient in recipients:
        recipient.draft = draft
    DraftRecipient.objects.bulk_create(list(recipients))


def draft_create(
    *,
    agency: Agency,
    data: DraftInput,
    actor: Any,
    body: PreparedBody | None = None,
    attachments: list[Upload] | None = None,
) -> Draft:
    """A new draft by `actor`, with its first version when a body is given."""
    if getattr(actor, "agency_id", None) != agency.pk or not can_draft(actor, agency.pk):
        raise Forbidden("Bạn không soạn thảo văn bản của cơ quan này.")
    checked = _check(data, agency=agency, actor=actor)
    for upload in attachments or []:
        check_upload(upload, field="attachments")
    now = timezone.now()
    with transaction.atomic():
        draft = Draft.objects.create(
            agency=agency,
            drafter=actor,
            status=DraftStatus.DRAFTING,
            created_at=now,
            updated_at=now,
            template_code=body.template_code if body else "",
            template_values=dict(body.template_values) if body else {},
            **_fields(checked, data),
        )
        _save_recipients(draft, checked.recipients)
        history(draft, actor=actor, action="create", to_status=DraftStatus.DRAFTING)
        journal(
            draft,
            actor=actor,
            action="create",
            data={"reply_to": checked.reply_to.pk if checked.reply_to else None},
        )
        if body is not None:
            _add_version(draft, body, actor=actor, note="")
        _add_attachments(draft, attachments or [], actor=actor)
    return draft


def draft_update(*, draft: Draft, data: DraftInput, expected_version: int, actor: Any) -> Draft:
    """Change the metadata and recipients; an approved draft goes back to the signer."""
    _require_editor(draft, actor)
    checked = _check(data, agency=draft.agency, actor=actor)
    with transaction.atomic():
        current = locked(draft)
        check_version(current, expected_version)
        _require_editable(current)
        before = {
            "subject": current.subject,
            "signer": current.signer_id,
            "document_type": current.document_type_id,
            "priority": current.priority,
        }
        for key, value in _fields(checked, data).items():
            setattr(current, key, value)
        current.save()
        current.recipients.all().delete()
        _save_recipients(current, checked.recipients)
        touch(current)
        after = {
            "subject": current.subject,
            "signer": current.signer_id,
            "document_type": current.document_type_id,
            "priority": current.priority,
        }
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        history(current, actor=actor, action="update", data={"changes": changed})
        journal(current, actor=actor, action="update", data={"changes": changed})
        if before["signer"] != after["signer"]:
            signer_changed(current, actor=actor)
        _back_to_signer(current, actor=actor)
    return current


def _require_editable(draft: Draft) -> None:
    if draft.status in (DraftStatus.SIGNED, DraftStatus.NUMBERED, DraftStatus.ISSUED):
        raise InvalidTransition(FROZEN)
    if draft.status not in EDITABLE:
        raise InvalidTransition(
            f"Dự thảo ở trạng thái “{DraftStatus(draft.status).label}”: không sửa được."
        )


def can_edit(draft: Draft, actor: Any) -> bool:
    """The drafter, or a reviewer whose turn it is (the competent person opens, edits and
    returns drafts — F1.n)."""
    if draft.status not in EDITABLE:
        return False
    if draft.drafter_id == getattr(actor, "pk", None):
        return True
    return draft.status == DraftStatus.IN_REVIEW and bool(pending_steps_for(actor, draft))


def _require_editor(draft: Draft, actor: Any) -> None:
    _require_editable(draft)
    if not can_edit(draft, actor):
        raise Forbidden(ONLY_DRAFTER)


def _back_to_signer(draft: Draft, *, actor: Any) -> None:
    """A changed approved draft goes back to the signer (NĐ 30 Điều 10)."""
    if draft.status == DraftStatus.APPROVED:
        move(
            draft,
            action="revise",
            actor=actor,
            note="Dự thảo đã duyệt được sửa: trình lại người ký.",
        )
    if draft.status == DraftStatus.IN_REVIEW:
        reset_signer_steps(draft)


def _add_version(draft: Draft, body: PreparedBody, *, actor: Any, note: str) -> DraftVersion:
    stored = store_bytes(data=body.data, kind=body.kind)
    pdf = store_bytes(data=body.pdf, kind=body.pdf_kind) if body.pdf is not None else None
    version = DraftVersion.objects.create(
        draft=draft,
        number=last_version_number(draft) + 1,
        source=body.source,
        body=stored,
        body_name=body.name[:255],
        pdf=pdf,
        note=note[:1000],
        created_at=timezone.now(),
        created_by=actor,
    )
    history(
        draft,
        actor=actor,
        action="version",
        note=note,
        data={"version": version.number, "source": body.source, "sha256": stored.sha256},
    )
    journal(
        draft,
        actor=actor,
        action="version",
        data={"version": version.number, "sha256": stored.sha256},
    )
    return version


def draft_add_version(
    *,
    draft: Draft,
    body: PreparedBody,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
) -> DraftVersion:
    """A new version of the body (an upload, or a generation from the template)."""
    _require_editor(draft, actor)
    with transaction.atomic():
        current = locked(draft)
        check_version(current, expected_version)
        _require_editor(current, actor)
        if body.template_code:
            Draft.objects.filter(pk=current.pk).update(
                template_code=body.template_code, template_values=dict(body.template_values)
            )
        version = _add_version(current, body, actor=actor, note=note.strip())
        touch(current)
        _back_to_signer(current, actor=actor)
    draft.refresh_from_db()
    return version


def _add_attachments(draft: Draft, uploads: list[Upload], *, actor: Any) -> None:
    start = draft.attachments.count()
    for offset, upload in enumerate(uploads):
        kind = check_upload(upload, field="attachments")
        stored = store_bytes(data=upload.data, kind=kind)
        DraftAttachment.objects.create(
            draft=draft,
            stored=stored,
            name=upload.name[:255],
            position=start + offset,
            added_at=timezone.now(),
            added_by=actor,
        )
        history(draft, actor=actor, action="attach", data={"name": upload.name[:255]})


def draft_attach(*, draft: Draft, uploads: list[Upload], actor: Any) -> None:
    _require_editor(draft, actor)
    for upload in uploads:
        check_upload(upload, field="attachments")
    with transaction.atomic():
        current = locked(draft)
        _require_editor(current, actor)
        _add_attachments(current, uploads, actor=actor)
        touch(current)
        _back_to_signer(current, actor=actor)


def draft_detach(*, draft: Draft, attachment_id: int, actor: Any) -> None:
    """Take an attachment off the draft (the file and the trace stay)."""
    _require_editor(draft, actor)
    with transaction.atomic():
        current = locked(draft)
        _require_editor(current, actor)
        attachment = DraftAttachment.objects.filter(
            pk=attachment_id, draft=current, removed_at__isnull=True
        ).first()
        if attachment is None:
            raise NotFound("Không tìm thấy tệp đính kèm.")
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        history(current, actor=actor, action="detach", data={"name": attachment.name})
        touch(current)
        _back_to_signer(current, actor=actor)


def draft_comment(*, draft: Draft, text: str, actor: Any) -> DraftComment:
    """A comment on the current version, by anyone who sees the draft (checked by the
    caller's access) until it is issued."""
    value = text.strip()
    if not value:
        raise ValidationFailed("Vui lòng nhập ý kiến.", fields={"text": "Vui lòng nhập ý kiến."})
    if len(value) > 5000:
        raise ValidationFailed("Ý kiến quá dài.", fields={"text": "Tối đa 5000 ký tự."})
    if draft.status in (DraftStatus.ISSUED, DraftStatus.CANCELLED):
        raise InvalidTransition("Dự thảo đã kết thúc: không thêm ý kiến được.")
    with transaction.atomic():
        version = draft.versions.order_by("-number").first()
        comment = DraftComment.objects.create(
            draft=draft,
            draft_version=version,
            author=actor,
            text=value,
            created_at=timezone.now(),
        )
        history(draft, actor=actor, action="comment", note=value[:1000])
        journal(draft, actor=actor, action="comment", data={"comment": comment.pk})
    return comment


def draft_cancel(*, draft: Draft, reason: str, actor: Any) -> Draft:
    if draft.drafter_id != getattr(actor, "pk", None):
        raise Forbidden("Chỉ người soạn thảo được hủy dự thảo.")
    note = reason.strip()
    if not note:
        raise ValidationFailed(
            "Vui lòng ghi lý do hủy.", fields={"reason": "Vui lòng ghi lý do hủy."}
        )
    with transaction.atomic():
        current = locked(draft)
        move(current, action="cancel", actor=actor, note=note)
    return current
