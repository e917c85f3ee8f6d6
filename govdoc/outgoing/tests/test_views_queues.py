"""The queues of outgoing documents: each tab lists what waits for the persona (the clerks'
pool included), the counters on the tabs and in the navigation agree, late issuance is
flagged, the issued list filters and pages, and the lists do not query per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govdoc.organizations.models import User
from govdoc.outgoing.models import Draft
from govdoc.outgoing.selectors import queue_counts
from govdoc.outgoing.tests.issuing_helpers import approved, issued, signed, submitted
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Any]


def _tab(slug: str) -> str:
    return reverse("outgoing:queue_tab", kwargs={"slug": slug})


def _count(page: str, slug: str) -> str:
    marker = f'data-testid="count-{slug}"><span class="visually-hidden">: </span>'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


def test_each_reviewer_finds_the_draft_in_turn_with_the_counters(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    # given a submitted draft: the unit leader's content step is pending
    draft = submitted(make_draft(subject="Về việc rà soát quỹ đất công"), personas)
    # when the unit leader opens "Chờ tôi duyệt"
    page = client_for(personas["unit_head"]).get(_tab("cho-duyet")).content.decode()
    # then the draft is there with the kind of their step, and the counter says 1
    assert "Về việc rà soát quỹ đất công" in page and "Duyệt nội dung" in page
    assert _count(page, "cho-duyet") == "1"
    # and the clerk's pool is empty until the content is approved
    page = client_for(personas["clerk"]).get(_tab("cho-duyet")).content.decode()
    assert _count(page, "cho-duyet") == "0"
    # when the unit leader approves
    approved(draft, personas, upto=1)
    # then any clerk finds it in the pool (the form check)
    page = client_for(personas["clerk"]).get(_tab("cho-duyet")).content.decode()
    assert "Về việc rà soát quỹ đất công" in page and "Kiểm tra thể thức" in page
    assert _count(page, "cho-duyet") == "1"
    # and the drafter finds it among their drafts
    page = client_for(personas["specialist"]).get(_tab("cua-toi")).content.decode()
    assert "Về việc rà soát quỹ đất công" in page and _count(page, "cua-toi") == "1"


def test_the_signer_finds_approved_drafts_to_sign_and_the_navigation_counts_them(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    # given an approved draft for the leader and another waiting for their review step
    approved(make_draft(subject="Về việc phê duyệt kế hoạch"), personas)
    approved(make_draft(subject="Về việc chờ người ký duyệt"), personas, upto=2)
    client = client_for(personas["leader"])
    # when the leader opens "Chờ tôi ký"
    page = client.get(_tab("cho-ky")).content.decode()
    # then the approved one is there, the other under "Chờ tôi duyệt"
    assert "Về việc phê duyệt kế hoạch" in page
    assert "Về việc chờ người ký duyệt" not in page
    assert _count(page, "cho-ky") == "1" and _count(page, "cho-duyet") == "1"
    # and the navigation's counter adds both
    assert 'data-testid="nav-outgoing-count">2<' in page
    # and the specialist has neither
    assert queue_counts(personas["specialist"], personas["specialist"].agency_id)["cho-ky"] == 0


def test_the_clerks_see_signed_drafts_to_issue_and_late_ones_flagged(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    # given a signed draft whose issue date has passed and one signed today
    late = signed(make_draft(subject="Về việc đã quá hạn phát hành"), personas, pki.password)
    Draft.objects.filter(pk=late.pk).update(issue_due=dt.date.today() - dt.timedelta(days=2))
    signed(make_draft(subject="Về việc vừa ký hôm nay"), personas, pki.password)
    # when the clerk opens "Chờ phát hành" (their default tab)
    response = client_for(personas["clerk"]).get(reverse("outgoing:queue"))
    page = response.content.decode()
    # then both are there, the late one flagged in red
    assert response.status_code == 200
    assert "Về việc đã quá hạn phát hành" in page and "Về việc vừa ký hôm nay" in page
    assert page.count('data-testid="late">Quá hạn phát hành') == 1
    assert 'data-testid="late-warning"' in page
    assert _count(page, "cho-phat-hanh") == "2"
    # and the tab is the clerks' only
    assert client_for(personas["specialist"]).get(_tab("cho-phat-hanh")).status_code == 404


def test_the_issued_list_filters_by_number_subject_and_status(
    personas: dict[str, User],
    make_draft: Callable[..., Draft],
    credentials: dict[str, SigningCredential],
    pki: TestPki,
    client_for: ClientFor,
) -> None:
    # given two issued documents
    issued(make_draft(subject="Về việc giao đất ở Nghệ An"), personas, pki.password)
    second = issued(make_draft(subject="Về việc thu hồi đất rừng"), personas, pki.password)
    client = client_for(personas["clerk"])
    url = _tab("da-phat-hanh")
    # when the list is filtered by a word without diacritics
    page = client.get(url, {"q": "thu hoi"}).content.decode()
    # then only the matching one shows
    assert "Về việc thu hồi đất rừng" in page and "Về việc giao đất ở Nghệ An" not in page
    # and by number
    page = client.get(url, {"number": second.number}).content.decode()
    assert "02/QĐ-BTNMT" in page and "01/QĐ-BTNMT" not in page
    # and by status and year
    assert "Về việc" not in client.get(url, {"status": "REVOKED"}).content.decode()
    page = client.get(url, {"year": second.year}).content.decode()
    assert _count(page, "da-phat-hanh") == "2"
    # and a bad filter is shown on its field, the others still apply
    response = client.get(url, {"number": "abc"})
    assert response.status_code == 200
    assert 'data-field="number"' in response.content.decode()
    # and the outsider sees none of them
    page = client_for(personas["outsider"]).get(url).content.decode()
    assert "Về việc thu hồi đất rừng" not in page and _count(page, "da-phat-hanh") == "0"


def test_the_queue_pages_do_not_query_per_row(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    client = client_for(personas["specialist"])
    make_draft()
    with CaptureQueriesContext(connection) as one:
        client.get(_tab("cua-toi"))
    for _ in range(5):
        make_draft()
    with CaptureQueriesContext(connection) as six:
        response = client.get(_tab("cua-toi"))
    assert response.content.decode().count('data-row="draft-') == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_navigation_counter_is_one_query_and_absent_without_an_agency_role(
    personas: dict[str, User], make_draft: Callable[..., Draft], client_for: ClientFor
) -> None:
    # given a draft waiting for the unit leader
    submitted(make_draft(), personas)
    client = client_for(personas["unit_head"])
    # when another page with the navigation renders
    page = client.get(reverse("incoming:list")).content.decode()
    # then the link shows the count
    assert 'data-testid="nav-outgoing-count">1<' in page
    # and for the administrator (no drafting role) there is no link
    page = client_for(personas["admin"]).get(reverse("incoming:list")).content.decode()
    assert 'data-testid="nav-outgoing"' not in page


def test_the_queue_of_someone_without_an_agency_says_so(client_for: ClientFor, db: None) -> None:
    loner = User.objects.create_user(username="khongcoquan", password="x")
    response = client_for(loner).get(reverse("outgoing:queue"))
    assert response.status_code == 200
    assert "chưa thuộc cơ quan nào" in response.content.decode()
