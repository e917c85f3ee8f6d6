"""The hold and destruction pages (and the API, once mounted under /api/records): the whole
path through the browser, refusals shown with their message and nothing written, who gets
which page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from govdoc.api.tests.conftest import api_client, key_for
from govdoc.organizations.models import Unit, User
from govdoc.records.models import CaseFile, DisposalDecision, RecordHold
from govdoc.records.services.files import Retention
from govdoc.records.tests.disposal_helpers import (
    archivist,
    closed_file,
    document_ids,
    on_disk,
    propose,
    stored_of,
)
from govdoc.records.workflow import DisposalStatus, FileStatus

pytestmark = pytest.mark.django_db

__all__ = ["api_client", "archivist", "key_for"]  # fixtures

JSON = "application/json"


def test_appraisal_proposal_votes_approval_and_execution_through_the_pages(
    personas: dict[str, User],
    archivist: User,
    client_for: Callable[[User], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    clerk, leader = personas["clerk"], personas["leader"]
    due = closed_file(personas["specialist"], notation="01.HET", texts=("bien ban",))
    (stored,) = stored_of(document_ids(due)[0])
    shelf = client_for(archivist)
    # the archivist sees the file due, with the day its retention ended
    page = shelf.get(reverse("records:disposal_appraisal")).content.decode()
    assert due.code in page and "30/06/2021" in page and 'data-testid="propose-form"' in page
    # a council of one: refused with the message, nothing written
    refused = shelf.post(
        reverse("records:disposal_propose"),
        {"title": "Hủy tài liệu", "reason": "Hết hạn", "file": due.pk, "member": archivist.pk},
    )
    assert refused.status_code == 400
    assert "Hội đồng cần ít nhất 2 thành viên." in refused.content.decode()
    assert not DisposalDecision.objects.exists()
    done = shelf.post(
        reverse("records:disposal_propose"),
        {
            "title": "Hủy tài liệu hết giá trị",
            "reason": "Hết thời hạn bảo quản",
            "file": due.pk,
            "member": [archivist.pk, clerk.pk],
        },
    )
    decision = DisposalDecision.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "records:disposal_detail", args=[decision.pk]
    )
    # the council members give their opinion
    for member in (clerk, archivist):
        web = client_for(member)
        detail = web.get(reverse("records:disposal_detail", args=[decision.pk])).content.decode()
        assert 'data-testid="vote-form"' in detail
        voted = web.post(reverse("records:disposal_vote", args=[decision.pk]), {"agree": "yes"})
        assert voted.status_code == 302
    # a second opinion is refused
    again = client_for(clerk).post(
        reverse("records:disposal_vote", args=[decision.pk]), {"agree": "no", "note": "Đổi ý"}
    )
    assert again.status_code == 409 and "Bạn đã cho ý kiến" in again.content.decode()
    # the head approves
    head = client_for(leader)
    detail = head.get(reverse("records:disposal_detail", args=[decision.pk])).content.decode()
    assert 'data-testid="decide-form"' in detail
    head.post(reverse("records:disposal_decide", args=[decision.pk]), {"decision": "approve"})
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.APPROVED
    # the head may not carry it out; the archivist does
    wrong = head.post(reverse("records:disposal_execute", args=[decision.pk]))
    assert wrong.status_code == 403 and "Chỉ lưu trữ cơ quan" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        executed = shelf.post(reverse("records:disposal_execute", args=[decision.pk]))
    assert executed.status_code == 302
    due.refresh_from_db()
    assert due.status == FileStatus.DESTROYED and not on_disk(stored)
    # the summary is shown, dates as dd/mm/yyyy
    detail = shelf.get(reverse("records:disposal_detail", args=[decision.pk])).content.decode()
    assert 'data-testid="summary"' in detail and "Tài liệu bien ban" in detail
    assert "01/03/2019" in detail and "Đã hủy tài liệu" in detail
    listing = shelf.get(reverse("records:disposal_list")).content.decode()
    assert f"{decision.number}/{decision.year}" in listing


def test_the_hold_pages(
    personas: dict[str, User], units: dict[str, Unit], client_for: Callable[[User], Any]
) -> None:
    case_file = closed_file(personas["specialist"], notation="01.PT", retention=Retention(True))
    admin = client_for(personas["admin"])
    assert admin.get(reverse("records:hold_list")).status_code == 200
    # no reason: refused, nothing written
    refused = admin.post(reverse("records:hold_set"), {"scope": "file", "code": case_file.code})
    assert (
        refused.status_code == 400 and "Vui lòng ghi lý do phong tỏa." in refused.content.decode()
    )
    unknown = admin.post(
        reverse("records:hold_set"), {"scope": "file", "code": "KHONG.CO", "reason": "Thử"}
    )
    assert unknown.status_code == 400 and "Không tìm thấy hồ sơ có mã" in unknown.content.decode()
    assert not RecordHold.objects.exists()
    # a file by its code
    done = admin.post(
        reverse("records:hold_set"),
        {"scope": "file", "code": case_file.code, "reason": "Phục vụ thanh tra"},
    )
    assert done.status_code == 302
    assert CaseFile.objects.get(pk=case_file.pk).on_hold
    page = admin.get(reverse("records:hold_list")).content.decode()
    assert "Phục vụ thanh tra" in page and "Đang phong tỏa" in page
    # a year of one unit
    admin.post(
        reverse("records:hold_set"),
        {"scope": "year", "year": case_file.year, "unit": units["DD"].pk, "reason": "Kiểm tra"},
    )
    assert RecordHold.objects.filter(year=case_file.year, unit=units["DD"]).exists()
    hold = RecordHold.objects.get(case_file=case_file)
    lifted = admin.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": ""})
    assert lifted.status_code == 400
    admin.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "Xong"})
    hold.refresh_from_db()
    assert hold.lifted_at is not None
    # still held by the unit's year hold
    assert CaseFile.objects.get(pk=case_file.pk).on_hold


def test_who_gets_which_page(
    personas: dict[str, User], archivist: User, client_for: Callable[[User], Any]
) -> None:
    people = {**personas, "archivist": archivist}
    due = closed_file(personas["specialist"], notation="01.HET")
    decision = propose(archivist, [due], [archivist, personas["clerk"]])
    hold = RecordHold.objects.create(
        agency_id=due.agency_id,
        year=due.year,
        reason="Thử",
        set_by=personas["admin"],
        set_at=due.opened_at,
    )
    pages = {
        "holds": reverse("records:hold_list"),
        "appraisal": reverse("records:disposal_appraisal"),
        "decisions": reverse("records:disposal_list"),
        "decision": reverse("records:disposal_detail", args=[decision.pk]),
    }
    expected = {
        #             holds appraisal decisions decision
        "specialist": (404, 404, 200, 404),
        "clerk": (404, 404, 200, 200),  # on the council
        "archivist": (404, 200, 200, 200),
        "unit_head": (404, 404, 200, 404),
        "leader": (404, 200, 200, 200),
        "admin": (200, 404, 200, 200),
        "outsider": (404, 404, 200, 404),
    }
    for name, codes in expected.items():
        web = client_for(people[name])
        got = tuple(web.get(url).status_code for url in pages.values())
        assert got == codes, name
    # writes by those who may not: not found when they do not see it, refused otherwise
    outsider = client_for(personas["outsider"])
    assert (
        outsider.post(reverse("records:disposal_vote", args=[decision.pk]), {"agree": "yes"})
    ).status_code == 404
    assert (
        outsider.post(reverse("records:hold_lift", args=[hold.pk]), {"reason": "x"}).status_code
        == 404
    )
    leader = client_for(personas["leader"])
    refused = leader.post(reverse("records:disposal_vote", args=[decision.pk]), {"agree": "yes"})
    assert refused.status_code == 403 and "thành viên hội đồng" in refused.content.decode()
    decision.refresh_from_db()
    assert decision.status == DisposalStatus.PROPOSED and not decision.votes.exists()


# -- the API (once mounted: api.add_router("/records", ...records_disposal.router)) ---------


def _mounted() -> bool:
    try:
        reverse("api:records_holds")
    except NoReverseMatch:
        return False
    return True


def test_holds_and_destruction_through_the_api(
    personas: dict[str, User],
    archivist: User,
    api_client: Callable[[User], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    if not _mounted():
        pytest.skip("records_disposal router not mounted under /api/records yet")
    clerk, leader = personas["clerk"], personas["leader"]
    due = closed_file(personas["specialist"], notation="01.HET")
    admin = api_client(personas["admin"])
    # holds: the administrator only; field errors as 400
    assert api_client(clerk).get("/api/records/holds").status_code == 403
    bad = admin.post("/api/records/holds", {"case_file_id": due.pk}, content_type=JSON)
    assert bad.status_code == 400 and "reason" in bad.json()["fields"]
    held = admin.post(
        "/api/records/holds", {"case_file_id": due.pk, "reason": "Thanh tra"}, content_type=JSON
    )
    assert held.status_code == 201 and held.json()["files"] == 1
    hold_id = held.json()["id"]
    assert [h["id"] for h in admin.get("/api/records/holds").json()["items"]] == [hold_id]
    shelf = api_client(archivist)
    assert shelf.get("/api/records/appraisal").json()["items"] == []
    assert (
        api_client(clerk)
        .post(f"/api/records/holds/{hold_id}/lift", {"reason": "x"}, content_type=JSON)
        .status_code
        == 404
    )
    lifted = admin.post(f"/api/records/holds/{hold_id}/lift", {"reason": "Xong"}, content_type=JSON)
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    # appraisal: the archivist and the head
    assert api_client(personas["specialist"]).get("/api/records/appraisal").status_code == 403
    items = shelf.get("/api/records/appraisal").json()["items"]
    assert [(i["id"], i["retention_ends_on"]) for i in items] == [(due.pk, "2021-06-30")]
    # propose: field errors named as sent
    one = shelf.post(
        "/api/records/disposals",
        {"title": "Hủy", "reason": "Hết hạn", "case_file_ids": [due.pk], "member_ids": [clerk.pk]},
        content_type=JSON,
    )
    assert one.status_code == 400 and "member_ids" in one.json()["fields"]
    created = shelf.post(
        "/api/records/disposals",
        {
            "title": "Hủy tài liệu",
            "reason": "Hết hạn",
            "case_file_ids": [due.pk],
            "member_ids": [clerk.pk, archivist.pk],
        },
        content_type=JSON,
    )
    assert created.status_code == 201
    decision_id = created.json()["id"]
    url = f"/api/records/disposals/{decision_id}"
    assert api_client(personas["outsider"]).get(url).status_code == 404
    assert (
        api_client(leader).post(f"{url}/vote", {"agree": True}, content_type=JSON).status_code
        == 403
    )
    assert shelf.post(f"{url}/execute").status_code == 409
    for member in (clerk, archivist):
        answer = api_client(member).post(f"{url}/vote", {"agree": True}, content_type=JSON)
        assert answer.status_code == 200
    assert (
        api_client(clerk).post(f"{url}/vote", {"agree": True}, content_type=JSON).status_code == 409
    )
    decided = api_client(leader).post(f"{url}/decide", {"approve": True}, content_type=JSON)
    assert decided.json()["status"] == "APPROVED"
    with django_capture_on_commit_callbacks(execute=True):
        executed = shelf.post(f"{url}/execute")
    body = executed.json()
    assert body["status"] == "EXECUTED" and body["summary"][0]["code"] == due.code
    assert [d["id"] for d in api_client(clerk).get("/api/records/disposals").json()["items"]] == [
        decision_id
    ]
