"""The report "Tình hình giải quyết văn bản đi" (NĐ 30 Phụ lục VI mục V): for the drafts
created in a period and submitted, per drafting unit and per drafter, how many are in review,
returned for revision, signed and waiting to be issued, issued (and of those issued after the
day they were due, and revoked since), with the average number of days from submission to
issue. Counted inside the database: one GROUP BY query (unit, drafter) with conditional
counts.

A draft never submitted is its drafter's own work and is not counted. The submitted ones are
read through outgoing.access, so that each number matches the list behind it (the
drill-down), and the clerks and the leaders read the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound
from govdoc.incoming.selectors import start_of_day
from govdoc.organizations.access import led_unit_ids, roles_in, unit_subtree_ids
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.access import AGENCY_WIDE_ROLES, visible_drafts
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.workflow import DraftStatus, OutgoingStatus
from govdoc.reports.count_lines import CountLine, CountTables, report_lines
from govdoc.reports.handling_scope import HandlingScope

TITLE = "TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI"

CREATED = "du-thao"
IN_REVIEW = "dang-duyet"
RETURNED = "tra-lai"
SIGNED = "da-ky"
ISSUED = "phat-hanh"
LATE = "phat-hanh-tre"
REVOKED = "thu-hoi"
# The measures of the report, in the order of its columns (slug → Vietnamese heading).
MEASURES: dict[str, str] = {
    CREATED: "Dự thảo đã trình",
    IN_REVIEW: "Đang trình duyệt",
    RETURNED: "Bị trả lại để sửa",
    SIGNED: "Đã ký, chờ phát hành",
    ISSUED: "Đã phát hành",
    LATE: "Phát hành trễ hạn",
    REVOKED: "Đã thu hồi",
}
AVERAGE_HEADING = "Số ngày trung bình từ trình đến phát hành"
COUNT_COLUMNS: tuple[str, ...] = (*MEASURES.values(), AVERAGE_HEADING)

_WAIT = ExpressionWrapper(
    F("outgoing__issued_at") - F("submitted_at"), output_field=DurationField()
)
_WAITED = Q(status=DraftStatus.ISSUED, submitted_at__isnull=False)
DAY_SECONDS = 86400.0


def measure_condition(measure: str) -> Q:
    """The condition of one measure on the drafts of the period, as of now."""
    if measure == IN_REVIEW:
        return Q(status__in=[DraftStatus.IN_REVIEW, DraftStatus.APPROVED])
    if measure == RETURNED:
        return Q(status=DraftStatus.RETURNED)
    if measure == SIGNED:
        return Q(status__in=[DraftStatus.SIGNED, DraftStatus.NUMBERED])
    if measure == ISSUED:
        return Q(status=DraftStatus.ISSUED)
    if measure == LATE:
        # Issued after the day it was due (the working day after signing), in local days.
        return Q(status=DraftStatus.ISSUED, outgoing__issued_at__date__gt=F("issue_due"))
    if measure == REVOKED:
        return Q(status=DraftStatus.ISSUED, outgoing__status=OutgoingStatus.REVOKED)
    return Q()


@dataclass(frozen=True)
class OutgoingCounts:
    created: int = 0
    in_review: int = 0
    returned: int = 0
    signed: int = 0
    issued: int = 0
    late: int = 0
    revoked: int = 0
    waited_days: float = 0.0
    """Sum over the issued drafts of the days from submission to issue."""
    waited_count: int = 0

    @property
    def average_days(self) -> float | None:
        if not self.waited_count:
            return None
        return self.waited_days / self.waited_count

    @property
    def average_text(self) -> str:
        average = self.average_days
        if average is None:
            return "—"
        return f"{average:.1f}".replace(".", ",")

    @property
    def summary_text(self) -> str:
        """The last column of the report's tables: the average days to issue."""
        return self.average_text

    def value(self, measure: str) -> int:
        return {
            CREATED: self.created,
            IN_REVIEW: self.in_review,
            RETURNED: self.returned,
            SIGNED: self.signed,
            ISSUED: self.issued,
            LATE: self.late,
            REVOKED: self.revoked,
        }[measure]

    def measures(self) -> tuple[tuple[str, int], ...]:
        """(slug, value) in the order of the columns, for links to the drill-down."""
        return tuple((slug, self.value(slug)) for slug in MEASURES)

    def __add__(self, other: OutgoingCounts) -> OutgoingCounts:
        return OutgoingCounts(
            created=self.created + other.created,
            in_review=self.in_review + other.in_review,
            returned=self.returned + other.returned,
            signed=self.signed + other.signed,
            issued=self.issued + other.issued,
            late=self.late + other.late,
            revoked=self.revoked + other.revoked,
            waited_days=self.waited_days + other.waited_days,
            waited_count=self.waited_count + other.waited_count,
        )


