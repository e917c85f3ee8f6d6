"""Work files (hồ sơ): opened by the person handling a matter — from the year's plan or ad
hoc — filled with the documents of the matter (linked, never copied: one document may sit in
the files of several people), kept in date order with their totals, closed after a review,
reopened by the owner's leader with a reason (NĐ 30 Điều 28–29; Phụ lục VI F4).

Every write checks who acts, validates with field errors, compares and sets the file's
`version`, leaves one history row and one journal event, and writes nothing on failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.documents.models import Direction, Document, DocumentFile, DocumentType, FileRole
from govdoc.documents.storage import Upload, check_upload, store_bytes
from govdoc.organizations.access import roles_in
from govdoc.organizations.models import Agency
from govdoc.records.access import (
    RIGHTS_CHOICES,
    is_owner,
    leads_owner,
)
from govdoc.records.models import CaseFile, CaseFileItem, PlannedFile
from govdoc.records.selectors import readable_documents
from govdoc.records.services.common import STALE, bump_version, clean, file_history, name_of
from govdoc.records.services.holds import hold_if_covered
from govdoc.records.workflow import EDITABLE_FILE, FileStatus, PlanStatus, next_file_status

TITLE_MAX = 500
NOTATION_MAX = 20
DESCRIPTION_MAX = 500
REASON_MAX = 1000
# Files kept five years or more go to the agency archive (NĐ 30 Điều 31).
TRANSFER_FROM_YEARS = 5
NOT_OWNER = "Chỉ người lập hồ sơ được thay đổi hồ sơ này."


@dataclass(frozen=True)
class Retention:
    permanent: bool
    years: int | None = None


@dataclass(frozen=True)
class FileInput:
    """What the person writes when opening a file ad hoc (or corrects while it is open)."""

    title: str = ""
    notation: str = ""
    retention: Retention | None = None
    rights: str = "Hạn chế"
    language: str = "Tiếng Việt"
    description: str = ""
    start_date: dt.date | None = None
    capital_construction: bool = False
    final_settlement_on: dt.date | None = None


@dataclass(frozen=True)
class OtherDocumentInput:
    """Material uploaded into a file (an internal document, a record of a meeting, a photo)."""

    subject: str
    issued_date: dt.date | None = None
    type_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    issuer_name: str = ""
    page_count: int | None = None
    description: str = ""


def file_code(agency: Agency, year: int, notation: str) -> str:
    """FileCode = OrganId.FileCatalog.FileNotation (DOMAIN §3.4)."""
    return f"{agency.organ_id}.{year}.{notation}"


def _audit(case_file: CaseFile, actor: Any, action: str, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"records.{action}",
        target=case_file,
        agency_id=case_file.agency_id,
        data={"code": case_file.code, **data},
    )


def _check_retention(retention: Retention | None, errors: dict[str, str]) -> None:
    if retention is None:
        errors["retention"] = "Vui lòng chọn thời hạn bảo quản."
    elif not retention.permanent and (retention.years is None or not 1 <= retention.years <= 70):
        errors["retention"] = "Thời hạn bảo quản là “Vĩnh viễn” hoặc từ 1 đến 70 năm."


def _check_fields(data: FileInput, errors: dict[str, str]) -> None:
    if not clean(data.title):
        errors["title"] = "Vui lòng nhập tiêu đề hồ sơ."
    elif len(clean(data.title)) > TITLE_MAX:
        errors["title"] = f"Tiêu đề hồ sơ tối đa {TITLE_MAX} ký tự."
    if data.rights not in dict(RIGHTS_CHOICES):
        errors["rights"] = "Chế độ sử dụng là “Hạn chế” hoặc “Công khai”."
    if not clean(data.language) or len(clean(data.language)) > 50:
        errors["language"] = "Ghi ngôn ngữ (tối đa 50 ký tự)."
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = f"Chú giải tối đa {DESCRIPTION_MAX} ký tự."
    if data.final_settlement_on is not None and not data.capital_construction:
        errors["final_settlement_on"] = "Chỉ ghi ngày quyết toán cho hồ sơ xây dựng cơ bản."


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)


def _locked(case_file: CaseFile, *, version: int | None = None) -> CaseFile:
    """The file locked for this transaction; Conflict if it changed since `version`."""
    current = CaseFile.objects.select_for_update().select_related("agency").get(pk=case_file.pk)
    if version is not None and current.version != version:
        raise Conflict(STALE)
    if current.on_hold:
        raise InvalidTransition("Hồ sơ đang bị phong tỏa: không thay đổi được.")
    return current


def _move(case_file: CaseFile, action: str) -> tuple[str, str]:
    target = next_file_status(case_file.status, action)
    if target is None:
        raise InvalidTransition(
            f"Hồ sơ đang ở trạng thái “{FileStatus(case_file.status).label}”: "
            "không thực hiện được thao tác này."
        )
    return case_file.status, target


# -- opening ---------------------------------------------------------------------------------


def case_file_open(
    *,
    actor: Any,
    planned: PlannedFile | None = None,
    data: FileInput | None = None,
    year: int | None = None,
) -> CaseFile:
    """Open a file: from a planned file of an approved plan (its notation, title, retention
    and unit), or ad hoc with `data`. The owner is the person opening it."""
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None or not roles_in(actor, agency_id):
        raise Forbidden("Bạn không thuộc cơ quan nào: không lập được hồ sơ.")
    agency = Agency.objects.get(pk=agency_id)
    data = data or FileInput()
    errors: dict[str, str] = {}
    retention: Retention | None
    if planned is not None:
        plan = planned.plan
        if plan.agency_id != agency_id:
            raise Forbidden("Danh mục hồ sơ này không phải của cơ quan bạn.")
        if plan.status != PlanStatus.APPROVED:
            raise InvalidTransition("Danh mục hồ sơ chưa được ban hành: chưa lập hồ sơ theo được.")
        title = clean(data.title) or planned.title
        notation = planned.notation
        retention = Retention(planned.permanent, planned.retention_years)
        capital = planned.capital_construction
        opened_year = plan.year
        unit_id = planned.unit_id or getattr(actor, "unit_id", None)
        data = FileInput(
            title=title,
            notation=notation,
            retention=retention,
            rights=data.rights,
            language=data.language,
            description=data.description,
            start_date=data.start_date,
            capital_construction=capital,
        )
    else:
        notation = clean(data.notation)
        retention = data.retention
        opened_year = year or timezone.localdate().year
        unit_id = getattr(actor, "unit_id", None)
        if not notation:
            errors["notation"] = "Vui lòng nhập số và ký hiệu hồ sơ (ví dụ 01.TCCB)."
        elif len(notation) > NOTATION_MAX or " " in notation:
            errors["notation"] = (
                f"Số và ký hiệu hồ sơ tối đa {NOTATION_MAX} ký tự, không có dấu cách."
            )
    _check_fields(data, errors)
    _check_retention(retention, errors)
    if errors:
        raise ValidationFailed("Thông tin hồ sơ chưa hợp lệ.", fields=errors)
    assert retention is not None
    taken = (
        f"Hồ sơ {notation} năm {opened_year} đã được lập; mỗi hồ sơ trong danh mục chỉ lập một lần."
    )
    if CaseFile.objects.filter(agency_id=agency_id, year=opened_year, notation=notation).exists():
        raise ValidationFailed(taken, fields={"notation": taken})
    now = timezone.now()
    try:
        with transaction.atomic():
            case_file = CaseFile.objects.create(
                agency=agency,
                planned=planned,
                year=opened_year,
                notation=notation,
                code=file_code(agency, opened_year, notation),
                title=clean(data.title),
                owner=actor,
                unit_id=unit_id,
                permanent=retention.permanent,
                retention_years=None if retention.permanent else retention.years,
                rights=data.rights,
                creator=name_of(actor)[:30],
                language=clean(data.language),
                start_date=data.start_date,
                description=data.description.strip(),
                capital_construction=data.capital_construction,
                final_settlement_on=data.final_settlement_on,
                status=FileStatus.OPEN,
                opened_at=now,
            )
            file_history(case_file, actor=actor, action="open", to_status=FileStatus.OPEN)
            # A hold on the year (or the unit's year) covers the files opened later too.
            hold_if_covered(case_file, actor=actor)
            _audit(case_file, actor, "open", planned=planned.pk if planned else None)
    except IntegrityError as error:
        # Opened by someone else at the same moment (the notation is unique for the year).
        raise ValidationFailed(taken, fields={"notation": taken}) from error
    return case_file


# -- documents -------------------------------------------------------------------------------


def _renumber(case_file: CaseFile) -> None:
    """DocOrdinal in date order (the document's date, then when it was added), and the
    file's totals and time span."""
    items = list(
        CaseFileItem.objects.filter(case_file=case_file)
        .select_related("document")
        .order_by("document__issued_date", "added_at", "pk")
    )
    changed = []
    for index, item in enumerate(items, start=1):
        if item.ordinal != index:
            item.ordinal = index
            changed.append(item)
    if changed:
        CaseFileItem.objects.bulk_update(changed, ["ordinal"], batch_size=500)
    dates = [i.document.issued_date for i in items if i.document.issued_date is not None]
    bump_version(
        case_file,
        doc_total=len(items),
        page_total=sum(i.document.page_count or 0 for i in items),
        start_date=min(dates) if dates else case_file.start_date,
        end_date=max(dates) if dates else None,
    )


def _require_open_owner(actor: Any, case_file: CaseFile) -> None:
    _require(is_owner(actor, case_file), NOT_OWNER)
    if case_file.status not in EDITABLE_FILE:
        raise InvalidTransition(
            f"Hồ sơ đang ở trạng thái “{FileStatus(case_file.status).label}”: "
            "không thêm, bớt văn bản được."
        )


def case_file_add_documents(
    *, case_file: CaseFile, document_ids: Sequence[int], actor: Any
) -> list[CaseFileItem]:
    """Put documents the actor may read into their open file (each once; already there:
    left as it is)."""
    wanted = sorted({int(i) for i in document_ids})
    if not wanted:
        raise ValidationFailed(
            "Vui lòng chọn văn bản.", fields={"documents": "Vui lòng chọn văn bản."}
        )
    with transaction.atomic():
        current = _locked(case_file)
        _require_open_owner(actor, current)
        readable = set(
            readable_documents(actor, current.agency_id)
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        refused = [i for i in wanted if i not in readable]
        if refused:
            message = "Có văn bản bạn không được xem hoặc không thể lập hồ sơ: không thêm được."
            raise ValidationFailed(message, fields={"documents": message})
        present = set(
            CaseFileItem.objects.filter(case_file=current, document_id__in=wanted).values_list(
                "document_id", flat=True
            )
        )
        now = timezone.now()
        added = CaseFileItem.objects.bulk_create(
            [
                CaseFileItem(case_file=current, document_id=i, added_by=actor, added_at=now)
                for i in wanted
                if i not in present
            ]
        )
        if added:
            _renumber(current)
            file_history(
                current,
                actor=actor,
                action="add",
                note=f"Thêm {len(added)} văn bản",
                data={"documents": [item.document_id for item in added]},
            )
            _audit(current, actor, "add", documents=[item.document_id for item in added])
    case_file.refresh_from_db()
    return added


def case_file_remove_documents(
    *, case_file: CaseFile, document_ids: Iterable[int], actor: Any, reason: str = ""
) -> int:
    """Take documents out of an open file (a draft, a duplicate, a document of another
    matter); the document itself stays where it was."""
    wanted = sorted({int(i) for i in document_ids})
    with transaction.atomic():
        current = _locked(case_file)
        _require_open_owner(actor, current)
        removed, _ = CaseFileItem.objects.filter(case_file=current, document_id__in=wanted).delete()
        if removed:
            _renumber(current)
            file_history(
                current,
                actor=actor,
                action="remove",
                note=clean(reason)[:REASON_MAX] or f"Bớt {removed} văn bản",
                data={"documents": wanted},
            )
            _audit(current, actor, "remove", documents=wanted)
    case_file.refresh_from_db()
    return removed


def case_file_upload(
    *, case_file: CaseFile, actor: Any, upload: Upload, metadata: OtherDocumentInput
) -> CaseFileItem:
    """Material of the matter that is neither an incoming nor an outgoing document, uploaded
    into the file (kept as a document of its own, "Tài liệu khác")."""
    errors: dict[str, str] = {}
    subject = clean(metadata.subject)
    if not subject:
        errors["subject"] = "Vui lòng nhập trích yếu nội dung."
    elif len(subject) > 500:
        errors["subject"] = "Trích yếu tối đa 500 ký tự."
    if metadata.page_count is not None and not 1 <= metadata.page_count <= 9999:
        errors["page_count"] = "Số trang từ 1 đến 9999."
    if len(metadata.code_number) > 11 or len(metadata.code_notation) > 30:
        errors["code_notation"] = "Số tối đa 11, ký hiệu tối đa 30 ký tự."
    try:
        kind = check_upload(upload, field="file")
    except ValidationFailed as error:
        errors.update(error.fields)
    if errors:
        raise ValidationFailed("Tài liệu chưa hợp lệ.", fields=errors)
    with transaction.atomic():
        current = _locked(case_file)
        _require_open_owner(actor, current)
        document_type = (
            DocumentType.objects.filter(name__iexact=clean(metadata.type_name)).first()
            if metadata.type_name
            else None
        )
        document = Document.objects.create(
            agency_id=current.agency_id,
            direction=Direction.OTHER,
            document_type=document_type or _other_type(),
            code_number=metadata.code_number.strip(),
            code_notation=metadata.code_notation.strip(),
            issued_date=metadata.issued_date,
            issuer_name=clean(metadata.issuer_name)[:200] or current.agency.name,
            subject=subject,
            page_count=metadata.page_count,
            description=metadata.description.strip()[:500],
        )
        stored = store_bytes(data=upload.data, kind=kind)
        DocumentFile.objects.create(
            document=document,
            stored=stored,
            role=FileRole.MAIN,
            name=upload.name[:255],
            added_by=actor,
        )
        item = CaseFileItem.objects.create(
            case_file=current, document=document, added_by=actor, added_at=timezone.now()
        )
        _renumber(current)
        file_history(
            current,
            actor=actor,
            action="upload",
            note=subject[:200],
            data={"document": document.pk},
        )
        _audit(current, actor, "upload", document=document.pk)
    case_file.refresh_from_db()
    item.refresh_from_db()
    return item


def _other_type() -> DocumentType:
    found = DocumentType.objects.filter(name="Tài liệu khác").first()
    if found is not None:
        return found
    return DocumentType.objects.create(name="Tài liệu khác", abbreviation="TL", rank=999)


# -- metadata --------------------------------------------------------------------------------


def case_file_update(*, case_file: CaseFile, actor: Any, version: int, data: FileInput) -> CaseFile:
    """Correct the metadata of an open file (the owner)."""
    errors: dict[str, str] = {}
    _check_fields(data, errors)
    if data.retention is not None:
        _check_retention(data.retention, errors)
    if errors:
        raise ValidationFailed("Thông tin hồ sơ chưa hợp lệ.", fields=errors)
    with transaction.atomic():
        current = _locked(case_file, version=version)
        _require_open_owner(actor, current)
        changes: dict[str, Any] = {
            "title": clean(data.title),
            "rights": data.rights,
            "language": clean(data.language),
            "description": data.description.strip(),
            "capital_construction": data.capital_construction,
            "final_settlement_on": data.final_settlement_on,
        }
        if data.start_date is not None:
            changes["start_date"] = data.start_date
        if data.retention is not None:
            changes["permanent"] = data.retention.permanent
            changes["retention_years"] = None if data.retention.permanent else data.retention.years
        before = {key: str(getattr(current, key)) for key in changes}
        bump_version(current, **changes)
        diff = {k: [before[k], str(v)] for k, v in changes.items() if before[k] != str(v)}
        file_history(current, actor=actor, action="update", data={"changes": diff})
        _audit(current, actor, "update", changes=diff)
    return current


# -- closing and reopening -------------------------------------------------------------------


def transfer_due_of(case_file: CaseFile) -> dt.date | None:
    """When the file must reach the agency archive: one year after the work ends (files kept
    five years or more), three months after final settlement for capital construction;
    None when it stays with its unit (retention under five years)."""
    if not case_file.permanent and (case_file.retention_years or 0) < TRANSFER_FROM_YEARS:
        return None
    if case_file.capital_construction:
        if case_file.final_settlement_on is None:
            return None
        return _add_months(case_file.final_settlement_on, 3)
    if case_file.work_ended_on is None:
        return None
    return _add_months(case_file.work_ended_on, 12)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


@dataclass(frozen=True)
class ClosingReview:
    """The review made when closing: documents taken out (drafts, duplicates), the retention
    re-assessed, the end of the work, the metadata completed."""

    version: int
    remove_ids: tuple[int, ...] = ()
    retention: Retention | None = None
    work_ended_on: dt.date | None = None
    final_settlement_on: dt.date | None = None
    description: str | None = None


def case_file_close(*, case_file: CaseFile, actor: Any, review: ClosingReview) -> CaseFile:
    """Close a file when its work has ended (the owner)."""
    errors: dict[str, str] = {}
    if review.retention is not None:
        _check_retention(review.retention, errors)
    today = timezone.localdate()
    ended = review.work_ended_on or today
    if ended > today:
        errors["work_ended_on"] = "Ngày kết thúc công việc không được sau hôm nay."
    if review.description is not None and len(review.description) > DESCRIPTION_MAX:
        errors["description"] = f"Chú giải tối đa {DESCRIPTION_MAX} ký tự."
    if errors:
        raise ValidationFailed("Thông tin kết thúc hồ sơ chưa hợp lệ.", fields=errors)
    with transaction.atomic():
        current = _locked(case_file, version=review.version)
        _require(is_owner(actor, current), NOT_OWNER)
        before, after = _move(current, "close")
        if review.remove_ids:
            CaseFileItem.objects.filter(
                case_file=current, document_id__in=review.remove_ids
            ).delete()
        if not CaseFileItem.objects.filter(case_file=current).exists():
            message = "Hồ sơ chưa có văn bản nào: không kết thúc được."
            raise ValidationFailed(message, fields={"documents": message})
        _renumber(current)
        changes: dict[str, Any] = {"work_ended_on": ended}
        if review.retention is not None:
            changes["permanent"] = review.retention.permanent
            changes["retention_years"] = (
                None if review.retention.permanent else review.retention.years
            )
        if review.final_settlement_on is not None:
            changes["final_settlement_on"] = review.final_settlement_on
        if review.description is not None:
            changes["description"] = review.description.strip()
        if current.capital_construction and not (
            changes.get("final_settlement_on") or current.final_settlement_on
        ):
            message = "Hồ sơ xây dựng cơ bản: vui lòng ghi ngày phê duyệt quyết toán."
            raise ValidationFailed(message, fields={"final_settlement_on": message})
        for key, value in changes.items():
            setattr(current, key, value)
        first = CaseFileItem.objects.filter(case_file=current).aggregate(
            first=Min("document__issued_date")
        )["first"]
        bump_version(
            current,
            **changes,
            status=after,
            closed_at=timezone.now(),
            start_date=current.start_date or first or current.opened_at.date(),
            transfer_due=transfer_due_of(current),
        )
        file_history(
            current,
            actor=actor,
            action="close",
            from_status=before,
            to_status=after,
            data={"removed": list(review.remove_ids), "retention": current.retention},
        )
        _audit(current, actor, "close", removed=list(review.remove_ids))
    return current


def case_file_reopen(*, case_file: CaseFile, actor: Any, reason: str) -> CaseFile:
    """The owner's leader reopens a closed file, with a reason."""
    text = clean(reason)
    if not text:
        raise ValidationFailed(
            "Vui lòng ghi lý do mở lại hồ sơ.", fields={"reason": "Vui lòng ghi lý do."}
        )
    if len(text) > REASON_MAX:
        raise ValidationFailed("Lý do quá dài.", fields={"reason": f"Tối đa {REASON_MAX} ký tự."})
    with transaction.atomic():
        current = _locked(case_file)
        _require(
            leads_owner(actor, current),
            "Chỉ lãnh đạo của người lập hồ sơ được mở lại hồ sơ đã kết thúc.",
        )
        before, after = _move(current, "reopen")
        bump_version(current, status=after, closed_at=None, transfer_due=None)
        file_history(
            current, actor=actor, action="reopen", from_status=before, to_status=after, note=text
        )
        _audit(current, actor, "reopen", reason=text)
    return current
