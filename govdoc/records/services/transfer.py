"""Transfer of work files to the agency archive (nộp lưu, NĐ 30 Điều 31): the due date per
file, the owners told 30 days before, a transfer batch of closed files, the archivist
checking each against the plan and accepting it (the file is then frozen, governed by the
archive) or returning it with a reason; requests to keep a file longer (at most two years),
decided by the agency's leader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.db import lock_for_transaction
from govdoc.core.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from govdoc.notifications.services import notify
from govdoc.organizations.access import has_role
from govdoc.organizations.models import User
from govdoc.organizations.roles import Role
from govdoc.organizations.selectors import agency_people_with_role
from govdoc.records.access import is_archivist, is_owner, leads_owner
from govdoc.records.models import (
    CaseFile,
    KeepRequest,
    TransferBatch,
    TransferItem,
)
from govdoc.records.services.common import bump_version, clean, file_history, file_step
from govdoc.records.services.files import TRANSFER_FROM_YEARS
from govdoc.records.workflow import (
    KEEP_MAX_YEARS,
    BatchStatus,
    FileStatus,
    ItemDecision,
    KeepStatus,
    next_file_status,
)

NOTICE_DAYS = 30
REASON_MAX = 1000


def effective_due(case_file: CaseFile) -> dt.date | None:
    """When the file is due at the archive, an approved keeping included."""
    return case_file.kept_until or case_file.transfer_due


def archivists(agency_id: int) -> list[User]:
    return list(agency_people_with_role(agency_id, Role.ARCHIVIST))


def _set_status(case_file: CaseFile, action: str, **changes: Any) -> tuple[str, str]:
    target = next_file_status(case_file.status, action)
    if target is None:
        raise InvalidTransition(
            f"Hồ sơ {case_file.code} đang ở trạng thái “{FileStatus(case_file.status).label}”: "
            "không thực hiện được thao tác này."
        )
    before = case_file.status
    bump_version(case_file, status_was=before, status=target, **changes)
    return before, target


# -- submitting ------------------------------------------------------------------------------


def transfer_submit(*, actor: Any, case_file_ids: Sequence[int], note: str = "") -> TransferBatch:
    """Submit closed files to the agency archive, by their owner or the owner's leader."""
    wanted = sorted({int(i) for i in case_file_ids})
    if not wanted:
        raise ValidationFailed(
            "Vui lòng chọn hồ sơ nộp lưu.", fields={"files": "Vui lòng chọn hồ sơ nộp lưu."}
        )
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None:
        raise Forbidden("Bạn không thuộc cơ quan nào: không nộp lưu được.")
    if len(note) > 500:
        raise ValidationFailed("Ghi chú quá dài.", fields={"note": "Tối đa 500 ký tự."})
    with transaction.atomic():
        files = list(
            CaseFile.objects.select_for_update()
            .filter(pk__in=wanted, agency_id=agency_id)
            .order_by("year", "notation", "pk")
        )
        if len(files) != len(wanted):
            raise NotFound()
        problems: list[str] = []
        for case_file in files:
            if not (is_owner(actor, case_file) or leads_owner(actor, case_file)):
                raise Forbidden("Chỉ người lập hồ sơ hoặc lãnh đạo của họ được nộp lưu hồ sơ.")
            if case_file.on_hold:
                problems.append(f"Hồ sơ {case_file.code} đang bị phong tỏa.")
            elif case_file.status == FileStatus.OPEN:
                problems.append(f"Hồ sơ {case_file.code} chưa kết thúc: không nộp lưu được.")
            elif case_file.status != FileStatus.CLOSED:
                problems.append(
                    f"Hồ sơ {case_file.code} đang ở trạng thái "
                    f"“{FileStatus(case_file.status).label}”."
                )
            elif not case_file.permanent and (case_file.retention_years or 0) < TRANSFER_FROM_YEARS:
                problems.append(
                    f"Hồ sơ {case_file.code} bảo quản dưới {TRANSFER_FROM_YEARS} năm: "
                    "lưu tại đơn vị, không nộp lưu."
                )
        if problems:
            raise ValidationFailed(" ".join(problems), fields={"files": " ".join(problems)})
        year = timezone.localdate().year
        lock_for_transaction(f"records-transfer:{agency_id}:{year}")
        number = (
            TransferBatch.objects.filter(agency_id=agency_id, year=year).aggregate(
                last=Max("number")
            )["last"]
            or 0
        ) + 1
        batch = TransferBatch.objects.create(
            agency_id=agency_id,
            year=year,
            number=number,
            unit_id=getattr(actor, "unit_id", None),
            submitted_by=actor,
            submitted_at=timezone.now(),
            note=clean(note),
        )
        TransferItem.objects.bulk_create(
            [
                TransferItem(batch=batch, case_file=case_file, position=index)
                for index, case_file in enumerate(files, start=1)
            ]
        )
        for case_file in files:
            before, after = _set_status(case_file, "submit")
            file_history(
                case_file,
                actor=actor,
                action="submit",
                from_status=before,
                to_status=after,
                note=f"Đợt nộp lưu {number}/{year}",
            )
        audit_record(
            actor=actor,
            action="records.transfer_submit",
            target=batch,
            agency_id=agency_id,
            data={"files": [f.code for f in files]},
        )
        notify(
            recipients=archivists(int(agency_id)),
            kind="records.transfer",
            title=f"Đợt nộp lưu {number}/{year}: {len(files)} hồ sơ chờ tiếp nhận",
            url=reverse("records:transfer_detail", args=[batch.pk]),
            agency_id=agency_id,
        )
    return batch


