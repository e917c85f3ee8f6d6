"""Holds (phong tỏa): the agency's administrator — or a superuser, for the agency they
choose, even with no agency of their own — freezes one file or a collection — every
file of a year, optionally of one unit — with a reason, so that nothing in it can be
changed, moved (transferred) or destroyed (Phụ lục VI, Quản trị: "khóa, đóng băng"). A
collection hold also covers the files opened later in its year and unit.

The freeze itself is the file's `on_hold` flag, which every write on a file checks under its
row lock (files, transfer, disposal). Lifting a hold, with a reason, clears the flag only on
the files no other hold in force still covers. Each file covered gets a history row
("hold" / "unhold"), each hold one journal event. Holds are lifted, never deleted."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.db import lock_for_transaction
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency, Unit
from govdoc.organizations.roles import Role
from govdoc.records.models import CaseFile, CaseFileHistory, RecordHold
from govdoc.records.services.common import (
    bump_versions,
    clean,
    file_history,
    file_history_rows,
    history_row,
)
from govdoc.records.workflow import FileStatus

REASON_MAX = 1000
ONLY_ADMIN = "Chỉ quản trị hệ thống của cơ quan được phong tỏa hoặc gỡ phong tỏa hồ sơ."


def _lock(agency_id: int) -> None:
    """Serialise holds, lifts and the opening of files of one agency (PostgreSQL)."""
    lock_for_transaction(f"records-hold:{agency_id}")


def may_hold(actor: Any, agency_id: int | None) -> bool:
    """The agency's administrator (a superuser administers every agency)."""
    return agency_id is not None and has_role(actor, agency_id, Role.ADMIN)


def visible_holds(actor: Any, agency_id: int | None) -> QuerySet[RecordHold]:
    """The administrator sees the agency's holds; nobody else."""
    if agency_id is None or not may_hold(actor, agency_id):
        return RecordHold.objects.none()
    return RecordHold.objects.filter(agency_id=agency_id)


def hold_for(actor: Any, agency_id: int | None, hold_id: int) -> RecordHold:
    found = visible_holds(actor, agency_id).filter(pk=hold_id).first()
    if found is None:
        raise NotFound()
    return found


def in_force(agency_id: int) -> QuerySet[RecordHold]:
    return RecordHold.objects.filter(agency_id=agency_id, lifted_at__isnull=True)


def scope_of(hold: RecordHold) -> Q:
    """The files a hold covers, as a query condition."""
    condition = Q(agency_id=hold.agency_id)
    if hold.case_file_id is not None:
        return condition & Q(pk=hold.case_file_id)
    condition &= Q(year=hold.year)
    if hold.unit_id is not None:
        condition &= Q(unit_id=hold.unit_id)
    return condition


def covered_files(hold: RecordHold) -> QuerySet[CaseFile]:
    """The files a hold covers (destroyed files have nothing left to freeze)."""
    return CaseFile.objects.filter(scope_of(hold)).exclude(status=FileStatus.DESTROYED)


def scope_label(hold: RecordHold) -> str:
    if hold.case_file is not None:
        return f"Hồ sơ {hold.case_file.code}"
    label = f"Các hồ sơ năm {hold.year}"
    if hold.unit is not None:
        label += f" của {hold.unit.name}"
    return label


def _covering(agency_id: int, year: int, unit_id: int | None) -> QuerySet[RecordHold]:
    units = Q(unit__isnull=True)
    if unit_id is not None:
        units |= Q(unit_id=unit_id)
    return in_force(agency_id).filter(units, case_file__isnull=True, year=year)


def held_scope(agency_id: int, year: int, unit_id: int | None) -> bool:
    """Whether a collection hold in force covers files of `year` (and `unit_id`): a file
    opened there now must be held too. Call it inside the transaction that creates the file
    (it takes the agency's hold lock, so a hold set at the same moment sees the new file)."""
    _lock(agency_id)
    return _covering(agency_id, year, unit_id).exists()


def hold_if_covered(case_file: CaseFile, *, actor: Any) -> bool:
    """Hold a file just opened inside a held collection (with its "hold" history row);
    True when it is (or already was) held. Call it in the transaction that opens the file."""
    if case_file.on_hold:
        return True
    with transaction.atomic():
        _lock(case_file.agency_id)
        hold = (
            _covering(case_file.agency_id, case_file.year, case_file.unit_id)
            .order_by("set_at", "pk")
            .first()
        )
        if hold is None:
            return False
        bump_versions(CaseFile.objects.filter(pk=case_file.pk), on_hold=True)
        case_file.on_hold = True
        case_file.version += 1
        file_history(
            case_file,
            actor=actor,
            action="hold",
            note=hold.reason,
            data={"hold": hold.pk, "opened": True},
        )
    return True


def _reason(text: str, field: str = "reason") -> str:
    cleaned = clean(text)
    if not cleaned:
        raise ValidationFailed("Vui lòng ghi lý do.", fields={field: "Vui lòng ghi lý do."})
    if len(cleaned) > REASON_MAX:
        raise ValidationFailed("Lý do quá dài.", fields={field: f"Tối đa {REASON_MAX} ký tự."})
    return cleaned


CHOOSE_AGENCY = "Vui lòng chọn cơ quan cần phong tỏa hồ sơ."


def hold_agency(
    actor: Any, *, agency_id: int | None = None, case_file_id: int | None = None
) -> int | None:
    """The agency a hold is set in: the one chosen (`agency_id`); for a superuser who chose
    none, the agency of the file held (a superuser administers every agency, with or
    without an agency of their own); else the actor's own agency. None: not known."""
    if agency_id is not None:
        return agency_id
    if case_file_id is not None and getattr(actor, "is_superuser", False):
        found = CaseFile.objects.filter(pk=case_file_id).values_list("agency_id", flat=True)
        if (file_agency := found.first()) is not None:
            return int(file_agency)
    own = getattr(actor, "agency_id", None)
    return int(own) if own is not None else None


