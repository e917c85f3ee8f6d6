"""Deadline reminders, with time travel: N working days before (over a weekend and a
holiday), on the day, every working day after it; never for finished work or readers, never
twice for one day, never on a day off; by e-mail; and run once a day by the worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govdoc.assignments import reminders
from govdoc.assignments.models import Assignment
from govdoc.assignments.reminders import (
    KIND_DUE_SOON,
    KIND_DUE_TODAY,
    KIND_OVERDUE,
    KINDS,
    dedupe_key,
    reminders_send,
)
from govdoc.assignments.services import (
    AssigneeInput,
    assignment_cancel,
    assignment_complete,
    assignment_return,
    incoming_assign,
)
from govdoc.assignments.tasks import REMINDERS_JOB
from govdoc.assignments.workflow import AssignmentStatus, HandlingRole
from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input
from govdoc.core.calendar import is_working_day, reset_cache
from govdoc.core.models import CalendarDay, CalendarDayKind, PeriodicRun
from govdoc.core.periodic import PeriodicRegistry, registry, run_due_jobs
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.notifications.models import Notification
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db

HANOI = dt.timezone(dt.timedelta(hours=7))
D = dt.date
# Tuesday 05/01/2027. Two working days before it is Thursday 31/12/2026: Friday 01/01/2027
# (Tết Dương lịch) and the weekend of 02–03/01 are days off.
DEADLINE = D(2027, 1, 5)
TWO_DAYS_BEFORE = D(2026, 12, 31)


@pytest.fixture(autouse=True)
def _two_days_before(settings: Any) -> None:
    settings.GOVDOC_REMINDER_DAYS_BEFORE = 2


@pytest.fixture(autouse=True)
def _new_years_day(db: None) -> Iterator[None]:
    """Seeded by a migration; made sure of here because transactional tests flush tables."""
    CalendarDay.objects.get_or_create(
        date=D(2027, 1, 1), defaults={"name": "Tết Dương lịch", "kind": CalendarDayKind.HOLIDAY}
    )
    reset_cache()
    yield
    reset_cache()


def _reminders(**filters: Any) -> Any:
    return Notification.objects.filter(kind__in=KINDS, **filters)


def _sweep(time_machine: Any, day: dt.date) -> Any:
    """Travel to 07:30 of `day` and sweep, as the worker does."""
    time_machine.move_to(dt.datetime.combine(day, dt.time(7, 30), tzinfo=HANOI), tick=False)
    return reminders_send(day=day)


def _assign(
    incoming: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    *,
    due: dt.date = DEADLINE,
    follow_up: User | None = None,
) -> list[Assignment]:
    """Vụ Đất đai leads, the TCCB specialist supports, the administrator reads."""
    incoming_present(incoming=incoming, leader=team["leader"], actor=team["clerk"])
    return incoming_assign(
        incoming=incoming,
        instruction="Vụ Đất đai chủ trì, báo cáo trước hạn.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, unit_id=units["DD"].pk, due_date=due),
            AssigneeInput(role=HandlingRole.SUPPORT, person_id=team["stranger"].pk, due_date=due),
            AssigneeInput(role=HandlingRole.INFO, person_id=team["admin"].pk),
        ],
        actor=team["leader"],
        follow_up_id=follow_up.pk if follow_up is not None else None,
    )


def _register(
    team: dict[str, User], ministry: Agency, doc_type: DocumentType, number: int
) -> IncomingDocument:
    return incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, issued_date=D(2026, 11, 27), code_number=str(number)),
        actor=team["clerk"],
    )


def test_reminded_two_working_days_before_over_a_holiday_and_a_weekend(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given work due on Tuesday 05/01/2027, after New Year's Day and a weekend
    assert not is_working_day(D(2027, 1, 1))
    lead, support, _info = _assign(registered, team, units)
    # When the sweep runs every day from Tuesday 29/12 to Monday 04/01
    sweeps = {
        day: _sweep(time_machine, day)
        for day in (
            D(2026, 12, 29),
            D(2026, 12, 30),
            TWO_DAYS_BEFORE,
            *(D(2027, 1, d) for d in (1, 2, 3, 4)),
        )
    }
    # Then only Thursday 31/12 reminds: the unit's leader and the supporting specialist
    # (handlers) and the leader who assigned
    reminders = _reminders()
    assert {(n.recipient.username, n.kind) for n in reminders} == {
        ("truongphong", KIND_DUE_SOON),
        ("chuyenvien3", KIND_DUE_SOON),
        ("lanhdao", KIND_DUE_SOON),
    }
    assert {n.dedupe_key for n in reminders} == {
        dedupe_key(lead.pk, KIND_DUE_SOON, TWO_DAYS_BEFORE),
        dedupe_key(support.pk, KIND_DUE_SOON, TWO_DAYS_BEFORE),
    }
    assert all(n.created_at.date() == TWO_DAYS_BEFORE for n in reminders)
    mine = reminders.get(recipient=team["unit_head"])
    assert mine.title.startswith("Sắp đến hạn xử lý (05/01/2027): Về việc giao đất đai")
    assert "còn 2 ngày làm việc" in mine.body and "chủ trì" in mine.body
    assert mine.url == f"/van-ban-den/{registered.pk}/"
    assert mine.agency_id == registered.agency_id
    # the assigner hears about both assignments, each with who handles it
    theirs = sorted(n.body for n in reminders.filter(recipient=team["leader"]))
    assert len(theirs) == 2
    assert theirs[0].startswith("Giao cho Vũ Thị Khác Đơn Vị (phối hợp).")
    assert theirs[1].startswith("Giao cho Vụ Đất đai (chủ trì).")
    # and the days off were not swept at all
    assert [day for day, sweep in sweeps.items() if not sweep.working_day] == [
        D(2027, 1, 1),
        D(2027, 1, 2),
        D(2027, 1, 3),
    ]
    assert sweeps[TWO_DAYS_BEFORE].due_soon == 2
    assert sweeps[TWO_DAYS_BEFORE].notifications == 4


def test_reminded_on_the_day_then_when_late_and_every_five_working_days(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given work due on Tuesday 05/01/2027 that nobody finishes
    lead, _support, _info = _assign(registered, team, units)
    # When the sweep runs every day from the deadline to Wednesday 13/01
    days = [D(2027, 1, d) for d in range(5, 14)]
    for day in days:
        _sweep(time_machine, day)
    # Then the unit's leader is told on the day, the first working day late, and again five
    # working days later (Saturday 09 and Sunday 10 do not count)
    titles = [
        (n.created_at.date(), n.kind, n.title.split(":")[0])
        for n in _reminders(recipient=team["unit_head"]).order_by("created_at")
    ]
    assert titles == [
        (D(2027, 1, 5), KIND_DUE_TODAY, "Đến hạn xử lý hôm nay"),
        (D(2027, 1, 6), KIND_OVERDUE, "Quá hạn 1 ngày làm việc"),
        (D(2027, 1, 13), KIND_OVERDUE, "Quá hạn 6 ngày làm việc"),
    ]
    last = _reminders(recipient=team["unit_head"]).latest("created_at")
    assert last.dedupe_key == dedupe_key(lead.pk, KIND_OVERDUE, D(2027, 1, 13))
    assert "đã quá 6 ngày làm việc" in last.body
    # and the assigner as often (one per assignment and day: lead and support)
    assert _reminders(recipient=team["leader"]).count() == 2 * 3


def test_overdue_work_can_be_reminded_every_working_day(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
    settings: Any,
) -> None:
    # Given an agency that wants overdue work chased every working day
    settings.GOVDOC_REMINDER_OVERDUE_EVERY = 1
    _assign(registered, team, units)
    for day in (5, 6, 7, 8, 9, 10, 11):
        _sweep(time_machine, D(2027, 1, day))
    late = _reminders(recipient=team["unit_head"], kind=KIND_OVERDUE)
    # Then each working day after the deadline brings one reminder (the weekend none)
    assert sorted(n.created_at.date() for n in late) == [
        D(2027, 1, 6),
        D(2027, 1, 7),
        D(2027, 1, 8),
        D(2027, 1, 11),
    ]


def test_urgent_documents_say_so_first(
    on_a_working_day: None,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    time_machine: Any,
) -> None:
    # Given an urgent ("Thượng khẩn") document due on 05/01/2027
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, issued_date=D(2026, 11, 27), priority=2),
        actor=team["clerk"],
    )
    _assign(incoming, team, units)
    # When the sweep runs on the deadline
    _sweep(time_machine, DEADLINE)
    # Then the urgency leads the title
    assert (
        _reminders(recipient=team["unit_head"])
        .get()
        .title.startswith("THƯỢNG KHẨN — Đến hạn xử lý hôm nay: ")
    )


def test_the_follow_up_person_is_reminded_instead_of_the_assigner(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given work followed up by the clerk
    _assign(registered, team, units, follow_up=team["clerk"])
    # When it is overdue
    _sweep(time_machine, D(2027, 1, 6))
    # Then the clerk is reminded, the leader who assigned is not
    assert _reminders(recipient=team["clerk"], kind=KIND_OVERDUE).count() == 2
    assert not _reminders(recipient=team["leader"]).exists()
    assert _reminders(recipient=team["unit_head"]).count() == 1


def test_nothing_for_finished_work_or_readers(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given a document whose support is completed, whose lead unit sent it back, and a
    # second specialist's support that was taken back — and a reader
    lead, support, info = _assign(registered, team, units)
    [extra] = incoming_assign(
        incoming=registered,
        instruction="Thêm phối hợp.",
        assignees=[
            AssigneeInput(
                role=HandlingRole.SUPPORT, person_id=team["colleague"].pk, due_date=DEADLINE
            )
        ],
        actor=team["leader"],
    )
    assignment_complete(assignment=support, result="Đã góp ý bằng văn bản.", actor=team["stranger"])
    assignment_cancel(assignment=extra, reason="Giao nhầm người.", actor=team["leader"])
    assignment_return(assignment=lead, reason="Không thuộc chức năng.", actor=team["unit_head"])
    statuses = dict(Assignment.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in (lead, support, extra, info)] == [
        AssignmentStatus.RETURNED,
        AssignmentStatus.COMPLETED,
        AssignmentStatus.CANCELLED,
        AssignmentStatus.NEW,
    ]
    # When the sweep runs before, on and after the deadline
    sweeps = [_sweep(time_machine, day) for day in (TWO_DAYS_BEFORE, DEADLINE, D(2027, 1, 6))]
    # Then nobody is reminded, and each sweep is journaled with zero counts
    assert not _reminders().exists()
    assert [s.due_soon + s.due_today + s.overdue + s.notifications for s in sweeps] == [0, 0, 0]
    assert AuditEvent.objects.filter(action="handling.reminders").count() == 3


def test_a_second_run_of_the_same_day_creates_nothing(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given a sweep on the first day past the deadline
    _assign(registered, team, units)
    first = _sweep(time_machine, D(2027, 1, 6))
    before = list(_reminders().values_list("pk", flat=True))
    # When it runs again the same day (a retry, or a second worker)
    second = _sweep(time_machine, D(2027, 1, 6))
    # Then no notification is added, and both runs are journaled with their counts
    assert list(_reminders().values_list("pk", flat=True)) == before
    assert (first.overdue, first.notifications) == (2, 4)
    assert (second.overdue, second.notifications) == (2, 0)
    events = AuditEvent.objects.filter(action="handling.reminders").order_by("id")
    assert [(e.actor_id, e.target_id, e.data["notifications"]) for e in events] == [
        (None, "2027-01-06", 4),
        (None, "2027-01-06", 0),
    ]
    assert events[0].data["overdue"] == 2 and events[0].data["days_before"] == 2


def test_nothing_on_a_weekend(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given overdue work
    _assign(registered, team, units)
    # When the sweep is run on Saturday 09/01/2027
    sweep = _sweep(time_machine, D(2027, 1, 9))
    # Then it does nothing: no notification, no journal event
    assert not sweep.working_day
    assert not _reminders().exists()
    assert not AuditEvent.objects.filter(action="handling.reminders").exists()


def test_reminders_are_emailed_after_commit(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given people with e-mail addresses (the reader has one too) and overdue work
    for key in ("unit_head", "stranger", "leader", "admin"):
        User.objects.filter(pk=team[key].pk).update(email=f"{team[key].username}@btnmt.gov.vn")
    _assign(registered, team, units)
    mail.outbox.clear()
    # When the sweep runs and its transactions commit (the console backend in production;
    # the test backend keeps the messages)
    with django_capture_on_commit_callbacks(execute=True):
        _sweep(time_machine, D(2027, 1, 6))
    # Then each notification went by e-mail once, to the handlers and the assigner
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chuyenvien3@btnmt.gov.vn",
        "lanhdao@btnmt.gov.vn",
        "lanhdao@btnmt.gov.vn",
        "truongphong@btnmt.gov.vn",
    ]
    message = next(m for m in mail.outbox if m.to == ["truongphong@btnmt.gov.vn"])
    assert message.subject.startswith("[govdoc] Quá hạn 1 ngày làm việc: ")
    assert f"/van-ban-den/{registered.pk}/" in message.body
    assert not _reminders(email_sent_at__isnull=True).exists()
    # and a second run sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        _sweep(time_machine, D(2027, 1, 6))
    assert len(mail.outbox) == 4


def test_the_sweep_reads_in_a_constant_number_of_queries(
    on_a_working_day: None,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    time_machine: Any,
    settings: Any,
) -> None:
    settings.GOVDOC_REMINDER_OVERDUE_EVERY = 1

    # Given one document's work, then six documents' work, all overdue
    def queries_of_a_sweep(day: dt.date) -> int:
        with CaptureQueriesContext(connection) as captured:
            _sweep(time_machine, day)
        return len(captured.captured_queries)

    _assign(_register(team, ministry, doc_type, 100), team, units)
    one = queries_of_a_sweep(D(2027, 1, 6))
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=HANOI), tick=False)
    for number in range(101, 106):
        _assign(_register(team, ministry, doc_type, number), team, units)
    six = queries_of_a_sweep(D(2027, 1, 7))
    # Then the sweep's queries do not grow with the number of assignments
    assert _reminders(created_at__date=D(2027, 1, 7)).count() == 6 * 4
    assert six == one


def test_the_worker_runs_the_sweep_once_a_day_at_the_configured_time(
    registered: IncomingDocument,
    team: dict[str, User],
    units: dict[str, Unit],
    time_machine: Any,
) -> None:
    # Given the job registered by the app, daily at 07:30 with its occurrence passed on
    job = next(j for j in registry.jobs() if j.name == REMINDERS_JOB)
    assert job.daily_at == dt.time(7, 30) and job.pass_occurrence
    assert job.grace == dt.timedelta(hours=12)
    _assign(registered, team, units)
    only_this_job = PeriodicRegistry()
    only_this_job.register(
        job.name,
        task=job.task,
        daily_at=job.daily_at,
        pass_occurrence=True,
        grace=job.grace,
    )
    # When the scheduler ticks at 07:29, 07:31 and 09:00 on Thursday 31/12/2026
    ticks = []
    for hour, minute in ((7, 29), (7, 31), (9, 0)):
        now = dt.datetime(2026, 12, 31, hour, minute, tzinfo=HANOI)
        time_machine.move_to(now, tick=False)
        ticks.append(run_due_jobs(now, jobs=only_this_job))
    # Then nothing at 07:29 (the 30th's occurrence is past its grace), and the 31st's is
    # enqueued once, at 07:31, for that day's reminders
    occurrence = dt.datetime(2026, 12, 31, 7, 30, tzinfo=HANOI)
    assert ticks[0] == []
    assert [name for name, _ in ticks[1]] == [REMINDERS_JOB]
    assert ticks[1][0][1] == occurrence and ticks[2] == []
    assert PeriodicRun.objects.filter(job=REMINDERS_JOB, occurrence=occurrence).count() == 1
    assert _reminders(kind=KIND_DUE_SOON).count() == 4


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_batch_commits_while_the_cursor_streams(
    on_a_working_day: None,
    team: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    time_machine: Any,
    monkeypatch: Any,
) -> None:
    # Given three documents' overdue work, swept as the worker does (no outer transaction),
    # one assignment per batch and per fetch
    for number in (200, 201, 202):
        _assign(_register(team, ministry, doc_type, number), team, units)
    monkeypatch.setattr(reminders, "BATCH", 1)
    monkeypatch.setattr(reminders, "CHUNK", 1)
    assert not connection.in_atomic_block
    # When the sweep runs
    sweep = _sweep(time_machine, D(2027, 1, 6))
    # Then every assignment was reminded, batch after batch
    assert (sweep.overdue, sweep.notifications) == (6, 12)
    assert _reminders().count() == 12
