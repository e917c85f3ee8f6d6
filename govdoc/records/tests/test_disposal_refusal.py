"""Refusing a destruction decision: the head (once the council agreed) or a council member
(while it is proposed) refuses with a reason, which is kept on the decision (who, when,
why) and shown on its page; a refusal without a reason, or at the wrong step, is refused
with a clear Vietnamese message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import InvalidTransition, ValidationFailed
from govdoc.organizations.models import User
from govdoc.records.models import CaseFileHistory, DisposalDecision, DisposalVote
from govdoc.records.services.disposal import disposal_decide, disposal_vote, rejection_note
from govdoc.records.tests.disposal_helpers import archivist, closed_file, propose
from govdoc.records.workflow import DisposalStatus, FileStatus, next_disposal_status

pytestmark = pytest.mark.django_db

__all__ = ["archivist"]  # fixtures


def _state(decision: DisposalDecision) -> dict[str, Any]:
    fresh = DisposalDecision.objects.get(pk=decision.pk)
    return {
        "decision": (
            fresh.status,
            fresh.refused_by_id,
            fresh.refused_at,
            fresh.refusal_note,
            fresh.approved_by_id,
        ),
        "votes": DisposalVote.objects.count(),
        "history": CaseFileHistory.objects.count(),
        "events": AuditEvent.objects.filter(action__startswith="records.disposal").count(),
    }


def _reviewed(personas: dict[str, User], archivist: User) -> DisposalDecision:
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, personas["clerk"]])
    for member in (archivist, personas["clerk"]):
        disposal_vote(decision=decision, actor=member, agree=True)
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REVIEWED
    return decision


def test_the_table_names_who_refuses_at_which_step() -> None:
    assert next_disposal_status(DisposalStatus.PROPOSED, "council_refuse") == "REJECTED"
    assert next_disposal_status(DisposalStatus.REVIEWED, "head_refuse") == "REJECTED"
    # the head does not refuse before the council, the council not after it agreed
    assert next_disposal_status(DisposalStatus.PROPOSED, "head_refuse") is None
    assert next_disposal_status(DisposalStatus.REVIEWED, "council_refuse") is None
    assert next_disposal_status(DisposalStatus.APPROVED, "head_refuse") is None


def test_the_head_refuses_and_the_reason_is_kept(
    personas: dict[str, User], archivist: User
) -> None:
    leader = personas["leader"]
    decision = _reviewed(personas, archivist)
    # when the head refuses without a reason (blank, or spaces only)
    before = _state(decision)
    for note in ("", "   "):
        with pytest.raises(ValidationFailed) as error:
            disposal_decide(decision=decision, actor=leader, approve=False, note=note)
        # then a clear message names the field, and nothing changed
        assert error.value.message == "Vui lòng ghi lý do không phê duyệt."
        assert "note" in error.value.fields
        assert _state(decision) == before
    # when they refuse with a reason
    disposal_decide(decision=decision, actor=leader, approve=False, note="  Chờ ý kiến  Bộ ")
    # then the decision is rejected, by them, now, with the reason kept on it
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REJECTED and decision.approved_by is None
    assert decision.refused_by == leader and decision.refused_at is not None
    assert decision.refusal_note == "Chờ ý kiến Bộ" == rejection_note(decision)
    # one history row per file, one journal event
    (row,) = CaseFileHistory.objects.filter(action="disposal_rejected")
    assert "Chờ ý kiến Bộ" in row.note
    event = AuditEvent.objects.get(action="records.disposal_reject")
    assert event.data["by"] == "head" and event.data["note"] == "Chờ ý kiến Bộ"
    # a rejected decision is refused again or approved: nothing changes
    after = _state(decision)
    for approve in (True, False):
        with pytest.raises(InvalidTransition):
            disposal_decide(decision=decision, actor=leader, approve=approve, note="Lần hai")
    assert _state(decision) == after


def test_the_head_may_not_refuse_before_the_council_agreed(
    personas: dict[str, User], archivist: User
) -> None:
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, personas["clerk"]])
    before = _state(decision)
    with pytest.raises(InvalidTransition):
        disposal_decide(decision=decision, actor=personas["leader"], approve=False, note="Chưa cần")
    assert _state(decision) == before


def test_a_council_member_refuses_with_a_reason(personas: dict[str, User], archivist: User) -> None:
    clerk = personas["clerk"]
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, clerk])
    before = _state(decision)
    with pytest.raises(ValidationFailed) as error:
        disposal_vote(decision=decision, actor=clerk, agree=False, note=" ")
    assert "note" in error.value.fields and _state(decision) == before
    disposal_vote(decision=decision, actor=clerk, agree=False, note="Còn giá trị tra cứu")
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.REJECTED
    assert decision.refused_by == clerk and decision.refusal_note == "Còn giá trị tra cứu"
    assert rejection_note(decision) == "Còn giá trị tra cứu"
    assert due.__class__.objects.get(pk=due.pk).status == FileStatus.CLOSED


def test_the_decision_page_refuses_without_a_reason_and_shows_the_refusal(
    personas: dict[str, User], archivist: User, client_for: Callable[[User], Any]
) -> None:
    decision = _reviewed(personas, archivist)
    head = client_for(personas["leader"])
    url = reverse("records:disposal_decide", args=[decision.pk])
    before = _state(decision)
    # no reason: 400, the message on the page, the form still there, nothing changed
    refused = head.post(url, {"decision": "refuse", "note": "  "})
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Vui lòng ghi lý do không phê duyệt." in page
    assert 'data-testid="decide-note-error"' in page and 'data-testid="decide-form"' in page
    assert _state(decision) == before
    # with a reason: back to the decision, which shows who refused, when and why
    done = head.post(url, {"decision": "refuse", "note": "Cần thẩm định lại hồ sơ 01"})
    assert done.status_code == 302
    decision.refresh_from_db()
    page = client_for(archivist).get(done["Location"]).content.decode()
    assert decision.refused_at is not None
    assert 'data-testid="refused-by"' in page and "(người đứng đầu cơ quan)" in page
    assert personas["leader"].full_name in page
    assert 'data-testid="rejection"' in page and "Cần thẩm định lại hồ sơ 01" in page
    assert "Không được phê duyệt" in page
    assert 'data-testid="decide-form"' not in page


def test_a_council_refusal_is_shown_as_the_members(
    personas: dict[str, User], archivist: User, client_for: Callable[[User], Any]
) -> None:
    clerk = personas["clerk"]
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, clerk])
    web = client_for(clerk)
    url = reverse("records:disposal_vote", args=[decision.pk])
    refused = web.post(url, {"agree": "no", "note": ""})
    assert refused.status_code == 400 and "Vui lòng ghi ý kiến" in refused.content.decode()
    assert DisposalDecision.objects.get(pk=decision.pk).status == DisposalStatus.PROPOSED
    web.post(url, {"agree": "no", "note": "Còn giá trị tra cứu"})
    page = web.get(reverse("records:disposal_detail", args=[decision.pk])).content.decode()
    assert "(thành viên hội đồng)" in page and "Còn giá trị tra cứu" in page