# One line of a table: a drafting unit (person_id None) or a drafter (with their unit).
OutgoingLine = CountLine[OutgoingCounts]


@dataclass(frozen=True)
class OutgoingReport(CountTables[OutgoingCounts]):
    agency_id: int
    agency_name: str
    parent_agency_name: str
    scope_label: str
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    units: tuple[OutgoingLine, ...]
    people: tuple[OutgoingLine, ...]
    unit_ids: tuple[int, ...] | None = None

    @property
    def title(self) -> str:
        return TITLE

    @property
    def period_text(self) -> str:
        return f"Dự thảo tạo từ ngày {vn_date(self.date_from)} đến ngày {vn_date(self.date_to)}"

    @property
    def as_of_text(self) -> str:
        return f"Tình trạng tính đến ngày {vn_date(self.today)}"

    @property
    def unit_total(self) -> OutgoingCounts:
        return sum((line.counts for line in self.units), OutgoingCounts())

    @property
    def file_stem(self) -> str:
        return f"tinh-hinh-van-ban-di_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}"


def outgoing_scope(actor: Any, agency_id: int | None) -> HandlingScope:
    """Clerks and agency leaders read the whole agency's drafting; unit leaders their units'
    (and the units below them); others nothing (NotFound)."""
    if agency_id is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    if roles_in(actor, agency_id) & AGENCY_WIDE_ROLES:
        return HandlingScope(agency_id=agency_id, unit_ids=None)
    ids: set[int] = set()
    for unit in Unit.objects.filter(pk__in=led_unit_ids(actor, agency_id), agency_id=agency_id):
        ids.update(unit_subtree_ids(unit))
    if not ids:
        raise NotFound()
    return HandlingScope(agency_id=agency_id, unit_ids=tuple(sorted(ids)))


def can_read_outgoing_report(actor: Any, agency_id: int | None) -> bool:
    try:
        outgoing_scope(actor, agency_id)
    except NotFound:
        return False
    return True


def _drafts(
    actor: Any, scope: HandlingScope, date_from: dt.date, date_to: dt.date
) -> QuerySet[Draft]:
    """The drafts created in the period and submitted that the actor sees, in their scope
    (no ordering: it would join the GROUP BY)."""
    start, end = start_of_day(date_from), start_of_day(date_to + dt.timedelta(days=1))
    drafts = visible_drafts(actor, scope.agency_id).filter(
        created_at__gte=start, created_at__lt=end, submitted_at__isnull=False
    )
    if scope.unit_ids is not None:
        drafts = drafts.filter(drafting_unit_id__in=scope.unit_ids)
    return drafts.order_by()


def _aggregates() -> dict[str, Any]:
    counts: dict[str, Any] = {
        slug.replace("-", "_"): Count("pk", filter=measure_condition(slug) or None)
        for slug in MEASURES
    }
    counts["waited"] = Sum(_WAIT, filter=_WAITED)
    counts["waited_count"] = Count("pk", filter=_WAITED)
    return counts


def _counts(row: Any) -> OutgoingCounts:
    waited: dt.timedelta | None = row["waited"]
    return OutgoingCounts(
        created=int(row["du_thao"]),
        in_review=int(row["dang_duyet"]),
        returned=int(row["tra_lai"]),
        signed=int(row["da_ky"]),
        issued=int(row["phat_hanh"]),
        late=int(row["phat_hanh_tre"]),
        revoked=int(row["thu_hoi"]),
        waited_days=waited.total_seconds() / DAY_SECONDS if waited is not None else 0.0,
        waited_count=int(row["waited_count"]),
    )


def draft_counts(
    *, actor: Any, scope: HandlingScope, date_from: dt.date, date_to: dt.date
) -> tuple[dict[int, OutgoingCounts], dict[int, OutgoingCounts]]:
    """One GROUP BY (drafting unit, drafter) query: the counts of each unit, and of each
    drafter (over every unit they drafted for)."""
    rows = (
        _drafts(actor, scope, date_from, date_to)
        .values("drafting_unit_id", "drafter_id")
        .annotate(**_aggregates())
    )
    by_unit: dict[int, OutgoingCounts] = {}
    by_person: dict[int, OutgoingCounts] = {}
    for row in rows:
        counts = _counts(row)
        unit_id, person_id = int(row["drafting_unit_id"]), int(row["drafter_id"])
        by_unit[unit_id] = by_unit.get(unit_id, OutgoingCounts()) + counts
        by_person[person_id] = by_person.get(person_id, OutgoingCounts()) + counts
    return by_unit, by_person


