"""Appraisal and destruction of files whose retention has ended (NĐ 30 Điều 28; DOMAIN §4.3:
"never silent"): the archivist lists the files due, proposes a decision with a council of at
least two people of the agency; each member gives their opinion once (one disagreement
rejects it); once all agree the head approves or refuses it; the archivist then carries it
out: each file becomes "Đã hủy", its metadata and the list of its documents are written into
the decision (kept for ever), the documents' content is purged — every copy of it this agency
kept (`purge`), unless a document is still in a file that lives on — and the bytes leave the
storage once nothing refers to them.

Held files are refused at every step that touches them (proposal and execution)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.db import lock_for_transaction
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from govdoc.notifications.services import notify
from govdoc.organizations.access import has_role
from govdoc.organizations.models import User
from govdoc.organizations.roles import Role
from govdoc.organizations.selectors import agency_people_with_role
from govdoc.records.access import is_archivist
from govdoc.records.models import (
    CaseFile,
    CaseFileHistory,
    CaseFileItem,
    DisposalDecision,
    DisposalItem,
    DisposalMember,
    DisposalVote,
)
from govdoc.records.services.common import bump_version, clean, file_history, file_history_rows
from govdoc.records.services.purge import Purge, purge_content
from govdoc.records.workflow import (
    DisposalStatus,
    FileStatus,
    next_disposal_status,
    next_file_status,
)

TITLE_MAX = 500
REASON_MAX = 2000
NOTE_MAX = 1000
MIN_MEMBERS = 2
# A file sits in at most one decision that is still to be carried out.
PENDING = (DisposalStatus.PROPOSED, DisposalStatus.REVIEWED, DisposalStatus.APPROVED)
APPRAISABLE = (FileStatus.CLOSED, FileStatus.ARCHIVED)
PERMANENT = "Hồ sơ bảo quản vĩnh viễn không được hủy."
STALE = "Quyết định vừa được người khác thay đổi, vui lòng tải lại trang."


# -- when the retention ends -----------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def work_end(case_file: CaseFile) -> dt.date | None:
    """When the work ended: the date recorded at closing, else the last document's date."""
    return case_file.work_ended_on or case_file.end_date


def retention_ends_on(case_file: CaseFile) -> dt.date | None:
    """The day the retention ends (None: permanent, or the end of the work unknown)."""
    ended = work_end(case_file)
    if case_file.permanent or case_file.retention_years is None or ended is None:
        return None
    return add_years(ended, case_file.retention_years)


def _first_not_due(today: dt.date, years: int) -> dt.date:
    """The earliest end of work whose retention of `years` has not ended by `today`: a file
    is due when it ended before this day (end + years < today)."""
    day = dt.date(today.year - years, today.month, min(today.day, 28)) - dt.timedelta(days=3)
    while add_years(day, years) < today:
        day += dt.timedelta(days=1)
    return day


def _due_condition(years: Sequence[int], today: dt.date) -> Q | None:
    parts = []
    for n in sorted(set(years)):
        limit = _first_not_due(today, n)
        parts.append(
            Q(retention_years=n)
            & (
                Q(work_ended_on__lt=limit)
                | Q(work_ended_on__isnull=True, end_date__isnull=False, end_date__lt=limit)
            )
        )
    return reduce(or_, parts) if parts else None


def files_due_for_appraisal(agency_id: int, today: dt.date | None = None) -> QuerySet[CaseFile]:
    """Closed or archived files of the agency, not permanent, not held, in no decision still
    to be carried out, whose retention has ended before `today`."""
    day = today or timezone.localdate()
    candidates = (
        CaseFile.objects.filter(
            agency_id=agency_id,
            status__in=APPRAISABLE,
            permanent=False,
            on_hold=False,
            retention_years__isnull=False,
        )
        .exclude(disposals__decision__status__in=PENDING)
        .distinct()
    )
    years = list(candidates.values_list("retention_years", flat=True).distinct())
    condition = _due_condition([int(n) for n in years if n is not None], day)
    if condition is None:
        return CaseFile.objects.none()
    return candidates.filter(condition)


# -- who sees and does what ------------------------------------------------------------------


def may_appraise(actor: Any, agency_id: int | None) -> bool:
    """The archivist proposes and carries out; the head sees what is due too."""
    return agency_id is not None and (
        is_archivist(actor, agency_id) or has_role(actor, agency_id, Role.AGENCY_LEADER)
    )


