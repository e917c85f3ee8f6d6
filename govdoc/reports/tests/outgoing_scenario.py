"""A small outgoing scenario built with the services, shared by the outgoing report tests.

Dates follow the real calendar (the test certificates are valid from yesterday on): the
period starts on BASE, the first working day at least a week from today, and the clock
only moves forward.

- X: drafted and submitted by the specialist three days before BASE — outside the period.
- A: the specialist's reply to the incoming document I, to the other agency and to a
  company by post; approved, signed and issued on BASE — on time; then posted.
- B: the specialist's, signed on BASE, issued after its issue day — late; then revoked.
- C: the specialist's, submitted, waiting for the unit head's review.
- D: the specialist's, returned by the unit head for revision.
- E: the unit head's own (Vụ Đất đai), approved and signed, waiting to be issued.
- F: the specialist's, never submitted: seen by its drafter only.
- G: by a specialist of Vụ TCCB (no unit leader there), waiting for the clerk's form check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govdoc.assignments.services import AssigneeInput, incoming_assign
from govdoc.assignments.workflow import HandlingRole
from govdoc.conftest import incoming_input, make_person
from govdoc.core.calendar import is_working_day, next_working_day
from govdoc.documents.models import DocumentType
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_present, incoming_register
from govdoc.organizations.models import Agency, Unit, User
from govdoc.organizations.roles import Role
from govdoc.outgoing.access import pending_steps_for
from govdoc.outgoing.inputs import RecipientInput
from govdoc.outgoing.models import Draft, OutgoingDocument
from govdoc.outgoing.services.changes import outgoing_change
from govdoc.outgoing.services.circuits import draft_submit, step_return
from govdoc.outgoing.services.dispatching import dispatch_record_post
from govdoc.outgoing.services.drafts import draft_create
from govdoc.outgoing.services.issuing import draft_issue
from govdoc.outgoing.services.signing import draft_sign
from govdoc.outgoing.tests.conftest import draft_input, pdf_body
from govdoc.outgoing.tests.issuing_helpers import approve_by
from govdoc.outgoing.workflow import Method, RecipientKind
from govdoc.reports.tests.handling_scenario import Period
from govdoc.signatures.testing_pki import TestPki

TZ = dt.timezone(dt.timedelta(hours=7))
REVOKE_REASON = "Ban hành không đúng thẩm quyền"


def base_day() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=7)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@dataclass
class OutgoingScenario:
    people: dict[str, User]
    base: dt.date
    drafts: dict[str, Draft]
    issued: dict[str, OutgoingDocument]
    incoming: IncomingDocument
    late_day: dt.date

    @property
    def period(self) -> Period:
        return Period(date_from=self.base, date_to=self.base + dt.timedelta(days=30))

    @property
    def year(self) -> int:
        return self.base.year


def _draft(
    ministry: Agency,
    doc_type: DocumentType,
    people: dict[str, User],
    actor: str,
    subject: str,
    **overrides: Any,
) -> Draft:
    recipients = overrides.pop("recipients", ())
    return draft_create(
        agency=ministry,
        data=draft_input(
            document_type=doc_type,
            signer=people["leader"],
            recipients=recipients,
            subject=subject,
            **overrides,
        ),
        actor=people[actor],
        body=pdf_body(),
    )


def _reply_to(
    ministry: Agency, doc_type: DocumentType, people: dict[str, User], due: dt.date
) -> IncomingDocument:
    """An incoming document the leader gave the specialist to answer."""
    incoming = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="77", code_notation="UBND-TNMT"),
        actor=people["clerk"],
    )
    incoming_present(incoming=incoming, leader=people["leader"], actor=people["clerk"])
    incoming_assign(
        incoming=incoming,
        instruction="Giao chuyên viên dự thảo văn bản trả lời.",
        assignees=[
            AssigneeInput(role=HandlingRole.LEAD, person_id=people["specialist"].pk, due_date=due)
        ],
        actor=people["leader"],
    )
    return incoming


def build_outgoing_scenario(
    *,
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    pki: TestPki,
) -> OutgoingScenario:
    people = dict(personas)
    people["tccb"] = make_person(
        "chuyenvientccb",
        agency=ministry,
        roles=[Role.SPECIALIST],
        unit=units["TCCB"],
        full_name="Vũ Thị Tổ Chức",
    )
    base = base_day()
    drafts: dict[str, Draft] = {}

    time_machine.move_to(at(base - dt.timedelta(days=3), 9), tick=False)
    drafts["X"] = _draft(ministry, doc_type, people, "specialist", "Về việc trước kỳ báo cáo")
    draft_submit(draft=drafts["X"], actor=people["specialist"])

    time_machine.move_to(at(base, 8), tick=False)
    incoming = _reply_to(ministry, doc_type, people, next_working_day(base + dt.timedelta(days=3)))
    post = RecipientInput(
        kind=RecipientKind.OTHER, name="Công ty Đất Việt", address="12 Láng Hạ, Hà Nội"
    )
    agency = RecipientInput(kind=RecipientKind.AGENCY, agency_id=other_agency.pk)
    drafts["A"] = _draft(
        ministry,
        doc_type,
        people,
        "specialist",
        "Về việc trả lời kiến nghị đất đai",
        recipients=(agency, post),
        reply_to_id=incoming.pk,
        copies=4,
    )
    drafts["B"] = _draft(ministry, doc_type, people, "specialist", "Về việc giao đất khu B")
    drafts["C"] = _draft(ministry, doc_type, people, "specialist", "Về việc đang chờ duyệt")
    drafts["D"] = _draft(ministry, doc_type, people, "specialist", "Về việc bị trả lại")
    drafts["E"] = _draft(ministry, doc_type, people, "unit_head", "Về việc đã ký chờ phát hành")
    drafts["F"] = _draft(ministry, doc_type, people, "specialist", "Về việc chưa trình")
    drafts["G"] = _draft(ministry, doc_type, people, "tccb", "Về việc của Vụ Tổ chức cán bộ")

    time_machine.move_to(at(base, 9), tick=False)
    for key in "ABCDG":
        draft_submit(draft=drafts[key], actor=drafts[key].drafter)
    draft_submit(draft=drafts["E"], actor=people["unit_head"])
    for key in "ABCDEFG":
        drafts[key].refresh_from_db()
    (content,) = pending_steps_for(people["unit_head"], drafts["D"])
    step_return(step=content, actor=people["unit_head"], reason="Bổ sung số liệu")
    for key in "AB":
        approve_by(drafts[key], [people["unit_head"], people["clerk"], people["leader"]])
    approve_by(drafts["E"], [people["clerk"], people["leader"]])

    time_machine.move_to(at(base, 10), tick=False)
    for key in "ABE":
        draft_sign(draft=drafts[key], actor=people["leader"], password=pki.password)
        drafts[key].refresh_from_db()

    time_machine.move_to(at(base, 11), tick=False)
    issued = {"A": draft_issue(draft=drafts["A"], actor=people["clerk"], password=pki.password)}

    # B waits past its issue day (the working day after signing).
    assert drafts["B"].issue_due is not None
    late_day = drafts["B"].issue_due + dt.timedelta(days=1)
    time_machine.move_to(at(late_day, 9), tick=False)
    issued["B"] = draft_issue(draft=drafts["B"], actor=people["clerk"], password=pki.password)
    time_machine.move_to(at(late_day, 10), tick=False)
    outgoing_change(
        outgoing=issued["B"].outgoing, kind="REVOKE", reason=REVOKE_REASON, actor=people["clerk"]
    )
    for key in "ABCDEFGX":
        drafts[key].refresh_from_db()
    return OutgoingScenario(
        people=people,
        base=base,
        drafts=drafts,
        issued={key: OutgoingDocument.objects.get(pk=r.outgoing.pk) for key, r in issued.items()},
        incoming=incoming,
        late_day=late_day,
    )


def post_a(scenario: OutgoingScenario, time_machine: Any) -> None:
    """The clerk posts A's copy to the company on the late day, at 14:00."""
    time_machine.move_to(at(scenario.late_day, 14), tick=False)
    dispatch = scenario.issued["A"].dispatches.get(method=Method.POST)
    dispatch_record_post(
        dispatch=dispatch, actor=scenario.people["clerk"], postal_receipt="RR123", postage="25.000"
    )