def hold_set(
    *,
    actor: Any,
    reason: str,
    case_file_id: int | None = None,
    year: int | None = None,
    unit_id: int | None = None,
    agency_id: int | None = None,
) -> RecordHold:
    """Freeze one file (`case_file_id`) or the files of a year, optionally of one unit, of
    the administrator's agency — or, for a superuser, of the agency chosen (`agency_id`;
    a file's own agency when none is chosen)."""
    agency_id = hold_agency(actor, agency_id=agency_id, case_file_id=case_file_id)
    if agency_id is None and getattr(actor, "is_superuser", False):
        raise ValidationFailed(CHOOSE_AGENCY, fields={"agency": CHOOSE_AGENCY})
    if not may_hold(actor, agency_id):
        raise Forbidden(ONLY_ADMIN)
    assert agency_id is not None
    if not Agency.objects.filter(pk=agency_id).exists():
        raise ValidationFailed(
            "Không tìm thấy cơ quan.", fields={"agency": "Không tìm thấy cơ quan."}
        )
    errors: dict[str, str] = {}
    text = clean(reason)
    if not text:
        errors["reason"] = "Vui lòng ghi lý do phong tỏa."
    elif len(text) > REASON_MAX:
        errors["reason"] = f"Lý do tối đa {REASON_MAX} ký tự."
    case_file: CaseFile | None = None
    if case_file_id is not None:
        if year is not None or unit_id is not None:
            errors["case_file"] = "Chọn một hồ sơ hoặc một năm (và đơn vị), không chọn cả hai."
        case_file = CaseFile.objects.filter(pk=case_file_id, agency_id=agency_id).first()
        if case_file is None:
            errors["case_file"] = "Không tìm thấy hồ sơ."
        elif case_file.status == FileStatus.DESTROYED:
            errors["case_file"] = "Hồ sơ đã bị hủy: không phong tỏa được."
    elif year is None:
        errors["year"] = "Vui lòng chọn hồ sơ hoặc năm cần phong tỏa."
    elif not 1900 <= year <= 2100:
        errors["year"] = "Năm không hợp lệ."
    if unit_id is not None and not Unit.objects.filter(pk=unit_id, agency_id=agency_id).exists():
        errors["unit"] = "Không tìm thấy đơn vị."
    if errors:
        raise ValidationFailed("Thông tin phong tỏa chưa hợp lệ.", fields=errors)
    with transaction.atomic():
        _lock(agency_id)
        if case_file is not None:
            same = in_force(agency_id).filter(case_file_id=case_file.pk)
        else:
            same = in_force(agency_id).filter(case_file__isnull=True, year=year)
            same = same.filter(unit_id=unit_id) if unit_id is not None else same.filter(unit=None)
        if same.exists():
            raise Conflict("Phạm vi này đang bị phong tỏa.")
        hold = RecordHold.objects.create(
            agency_id=agency_id,
            case_file=case_file,
            year=None if case_file is not None else year,
            unit_id=None if case_file is not None else unit_id,
            reason=text,
            set_by=actor,
            set_at=timezone.now(),
        )
        files = covered_files(hold).select_for_update()
        ids = list(files.values_list("pk", flat=True))
        bump_versions(CaseFile.objects.filter(pk__in=ids, on_hold=False), on_hold=True)
        file_history_rows(ids, actor=actor, action="hold", note=text, data={"hold": hold.pk})
        audit_record(
            actor=actor,
            action="records.hold",
            target=hold,
            agency_id=agency_id,
            data={
                "case_file": case_file_id,
                "year": hold.year,
                "unit": hold.unit_id,
                "files": len(ids),
                "reason": text,
            },
        )
    return hold


def hold_lift(*, hold: RecordHold, actor: Any, reason: str) -> RecordHold:
    """Lift a hold, with a reason: its files are free again unless another hold in force
    still covers them."""
    if not may_hold(actor, hold.agency_id):
        raise Forbidden(ONLY_ADMIN)
    text = _reason(reason)
    with transaction.atomic():
        _lock(hold.agency_id)
        current = RecordHold.objects.select_for_update().get(pk=hold.pk)
        if current.lifted_at is not None:
            raise InvalidTransition("Lệnh phong tỏa này đã được gỡ.")
        now = timezone.now()
        RecordHold.objects.filter(pk=current.pk, lifted_at__isnull=True).update(
            lifted_by=actor, lifted_at=now, lift_reason=text
        )
        others = [scope_of(h) for h in in_force(current.agency_id).exclude(pk=current.pk)]
        covered = covered_files(current).select_for_update()
        ids = set(covered.values_list("pk", flat=True))
        still = (
            set(covered.filter(reduce(or_, others)).values_list("pk", flat=True))
            if others
            else set()
        )
        freed = sorted(ids - still)
        bump_versions(CaseFile.objects.filter(pk__in=freed, on_hold=True), on_hold=False)
        CaseFileHistory.objects.bulk_create(
            [
                history_row(
                    pk,
                    actor=actor,
                    action="unhold",
                    note=text if pk not in still else f"{text} (vẫn bị phong tỏa theo lệnh khác)",
                    data={"hold": current.pk, "still_held": pk in still},
                )
                for pk in sorted(ids)
            ],
            batch_size=500,
        )
        audit_record(
            actor=actor,
            action="records.unhold",
            target=current,
            agency_id=current.agency_id,
            data={"files": len(ids), "freed": len(freed), "reason": text},
        )
        current.refresh_from_db()
    return current