# -- the archivist's decisions ---------------------------------------------------------------


def _decide(item: TransferItem, actor: Any, decision: str, reason: str = "") -> TransferItem:
    with transaction.atomic():
        current = TransferItem.objects.select_for_update().select_related("batch").get(pk=item.pk)
        batch = current.batch
        if not is_archivist(actor, batch.agency_id):
            raise Forbidden("Chỉ lưu trữ cơ quan được tiếp nhận hoặc trả lại hồ sơ nộp lưu.")
        if current.decision != ItemDecision.PENDING:
            raise InvalidTransition("Hồ sơ này đã được kiểm tra.")
        case_file = CaseFile.objects.select_for_update().get(pk=current.case_file_id)
        if decision == ItemDecision.ACCEPTED:
            before, after = _set_status(case_file, "accept", archived_at=timezone.now())
            file_history(
                case_file,
                actor=actor,
                action="accept",
                from_status=before,
                to_status=after,
                note=f"Đợt {batch.number}/{batch.year}",
            )
        else:
            before, after = _set_status(case_file, "return")
            file_history(
                case_file,
                actor=actor,
                action="return",
                from_status=before,
                to_status=after,
                note=reason,
            )
            notify(
                recipients=[case_file.owner],
                kind="records.returned",
                title=f"Lưu trữ trả lại hồ sơ {case_file.code}",
                body=reason[:500],
                url=reverse("records:file_detail", args=[case_file.pk]),
                agency_id=case_file.agency_id,
            )
        TransferItem.objects.filter(pk=current.pk).update(
            decision=decision, reason=reason, decided_by=actor, decided_at=timezone.now()
        )
        current.refresh_from_db()
        if not batch.items.filter(decision=ItemDecision.PENDING).exists():
            TransferBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.CLOSED, received_by=actor, closed_at=timezone.now()
            )
        audit_record(
            actor=actor,
            action=f"records.transfer_{decision.lower()}",
            target=case_file,
            agency_id=case_file.agency_id,
            data={"batch": batch.pk, "reason": reason},
        )
    return current


def transfer_accept(*, item: TransferItem, actor: Any) -> TransferItem:
    """The archivist takes the file: it is frozen and governed by the archive from now on."""
    return _decide(item, actor, ItemDecision.ACCEPTED)


def transfer_return(*, item: TransferItem, actor: Any, reason: str) -> TransferItem:
    """The archivist returns the file to its owner, with what is wrong."""
    text = clean(reason)
    if not text:
        raise ValidationFailed(
            "Vui lòng ghi lý do trả lại hồ sơ.", fields={"reason": "Vui lòng ghi lý do."}
        )
    if len(text) > REASON_MAX:
        raise ValidationFailed("Lý do quá dài.", fields={"reason": f"Tối đa {REASON_MAX} ký tự."})
    return _decide(item, actor, ItemDecision.RETURNED, text)


def plan_check(batch: TransferBatch) -> list[tuple[TransferItem, str]]:
    """Each item with what the archivist should know from the plan: "" when the file was
    opened from an approved plan's entry, otherwise why it needs a look."""
    checked = []
    for item in batch.items.select_related("case_file__planned__plan"):
        planned = item.case_file.planned
        if planned is None:
            note = "Hồ sơ ngoài danh mục"
        elif planned.plan.status != "APPROVED":
            note = "Danh mục chưa được ban hành"
        elif item.case_file.retention != planned.retention:
            note = f"Thời hạn bảo quản khác danh mục ({planned.retention})"
        else:
            note = ""
        checked.append((item, note))
    return checked


# -- keeping a file longer -------------------------------------------------------------------


