"""The outgoing books: the Sổ đăng ký văn bản đi (its lines, the revoked one kept and marked,
its readers, the PDF and the workbook, the journal), the Sổ gửi văn bản đi bưu điện, and the
reply's number in the Sổ theo dõi giải quyết văn bản đến."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.audit.models import AuditEvent
from govdoc.core.dates import vn_date
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.tests.conftest import credentials, pki
from govdoc.reports import services
from govdoc.reports.handling_register import handling_register_book
from govdoc.reports.outgoing_register import COLUMNS, books_of, outgoing_register_book
from govdoc.reports.outgoing_services import outgoing_register_export, postal_register_export
from govdoc.reports.outgoing_xlsx import FIRST_ROW, HEADER_ROW
from govdoc.reports.postal_register import COLUMNS as POSTAL_COLUMNS
from govdoc.reports.postal_register import postal_register_book
from govdoc.reports.tests.outgoing_scenario import (
    REVOKE_REASON,
    OutgoingScenario,
    build_outgoing_scenario,
    post_a,
)
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.testing_pki import TestPki

pytestmark = pytest.mark.django_db

__all__ = ["credentials", "pki"]  # fixtures


@pytest.fixture
def scenario(
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    other_agency: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
    credentials: dict[str, SigningCredential],
    pki: TestPki,
) -> OutgoingScenario:
    return build_outgoing_scenario(
        time_machine=time_machine,
        personas=personas,
        ministry=ministry,
        other_agency=other_agency,
        units=units,
        doc_type=doc_type,
        pki=pki,
    )


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_book_has_the_ten_columns_of_nd30() -> None:
    assert COLUMNS == (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )


def test_one_line_per_number_with_the_revoked_one_marked(
    scenario: OutgoingScenario, ministry: Agency
) -> None:
    # when the clerk reads the year's outgoing book
    with CaptureQueriesContext(connection) as queries:
        book = outgoing_register_book(
            actor=scenario.people["clerk"], agency=ministry, year=scenario.year
        )
    # then A and B are there by number (E is signed, not numbered; C, D, G are not signed)
    assert [row.display_number for row in book.rows] == ["01", "02"]
    a, b = book.rows
    assert a.code == "01/QĐ-BTNMT" and a.issued_date == scenario.base
    assert a.type_and_subject == "Quyết định (cá biệt): Về việc trả lời kiến nghị đất đai"
    assert a.signer == "Trần Văn Lãnh Đạo"
    assert a.recipients == "Ủy ban nhân dân tỉnh Nghệ An; Công ty Đất Việt"
    assert a.keeping == "Vụ Đất đai" and a.copies == 4
    assert a.handed_over_on == scenario.base and a.received_by == "" and a.note == ""
    assert not a.frozen
    # the revoked line stays, with the day and the reason
    assert b.frozen and b.issued_date == scenario.late_day
    assert b.note == f"Đã thu hồi ngày {vn_date(scenario.late_day)}: {REVOKE_REASON}"
    assert book.numbers_text == "Từ số 01 đến số 02"
    assert book.book_name == "Sổ đăng ký văn bản đi"
    # one query for the lines, one for their recipients, one for their changes (and the
    # reader's roles and the book)
    assert len(queries) <= 6


def test_the_agency_wide_readers_only(scenario: OutgoingScenario, ministry: Agency) -> None:
    # the leader, and the agency's administrator as for the incoming register
    for reader in ("leader", "admin"):
        book = outgoing_register_book(
            actor=scenario.people[reader], agency=ministry, year=scenario.year
        )
        assert book.count == 2
    for persona in ("specialist", "unit_head", "outsider"):
        with pytest.raises(NotFound):
            outgoing_register_book(
                actor=scenario.people[persona], agency=ministry, year=scenario.year
            )


def test_a_book_of_another_year_or_agency_is_not_found(
    scenario: OutgoingScenario, ministry: Agency, other_agency: Agency
) -> None:
    (book,) = books_of(ministry.pk, scenario.year)
    with pytest.raises(NotFound):
        outgoing_register_book(
            actor=scenario.people["clerk"], agency=ministry, year=scenario.year - 1, book_id=book.pk
        )
    empty = outgoing_register_book(
        actor=scenario.people["clerk"], agency=ministry, year=scenario.year - 1
    )
    assert empty.count == 0 and empty.book_id is None


def test_the_pdf_is_a_printed_book(scenario: OutgoingScenario, ministry: Agency) -> None:
    exported = outgoing_register_export(
        agency=ministry, year=scenario.year, fmt="pdf", actor=scenario.people["clerk"]
    )
    (book,) = books_of(ministry.pk, scenario.year)
    assert exported.name == f"so-van-ban-di_{scenario.year}_{book.pk}.pdf"
    reader = PdfReader(io.BytesIO(exported.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in cover and f"Năm: {scenario.year}" in cover
    assert "Từ số 01 đến số 02" in cover and "Tổng số: 2 văn bản" in cover
    text = _text(exported.data)
    assert "Đơn vị, người nhận bản lưu" in text
    assert "01/QĐ-BTNMT" in text.replace("- ", "-")
    assert REVOKE_REASON in text
    event = AuditEvent.objects.get(action="outgoing_register.export")
    assert event.data == {"format": "pdf", "year": scenario.year, "book": book.pk, "count": 2}


def test_the_workbook_has_one_row_per_number(scenario: OutgoingScenario, ministry: Agency) -> None:
    exported = outgoing_register_export(
        agency=ministry, year=scenario.year, fmt="xlsx", actor=scenario.people["leader"]
    )
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert sheet is not None
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert [c.value for c in sheet[HEADER_ROW]] == list(COLUMNS)
    lines = list(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    assert [line[0] for line in lines] == ["01/QĐ-BTNMT", "02/QĐ-BTNMT"]
    issued = lines[0][1]
    assert isinstance(issued, dt.datetime) and issued.date() == scenario.base
    assert lines[0][6] == 4 and lines[0][8] is None
    assert sheet.cell(row=FIRST_ROW + 1, column=3).font.strike is True
    assert sheet.page_setup.orientation == "landscape"


def test_bad_format_and_too_long_a_pdf_are_refused(
    scenario: OutgoingScenario, ministry: Agency, monkeypatch: Any
) -> None:
    with pytest.raises(ValidationFailed):
        outgoing_register_export(
            agency=ministry, year=scenario.year, fmt="doc", actor=scenario.people["clerk"]
        )
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 1)
    with pytest.raises(ValidationFailed, match="quá nhiều"):
        outgoing_register_export(
            agency=ministry, year=scenario.year, fmt="pdf", actor=scenario.people["clerk"]
        )
    assert not AuditEvent.objects.filter(action="outgoing_register.export").exists()


# --- the post book ------------------------------------------------------------------------


def test_the_post_book_lists_the_copy_waiting_then_posted(
    scenario: OutgoingScenario, ministry: Agency, time_machine: Any
) -> None:
    assert POSTAL_COLUMNS[0] == "Ngày chuyển" and len(POSTAL_COLUMNS) == 7
    clerk = scenario.people["clerk"]
    (waiting,) = postal_register_book(actor=clerk, agency=ministry, **scenario.period).rows
    assert waiting.waiting and waiting.sent_on is None and waiting.note == "Chưa gửi"
    assert waiting.recipient_text == "Công ty Đất Việt, 12 Láng Hạ, Hà Nội"
    post_a(scenario, time_machine)
    book = postal_register_book(actor=clerk, agency=ministry, **scenario.period)
    (row,) = book.rows
    assert not row.waiting and row.sent_on == scenario.late_day
    assert row.document_text == f"01/QĐ-BTNMT ngày {vn_date(scenario.base)}"
    assert (row.envelopes, row.postal_receipt, row.postage, row.note) == (1, "RR123", "25.000", "")
    # outside the period it went in, it is not there
    before = {"date_from": scenario.base - dt.timedelta(days=20), "date_to": scenario.base}
    assert postal_register_book(actor=clerk, agency=ministry, **before).count == 0
    with pytest.raises(NotFound):
        postal_register_book(actor=scenario.people["unit_head"], agency=ministry, **scenario.period)


def test_the_post_book_exports(
    scenario: OutgoingScenario, ministry: Agency, time_machine: Any
) -> None:
    post_a(scenario, time_machine)
    pdf = postal_register_export(
        agency=ministry, fmt="pdf", actor=scenario.people["clerk"], **scenario.period
    )
    text = _text(pdf.data)
    assert "SỔ GỬI VĂN BẢN ĐI BƯU ĐIỆN" in text and "RR123" in text and "Công ty Đất Việt" in text
    workbook = postal_register_export(
        agency=ministry, fmt="xlsx", actor=scenario.people["clerk"], **scenario.period
    )
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert sheet is not None
    assert [c.value for c in sheet[HEADER_ROW]] == list(POSTAL_COLUMNS)
    (line,) = sheet.iter_rows(min_row=FIRST_ROW, values_only=True)
    assert line[3] == 1 and line[4] == "RR123" and line[5] == "25.000"
    events = AuditEvent.objects.filter(action="postal_register.export")
    assert [e.data["format"] for e in events.order_by("pk")] == ["pdf", "xlsx"]
    with pytest.raises(ValidationFailed):
        postal_register_export(
            agency=ministry,
            fmt="pdf",
            actor=scenario.people["clerk"],
            date_from=scenario.base,
            date_to=scenario.base - dt.timedelta(days=1),
        )


# --- the reply in the follow-up book ------------------------------------------------------


def test_the_follow_up_book_shows_the_number_of_the_reply(
    scenario: OutgoingScenario, ministry: Agency
) -> None:
    period = {"date_from": scenario.base, "date_to": scenario.base}
    with CaptureQueriesContext(connection) as queries:
        book = handling_register_book(actor=scenario.people["clerk"], agency=ministry, **period)
    (row,) = book.rows
    assert row.incoming_id == scenario.incoming.pk
    assert row.reply_code == "01/QĐ-BTNMT"
    assert row.cells()[5] == "01/QĐ-BTNMT"
    # the documents, their assignments, their replies: one query each, whatever the rows
    assert (
        len([q for q in queries.captured_queries if "outgoing_outgoingdocument" in q["sql"]]) == 1
    )
    # the reply completed the specialist's handling of the incoming document
    assert row.state == "done"