def visible_decisions(actor: Any, agency_id: int | None) -> QuerySet[DisposalDecision]:
    """The archivist, the head and the administrator see every decision of the agency; a
    council member the decisions they sit on."""
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        return DisposalDecision.objects.none()
    decisions = DisposalDecision.objects.filter(agency_id=agency_id)
    if has_role(actor, agency_id, Role.ARCHIVIST, Role.AGENCY_LEADER, Role.ADMIN):
        return decisions
    return decisions.filter(members__member_id=actor.pk).distinct()


def decision_for(actor: Any, agency_id: int | None, decision_id: int) -> DisposalDecision:
    found = visible_decisions(actor, agency_id).filter(pk=decision_id).first()
    if found is None:
        raise NotFound()
    return found


# -- problems of a file ----------------------------------------------------------------------


def file_problem(case_file: CaseFile, today: dt.date) -> str:
    """Why this file may not be destroyed now ("" when it may)."""
    if case_file.permanent:
        return PERMANENT
    if case_file.on_hold:
        return "Hồ sơ đang bị phong tỏa: không hủy được."
    if case_file.status == FileStatus.OPEN:
        return "Hồ sơ đang lập, chưa kết thúc: không hủy được."
    if next_file_status(case_file.status, "destroy") is None:
        return f"Hồ sơ đang ở trạng thái “{FileStatus(case_file.status).label}”: không hủy được."
    ends = retention_ends_on(case_file)
    if ends is None:
        return "Chưa xác định được ngày kết thúc công việc: chưa tính được thời hạn bảo quản."
    if not ends < today:
        return f"Hồ sơ chưa hết thời hạn bảo quản (đến {ends:%d/%m/%Y})."
    return ""


def _problems(files: Sequence[CaseFile], today: dt.date) -> list[str]:
    return [
        f"{case_file.code}: {problem}"
        for case_file in files
        if (problem := file_problem(case_file, today))
    ]


# -- proposing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalInput:
    title: str
    reason: str
    case_file_ids: Sequence[int]
    member_ids: Sequence[int]


def _url(decision: DisposalDecision) -> str:
    return reverse("records:disposal_detail", args=[decision.pk])