def keep_request(
    *, case_file: CaseFile, actor: Any, until: dt.date | None, reason: str
) -> KeepRequest:
    """The owner asks to keep a closed file at the unit past its transfer date."""
    text = clean(reason)
    errors: dict[str, str] = {}
    if not text:
        errors["reason"] = "Vui lòng ghi lý do giữ lại."
    elif len(text) > REASON_MAX:
        errors["reason"] = f"Tối đa {REASON_MAX} ký tự."
    due = case_file.transfer_due
    if until is None:
        errors["until"] = "Vui lòng chọn ngày giữ lại đến."
    elif due is not None:
        latest = (
            due.replace(year=due.year + KEEP_MAX_YEARS)
            if not (due.month == 2 and due.day == 29)
            else dt.date(due.year + KEEP_MAX_YEARS, 2, 28)
        )
        if until <= due:
            errors["until"] = f"Ngày giữ lại phải sau hạn nộp lưu ({due:%d/%m/%Y})."
        elif until > latest:
            errors["until"] = (
                f"Chỉ được giữ lại tối đa {KEEP_MAX_YEARS} năm, đến {latest:%d/%m/%Y}."
            )
    if errors:
        raise ValidationFailed("Đề nghị giữ lại chưa hợp lệ.", fields=errors)
    assert until is not None
    with transaction.atomic():
        current = CaseFile.objects.select_for_update().get(pk=case_file.pk)
        if not is_owner(actor, current):
            raise Forbidden("Chỉ người lập hồ sơ được đề nghị giữ lại hồ sơ.")
        if current.status != FileStatus.CLOSED or current.transfer_due is None:
            raise InvalidTransition("Chỉ đề nghị giữ lại hồ sơ đã kết thúc và phải nộp lưu.")
        if KeepRequest.objects.filter(case_file=current, status=KeepStatus.PENDING).exists():
            raise Conflict("Hồ sơ đã có đề nghị giữ lại đang chờ phê duyệt.")
        request = KeepRequest.objects.create(
            case_file=current,
            requested_by=actor,
            requested_at=timezone.now(),
            until=until,
            reason=text,
        )
        file_step(
            current, actor=actor, action="keep_request", note=text, data={"until": str(until)}
        )
        audit_record(
            actor=actor,
            action="records.keep_request",
            target=current,
            agency_id=current.agency_id,
            data={"until": str(until)},
        )
        notify(
            recipients=agency_people_with_role(current.agency_id, Role.AGENCY_LEADER),
            kind="records.keep_request",
            title=f"Đề nghị giữ lại hồ sơ {current.code} đến {until:%d/%m/%Y}",
            body=text[:500],
            url=reverse("records:keep_requests"),
            agency_id=current.agency_id,
        )
    return request


def keep_decide(*, request: KeepRequest, actor: Any, approve: bool, note: str = "") -> KeepRequest:
    """The agency's leader approves or refuses a request to keep a file longer."""
    text = clean(note)
    if not approve and not text:
        raise ValidationFailed(
            "Vui lòng ghi lý do không đồng ý.", fields={"note": "Vui lòng ghi lý do."}
        )
    with transaction.atomic():
        current = (
            KeepRequest.objects.select_for_update().select_related("case_file").get(pk=request.pk)
        )
        case_file = current.case_file
        if not has_role(actor, case_file.agency_id, Role.AGENCY_LEADER):
            raise Forbidden("Chỉ lãnh đạo cơ quan được phê duyệt việc giữ lại hồ sơ.")
        if current.status != KeepStatus.PENDING:
            raise InvalidTransition("Đề nghị này đã được xử lý.")
        status = KeepStatus.APPROVED if approve else KeepStatus.REFUSED
        KeepRequest.objects.filter(pk=current.pk).update(
            status=status, decided_by=actor, decided_at=timezone.now(), decision_note=text[:1000]
        )
        current.refresh_from_db()
        if approve:
            bump_version(case_file, kept_until=current.until)
        file_step(
            case_file,
            actor=actor,
            action="keep_approved" if approve else "keep_refused",
            note=text or f"Giữ lại đến {current.until:%d/%m/%Y}",
        )
        audit_record(
            actor=actor,
            action="records.keep_decide",
            target=case_file,
            agency_id=case_file.agency_id,
            data={"approved": approve, "until": str(current.until)},
        )
        notify(
            recipients=[current.requested_by],
            kind="records.keep_decided",
            title=(f"{'Đồng ý' if approve else 'Không đồng ý'} giữ lại hồ sơ {case_file.code}"),
            body=text[:500],
            url=reverse("records:file_detail", args=[case_file.pk]),
            agency_id=case_file.agency_id,
        )
    return current


# -- notices ---------------------------------------------------------------------------------


def transfer_notices(*, today: dt.date | None = None) -> int:
    """The daily job: tell each owner whose closed file is due at the archive within 30 days
    (once per due date)."""
    day = today or timezone.localdate()
    horizon = day + dt.timedelta(days=NOTICE_DAYS)
    due = CaseFile.objects.filter(status=FileStatus.CLOSED).filter(
        Q(kept_until__isnull=True, transfer_due__lte=horizon) | Q(kept_until__lte=horizon)
    )
    told = 0
    for case_file in due.select_related("owner").order_by("pk").iterator():
        when = effective_due(case_file)
        if when is None or case_file.transfer_notified_for == when:
            continue
        with transaction.atomic():
            updated = CaseFile.objects.filter(
                pk=case_file.pk, transfer_notified_for=case_file.transfer_notified_for
            ).update(transfer_notified_for=when)
            if not updated:
                continue
            late = when < day
            notify(
                recipients=[case_file.owner],
                kind="records.transfer_due",
                title=(
                    f"Hồ sơ {case_file.code} {'đã quá' if late else 'sắp đến'} hạn nộp lưu "
                    f"({when:%d/%m/%Y})"
                ),
                body=case_file.title[:500],
                url=reverse("records:file_detail", args=[case_file.pk]),
                agency_id=case_file.agency_id,
                dedupe_key=f"records.transfer_due:{case_file.pk}:{when.isoformat()}",
            )
            told += 1
    return told
