"""Rows of the incoming register: range, order, annulled lines, access, query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govdoc.core.errors import NotFound
from govdoc.incoming.services import incoming_annul
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports.incoming_register import (
    COLUMNS,
    default_period,
    incoming_register_book,
    incoming_register_rows,
)
from govdoc.reports.tests.conftest import Register

pytestmark = pytest.mark.django_db


def test_rows_hold_the_ten_columns_of_the_book(
    ministry: Agency, personas: dict[str, User], units: dict[str, Unit], register: Register
) -> None:
    # given a document for Vụ Đất đai and its specialist, arrived on 05/03/2025
    incoming = register(
        on=dt.date(2025, 3, 5),
        code_number="15",
        code_notation="QĐ-STNMT",
        issued_date=dt.date(2025, 3, 2),
        receiving_unit_id=units["DD"].pk,
        receiving_person_id=personas["specialist"].pk,
        notes="Bản giấy gửi kèm",
    )
    # when the clerk reads the book of March 2025
    rows = incoming_register_rows(
        actor=personas["clerk"],
        agency_id=ministry.pk,
        date_from=dt.date(2025, 3, 1),
        date_to=dt.date(2025, 3, 31),
    )
    # then one line with the ten columns, dates dd/mm/yyyy and the number "01"
    assert len(rows) == 1 and rows[0].incoming_id == incoming.pk
    assert len(rows[0].cells()) == len(COLUMNS) == 10
    assert rows[0].cells() == (
        "05/03/2025",
        "01",
        "Sở Tài nguyên và Môi trường Hà Nội",
        "15/QĐ-STNMT",
        "02/03/2025",
        "Quyết định (cá biệt): Về việc giao đất đai cho dự án khu dân cư",
        "Vụ Đất đai – Phạm Thị Chuyên",
        "",  # handed over: written by hand until the system records it
        "",  # signature of receipt
        "Bản giấy gửi kèm",
    )
    assert rows[0].annulled is False


def test_rows_keep_annulled_lines_in_number_order_within_the_range(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given four documents on four days, the second one annulled
    first = register(on=dt.date(2025, 4, 1))
    second = register(on=dt.date(2025, 4, 2))
    third = register(on=dt.date(2025, 4, 3))
    register(on=dt.date(2025, 4, 4))
    incoming_annul(incoming=second, reason="Vào sổ nhầm", actor=personas["clerk"])
    # when the book of 01/04 – 03/04 is read
    rows = incoming_register_rows(
        actor=personas["clerk"],
        agency_id=ministry.pk,
        date_from=dt.date(2025, 4, 1),
        date_to=dt.date(2025, 4, 3),
    )
    # then the three lines, the annulled number kept with its reason, the fourth day left out
    assert [r.incoming_id for r in rows] == [first.pk, second.pk, third.pk]
    assert [r.display_arrival_number for r in rows] == ["01", "02", "03"]
    assert rows[1].annulled is True
    assert rows[1].note == "Đã hủy: Vào sổ nhầm"
    assert rows[0].note == "" and rows[2].note == ""


def test_range_across_new_year_lists_the_old_year_first(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given number 01 of 2026 registered before number 01..02 of 2025 were loaded
    new = register(on=dt.date(2026, 1, 2))
    old_1 = register(on=dt.date(2025, 12, 30))
    old_2 = register(on=dt.date(2025, 12, 31))
    # when the book across New Year is read
    book = incoming_register_book(
        actor=personas["leader"],
        agency=ministry,
        date_from=dt.date(2025, 12, 1),
        date_to=dt.date(2026, 1, 31),
    )
    # then 2025's numbers come first, and the cover gives no single number range
    assert [r.incoming_id for r in book.rows] == [old_1.pk, old_2.pk, new.pk]
    assert book.years_text == "2025–2026"
    assert book.numbers_text == ""
    assert book.period_text == "Từ ngày 01/12/2025 đến ngày 31/01/2026"


@pytest.mark.parametrize("persona", ["clerk", "leader", "admin"])
def test_agency_wide_readers_read_the_book(
    persona: str, ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    register()
    start, end = default_period()
    rows = incoming_register_rows(
        actor=personas[persona], agency_id=ministry.pk, date_from=start, date_to=end
    )
    assert len(rows) == 1


@pytest.mark.parametrize("persona", ["unit_head", "specialist", "outsider"])
def test_others_are_refused_as_not_found(
    persona: str,
    ministry: Agency,
    personas: dict[str, User],
    units: dict[str, Unit],
    register: Register,
) -> None:
    # given a document addressed to the unit head's unit and the specialist themself
    register(receiving_unit_id=units["DD"].pk, receiving_person_id=personas["specialist"].pk)
    start, end = default_period()
    # when someone who is not an agency-wide reader asks for the ministry's book
    # then the answer is "not found", even for documents they may see one by one
    with pytest.raises(NotFound):
        incoming_register_rows(
            actor=personas[persona], agency_id=ministry.pk, date_from=start, date_to=end
        )


def test_other_agency_documents_never_appear(
    ministry: Agency, other_agency: Agency, personas: dict[str, User], register: Register
) -> None:
    # given a document of the ministry
    register()
    start, end = default_period()
    # when the other agency's clerk reads their own book
    rows = incoming_register_rows(
        actor=personas["outsider"], agency_id=other_agency.pk, date_from=start, date_to=end
    )
    # then it is empty
    assert rows == ()


def _count_queries(actor_pk: int, agency_id: int) -> tuple[int, int]:
    # A fresh user object each time: the role cache lives on the instance.
    actor = User.objects.get(pk=actor_pk)
    start, end = default_period()
    with CaptureQueriesContext(connection) as captured:
        rows = incoming_register_rows(
            actor=actor, agency_id=agency_id, date_from=start, date_to=end
        )
        # Touch every column, as the renderers do.
        for row in rows:
            row.cells()
    return len(captured.captured_queries), len(rows)


def test_rows_take_a_constant_number_of_queries(
    ministry: Agency, personas: dict[str, User], units: dict[str, Unit], register: Register
) -> None:
    # given 5 documents with receivers, one annulled
    clerk = personas["clerk"]
    kwargs: dict[str, Any] = {
        "receiving_unit_id": units["DD"].pk,
        "receiving_person_id": personas["specialist"].pk,
    }
    made = [register(**kwargs) for _ in range(5)]
    incoming_annul(incoming=made[0], reason="Trùng", actor=clerk)
    queries_for_5, rows_5 = _count_queries(clerk.pk, ministry.pk)
    # when 25 more are registered
    for _ in range(25):
        register(**kwargs)
    queries_for_30, rows_30 = _count_queries(clerk.pk, ministry.pk)
    # then the book reads them with the same few queries (roles, then one for the rows)
    assert (rows_5, rows_30) == (5, 30)
    assert queries_for_5 == queries_for_30
    assert queries_for_30 <= 3