def disposal_propose(*, actor: Any, data: ProposalInput) -> DisposalDecision:
    """The archivist proposes to destroy files whose retention has ended, naming the council
    that appraises them (at least two people of the agency)."""
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is None or not is_archivist(actor, agency_id):
        raise Forbidden("Chỉ lưu trữ cơ quan được đề nghị hủy hồ sơ.")
    errors: dict[str, str] = {}
    title, reason = clean(data.title), clean(data.reason)
    if not title:
        errors["title"] = "Vui lòng nhập tên quyết định."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Tên quyết định tối đa {TITLE_MAX} ký tự."
    if not reason:
        errors["reason"] = "Vui lòng ghi căn cứ, lý do hủy."
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Căn cứ, lý do tối đa {REASON_MAX} ký tự."
    wanted = sorted({int(i) for i in data.case_file_ids})
    if not wanted:
        errors["files"] = "Vui lòng chọn hồ sơ đề nghị hủy."
    member_ids = sorted({int(i) for i in data.member_ids})
    members = list(
        User.objects.filter(pk__in=member_ids, agency_id=agency_id, is_active=True).order_by(
            "full_name", "pk"
        )
    )
    if len(members) != len(member_ids):
        errors["members"] = "Có thành viên hội đồng không thuộc cơ quan."
    elif len(members) < MIN_MEMBERS:
        errors["members"] = f"Hội đồng cần ít nhất {MIN_MEMBERS} thành viên."
    if errors:
        raise ValidationFailed("Đề nghị hủy chưa hợp lệ.", fields=errors)
    today = timezone.localdate()
    with transaction.atomic():
        files = list(
            CaseFile.objects.select_for_update()
            .filter(pk__in=wanted, agency_id=agency_id)
            .order_by("year", "notation", "pk")
        )
        if len(files) != len(wanted):
            message = "Có hồ sơ không tìm thấy."
            raise ValidationFailed(message, fields={"files": message})
        problems = _problems(files, today)
        pending = dict(
            DisposalItem.objects.filter(
                case_file_id__in=wanted, decision__status__in=PENDING
            ).values_list("case_file__code", "decision__number")
        )
        problems += [
            f"{code}: Hồ sơ đã có trong quyết định hủy số {number} đang chờ thực hiện."
            for code, number in pending.items()
        ]
        if problems:
            message = " ".join(problems)
            raise ValidationFailed(message, fields={"files": message})
        year = today.year
        lock_for_transaction(f"records-disposal:{agency_id}:{year}")
        number = (
            DisposalDecision.objects.filter(agency_id=agency_id, year=year).aggregate(
                last=Max("number")
            )["last"]
            or 0
        ) + 1
        decision = DisposalDecision.objects.create(
            agency_id=agency_id,
            year=year,
            number=number,
            title=title,
            reason=reason,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        DisposalItem.objects.bulk_create(
            [DisposalItem(decision=decision, case_file=case_file) for case_file in files]
        )
        DisposalMember.objects.bulk_create(
            [DisposalMember(decision=decision, member=member) for member in members]
        )
        file_history_rows(
            [f.pk for f in files],
            actor=actor,
            action="disposal_propose",
            note=f"Đề nghị hủy, quyết định số {number}/{year}",
            data={"decision": decision.pk},
        )
        audit_record(
            actor=actor,
            action="records.disposal_propose",
            target=decision,
            agency_id=agency_id,
            data={"files": [f.code for f in files], "members": [m.pk for m in members]},
        )
        notify(
            recipients=members,
            kind="records.disposal_review",
            title=f"Thẩm định đề nghị hủy {len(files)} hồ sơ (số {number}/{year})",
            body=title[:500],
            url=_url(decision),
            agency_id=agency_id,
        )
    return decision


# -- the decision's steps --------------------------------------------------------------------


def _locked(decision: DisposalDecision) -> DisposalDecision:
    return DisposalDecision.objects.select_for_update().get(pk=decision.pk)


def _move(decision: DisposalDecision, action: str, **changes: Any) -> tuple[str, str]:
    """Compare-and-set the decision's status through the transition table."""
    target = next_disposal_status(decision.status, action)
    if target is None:
        raise InvalidTransition(
            f"Quyết định đang ở trạng thái “{DisposalStatus(decision.status).label}”: "
            "không thực hiện được thao tác này."
        )
    updated = DisposalDecision.objects.filter(pk=decision.pk, status=decision.status).update(
        status=target, **changes
    )
    if updated != 1:
        raise Conflict(STALE)
    before = decision.status
    decision.status = target
    for key, value in changes.items():
        setattr(decision, key, value)
    return before, target


def _file_ids(decision: DisposalDecision) -> list[int]:
    return list(decision.items.order_by("pk").values_list("case_file_id", flat=True))


def _leaders(agency_id: int) -> QuerySet[User]:
    return agency_people_with_role(agency_id, Role.AGENCY_LEADER)


def disposal_vote(
    *, decision: DisposalDecision, actor: Any, agree: bool, note: str = ""
) -> DisposalVote:
    """A council member's opinion, once: a disagreement (with its note) rejects the decision;
    the last agreement sends it to the head."""
    text = clean(note)
    if not agree and not text:
        raise ValidationFailed(
            "Vui lòng ghi ý kiến khi không đồng ý.", fields={"note": "Vui lòng ghi ý kiến."}
        )
    if len(text) > NOTE_MAX:
        raise ValidationFailed("Ý kiến quá dài.", fields={"note": f"Tối đa {NOTE_MAX} ký tự."})
    with transaction.atomic():
        current = _locked(decision)
        if not DisposalMember.objects.filter(decision=current, member_id=actor.pk).exists():
            raise Forbidden("Chỉ thành viên hội đồng được cho ý kiến về quyết định này.")
        if DisposalVote.objects.filter(decision=current, member_id=actor.pk).exists():
            raise Conflict("Bạn đã cho ý kiến về quyết định này.")
        if current.status != DisposalStatus.PROPOSED:
            raise InvalidTransition(
                f"Quyết định đang ở trạng thái “{DisposalStatus(current.status).label}”: "
                "không cho ý kiến được nữa."
            )
        vote = DisposalVote.objects.create(
            decision=current, member=actor, agree=agree, note=text, at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="records.disposal_vote",
            target=current,
            agency_id=current.agency_id,
            data={"agree": agree, "note": text},
        )
        label = f"quyết định hủy số {current.number}/{current.year}"
        if not agree:
            before, after = _move(current, "council_refuse", **_refusal(actor, text))
            file_history_rows(
                _file_ids(current),
                actor=actor,
                action="disposal_rejected",
                note=f"Hội đồng không đồng ý {label}: {text}",
                data={"decision": current.pk},
            )
            audit_record(
                actor=actor,
                action="records.disposal_reject",
                target=current,
                agency_id=current.agency_id,
                data={"from": before, "to": after, "by": "council", "note": text},
            )
            notify(
                recipients=[current.proposed_by],
                kind="records.disposal_rejected",
                title=f"Hội đồng không đồng ý {label}",
                body=text[:500],
                url=_url(current),
                agency_id=current.agency_id,
            )
        elif current.votes.filter(agree=True).count() == current.members.count():
            before, after = _move(current, "reviewed")
            audit_record(
                actor=actor,
                action="records.disposal_reviewed",
                target=current,
                agency_id=current.agency_id,
                data={"from": before, "to": after},
            )
            notify(
                recipients=_leaders(current.agency_id),
                kind="records.disposal_approve",
                title=f"Hội đồng đã đồng ý {label}: chờ phê duyệt",
                body=current.title[:500],
                url=_url(current),
                agency_id=current.agency_id,
            )
    return vote


def _refusal(actor: Any, note: str) -> dict[str, Any]:
    """What a refusal writes on the decision: who, when, why (kept for ever)."""
    return {"refused_by": actor, "refused_at": timezone.now(), "refusal_note": note}


REFUSAL_REASON = "Vui lòng ghi lý do không phê duyệt."


def disposal_decide(
    *, decision: DisposalDecision, actor: Any, approve: bool, note: str = ""
) -> DisposalDecision:
    """The head approves the decision the council agreed to, or refuses it with a reason
    (required: a refusal without one is refused and changes nothing)."""
    text = clean(note)
    if not approve and not text:
        raise ValidationFailed(
            REFUSAL_REASON, fields={"note": "Vui lòng ghi lý do không phê duyệt quyết định hủy."}
        )
    if len(text) > NOTE_MAX:
        raise ValidationFailed("Ý kiến quá dài.", fields={"note": f"Tối đa {NOTE_MAX} ký tự."})
    with transaction.atomic():
        current = _locked(decision)
        if not has_role(actor, current.agency_id, Role.AGENCY_LEADER):
            raise Forbidden("Chỉ lãnh đạo cơ quan được phê duyệt quyết định hủy.")
        label = f"quyết định hủy số {current.number}/{current.year}"
        if approve:
            before, after = _move(current, "approve", approved_by=actor, approved_at=timezone.now())
        else:
            before, after = _move(current, "head_refuse", **_refusal(actor, text))
            file_history_rows(
                _file_ids(current),
                actor=actor,
                action="disposal_rejected",
                note=f"Lãnh đạo không phê duyệt {label}: {text}",
                data={"decision": current.pk},
            )
        audit_record(
            actor=actor,
            action="records.disposal_approve" if approve else "records.disposal_reject",
            target=current,
            agency_id=current.agency_id,
            data={"from": before, "to": after, "by": "head", "note": text},
        )
        notify(
            recipients=[current.proposed_by],
            kind="records.disposal_decided",
            title=f"{'Đã phê duyệt' if approve else 'Không phê duyệt'} {label}",
            body=text[:500],
            url=_url(current),
            agency_id=current.agency_id,
        )
    return current


def rejection_note(decision: DisposalDecision) -> str:
    """Why the decision was rejected: the refusal's reason kept on the decision (for a
    decision refused before it was kept there: the disagreeing member's note, or the head's
    from the files' history)."""
    if decision.status != DisposalStatus.REJECTED:
        return ""
    if decision.refusal_note:
        return decision.refusal_note
    vote = decision.votes.filter(agree=False).first()
    if vote is not None:
        return vote.note
    row = (
        CaseFileHistory.objects.filter(
            case_file__disposals__decision=decision,
            action="disposal_rejected",
            data__decision=decision.pk,
        )
        .order_by("-at", "-pk")
        .first()
    )
    return row.note if row is not None else ""


# -- carrying it out -------------------------------------------------------------------------


def _summary(case_file: CaseFile) -> dict[str, Any]:
    """What remains of a destroyed file, for ever: its metadata and its documents' list."""

    def day(value: dt.date | dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    items = case_file.items.select_related("document", "document__document_type").order_by(
        "ordinal", "pk"
    )
    owner = case_file.owner
    return {
        "id": case_file.pk,
        "code": case_file.code,
        "year": case_file.year,
        "notation": case_file.notation,
        "title": case_file.title,
        "retention": case_file.retention,
        "retention_years": case_file.retention_years,
        "owner": str(owner.full_name or owner.username),
        "unit": case_file.unit.name if case_file.unit is not None else "",
        "start_date": day(case_file.start_date),
        "end_date": day(case_file.end_date),
        "work_ended_on": day(case_file.work_ended_on),
        "archived_at": day(case_file.archived_at),
        "status": case_file.status,
        "doc_total": case_file.doc_total,
        "page_total": case_file.page_total,
        "rights": case_file.rights,
        "language": case_file.language,
        "description": case_file.description,
        "documents": [
            {
                "ordinal": item.ordinal,
                "document_id": item.document_id,
                "type": item.document.document_type.name,
                "code": item.document.code,
                "issued_date": day(item.document.issued_date),
                "issuer": item.document.issuer_name,
                "subject": item.document.subject,
                "page_count": item.document.page_count,
            }
            for item in items
        ],
    }


def _purge(document_ids: Sequence[int]) -> Purge:
    """Purge the content of the documents no living file holds (`purge.purge_content`:
    every copy of it this agency kept, the metadata rows staying); the stored bytes leave
    the storage once nothing refers to them any more."""
    living = set(
        CaseFileItem.objects.filter(document_id__in=document_ids)
        .exclude(case_file__status=FileStatus.DESTROYED)
        .values_list("document_id", flat=True)
    )
    return purge_content(sorted(set(document_ids) - living))


def disposal_execute(*, decision: DisposalDecision, actor: Any) -> DisposalDecision:
    """The archivist carries out an approved decision: every file destroyed (refused as a
    whole if one of them is held or may not be destroyed any more)."""
    with transaction.atomic():
        current = _locked(decision)
        if not is_archivist(actor, current.agency_id):
            raise Forbidden("Chỉ lưu trữ cơ quan được thực hiện quyết định hủy.")
        if next_disposal_status(current.status, "execute") is None:
            raise InvalidTransition(
                f"Quyết định đang ở trạng thái “{DisposalStatus(current.status).label}”: "
                "chưa thực hiện được."
            )
        files = list(
            CaseFile.objects.select_for_update(of=("self",))
            .filter(pk__in=_file_ids(current))
            .select_related("owner", "unit")
            .order_by("year", "notation", "pk")
        )
        problems = _problems(files, timezone.localdate())
        if problems:
            raise InvalidTransition("Không thực hiện được quyết định hủy: " + " ".join(problems))
        summary = [_summary(case_file) for case_file in files]
        label = f"Hủy theo quyết định số {current.number}/{current.year}"
        for case_file in files:
            target = next_file_status(case_file.status, "destroy")
            assert target is not None
            before_file = case_file.status
            bump_version(case_file, status_was=before_file, status=target)
            file_history(
                case_file,
                actor=actor,
                action="destroy",
                from_status=before_file,
                to_status=target,
                note=label,
                data={"decision": current.pk},
            )
            audit_record(
                actor=actor,
                action="records.destroy",
                target=case_file,
                agency_id=case_file.agency_id,
                data={"code": case_file.code, "decision": current.pk},
            )
        document_ids = sorted(
            set(
                CaseFileItem.objects.filter(case_file__in=files).values_list(
                    "document_id", flat=True
                )
            )
        )
        purge = _purge(document_ids)
        before, after = _move(
            current,
            "execute",
            executed_by=actor,
            executed_at=timezone.now(),
            summary=summary,
        )
        audit_record(
            actor=actor,
            action="records.disposal_execute",
            target=current,
            agency_id=current.agency_id,
            data={
                "from": before,
                "to": after,
                "files": [f.code for f in files],
                "documents_purged": purge.documents,
                "document_files_deleted": purge.document_files,
                "stored_files_deleted": purge.stored_files,
                "references_purged": purge.references,
            },
        )
    return current
