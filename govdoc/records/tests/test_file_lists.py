"""The lists of work files ("Hồ sơ của tôi" /ho-so/cua-toi/, "Mục lục hồ sơ" /ho-so/): the
filters (year, status, text on the code, title and notation), the years offered, the pages in
order with their owners, the count of documents waiting to be filed (counted once per
request, shared by the navigation and the page), and who sees which files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, User
from govdoc.records.models import CaseFile
from govdoc.records.tests.file_helpers import handled
from govdoc.records.views.file_filters import MAX_YEARS, filter_years
from govdoc.records.workflow import FileStatus

pytestmark = pytest.mark.django_db

Client = Callable[[User], Any]


def make_file(
    owner: User,
    *,
    year: int,
    notation: str,
    title: str = "Hồ sơ công tác",
    status: str = FileStatus.OPEN,
    rights: str = "Hạn chế",
) -> CaseFile:
    """A file written directly (the lists read files; how they are opened is tested with
    the services)."""
    assert owner.agency_id is not None
    return CaseFile.objects.create(
        agency_id=owner.agency_id,
        year=year,
        notation=notation,
        code=f"000.00.00.G12.{year}.{notation}.{owner.pk}",
        title=title,
        owner=owner,
        unit_id=owner.unit_id,
        retention_years=10,
        status=status,
        rights=rights,
        opened_at=timezone.now(),
    )


def listed(html: str) -> list[str]:
    """The notations of the rows of a list, in order."""
    return re.findall(r'<span class="register-number">([^<]+)</span>', html)


def test_the_filters_narrow_my_files_by_year_status_and_text(
    personas: dict[str, User], client_for: Client
) -> None:
    # given the specialist's files over two years, open and closed
    me = personas["specialist"]
    make_file(me, year=2026, notation="01.DD", title="Hồ sơ giao đất đai năm 2026")
    make_file(me, year=2026, notation="02.DD", title="Hồ sơ hội nghị", status=FileStatus.CLOSED)
    make_file(me, year=2024, notation="03.DD", title="Hồ sơ thanh tra đất đai")
    web = client_for(me)
    url = reverse("records:my_files")

    # when nothing is chosen, then every file is listed, newest year first, then by notation
    assert listed(web.get(url).content.decode()) == ["01.DD", "02.DD", "03.DD"]
    # when a year is chosen, then only that year's files
    assert listed(web.get(url, {"nam": "2024"}).content.decode()) == ["03.DD"]
    # when a status is chosen, then only the files in it
    assert listed(web.get(url, {"trang_thai": "CLOSED"}).content.decode()) == ["02.DD"]
    # when a text is searched (any case, extra spaces ignored), then the files whose title,
    # code or notation holds it
    assert listed(web.get(url, {"q": "  ĐẤT   đai "}).content.decode()) == ["01.DD", "03.DD"]
    assert listed(web.get(url, {"q": "03.dd"}).content.decode()) == ["03.DD"]
    nothing = web.get(url, {"q": "không có hồ sơ này"}).content.decode()
    assert listed(nothing) == [] and "Không có hồ sơ nào." in nothing
    # and the filters combine
    both = web.get(url, {"nam": "2026", "q": "đất"}).content.decode()
    assert listed(both) == ["01.DD"]


def test_the_year_list_spans_the_agency_newest_first(
    personas: dict[str, User], ministry: Agency, client_for: Client
) -> None:
    # given files of 2022 and 2026 in the agency (none of them the leader's)
    make_file(personas["specialist"], year=2022, notation="01.DD")
    make_file(personas["unit_head"], year=2026, notation="02.DD")
    # then the years offered run from the newest to the oldest, a year without files included
    assert filter_years(ministry.pk) == [2026, 2025, 2024, 2023, 2022]
    # and on "my files" of someone with no file the same years are offered
    page = client_for(personas["leader"]).get(reverse("records:my_files")).content.decode()
    offered = re.findall(r'<option value="(\d{4})"', page)
    assert offered == ["2026", "2025", "2024", "2023", "2022"]
    # and an agency without files offers none; at most MAX_YEARS years are offered
    assert filter_years(None) == []
    make_file(personas["specialist"], year=1980, notation="03.DD")
    years = filter_years(ministry.pk)
    assert len(years) == MAX_YEARS and years[0] == 2026 and years[-1] == 2026 - MAX_YEARS + 1


def test_a_deep_page_lists_its_files_in_order_with_their_owners(
    personas: dict[str, User], client_for: Client
) -> None:
    # given 120 files of the specialist in one year (notations 001…120)
    me = personas["specialist"]
    for number in range(1, 121):
        make_file(me, year=2026, notation=f"{number:03d}.DD")
    web = client_for(personas["unit_head"])  # leads the specialist's unit: sees them all
    # when the third page of the index is asked for
    page = web.get(reverse("records:file_index"), {"trang": "3"}).content.decode()
    # then it holds the files 101…120 in order, each with its owner's name
    assert listed(page) == [f"{n:03d}.DD" for n in range(101, 121)]
    assert page.count(str(me.full_name)) >= 20
    assert 'data-testid="file-count">120 hồ sơ' in page
    # and a page past the end shows the last one
    past = web.get(reverse("records:file_index"), {"trang": "9"}).content.decode()
    assert listed(past) == listed(page)


def test_the_index_lists_what_the_person_sees(
    personas: dict[str, User], client_for: Client
) -> None:
    # given the specialist's open file, another person's archived public file and another's
    # archived restricted one
    make_file(personas["specialist"], year=2026, notation="01.DD")
    make_file(
        personas["clerk"],
        year=2020,
        notation="02.VP",
        status=FileStatus.ARCHIVED,
        rights="Công khai",
    )
    make_file(personas["clerk"], year=2020, notation="03.VP", status=FileStatus.ARCHIVED)
    url = reverse("records:file_index")
    # then the specialist sees their file and the public one; the leader sees all three; an
    # outsider from another agency sees none
    assert listed(client_for(personas["specialist"]).get(url).content.decode()) == [
        "01.DD",
        "02.VP",
    ]
    assert listed(client_for(personas["leader"]).get(url).content.decode()) == [
        "01.DD",
        "02.VP",
        "03.VP",
    ]
    assert listed(client_for(personas["outsider"]).get(url).content.decode()) == []


def test_the_unfiled_count_is_counted_once_for_the_navigation_and_the_page(
    personas: dict[str, User], ministry: Agency, doc_type: DocumentType, client_for: Client
) -> None:
    # given a document the specialist completed and has not filed
    handled(personas, ministry, doc_type)
    web = client_for(personas["specialist"])
    # when they open "my files"
    with CaptureQueriesContext(connection) as queries:
        page = web.get(reverse("records:my_files")).content.decode()
    # then the page and the navigation both show it
    assert 'data-testid="unfiled-link">1 văn bản chưa lập hồ sơ<' in page
    assert 'data-testid="nav-unfiled-count">1<' in page
    # and it was counted by one statement
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "documents_document" in q["sql"]
    ]
    assert len(counts) == 1
    # and the index (which does not show the link) counts it once too, for the navigation
    with CaptureQueriesContext(connection) as queries:
        index = web.get(reverse("records:file_index")).content.decode()
    assert 'data-testid="unfiled-link"' not in index
    assert 'data-testid="nav-unfiled-count">1<' in index
    assert (
        len(
            [
                q
                for q in queries.captured_queries
                if q["sql"].startswith("SELECT COUNT(*)") and "documents_document" in q["sql"]
            ]
        )
        == 1
    )
