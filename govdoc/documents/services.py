"""Writes to document metadata, types and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from govdoc.core.text import fold
from govdoc.documents.models import (
    DeadlineRule,
    Document,
    DocumentFile,
    DocumentType,
    FileRole,
    MetadataVersion,
    Priority,
    StoredFile,
)
from govdoc.documents.storage import Upload, check_upload, store_bytes
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.organizations.services.permissions import administers


def index_text(document: Document) -> None:
    """Fill the folded columns the searches and filters read (no diacritics, lower case)."""
    document.search_text = search_text_for(document)
    document.issuer_folded = fold(document.issuer_name)[:200]


def search_text_for(document: Document) -> str:
    parts = [
        document.code_number,
        document.code_notation,
        document.code,
        document.issuer_name,
        document.subject,
        document.signer_name,
    ]
    return fold(" ".join(p for p in parts if p))


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def document_apply_changes(
    *,
    document: Document,
    changes: dict[str, Any],
    expected_version: int,
    actor: Any,
    reason: str = "",
    also_changed: dict[str, list[Any]] | None = None,
) -> dict[str, list[Any]]:
    """Apply metadata changes with a compare-and-set on `version`, keep the old and new values.

    `also_changed` carries changes of the caller's own record (e.g. the registration) so that
    they are versioned with the document. Call inside a transaction. Returns the diff
    (field → [old, new]); empty if nothing changed.
    """
    diff: dict[str, list[Any]] = dict(also_changed or {})
    changed_fields: list[str] = []
    for field, new in changes.items():
        old = getattr(document, field)
        if old != new:
            diff[field] = [_json_value(old), _json_value(new)]
            setattr(document, field, new)
            changed_fields.append(field)
    if not diff:
        return diff
    index_text(document)
    new_version = expected_version + 1
    attnames = [Document._meta.get_field(f).attname for f in changed_fields]  # type: ignore[union-attr]
    updates = {name: getattr(document, name) for name in attnames}
    updated = Document.objects.filter(pk=document.pk, version=expected_version).update(
        **updates,
        search_text=document.search_text,
        issuer_folded=document.issuer_folded,
        version=new_version,
        updated_at=timezone.now(),
    )
    if not updated:
        raise Conflict(
            "Văn bản đã được người khác sửa trong lúc bạn đang sửa. "
            "Vui lòng tải lại trang để xem thông tin mới nhất rồi sửa lại."
        )
    document.version = new_version
    MetadataVersion.objects.create(
        document=document,
        version=new_version,
        changed_at=timezone.now(),
        changed_by=actor,
        changes=diff,
        reason=reason[:500],
    )
    return diff


def files_check(*, main: Upload | None, attachments: list[Upload], required_main: bool) -> None:
    """Check every file before anything is stored (a bad attachment stores nothing)."""
    if main is None:
        if required_main:
            raise ValidationFailed(
                "Phải có tệp văn bản chính.", fields={"main_file": "Vui lòng chọn tệp văn bản."}
            )
    else:
        check_upload(main, field="main_file")
    for upload in attachments:
        check_upload(upload, field="attachments")


def files_attach(
    *,
    document: Document,
    main: Upload | None,
    attachments: list[Upload],
    actor: Any,
    is_new: bool = False,
) -> list[DocumentFile]:
    """Store checked files and link them to the document, main file first (`is_new`: the
    document was created in this transaction and has no files yet)."""
    created: list[DocumentFile] = []
    start = 0 if is_new else document.files.count()
    items = ([("MAIN", main)] if main else []) + [("ATTACHMENT", a) for a in attachments]
    for offset, (role, upload) in enumerate(items):
        kind = check_upload(upload, field="main_file" if role == "MAIN" else "attachments")
        stored = store_bytes(data=upload.data, kind=kind)
        created.append(
            DocumentFile.objects.create(
                document=document,
                stored=stored,
                role=role,
                name=upload.name[:255],
                position=start + offset,
                added_by=actor,
            )
        )
    return created


def files_link(
    *,
    document: Document,
    items: list[tuple[StoredFile, str, str]],
    actor: Any,
    is_new: bool = False,
) -> list[DocumentFile]:
    """Link files already stored (StoredFile rows, e.g. the ones another agency sent on the
    same installation) to the document as (stored, role, name), in order, without reading
    or copying their bytes: stored files are content-addressed and never change."""
    roles = [role for _, role, _ in items]
    if any(role not in FileRole.values for role in roles) or roles.count(FileRole.MAIN) > 1:
        raise ValidationFailed("Tệp không hợp lệ: vai trò của tệp không đúng.")
    start = 0 if is_new else document.files.count()
    ordered = sorted(items, key=lambda item: item[1] != FileRole.MAIN)  # main file first
    return [
        DocumentFile.objects.create(
            document=document,
            stored=stored,
            role=role,
            name=(name or "tep")[:255],
            position=start + offset,
            added_by=actor,
        )
        for offset, (stored, role, name) in enumerate(ordered)
    ]


# Column widths of DocumentType.name and .abbreviation.
TYPE_NAME_MAX_LENGTH = 100
TYPE_ABBREVIATION_MAX_LENGTH = 10


def document_type_save(
    *,
    actor: Any,
    agency_id: int | None,
    name: str,
    abbreviation: str,
    is_legal: bool = False,
    is_active: bool = True,
    instance: DocumentType | None = None,
) -> DocumentType:
    """Create or change a document type (administrators extend NĐ 30's list)."""
    # Superusers administer every agency, also when they belong to none.
    if not (getattr(actor, "is_superuser", False) or has_role(actor, agency_id, Role.ADMIN)):
        raise Forbidden("Chỉ quản trị hệ thống được sửa danh mục loại văn bản.")
    name = " ".join(name.split())
    abbreviation = abbreviation.strip()
    errors: dict[str, str] = {}
    duplicate_name = "Loại văn bản này đã có."
    if not name:
        errors["name"] = "Vui lòng nhập tên loại văn bản."
    elif len(name) > TYPE_NAME_MAX_LENGTH:
        errors["name"] = f"Tên loại văn bản tối đa {TYPE_NAME_MAX_LENGTH} ký tự."
    elif (
        DocumentType.objects.filter(name__iexact=name)
        .exclude(pk=instance.pk if instance else 0)
        .exists()
    ):
        errors["name"] = duplicate_name
    if len(abbreviation) > TYPE_ABBREVIATION_MAX_LENGTH:
        errors["abbreviation"] = f"Chữ viết tắt tối đa {TYPE_ABBREVIATION_MAX_LENGTH} ký tự."
    elif any(ch.isspace() or ch == "/" for ch in abbreviation):
        # The abbreviation goes into the symbol ("15/QĐ-BNV"): no spaces, no slash.
        errors["abbreviation"] = "Chữ viết tắt không được có dấu cách hoặc dấu “/”."
    elif is_legal and not abbreviation:
        # Legal documents are numbered in a series per type, keyed by the abbreviation.
        errors["abbreviation"] = "Văn bản quy phạm pháp luật phải có chữ viết tắt."
    if errors:
        raise ValidationFailed("Thông tin loại văn bản chưa hợp lệ.", fields=errors)
    try:
        with transaction.atomic():
            doc_type = instance or DocumentType()
            action = "doctype.update" if instance else "doctype.create"
            changes = {
                field: [getattr(doc_type, field), value]
                for field, value in (
                    ("name", name),
                    ("abbreviation", abbreviation),
                    ("is_legal", is_legal),
                    ("is_active", is_active),
                )
                if instance is None or getattr(doc_type, field) != value
            }
            if instance is not None and not changes:
                return instance
            doc_type.name = name
            doc_type.abbreviation = abbreviation
            doc_type.is_legal = is_legal
            doc_type.is_active = is_active
            doc_type.save()
            audit_record(
                actor=actor,
                action=action,
                target=doc_type,
                agency_id=agency_id,
                data={"changes": changes},
            )
    except IntegrityError:
        # The same name saved by someone else at the same moment (the column is unique).
        raise ValidationFailed(
            "Thông tin loại văn bản chưa hợp lệ.", fields={"name": duplicate_name}
        ) from None
    return doc_type


# Default deadlines (govdoc/documents/deadlines.py): each agency's administrators set them.
DEADLINE_MAX_WORKING_DAYS = 365
DEADLINE_RULE_INVALID = "Thông tin hạn xử lý mặc định chưa hợp lệ."


def deadline_rule_label(document_type: DocumentType | None, priority: int | None) -> str:
    kind = f"loại “{document_type.name}”" if document_type is not None else "mọi loại văn bản"
    urgency = f"độ khẩn “{Priority(priority).label}”" if priority is not None else "mọi độ khẩn"
    return f"{kind}, {urgency}"


def _deadline_rule_clash(document_type: DocumentType | None, priority: int | None) -> Conflict:
    message = (
        f"Cơ quan đã có hạn xử lý mặc định cho {deadline_rule_label(document_type, priority)}."
    )
    return Conflict(message, fields={"document_type": message})


def _deadline_rule_check(
    *,
    agency: Agency,
    document_type_id: int | None,
    priority: int | None,
    working_days: int | None,
    instance: DeadlineRule | None,
) -> DocumentType | None:
    errors: dict[str, str] = {}
    document_type: DocumentType | None = None
    if working_days is None:
        errors["working_days"] = "Vui lòng nhập số ngày làm việc."
    elif not 1 <= working_days <= DEADLINE_MAX_WORKING_DAYS:
        errors["working_days"] = (
            f"Số ngày làm việc từ 1 đến {DEADLINE_MAX_WORKING_DAYS} (đang nhập {working_days})."
        )
    if document_type_id is not None:
        document_type = DocumentType.objects.filter(pk=document_type_id).first()
        unchanged = instance is not None and instance.document_type_id == document_type_id
        if document_type is None:
            errors["document_type"] = "Loại văn bản không có trong danh mục."
        elif not document_type.is_active and not unchanged:
            errors["document_type"] = f"Loại “{document_type.name}” đã ngừng dùng."
    if priority is not None and priority not in Priority.values:
        errors["priority"] = "Độ khẩn không hợp lệ."
    if errors:
        raise ValidationFailed(DEADLINE_RULE_INVALID, fields=errors)
    clash = DeadlineRule.objects.filter(
        agency=agency, document_type_id=document_type_id, priority=priority
    ).exclude(pk=instance.pk if instance else 0)
    if clash.exists():
        raise _deadline_rule_clash(document_type, priority)
    return document_type


def _deadline_rule_write(
    rule: DeadlineRule, document_type: DocumentType | None, priority: int | None
) -> None:
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        # The same rule saved by someone else at the same moment (partial unique indexes).
        raise _deadline_rule_clash(document_type, priority) from None


def _deadline_rule_data(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "document_type": rule.document_type_id,
        "priority": rule.priority,
        "working_days": rule.working_days,
    }


def deadline_rule_create(
    *,
    actor: Any,
    agency: Agency,
    working_days: int | None,
    document_type_id: int | None = None,
    priority: int | None = None,
) -> DeadlineRule:
    """Add a default deadline: `working_days` for documents of a type (None: any) and an
    urgency (None: any) arriving at the agency."""
    if not administers(actor, agency):
        raise NotFound()
    document_type = _deadline_rule_check(
        agency=agency,
        document_type_id=document_type_id,
        priority=priority,
        working_days=working_days,
        instance=None,
    )
    assert working_days is not None  # checked
    with transaction.atomic():
        rule = DeadlineRule(
            agency=agency,
            document_type=document_type,
            priority=priority,
            working_days=working_days,
        )
        _deadline_rule_write(rule, document_type, priority)
        audit_record(
            actor=actor,
            action="deadline_rule.create",
            target=rule,
            agency_id=agency.pk,
            data=_deadline_rule_data(rule),
        )
    return rule


def deadline_rule_update(
    *,
    actor: Any,
    rule: DeadlineRule,
    working_days: int | None,
    document_type_id: int | None,
    priority: int | None,
) -> DeadlineRule:
    """Change a default deadline's type, urgency or number of working days."""
    agency = rule.agency
    if not administers(actor, agency):
        raise NotFound()
    document_type = _deadline_rule_check(
        agency=agency,
        document_type_id=document_type_id,
        priority=priority,
        working_days=working_days,
        instance=rule,
    )
    assert working_days is not None  # checked
    before = _deadline_rule_data(rule)
    after = {"document_type": document_type_id, "priority": priority, "working_days": working_days}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return rule
    with transaction.atomic():
        rule.document_type = document_type
        rule.priority = priority
        rule.working_days = working_days
        _deadline_rule_write(rule, document_type, priority)
        audit_record(
            actor=actor,
            action="deadline_rule.update",
            target=rule,
            agency_id=agency.pk,
            data={"changes": changes},
        )
    return rule


def deadline_rule_delete(*, actor: Any, rule: DeadlineRule) -> None:
    """Remove a default deadline (documents already registered keep their deadlines)."""
    agency = rule.agency
    if not administers(actor, agency):
        raise NotFound()
    with transaction.atomic():
        label = str(rule)
        target_id = str(rule.pk)
        data = _deadline_rule_data(rule)
        deleted, _ = DeadlineRule.objects.filter(pk=rule.pk).delete()
        if not deleted:
            raise Conflict("Hạn xử lý mặc định này đã được người khác xóa.")
        audit_record(
            actor=actor,
            action="deadline_rule.delete",
            target_type=DeadlineRule._meta.label_lower,
            target_id=target_id,
            target_label=label,
            agency_id=agency.pk,
            data=data,
        )
