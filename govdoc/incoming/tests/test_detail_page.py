"""The incoming document page: the PDF shown in its frame, edits shown as people read them,
the clerk's presentation and refusal, and list filters that stay applied next to a bad one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from govdoc.conftest import incoming_input
from govdoc.documents.models import DocumentType, Priority
from govdoc.incoming.models import IncomingDocument
from govdoc.incoming.services import incoming_register, incoming_update
from govdoc.incoming.workflow import Status
from govdoc.organizations.models import Agency, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(personas: dict[str, User], ministry: Agency, doc_type: DocumentType) -> Any:
    return incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, priority=Priority.URGENT),
        actor=personas["clerk"],
    )


def test_the_main_pdf_may_be_framed_by_the_page_itself(
    registered: IncomingDocument, personas: dict[str, User], client_for: Any
) -> None:
    # given the document page, which shows the main PDF in an iframe
    client = client_for(personas["clerk"])
    file = registered.document.files.get(role="MAIN")
    # when the browser loads the frame
    response = client.get(reverse("incoming:file", args=[registered.pk, file.pk]))
    # then it may be shown by pages of govdoc, and by no other site
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # while the pages themselves still refuse to be framed
    page = client.get(reverse("incoming:detail", args=[registered.pk]))
    assert page["X-Frame-Options"] == "DENY"


def test_edits_are_shown_with_labels_names_and_vietnamese_dates(
    registered: IncomingDocument,
    personas: dict[str, User],
    doc_type: DocumentType,
    units: dict[str, Unit],
    client_for: Any,
) -> None:
    # given an edit of the date, the type and the receiving unit
    other_type = DocumentType.objects.get(name="Công văn")
    incoming_update(
        incoming=registered,
        data=incoming_input(
            other_type,
            issued_date=dt.date(2026, 1, 5),
            receiving_unit_id=units["DD"].pk,
            priority=Priority.URGENT,
        ),
        expected_version=registered.document.version,
        actor=personas["clerk"],
        reason="Sửa theo bản gốc",
    )
    # when the page is shown
    html = (
        client_for(personas["clerk"])
        .get(reverse("incoming:detail", args=[registered.pk]))
        .content.decode()
    )
    # then the edit reads in Vietnamese, with names instead of ids
    assert "<strong>Loại văn bản</strong>: Quyết định (cá biệt) → Công văn" in html
    assert "<strong>Ngày văn bản</strong>:" in html and "→ 05/01/2026" in html
    assert "<strong>Đơn vị nhận</strong>: — → Vụ Đất đai" in html
    assert "document_type" not in html


def test_the_clerk_presents_from_the_page_and_the_leader_sees_it(
    registered: IncomingDocument, personas: dict[str, User], client_for: Any
) -> None:
    # given the clerk on the page of an urgent document
    clerk = client_for(personas["clerk"])
    page = clerk.get(reverse("incoming:detail", args=[registered.pk])).content.decode()
    assert 'data-testid="clerk-actions"' in page and "Trình ngay" in page
    # when they present it to the leader
    response = clerk.post(
        reverse("incoming:present", args=[registered.pk]), {"leader": personas["leader"].pk}
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == Status.PRESENTED
    # then the leader can open it and sees it was presented to them
    leader_page = client_for(personas["leader"]).get(
        reverse("incoming:detail", args=[registered.pk])
    )
    assert (
        leader_page.status_code == 200 and 'data-testid="presented"' in leader_page.content.decode()
    )


@pytest.mark.parametrize("persona", ["specialist", "unit_head", "leader", "outsider"])
def test_only_the_clerk_presents_or_refuses(
    registered: IncomingDocument, personas: dict[str, User], client_for: Any, persona: str
) -> None:
    client = client_for(personas[persona])
    for name, data in (
        ("incoming:present", {"leader": personas["leader"].pk}),
        ("incoming:refuse", {"reason": "Không hợp lệ"}),
    ):
        response = client.post(reverse(name, args=[registered.pk]), data)
        assert response.status_code == 404
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED


def test_refusing_without_a_reason_changes_nothing(
    registered: IncomingDocument, personas: dict[str, User], client_for: Any
) -> None:
    client = client_for(personas["clerk"])
    response = client.post(reverse("incoming:refuse", args=[registered.pk]), {"reason": " "})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED and registered.refusal_reason == ""
    page = client.get(response["Location"]).content.decode()
    assert "Vui lòng nhập lý do trả lại." in page


def test_a_bad_filter_is_marked_and_the_others_still_apply(
    registered: IncomingDocument,
    personas: dict[str, User],
    ministry: Agency,
    doc_type: DocumentType,
    client_for: Any,
) -> None:
    # given a second document that the search does not match
    incoming_register(
        agency=ministry,
        data=incoming_input(doc_type, code_number="99", subject="Về việc tuyển dụng công chức"),
        actor=personas["clerk"],
    )
    client = client_for(personas["clerk"])
    # when the clerk searches with an impossible date next to the search
    html = client.get(
        reverse("incoming:list"), {"q": "dat dai", "date_from": "31/02/2026"}
    ).content.decode()
    # then the date is marked and the search still applies
    assert "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy." in html
    assert "1 văn bản" in html and "tuyển dụng" not in html
    # and a "from" date after the "to" date is refused, not an empty list
    html = client.get(
        reverse("incoming:list"), {"date_from": "10/02/2026", "date_to": "01/02/2026"}
    ).content.decode()
    assert "“Đến ngày” phải từ “Từ ngày” trở đi." in html and "2 văn bản" in html


def test_the_register_book_shows_urgency(
    registered: IncomingDocument, personas: dict[str, User], client_for: Any
) -> None:
    book = registered.register_entry.book
    html = (
        client_for(personas["admin"])
        .get(reverse("registers:book", args=[book.pk]))
        .content.decode()
    )
    assert "priority-badge" in html and "Khẩn" in html
