"""The annual file plan (danh mục hồ sơ, NĐ 30 Điều 28, Phụ lục V): created for an agency
and a year by the clerk, the archivist or the administrator; headings (Roman numerals) and
sub-headings (Arabic numerals) with the planned files under them, edited while the plan is a
draft; approved by the head, reopened by the head with a reason; copied into the next year.

Every write checks the actor, validates every field at once, moves the plan's `version` by
compare-and-set (two people may edit one plan) and writes one journal event, all in one
transaction: a refusal leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.core.text import fold
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.access import may_approve_plan, may_edit_plan
from govdoc.records.models import FilePlan, FilePlanHistory, PlanHeading, PlannedFile
from govdoc.records.services.common import clean
from govdoc.records.workflow import PlanStatus, next_plan_status

NOTATION_MAX = 20
TITLE_MAX = 500
NOTE_MAX = 500
NAME_MAX = 200
REASON_MAX = 1000
YEARS_MAX = 100
FIRST_YEAR = 1945
NOTATION_PATTERN = re.compile(r"^[\w.\-/]+$")

STALE = "Danh mục hồ sơ vừa được người khác thay đổi; vui lòng tải lại trang rồi thử lại."
NOT_DRAFT = (
    "Danh mục hồ sơ đã được phê duyệt: không sửa được nữa. Thủ trưởng cơ quan mở lại "
    "danh mục (kèm lý do) thì mới sửa được."
)
MAY_NOT_EDIT = "Chỉ văn thư, lưu trữ cơ quan hoặc quản trị hệ thống được lập danh mục hồ sơ."
MAY_NOT_APPROVE = "Chỉ thủ trưởng (lãnh đạo) cơ quan được phê duyệt hoặc mở lại danh mục hồ sơ."
INVALID = "Dữ liệu chưa hợp lệ: vui lòng sửa các mục được đánh dấu."

ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
ROMAN_PATTERN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def roman(number: int) -> str:
    """1 → "I", 14 → "XIV"."""
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def is_roman(text: str) -> bool:
    value = text.strip().rstrip(".").upper()
    return bool(value) and bool(ROMAN_PATTERN.match(value))


def parse_retention(text: str) -> tuple[bool, int | None]:
    """ "Vĩnh viễn" (or "VV") → (True, None); "10", "10 năm" → (False, 10). ValueError else."""
    value = fold(text or "")
    if value in {"vinh vien", "vv", "vinh-vien"}:
        return True, None
    match = re.fullmatch(r"(\d{1,3})\s*(nam)?", value)
    if match is None:
        raise ValueError(text)
    return False, int(match.group(1))


def name_of(person: Any) -> str:
    if person is None:
        return ""
    return str(getattr(person, "display_name", "") or person.get_username())


def owner_label(planned: PlannedFile) -> str:
    """The column "Đơn vị/người lập hồ sơ": the unit and the person, as known."""
    person = name_of(planned.person_in_charge) or planned.person_in_charge_name
    unit = planned.unit.name if planned.unit_id and planned.unit is not None else ""
    return " — ".join(part for part in (unit, person) if part)


# --- input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFileInput:
    heading_id: int | None
    notation: str
    title: str
    permanent: bool = False
    retention_years: int | None = None
    unit_id: int | None = None
    person_in_charge_id: int | None = None
    person_in_charge_name: str = ""
    note: str = ""
    capital_construction: bool = False


@dataclass(frozen=True)
class CheckedFile:
    heading: PlanHeading
    notation: str
    title: str
    permanent: bool
    retention_years: int | None
    unit: Unit | None
    person: User | None
    person_name: str
    note: str
    capital_construction: bool


clean_text = clean
"""A typed text on one line, its spaces collapsed (the name the plan's import uses)."""


def check_notation(
    notation: str, *, plan: FilePlan, taken: Iterable[str] = (), exclude_pk: int | None = None
) -> tuple[str, str | None]:
    """The notation as stored, and the error on it (or None)."""
    value = (notation or "").strip()
    if not value:
        return value, "Vui lòng nhập số và ký hiệu hồ sơ (ví dụ 01.TCCB)."
    if len(value) > NOTATION_MAX:
        return value, f"Số và ký hiệu hồ sơ tối đa {NOTATION_MAX} ký tự."
    if not NOTATION_PATTERN.match(value):
        return value, (
            "Số và ký hiệu hồ sơ chỉ gồm chữ, số và các dấu . - / (không có khoảng trắng), "
            "ví dụ 01.TCCB."
        )
    others = PlannedFile.objects.filter(plan=plan, notation__iexact=value)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists() or value.casefold() in {t.casefold() for t in taken}:
        return value, f"Số và ký hiệu hồ sơ “{value}” đã có trong danh mục năm {plan.year}."
    return value, None


def check_retention(permanent: bool, years: int | None) -> str | None:
    if permanent:
        return None
    if years is None:
        return "Vui lòng nhập thời hạn bảo quản: “Vĩnh viễn” hoặc số năm."
    if not 1 <= years <= YEARS_MAX:
        return f"Thời hạn bảo quản từ 1 đến {YEARS_MAX} năm, hoặc “Vĩnh viễn”."
    return None


def _check_file(
    data: PlannedFileInput, *, plan: FilePlan, exclude_pk: int | None = None
) -> CheckedFile:
    """Every field of a planned file checked at once: all mistakes in one answer."""
    fields: dict[str, str] = {}
    heading = (
        PlanHeading.objects.filter(pk=data.heading_id, plan=plan).first()
        if data.heading_id
        else None
    )
    if heading is None:
        fields["heading"] = "Vui lòng chọn đề mục của danh mục này."
    notation, error = check_notation(data.notation, plan=plan, exclude_pk=exclude_pk)
    if error:
        fields["notation"] = error
    title = clean_text(data.title)
    if not title:
        fields["title"] = "Vui lòng nhập tiêu đề hồ sơ."
    elif len(title) > TITLE_MAX:
        fields["title"] = f"Tiêu đề hồ sơ tối đa {TITLE_MAX} ký tự."
    error = check_retention(data.permanent, data.retention_years)
    if error:
        fields["retention"] = error
    unit = None
    if data.unit_id:
        unit = Unit.objects.filter(
            pk=data.unit_id, agency_id=plan.agency_id, is_active=True
        ).first()
        if unit is None:
            fields["unit"] = "Chọn một đơn vị của cơ quan."
    person = None
    if data.person_in_charge_id:
        person = User.objects.filter(
            pk=data.person_in_charge_id, agency_id=plan.agency_id, is_active=True
        ).first()
        if person is None:
            fields["person_in_charge"] = "Chọn một người của cơ quan."
    person_name = "" if person is not None else clean_text(data.person_in_charge_name)
    if len(person_name) > NAME_MAX:
        fields["person_in_charge_name"] = f"Tên người lập hồ sơ tối đa {NAME_MAX} ký tự."
    note = clean_text(data.note)
    if len(note) > NOTE_MAX:
        fields["note"] = f"Ghi chú tối đa {NOTE_MAX} ký tự."
    if fields or heading is None:
        raise ValidationFailed(INVALID, fields=fields)
    return CheckedFile(
        heading=heading,
        notation=notation,
        title=title,
        permanent=data.permanent,
        retention_years=None if data.permanent else data.retention_years,
        unit=unit,
        person=person,
        person_name=person_name,
        note=note,
        capital_construction=data.capital_construction,
    )


def _heading_title(title: str) -> str:
    value = clean_text(title)
    if not value:
        raise ValidationFailed(INVALID, fields={"title": "Vui lòng nhập tên đề mục."})
    if len(value) > TITLE_MAX:
        raise ValidationFailed(INVALID, fields={"title": f"Tên đề mục tối đa {TITLE_MAX} ký tự."})
    return value


# --- shared steps -------------------------------------------------------------------------


def require_editor(actor: Any, plan_or_agency_id: FilePlan | int) -> None:
    agency_id = (
        plan_or_agency_id.agency_id
        if isinstance(plan_or_agency_id, FilePlan)
        else plan_or_agency_id
    )
    if not may_edit_plan(actor, agency_id):
        raise Forbidden(MAY_NOT_EDIT)


def bump_plan(
    plan: FilePlan,
    expected_version: int | None,
    *,
    status: str = PlanStatus.DRAFT,
    changes: dict[str, Any] | None = None,
) -> None:
    """The plan's compare-and-set: the next version (and `changes`), provided the row still
    has the version the caller read and the status expected. The instance follows the row."""
    version = plan.version if expected_version is None else expected_version
    changes = changes or {}
    updated = FilePlan.objects.filter(pk=plan.pk, version=version, status=status).update(
        version=version + 1, **changes
    )
    if updated != 1:
        current = FilePlan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
        if current is not None and current != status:
            if status == PlanStatus.DRAFT:
                raise InvalidTransition(NOT_DRAFT)
            raise InvalidTransition(
                f"Không thể thực hiện khi danh mục ở trạng thái “{PlanStatus(current).label}”."
            )
        raise Conflict(STALE)
    for key, value in changes.items():
        setattr(plan, key, value)
    plan.version = version + 1


class _Blank(dict[str, Any]):
    """The step's data for a history note: a field the step did not record reads "" ."""

    def __missing__(self, key: str) -> str:
        return ""


# What the plan's history says of each step (the journal keeps the step's full data).
HISTORY_NOTES: dict[str, str] = {
    "create": "Lập danh mục hồ sơ năm {year}",
    "copy": "Sao chép từ danh mục năm {from_year}: {headings} đề mục, {files} hồ sơ",
    "import": (
        "Nhập từ tệp {file_name}: {headings} đề mục, {subheadings} đề mục con, {files} hồ sơ"
    ),
    "heading_add": "Thêm đề mục {number}. {title}",
    "heading_update": "Sửa đề mục {number}: “{before}” thành “{after}”",
    "heading_move": "Chuyển đề mục {before} thành {after}",
    "heading_delete": "Xóa đề mục {number}. {title}",
    "file_add": "Thêm hồ sơ {notation} {title} ({retention})",
    "file_update": "Sửa hồ sơ {notation}",
    "file_move": "Chuyển hồ sơ {notation}",
    "file_delete": "Xóa hồ sơ {notation} {title}",
    "approve": "Phê duyệt, ban hành theo quyết định số {decision_number} ngày {decision_day}",
    "reopen": "Mở lại để sửa: {reason}",
}


def history_note(action: str, data: dict[str, Any]) -> str:
    """The line the plan's history shows for a step."""
    values = _Blank(data)
    after = data.get("after")
    if action == "file_update" and isinstance(after, dict):
        values["notation"] = after.get("notation", "")
    return HISTORY_NOTES.get(action, action).format_map(values)[:1000]


# Reads of the plan: journaled, not steps of its history.
READS = frozenset({"export"})


def journal_plan(plan: FilePlan, *, actor: Any, action: str, data: dict[str, Any]) -> None:
    """One step of the plan: its append-only history row (not for a read) and its journal
    event, in the step's transaction."""
    if action not in READS:
        _history(plan, actor=actor, action=action, data=data)
    audit_record(
        actor=actor,
        action=f"records.plan.{action}",
        target=plan,
        target_label=f"Danh mục hồ sơ năm {plan.year}",
        agency_id=plan.agency_id,
        data={"version": plan.version, **data},
    )


def _history(plan: FilePlan, *, actor: Any, action: str, data: dict[str, Any]) -> None:
    FilePlanHistory.objects.create(
        plan=plan,
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=name_of(actor)[:200],
        action=action,
        note=history_note(action, data),
        data={"version": plan.version, **data},
    )


def renumber(plan: FilePlan) -> None:
    """Headings I, II, III… in order; sub-headings 1, 2, 3… under each; positions 1, 2, 3…"""
    headings = list(PlanHeading.objects.filter(plan=plan).order_by("position", "pk"))
    changed: list[PlanHeading] = []
    tops = [h for h in headings if h.parent_id is None]
    for index, top in enumerate(tops, start=1):
        changed.extend(_set_number(top, roman(index), index))
        children = [h for h in headings if h.parent_id == top.pk]
        for sub_index, child in enumerate(children, start=1):
            changed.extend(_set_number(child, str(sub_index), sub_index))
    if changed:
        PlanHeading.objects.bulk_update(changed, ["number", "position"])


def _set_number(heading: PlanHeading, number: str, position: int) -> list[PlanHeading]:
    if heading.number == number and heading.position == position:
        return []
    heading.number = number
    heading.position = position
    return [heading]


def _next_position(queryset: Any) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return int(last or 0) + 1


def _file_data(planned: PlannedFile) -> dict[str, Any]:
    return {
        "notation": planned.notation,
        "title": planned.title,
        "retention": planned.retention,
        "heading": planned.heading_id,
    }


# --- the plan -----------------------------------------------------------------------------


def check_year(year: Any, *, agency_id: int, field: str = "year") -> int:
    latest = timezone.localdate().year + 1
    if not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        message = f"Năm của danh mục từ {FIRST_YEAR} đến {latest}."
        raise ValidationFailed(message, fields={field: message})
    if FilePlan.objects.filter(agency_id=agency_id, year=year).exists():
        message = f"Cơ quan đã có danh mục hồ sơ năm {year}: mỗi năm chỉ một danh mục."
        raise ValidationFailed(message, fields={field: message})
    return year


def plan_create(*, agency: Agency, year: int, actor: Any) -> FilePlan:
    require_editor(actor, agency.pk)
    check_year(year, agency_id=agency.pk)
    try:
        with transaction.atomic():
            plan = FilePlan.objects.create(
                agency=agency, year=year, created_by=actor, created_at=timezone.now()
            )
            journal_plan(plan, actor=actor, action="create", data={"year": year})
    except IntegrityError:
        # Someone created the same year at the same moment.
        message = f"Cơ quan đã có danh mục hồ sơ năm {year}: mỗi năm chỉ một danh mục."
        raise ValidationFailed(message, fields={"year": message}) from None
    return plan


DECISION_NUMBER_MAX = 50


def check_decision(number: str, day: dt.date | None) -> tuple[str, dt.date]:
    """The approval decision's number and date (số, ngày quyết định ban hành danh mục hồ
    sơ): both required, the number at most 50 characters, the date not in the future."""
    errors: dict[str, str] = {}
    value = clean(number or "")
    if not value:
        errors["decision_number"] = "Vui lòng nhập số quyết định ban hành danh mục hồ sơ."
    elif len(value) > DECISION_NUMBER_MAX:
        errors["decision_number"] = f"Số quyết định tối đa {DECISION_NUMBER_MAX} ký tự."
    if day is None:
        errors["decision_date"] = "Vui lòng nhập ngày quyết định ban hành (dd/mm/yyyy)."
    elif day > timezone.localdate():
        errors["decision_date"] = "Ngày quyết định ban hành không được sau ngày hôm nay."
    if errors:
        raise ValidationFailed(
            "Vui lòng nhập đúng số và ngày quyết định ban hành danh mục hồ sơ.", fields=errors
        )
    assert day is not None
    return value, day


def plan_approve(
    *,
    plan: FilePlan,
    actor: Any,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    expected_version: int | None = None,
) -> FilePlan:
    """The head approves the draft plan, recording the number and date of the decision that
    issues it (both required; the date not in the future)."""
    if not may_approve_plan(actor, plan.agency_id):
        raise Forbidden(MAY_NOT_APPROVE)
    target = next_plan_status(plan.status, "approve")
    if target is None:
        raise InvalidTransition("Danh mục hồ sơ đã được phê duyệt.")
    number, day = check_decision(decision_number, decision_date)
    with transaction.atomic():
        if not PlannedFile.objects.filter(plan=plan).exists():
            raise ValidationFailed(
                "Danh mục chưa có hồ sơ nào: chưa phê duyệt được.",
                fields={"plan": "Thêm ít nhất một hồ sơ vào danh mục."},
            )
        now = timezone.now()
        bump_plan(
            plan,
            expected_version,
            status=plan.status,
            changes={
                "status": target,
                "approved_by": actor,
                "approved_at": now,
                "decision_number": number,
                "decision_date": day,
            },
        )
        journal_plan(
            plan,
            actor=actor,
            action="approve",
            data={
                "from": PlanStatus.DRAFT,
                "to": target,
                "files": plan.files.count(),
                "decision_number": number,
                "decision_date": day.isoformat(),
                "decision_day": f"{day:%d/%m/%Y}",
            },
        )
    return plan


def plan_reopen(
    *, plan: FilePlan, reason: str, actor: Any, expected_version: int | None = None
) -> FilePlan:
    if not may_approve_plan(actor, plan.agency_id):
        raise Forbidden(MAY_NOT_APPROVE)
    target = next_plan_status(plan.status, "reopen")
    if target is None:
        raise InvalidTransition("Danh mục hồ sơ chưa được phê duyệt: không cần mở lại.")
    text = " ".join((reason or "").split())
    if not text:
        message = "Vui lòng nêu lý do mở lại danh mục."
        raise ValidationFailed(message, fields={"reason": message})
    if len(text) > REASON_MAX:
        message = f"Lý do tối đa {REASON_MAX} ký tự."
        raise ValidationFailed(message, fields={"reason": message})
    previous = {
        "approved_by": name_of(plan.approved_by),
        "approved_at": plan.approved_at.isoformat() if plan.approved_at else None,
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else None,
    }
    with transaction.atomic():
        # The decision that issued it stays in the history; re-approval records the new one.
        bump_plan(
            plan,
            expected_version,
            status=plan.status,
            changes={
                "status": target,
                "approved_by": None,
                "approved_at": None,
                "decision_number": "",
                "decision_date": None,
            },
        )
        journal_plan(
            plan,
            actor=actor,
            action="reopen",
            data={"from": PlanStatus.APPROVED, "to": target, "reason": text, **previous},
        )
    return plan


def plan_copy(*, source: FilePlan, year: int | None, actor: Any) -> FilePlan:
    """A new draft plan for `year` (default: the next year) with the source's headings and
    planned files; people and units no longer active are left out of the copy."""
    require_editor(actor, source.agency_id)
    year = source.year + 1 if year is None else year
    check_year(year, agency_id=source.agency_id)
    active_units = set(
        Unit.objects.filter(agency_id=source.agency_id, is_active=True).values_list("pk", flat=True)
    )
    active_people = set(
        User.objects.filter(agency_id=source.agency_id, is_active=True).values_list("pk", flat=True)
    )
    try:
        with transaction.atomic():
            plan = FilePlan.objects.create(
                agency_id=source.agency_id,
                year=year,
                copied_from=source,
                created_by=actor,
                created_at=timezone.now(),
            )
            mapping: dict[int, PlanHeading] = {}
            headings = PlanHeading.objects.filter(plan=source).order_by("position", "pk")
            # Top headings first so that sub-headings find their parent's copy.
            for heading in sorted(headings, key=lambda h: h.parent_id is not None):
                mapping[heading.pk] = PlanHeading.objects.create(
                    plan=plan,
                    parent=mapping[heading.parent_id] if heading.parent_id else None,
                    number=heading.number,
                    title=heading.title,
                    position=heading.position,
                )
            files = [
                PlannedFile(
                    plan=plan,
                    heading=mapping[item.heading_id],
                    notation=item.notation,
                    title=item.title,
                    permanent=item.permanent,
                    retention_years=item.retention_years,
                    unit_id=item.unit_id if item.unit_id in active_units else None,
                    person_in_charge_id=(
                        item.person_in_charge_id
                        if item.person_in_charge_id in active_people
                        else None
                    ),
                    person_in_charge_name=item.person_in_charge_name,
                    note=item.note,
                    capital_construction=item.capital_construction,
                    position=item.position,
                )
                for item in PlannedFile.objects.filter(plan=source).order_by("position", "pk")
            ]
            PlannedFile.objects.bulk_create(files)
            renumber(plan)
            journal_plan(
                plan,
                actor=actor,
                action="copy",
                data={
                    "from_plan": source.pk,
                    "from_year": source.year,
                    "headings": len(mapping),
                    "files": len(files),
                },
            )
    except IntegrityError:
        message = f"Cơ quan đã có danh mục hồ sơ năm {year}: mỗi năm chỉ một danh mục."
        raise ValidationFailed(message, fields={"year": message}) from None
    return plan


# --- headings -----------------------------------------------------------------------------


def heading_add(
    *,
    plan: FilePlan,
    title: str,
    actor: Any,
    parent_id: int | None = None,
    expected_version: int | None = None,
) -> PlanHeading:
    """A heading at the end of the plan, or a sub-heading at the end of its parent."""
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        value = _heading_title(title)
        parent = None
        if parent_id:
            parent = PlanHeading.objects.filter(
                pk=parent_id, plan=plan, parent__isnull=True
            ).first()
            if parent is None:
                raise ValidationFailed(
                    INVALID, fields={"parent": "Chọn một đề mục lớn (số La Mã) của danh mục."}
                )
        siblings = PlanHeading.objects.filter(plan=plan, parent=parent)
        heading = PlanHeading.objects.create(
            plan=plan, parent=parent, title=value, number="", position=_next_position(siblings)
        )
        renumber(plan)
        heading.refresh_from_db()
        journal_plan(
            plan,
            actor=actor,
            action="heading_add",
            data={"heading": heading.pk, "number": heading.number, "title": value},
        )
    return heading


def heading_update(
    *, heading: PlanHeading, title: str, actor: Any, expected_version: int | None = None
) -> PlanHeading:
    plan = heading.plan
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        value = _heading_title(title)
        before = heading.title
        heading.title = value
        heading.save(update_fields=["title"])
        journal_plan(
            plan,
            actor=actor,
            action="heading_update",
            data={
                "heading": heading.pk,
                "number": heading.number,
                "before": before,
                "after": value,
            },
        )
    return heading


def heading_move(
    *, heading: PlanHeading, direction: str, actor: Any, expected_version: int | None = None
) -> PlanHeading:
    """Up or down among its siblings; the numbers follow the new order."""
    plan = heading.plan
    require_editor(actor, plan)
    if direction not in {"up", "down"}:
        raise ValidationFailed(INVALID, fields={"direction": "Chọn lên hoặc xuống."})
    with transaction.atomic():
        bump_plan(plan, expected_version)
        siblings = list(
            PlanHeading.objects.filter(plan=plan, parent_id=heading.parent_id).order_by(
                "position", "pk"
            )
        )
        _swap(siblings, heading.pk, direction)
        PlanHeading.objects.bulk_update(siblings, ["position"])
        before = heading.number
        renumber(plan)
        heading.refresh_from_db()
        journal_plan(
            plan,
            actor=actor,
            action="heading_move",
            data={"heading": heading.pk, "before": before, "after": heading.number},
        )
    return heading


def _swap(items: list[Any], pk: int, direction: str) -> None:
    """Move the item `pk` one place up or down in `items` and number their positions."""
    index = next(i for i, item in enumerate(items) if item.pk == pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        message = "Đã ở đầu danh sách." if direction == "up" else "Đã ở cuối danh sách."
        raise ValidationFailed(message, fields={"direction": message})
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position


def heading_delete(
    *, heading: PlanHeading, actor: Any, expected_version: int | None = None
) -> None:
    """Only an empty heading is deleted: its files and sub-headings are moved or deleted
    first, so nothing disappears with it unseen."""
    plan = heading.plan
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        if heading.files.exists() or heading.children.exists():
            message = (
                "Đề mục còn hồ sơ hoặc đề mục con: chuyển hoặc xóa chúng trước khi xóa đề mục."
            )
            raise ValidationFailed(message, fields={"heading": message})
        data = {"heading": heading.pk, "number": heading.number, "title": heading.title}
        heading.delete()
        renumber(plan)
        journal_plan(plan, actor=actor, action="heading_delete", data=data)


# --- planned files ------------------------------------------------------------------------


def planned_file_add(
    *, plan: FilePlan, data: PlannedFileInput, actor: Any, expected_version: int | None = None
) -> PlannedFile:
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        checked = _check_file(data, plan=plan)
        planned = PlannedFile(plan=plan, position=0)
        _apply(planned, checked)
        planned.position = _next_position(PlannedFile.objects.filter(heading=checked.heading))
        planned.save()
        journal_plan(
            plan, actor=actor, action="file_add", data={"file": planned.pk, **_file_data(planned)}
        )
    return planned


def _apply(planned: PlannedFile, checked: CheckedFile) -> None:
    planned.heading = checked.heading
    planned.notation = checked.notation
    planned.title = checked.title
    planned.permanent = checked.permanent
    planned.retention_years = checked.retention_years
    planned.unit = checked.unit
    planned.person_in_charge = checked.person
    planned.person_in_charge_name = checked.person_name
    planned.note = checked.note
    planned.capital_construction = checked.capital_construction


def planned_file_update(
    *,
    planned: PlannedFile,
    data: PlannedFileInput,
    actor: Any,
    expected_version: int | None = None,
) -> PlannedFile:
    plan = planned.plan
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        checked = _check_file(data, plan=plan, exclude_pk=planned.pk)
        before = _file_data(planned)
        moved = checked.heading.pk != planned.heading_id
        _apply(planned, checked)
        if moved:
            planned.position = _next_position(PlannedFile.objects.filter(heading=checked.heading))
        planned.save()
        journal_plan(
            plan,
            actor=actor,
            action="file_update",
            data={"file": planned.pk, "before": before, "after": _file_data(planned)},
        )
    return planned


def planned_file_move(
    *,
    planned: PlannedFile,
    actor: Any,
    direction: str = "",
    heading_id: int | None = None,
    expected_version: int | None = None,
) -> PlannedFile:
    """Up or down under its heading, or to the end of another heading of the plan."""
    plan = planned.plan
    require_editor(actor, plan)
    if not heading_id and direction not in {"up", "down"}:
        raise ValidationFailed(INVALID, fields={"direction": "Chọn lên, xuống hoặc đề mục."})
    with transaction.atomic():
        bump_plan(plan, expected_version)
        before = {"heading": planned.heading_id, "position": planned.position}
        if heading_id:
            heading = PlanHeading.objects.filter(pk=heading_id, plan=plan).first()
            if heading is None:
                raise ValidationFailed(
                    INVALID, fields={"heading": "Chọn một đề mục của danh mục này."}
                )
            planned.heading = heading
            planned.position = _next_position(PlannedFile.objects.filter(heading=heading))
            planned.save(update_fields=["heading", "position"])
        else:
            siblings = list(
                PlannedFile.objects.filter(heading_id=planned.heading_id).order_by("position", "pk")
            )
            _swap(siblings, planned.pk, direction)
            PlannedFile.objects.bulk_update(siblings, ["position"])
            planned.refresh_from_db()
        journal_plan(
            plan,
            actor=actor,
            action="file_move",
            data={
                "file": planned.pk,
                "notation": planned.notation,
                "before": before,
                "after": {"heading": planned.heading_id, "position": planned.position},
            },
        )
    return planned


def planned_file_delete(
    *, planned: PlannedFile, actor: Any, expected_version: int | None = None
) -> None:
    plan = planned.plan
    require_editor(actor, plan)
    with transaction.atomic():
        bump_plan(plan, expected_version)
        if planned.case_files.exists():
            message = "Đã có hồ sơ được lập theo mục này: không xóa được."
            raise ValidationFailed(message, fields={"file": message})
        data = {"file": planned.pk, **_file_data(planned)}
        planned.delete()
        journal_plan(plan, actor=actor, action="file_delete", data=data)


# --- reading the plan in order -------------------------------------------------------------


@dataclass(frozen=True)
class OutlineHeading:
    heading: PlanHeading
    files: tuple[PlannedFile, ...]
    children: tuple[OutlineHeading, ...] = ()

    @property
    def is_top(self) -> bool:
        return self.heading.parent_id is None


@dataclass(frozen=True)
class OutlineRow:
    kind: str  # "heading", "subheading" or "file"
    heading: PlanHeading | None = None
    file: PlannedFile | None = None


@dataclass(frozen=True)
class PlanOutline:
    plan: FilePlan
    headings: tuple[OutlineHeading, ...]

    def rows(self) -> list[OutlineRow]:
        """The plan as printed: each heading, its files, then its sub-headings and theirs."""
        out: list[OutlineRow] = []
        for top in self.headings:
            out.append(OutlineRow(kind="heading", heading=top.heading))
            out.extend(OutlineRow(kind="file", file=f) for f in top.files)
            for child in top.children:
                out.append(OutlineRow(kind="subheading", heading=child.heading))
                out.extend(OutlineRow(kind="file", file=f) for f in child.files)
        return out

    def files(self) -> list[PlannedFile]:
        return [row.file for row in self.rows() if row.file is not None]

    @property
    def total(self) -> int:
        return len(self.files())

    @property
    def permanent(self) -> int:
        return sum(1 for f in self.files() if f.permanent)

    @property
    def limited(self) -> int:
        return self.total - self.permanent

    def all_headings(self) -> list[PlanHeading]:
        out: list[PlanHeading] = []
        for top in self.headings:
            out.append(top.heading)
            out.extend(child.heading for child in top.children)
        return out


def plan_outline(plan: FilePlan) -> PlanOutline:
    """The plan's headings and files in order, in two queries."""
    headings = list(PlanHeading.objects.filter(plan=plan).order_by("position", "pk"))
    files = list(
        PlannedFile.objects.filter(plan=plan)
        .select_related("unit", "person_in_charge")
        .order_by("position", "pk")
    )
    by_heading: dict[int, list[PlannedFile]] = {}
    for item in files:
        by_heading.setdefault(item.heading_id, []).append(item)
    tops: list[OutlineHeading] = []
    for top in (h for h in headings if h.parent_id is None):
        children = tuple(
            OutlineHeading(heading=h, files=tuple(by_heading.get(h.pk, ())))
            for h in headings
            if h.parent_id == top.pk
        )
        tops.append(
            OutlineHeading(heading=top, files=tuple(by_heading.get(top.pk, ())), children=children)
        )
    return PlanOutline(plan=plan, headings=tuple(tops))


def previous_plan(agency_id: int, year: int) -> FilePlan | None:
    """The agency's latest plan before `year` (what "copy last year's" copies)."""
    return FilePlan.objects.filter(agency_id=agency_id, year__lt=year).order_by("-year").first()
