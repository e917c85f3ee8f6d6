"""Pages of a long list without its exact total.

An exact `COUNT(*)` over a filtered list of 100,000 rows costs more than the page itself
(the page is an index scan that stops after a few rows; the count must visit every match).
So the count stops at a cap — "more than 1,000" is all a person needs to know — and the pages
are walked with previous/next, which needs only one row more than the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.formats import number_format

DEFAULT_COUNT_CAP = 1000

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class CappedPage(Generic[M]):
    """One page of a list whose total is known exactly only up to `cap` rows."""

    rows: list[M]
    number: int
    per_page: int
    # The exact number of rows when `count_capped` is False; otherwise `cap` + 1 (more than
    # `cap`, how many more unknown).
    count: int
    count_capped: bool
    cap: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """The number of pages, or None when the total is beyond the cap."""
        if self.count_capped:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def start_index(self) -> int:
        """1-based position of the page's first row (0 on an empty list)."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)

    @property
    def count_display(self) -> str:
        """The count with the locale's thousands separator ("12.311" in Vietnamese): the exact
        count, or the cap when the total is beyond it (the template says "more than")."""
        return str(
            number_format(self.cap if self.count_capped else self.count, force_grouping=True)
        )


def page_number(raw: Any) -> int:
    """The requested page number; anything that is not a positive integer means page 1."""
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def capped_page(
    queryset: QuerySet[M], *, number: Any, per_page: int, cap: int = DEFAULT_COUNT_CAP
) -> CappedPage[M]:
    """The page `number` (1-based; invalid means 1) of `queryset` in its order.

    Two queries whatever the page size: a count of at most `cap` + 1 rows, without the
    ordering (the first `cap` + 1 matches in any order count the same, and the database can
    stop as soon as it has them), then the page with one row more, which tells whether a next
    page exists. A page past the end shows the last page; beyond the cap, finding it takes an
    exact count (only for such out-of-range requests), which the page then shows.
    """
    if per_page < 1:
        raise ValueError("per_page must be positive")
    wanted = page_number(number)
    counted = queryset.order_by()[: cap + 1].count()
    capped = counted > cap
    if not capped:
        wanted = min(wanted, max(1, math.ceil(counted / per_page)))
    rows = _rows(queryset, wanted, per_page)
    if not rows and wanted > 1:
        total = queryset.count()
        wanted = max(1, math.ceil(total / per_page))
        rows = _rows(queryset, wanted, per_page)
        counted, capped = total, False
    return CappedPage(
        rows=rows[:per_page],
        number=wanted,
        per_page=per_page,
        count=counted,
        count_capped=capped,
        cap=cap,
        has_next=len(rows) > per_page,
    )


def _rows(queryset: QuerySet[M], number: int, per_page: int) -> list[M]:
    start = (number - 1) * per_page
    return list(queryset[start : start + per_page + 1])
