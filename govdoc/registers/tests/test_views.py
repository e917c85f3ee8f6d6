"""The register-book screens: who sees and manages books, the book page, and the forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from govdoc.audit.models import AuditEvent
from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType
from govdoc.incoming.services import incoming_annul, incoming_register
from govdoc.organizations.models import Agency
from govdoc.registers.models import BookKind, RegisterBook
from govdoc.registers.services import book_for, number_allocate

pytestmark = pytest.mark.django_db

VIEWERS = ["admin", "clerk", "leader"]
NO_ACCESS = ["unit_head", "specialist", "outsider"]


@pytest.fixture
def book(ministry: Agency) -> RegisterBook:
    return book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)


@pytest.fixture
def other_book(other_agency: Agency) -> RegisterBook:
    return book_for(agency=other_agency, year=2026, kind=BookKind.OUTGOING)


def _body(response: Any) -> str:
    return str(response.content.decode())


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", VIEWERS)
def test_agency_clerk_leader_and_admin_see_the_books(
    personas: dict[str, Any],
    client_for: Any,
    book: RegisterBook,
    other_book: RegisterBook,
    persona: str,
) -> None:
    client = client_for(personas[persona])
    listing = client.get(reverse("registers:books"))
    assert listing.status_code == 200
    assert reverse("registers:book", args=[book.pk]) in _body(listing)
    assert reverse("registers:book", args=[other_book.pk]) not in _body(listing)
    assert client.get(reverse("registers:book", args=[book.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["unit_head", "specialist"])
def test_unit_head_and_specialist_get_404(
    personas: dict[str, Any], client_for: Any, book: RegisterBook, persona: str
) -> None:
    client = client_for(personas[persona])
    assert client.get(reverse("registers:books")).status_code == 404
    assert client.get(reverse("registers:book", args=[book.pk])).status_code == 404


def test_outsider_does_not_see_another_agencys_book(
    personas: dict[str, Any], client_for: Any, book: RegisterBook, other_book: RegisterBook
) -> None:
    client = client_for(personas["outsider"])
    listing = client.get(reverse("registers:books"))
    assert reverse("registers:book", args=[other_book.pk]) in _body(listing)
    assert reverse("registers:book", args=[book.pk]) not in _body(listing)
    assert client.get(reverse("registers:book", args=[book.pk])).status_code == 404
    # the same answer as for a book that does not exist
    assert client.get(reverse("registers:book", args=[999999])).status_code == 404


def test_pages_need_login(book: RegisterBook) -> None:
    response = Client().get(reverse("registers:book", args=[book.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["clerk", "leader", *NO_ACCESS])
def test_only_the_admin_manages(
    personas: dict[str, Any], client_for: Any, book: RegisterBook, persona: str
) -> None:
    # given a person who may at most read the books
    client = client_for(personas[persona])
    # when they try every management page and action
    responses = [
        client.get(reverse("registers:book_create")),
        client.post(reverse("registers:book_create"), {"kind": "OUTGOING", "year": "2026"}),
        client.get(reverse("registers:book_edit", args=[book.pk])),
        client.post(reverse("registers:book_edit", args=[book.pk]), {"name": "Sổ khác"}),
        client.post(reverse("registers:book_close", args=[book.pk])),
    ]
    # then each answers 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * 5
    book.refresh_from_db()
    assert (book.name, book.is_closed) == ("Sổ đăng ký văn bản đến", False)
    assert RegisterBook.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="register.").exists()


def test_read_only_viewers_see_no_management_buttons(
    personas: dict[str, Any], client_for: Any, book: RegisterBook
) -> None:
    body = _body(client_for(personas["clerk"]).get(reverse("registers:book", args=[book.pk])))
    assert reverse("registers:book_close", args=[book.pk]) not in body
    assert reverse("registers:book_edit", args=[book.pk]) not in body
    listing = _body(client_for(personas["clerk"]).get(reverse("registers:books")))
    assert reverse("registers:book_create") not in listing


def test_admin_cannot_manage_another_agencys_book(
    personas: dict[str, Any], client_for: Any, other_book: RegisterBook
) -> None:
    client = client_for(personas["admin"])
    response = client.post(reverse("registers:book_close", args=[other_book.pk]))
    assert response.status_code == 404
    other_book.refresh_from_db()
    assert not other_book.is_closed


# --- the list ------------------------------------------------------------------------------


def test_list_groups_books_by_year_and_filters(
    personas: dict[str, Any], client_for: Any, ministry: Agency
) -> None:
    book_for(agency=ministry, year=2025, kind=BookKind.INCOMING)
    book_for(agency=ministry, year=2026, kind=BookKind.INCOMING)
    book_for(agency=ministry, year=2026, kind=BookKind.LEGAL, series="TT")
    client = client_for(personas["admin"])
    body = _body(client.get(reverse("registers:books")))
    assert body.index("Năm 2026") < body.index("Năm 2025")
    assert 'data-testid="books-2026"' in body and "TT" in body
    only_2025 = _body(client.get(reverse("registers:books"), {"year": "2025"}))
    assert 'data-testid="books-2025"' in only_2025 and "books-2026" not in only_2025
    legal = _body(client.get(reverse("registers:books"), {"kind": "LEGAL"}))
    assert "books-2025" not in legal and "Sổ đăng ký văn bản quy phạm pháp luật (TT)" in legal


# --- the book page -------------------------------------------------------------------------


def test_book_page_lists_entries_with_links_and_annulments(
    personas: dict[str, Any], client_for: Any, doc_type: DocumentType, ministry: Agency
) -> None:
    # given two registered incoming documents, the first annulled, and one other entry
    clerk = personas["clerk"]
    first = incoming_register(agency=ministry, data=incoming_input(doc_type), actor=clerk)
    second = incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="16", subject="Về kế hoạch năm"),
        actor=clerk,
    )
    incoming_annul(incoming=first, reason="Vào sổ nhầm", actor=clerk)
    book = RegisterBook.objects.get(agency=ministry, kind=BookKind.INCOMING)
    with transaction.atomic():
        number_allocate(book=book, actor=clerk, target_type="tests.item", label="Mục khác")
    # when the leader opens the book
    response = client_for(personas["leader"]).get(reverse("registers:book", args=[book.pk]))
    body = _body(response)
    # then entries are in number order with leading zeros
    assert response.status_code == 200
    assert body.index('data-number="1"') < body.index('data-number="2"')
    assert body.index('data-number="2"') < body.index('data-number="3"')
    assert "<del>01</del>" in body and ">02<" in body and ">03<" in body
    # incoming documents link to their page; other entries do not
    assert reverse("incoming:detail", args=[first.pk]) in body
    assert reverse("incoming:detail", args=[second.pk]) in body
    assert "Về kế hoạch năm" in body and "Mục khác" in body
    # the annulled entry shows who, when and why
    assert 'data-annulled="1"' in body and "Vào sổ nhầm" in body
    assert "Đã hủy" in body and "Nguyễn Thị Văn Thư" in body
    assert 'data-testid="last-number">03<' in body


# --- management ----------------------------------------------------------------------------


def test_admin_creates_a_book(personas: dict[str, Any], client_for: Any, ministry: Agency) -> None:
    client = client_for(personas["admin"])
    assert client.get(reverse("registers:book_create")).status_code == 200
    response = client.post(
        reverse("registers:book_create"),
        {"agency": ministry.pk, "kind": "LEGAL", "year": "2026", "series": "tt", "name": ""},
    )
    book = RegisterBook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:book", args=[book.pk])
    assert (book.agency_id, book.kind, book.year, book.series) == (ministry.pk, "LEGAL", 2026, "TT")
    assert AuditEvent.objects.filter(action="register.create", target_id=str(book.pk)).exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "LEGAL", "year": "2026", "series": ""}, "phải ghi loại văn bản"),
        ({"kind": "OUTGOING", "year": "hai nghìn"}, "Năm phải là số, vd 2026."),
        ({"kind": "OUTGOING", "year": "1990"}, "Năm không hợp lệ."),
        ({"kind": "OUTGOING", "year": ""}, "Vui lòng nhập năm."),
        ({"kind": "KHAC", "year": "2026"}, "Loại sổ không hợp lệ."),
        ({"kind": "INCOMING", "year": "2026"}, "Sổ đã tồn tại trong năm."),
        ({"kind": "COPY", "year": "2026", "name": "S" * 201}, "Tên sổ tối đa 200 ký tự."),
    ],
)
def test_bad_input_shows_vietnamese_errors_and_writes_nothing(
    personas: dict[str, Any],
    client_for: Any,
    ministry: Agency,
    book: RegisterBook,
    form: dict[str, str],
    message: str,
) -> None:
    # given an existing incoming book for 2026
    client = client_for(personas["admin"])
    # when the administrator submits a bad book
    response = client.post(reverse("registers:book_create"), {"agency": ministry.pk, **form})
    # then the form comes back with the Vietnamese error, and no book was written
    assert response.status_code == 200
    assert message in _body(response)
    assert list(RegisterBook.objects.all()) == [book]
    assert not AuditEvent.objects.filter(action="register.create").exists()


def test_admin_cannot_create_a_book_for_another_agency(
    personas: dict[str, Any], client_for: Any, other_agency: Agency
) -> None:
    response = client_for(personas["admin"]).post(
        reverse("registers:book_create"),
        {"agency": other_agency.pk, "kind": "OUTGOING", "year": "2026"},
    )
    assert response.status_code == 200 and "Cơ quan không hợp lệ." in _body(response)
    assert not RegisterBook.objects.exists()


def test_admin_renames_closes_and_reopens(
    personas: dict[str, Any], client_for: Any, book: RegisterBook
) -> None:
    client = client_for(personas["admin"])
    blank = client.post(reverse("registers:book_edit", args=[book.pk]), {"name": "  "})
    assert "Vui lòng nhập tên sổ." in _body(blank)
    renamed = client.post(
        reverse("registers:book_edit", args=[book.pk]), {"name": "Sổ văn bản đến 2026"}
    )
    assert renamed.status_code == 302
    closed = client.post(reverse("registers:book_close", args=[book.pk]), follow=True)
    assert "Đã khóa, không cấp thêm số" in _body(closed)
    book.refresh_from_db()
    assert (book.name, book.is_closed) == ("Sổ văn bản đến 2026", True)
    assert client.get(reverse("registers:book_close", args=[book.pk])).status_code == 405
    client.post(reverse("registers:book_reopen", args=[book.pk]))
    book.refresh_from_db()
    assert not book.is_closed
    assert AuditEvent.objects.filter(action="register.update").count() == 3
