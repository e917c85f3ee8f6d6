"""Register books and numbering: yearly books, number format, closed books, annulment,
and the administrator's book management."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import Conflict, Forbidden, ValidationFailed
from govdoc.organizations.models import Agency
from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry
from govdoc.registers.numbering import format_number
from govdoc.registers.services import (
    book_create,
    book_for,
    book_update,
    entry_annul,
    number_allocate,
)

pytestmark = pytest.mark.django_db


def _take(book: RegisterBook, actor: Any, label: str = "Văn bản") -> RegisterEntry:
    with transaction.atomic():
        return number_allocate(book=book, actor=actor, target_type="tests.item", label=label)


@pytest.mark.parametrize(
    ("number", "shown"), [(1, "01"), (9, "09"), (10, "10"), (99, "99"), (123, "123")]
)
def test_numbers_below_ten_take_a_leading_zero(number: int, shown: str) -> None:
    assert format_number(number) == shown


def test_a_new_years_book_starts_at_one(personas: dict[str, Any], ministry: Agency) -> None:
    # given a 2025 book that has given three numbers
    clerk = personas["clerk"]
    old = book_for(agency=ministry, year=2025, kind=BookKind.INCOMING)
    for _ in range(3):
        _take(old, clerk)
    # when the first document of 2026 is numbered
    new = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    entry = _take(new, clerk)
    # then it is a different book and the number is 01
    assert new.pk != old.pk
    assert entry.number == 1 and entry.display_number == "01"
    old.refresh_from_db()
    assert old.last_number == 3


def test_book_for_returns_the_existing_book(ministry: Agency) -> None:
    first = book_for(agency=ministry, year=2026, kind=BookKind.LEGAL, series="tt")
    again = book_for(agency=ministry, year=2026, kind=BookKind.LEGAL, series="TT")
    assert first.pk == again.pk and first.series == "TT"


def test_numbers_follow_each_other_and_are_journaled(
    personas: dict[str, Any], ministry: Agency
) -> None:
    book = book_for(agency=ministry, year=2026, kind=BookKind.OUTGOING)
    numbers = [_take(book, personas["clerk"]).number for _ in range(11)]
    assert numbers == list(range(1, 12))
    event = AuditEvent.objects.filter(action="register.number").first()
    assert event is not None and event.agency_id == ministry.pk
    assert event.data["number"] == 11 and event.actor_id == personas["clerk"].pk


def test_number_needs_the_callers_transaction(
    committed_db: None, personas: dict[str, Any], ministry: Agency
) -> None:
    # (a committing test: the ordinary test database wraps everything in a transaction)
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    with pytest.raises(RuntimeError):
        number_allocate(book=book, actor=personas["clerk"], target_type="tests.item")
    book.refresh_from_db()
    assert book.last_number == 0 and not RegisterEntry.objects.exists()


def test_closed_book_refuses_numbers_with_409(personas: dict[str, Any], ministry: Agency) -> None:
    # given a book with one number, closed by the administrator
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    _take(book, personas["clerk"])
    book_update(book=book, is_closed=True, actor=personas["admin"])
    # when another number is asked for
    with pytest.raises(Conflict) as refused:
        _take(book, personas["clerk"])
    # then it is refused as a conflict and nothing changed
    assert refused.value.status == 409
    assert "đã khóa" in refused.value.message
    book.refresh_from_db()
    assert book.last_number == 1
    assert RegisterEntry.objects.filter(book=book).count() == 1
    assert AuditEvent.objects.filter(action="register.number").count() == 1


def test_reopened_book_continues_its_numbers(personas: dict[str, Any], ministry: Agency) -> None:
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    _take(book, personas["clerk"])
    book_update(book=book, is_closed=True, actor=personas["admin"])
    book_update(book=book, is_closed=False, actor=personas["admin"])
    assert _take(book, personas["clerk"]).number == 2


def test_annulled_number_stays_used(personas: dict[str, Any], ministry: Agency) -> None:
    # given numbers 01 and 02
    clerk = personas["clerk"]
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    first = _take(book, clerk, "Nhầm")
    _take(book, clerk)
    # when 01 is annulled
    entry_annul(entry=first, reason="Vào sổ nhầm văn bản", actor=clerk)
    # then 01 keeps its place with who, when and why, and the next number is 03
    first.refresh_from_db()
    assert first.number == 1 and first.annulled_at is not None
    assert first.annulled_by_id == clerk.pk and first.annul_reason == "Vào sổ nhầm văn bản"
    assert _take(book, clerk).number == 3
    assert RegisterEntry.objects.filter(book=book).count() == 3
    event = AuditEvent.objects.get(action="register.annul")
    assert event.target_id == str(first.pk) and event.data["reason"] == "Vào sổ nhầm văn bản"


def test_annul_needs_a_reason_and_happens_once(personas: dict[str, Any], ministry: Agency) -> None:
    clerk = personas["clerk"]
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    entry = _take(book, clerk)
    with pytest.raises(ValidationFailed) as missing:
        entry_annul(entry=entry, reason="  ", actor=clerk)
    assert missing.value.fields == {"reason": "Vui lòng nhập lý do hủy."}
    entry.refresh_from_db()
    assert entry.annulled_at is None
    entry_annul(entry=entry, reason="Trùng", actor=clerk)
    with pytest.raises(Conflict):
        entry_annul(entry=entry, reason="Lần hai", actor=clerk)
    entry.refresh_from_db()
    assert entry.annul_reason == "Trùng"
    assert AuditEvent.objects.filter(action="register.annul").count() == 1


def test_admin_creates_books(personas: dict[str, Any], ministry: Agency) -> None:
    admin = personas["admin"]
    book = book_create(agency=ministry, year=2026, kind=BookKind.LEGAL, series=" tt ", actor=admin)
    assert (book.series, book.name) == ("TT", "Sổ đăng ký văn bản quy phạm pháp luật (TT)")
    named = book_create(
        agency=ministry,
        year=2026,
        kind=BookKind.COPY,
        series="X",
        name=" Sổ  bản sao ",
        actor=admin,
    )
    assert (named.series, named.name) == ("", "Sổ bản sao")
    event = AuditEvent.objects.filter(action="register.create").first()
    assert event is not None and event.target_id == str(named.pk)
    assert event.agency_id == ministry.pk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "OTHER"}, "kind"),
        ({"year": 1999}, "year"),
        ({"kind": BookKind.LEGAL, "series": ""}, "series"),
        ({"kind": BookKind.LEGAL, "series": "X" * 21}, "series"),
        ({"name": "S" * 201}, "name"),
    ],
)
def test_bad_book_is_refused_and_nothing_written(
    personas: dict[str, Any], ministry: Agency, values: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {"year": 2026, "kind": BookKind.OUTGOING, **values}
    with pytest.raises(ValidationFailed) as refused:
        book_create(agency=ministry, actor=personas["admin"], **arguments)
    assert field in refused.value.fields
    assert not RegisterBook.objects.exists()
    assert not AuditEvent.objects.filter(action="register.create").exists()


def test_second_book_of_the_same_kind_and_year_is_refused(
    personas: dict[str, Any], ministry: Agency
) -> None:
    book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    with pytest.raises(Conflict) as refused:
        book_create(agency=ministry, year=2026, kind=BookKind.INCOMING, actor=personas["admin"])
    assert refused.value.fields == {"kind": "Sổ đã tồn tại trong năm."}
    assert RegisterBook.objects.count() == 1


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist", "outsider"])
def test_only_the_agencys_admin_manages_books(
    personas: dict[str, Any], ministry: Agency, persona: str
) -> None:
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    with pytest.raises(Forbidden):
        book_create(agency=ministry, year=2026, kind=BookKind.OUTGOING, actor=personas[persona])
    with pytest.raises(Forbidden):
        book_update(book=book, name="Sổ khác", is_closed=True, actor=personas[persona])
    book.refresh_from_db()
    assert (book.name, book.is_closed) == ("Sổ đăng ký văn bản đến", False)
    assert RegisterBook.objects.count() == 1
    assert not AuditEvent.objects.filter(action__in=["register.create", "register.update"]).exists()


def test_rename_and_close_are_journaled_with_the_change(
    personas: dict[str, Any], ministry: Agency
) -> None:
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    book_update(book=book, name="  Sổ  văn bản đến chung ", actor=personas["admin"])
    book_update(book=book, is_closed=True, actor=personas["admin"])
    book.refresh_from_db()
    assert (book.name, book.is_closed) == ("Sổ văn bản đến chung", True)
    changes = [
        e.data["changes"]
        for e in AuditEvent.objects.filter(action="register.update").order_by("id")
    ]
    assert changes == [
        {"name": ["Sổ đăng ký văn bản đến", "Sổ văn bản đến chung"]},
        {"is_closed": [False, True]},
    ]


def test_blank_name_is_refused(personas: dict[str, Any], ministry: Agency) -> None:
    book = book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    with pytest.raises(ValidationFailed) as refused:
        book_update(book=book, name="   ", actor=personas["admin"])
    assert refused.value.fields == {"name": "Vui lòng nhập tên sổ."}
    book.refresh_from_db()
    assert book.name == "Sổ đăng ký văn bản đến"
