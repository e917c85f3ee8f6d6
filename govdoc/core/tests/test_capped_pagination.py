"""Pages of a long list with a capped count: counts, page numbers, navigation, queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from govdoc.core.capped_pagination import CappedPage, capped_page, page_number

pytestmark = pytest.mark.django_db


def _groups(count: int) -> QuerySet[Group]:
    Group.objects.bulk_create(Group(name=f"g{index:03d}") for index in range(1, count + 1))
    return Group.objects.order_by("name")


def _names(page: CappedPage[Group]) -> list[str]:
    return [group.name for group in page.rows]


def test_count_up_to_the_cap_is_exact() -> None:
    # given 10 rows and a cap of 10
    groups = _groups(10)

    # when the second page of 4 is asked for
    page = capped_page(groups, number="2", per_page=4, cap=10)

    # then the count is exact, the pages are known and the rows are those of page 2
    assert (page.count, page.count_capped, page.count_display) == (10, False, "10")
    assert page.num_pages == 3
    assert _names(page) == ["g005", "g006", "g007", "g008"]
    assert (page.start_index, page.end_index) == (5, 8)
    assert page.has_previous and page.has_next
    assert (page.previous_page_number, page.next_page_number) == (1, 3)


def test_count_beyond_the_cap_says_more_than_the_cap() -> None:
    # given 12 rows and a cap of 10
    groups = _groups(12)

    # when the first page is asked for
    page = capped_page(groups, number=None, per_page=5, cap=10)

    # then the count stops at the cap, the number of pages is unknown, next still works
    assert page.count_capped and page.count_display == "10"
    assert page.num_pages is None
    assert page.has_next and not page.has_previous
    # and the last page is reached by walking: it has no next page
    last = capped_page(groups, number=3, per_page=5, cap=10)
    assert _names(last) == ["g011", "g012"] and not last.has_next and last.count_capped


def test_count_shows_the_thousands_separator_of_the_language() -> None:
    # given a page over 1,500 rows with the default cap of 1,000
    groups = _groups(1500)

    # when it is counted (Vietnamese: "." between thousands)
    page = capped_page(groups, number=1, per_page=25)

    # then it shows the cap, "1.000", as the count a template prefixes with "more than"
    assert page.count_capped and page.count_display == "1.000"


@pytest.mark.parametrize("raw", [None, "", "abc", "0", "-3", "1.5"])
def test_invalid_page_numbers_mean_the_first_page(raw: str | None) -> None:
    assert page_number(raw) == 1


def test_page_past_the_end_shows_the_last_page() -> None:
    # given 7 rows
    groups = _groups(7)

    # when page 99 is asked for, within the cap and beyond it
    within = capped_page(groups, number=99, per_page=3, cap=10)
    beyond = capped_page(groups, number=99, per_page=3, cap=5)

    # then both show the last page; beyond the cap the exact count was needed and is shown
    assert within.number == 3 and _names(within) == ["g007"]
    assert beyond.number == 3 and _names(beyond) == ["g007"]
    assert (beyond.count, beyond.count_capped, beyond.num_pages) == (7, False, 3)


def test_empty_list_is_one_empty_page() -> None:
    page = capped_page(Group.objects.order_by("name"), number=5, per_page=25)
    assert (page.number, page.rows, page.count, page.has_other_pages) == (1, [], 0, False)
    assert (page.start_index, page.end_index) == (0, 0)


def test_two_queries_whatever_the_page_size_and_the_count_is_unordered() -> None:
    # given 30 rows
    groups = _groups(30)
    queries: dict[int, list[str]] = {}

    # when pages of 5 and of 25 are fetched
    for size in (5, 25):
        with CaptureQueriesContext(connection) as captured:
            capped_page(groups, number=1, per_page=size, cap=10)
        queries[size] = [query["sql"] for query in captured.captured_queries]

    # then each takes two queries: the count (without ORDER BY, so the database may stop at
    # the cap) and the page
    assert len(queries[5]) == len(queries[25]) == 2
    count_sql, page_sql = queries[5]
    assert "COUNT(" in count_sql and "ORDER BY" not in count_sql
    assert "ORDER BY" in page_sql


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        capped_page(Group.objects.all(), number=1, per_page=0)