def outgoing_report(
    *,
    actor: Any,
    agency: Agency,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
) -> OutgoingReport:
    """The report for the actor's scope (NotFound for those who may not read it)."""
    scope = outgoing_scope(actor, agency.pk)
    by_unit, by_person = draft_counts(
        actor=actor, scope=scope, date_from=date_from, date_to=date_to
    )
    lines = report_lines(scope, by_unit, by_person, OutgoingCounts())
    parent = agency.parent
    return OutgoingReport(
        agency_id=agency.pk,
        agency_name=agency.name,
        parent_agency_name=parent.name if parent is not None else "",
        scope_label=lines.scope_label,
        date_from=date_from,
        date_to=date_to,
        today=today or timezone.localdate(),
        units=lines.units,
        people=lines.people,
        unit_ids=scope.unit_ids,
    )


# -- the drill-down ------------------------------------------------------------------------


def outgoing_drafts(
    *,
    actor: Any,
    agency_id: int | None,
    date_from: dt.date,
    date_to: dt.date,
    measure: str = CREATED,
    unit_id: int | None = None,
    person_id: int | None = None,
) -> QuerySet[Draft]:
    """The drafts behind one number of the report: a unit's, a drafter's, or every unit's.
    NotFound for a measure, unit or person outside the actor's scope."""
    if measure not in MEASURES:
        raise NotFound()
    scope = outgoing_scope(actor, agency_id)
    drafts = _drafts(actor, scope, date_from, date_to).filter(measure_condition(measure))
    if unit_id is not None:
        allowed = scope.unit_ids is None or unit_id in scope.unit_ids
        if not allowed or not Unit.objects.filter(pk=unit_id, agency_id=scope.agency_id).exists():
            raise NotFound()
        drafts = drafts.filter(drafting_unit_id=unit_id)
    if person_id is not None:
        if not User.objects.filter(pk=person_id, agency_id=scope.agency_id).exists():
            raise NotFound()
        drafts = drafts.filter(drafter_id=person_id)
    return drafts.select_related(
        "document_type", "drafting_unit", "drafter", "outgoing__document"
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class OutgoingListRow:
    draft_id: int
    url: str
    code: str
    type_name: str
    subject: str
    priority: int
    priority_label: str
    drafter: str
    unit: str
    status_label: str
    created_on: dt.date
    issued_on: dt.date | None
    issue_due: dt.date | None
    late: bool
    revoked: bool
    wait_days: float | None

    @property
    def created_text(self) -> str:
        return vn_date(self.created_on)

    @property
    def issued_text(self) -> str:
        return vn_date(self.issued_on)

    @property
    def wait_text(self) -> str:
        return "" if self.wait_days is None else f"{self.wait_days:.1f}".replace(".", ",")


def _outgoing(draft: Draft) -> OutgoingDocument | None:
    try:
        return draft.outgoing
    except OutgoingDocument.DoesNotExist:
        return None


def outgoing_list_row(draft: Draft) -> OutgoingListRow:
    outgoing = _outgoing(draft)
    issued_at = outgoing.issued_at if outgoing is not None else None
    issued_on = timezone.localdate(issued_at) if issued_at is not None else None
    wait = None
    if issued_at is not None and draft.submitted_at is not None:
        wait = (issued_at - draft.submitted_at).total_seconds() / DAY_SECONDS
    if outgoing is not None and issued_at is not None:
        url = reverse("outgoing:issued_detail", args=[outgoing.pk])
    else:
        url = reverse("outgoing:draft_detail", args=[draft.pk])
    return OutgoingListRow(
        draft_id=draft.pk,
        url=url,
        code=outgoing.document.code if outgoing is not None else "",
        type_name=draft.document_type.name,
        subject=draft.subject,
        priority=int(draft.priority),
        priority_label=draft.get_priority_display() if draft.priority else "",
        drafter=getattr(draft.drafter, "display_name", "") or draft.drafter.get_username(),
        unit=draft.drafting_unit.name,
        status_label=DraftStatus(draft.status).label,
        created_on=timezone.localdate(draft.created_at),
        issued_on=issued_on,
        issue_due=draft.issue_due,
        late=bool(issued_on and draft.issue_due and issued_on > draft.issue_due),
        revoked=outgoing is not None and outgoing.status == OutgoingStatus.REVOKED,
        wait_days=wait,
    )
