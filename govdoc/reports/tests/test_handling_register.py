"""The book "Sổ theo dõi giải quyết văn bản đến": its lines on the scenario, scoping, the
PDF and the workbook, the journal."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.incoming.services import incoming_annul
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports import services
from govdoc.reports.handling_register import COLUMNS, handling_register_book
from govdoc.reports.handling_services import handling_register_export
from govdoc.reports.handling_xlsx import REGISTER_FIRST_ROW, REGISTER_HEADER_ROW
from govdoc.reports.tests.handling_scenario import DECEMBER, Scenario, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(
    time_machine: Any,
    personas: dict[str, User],
    ministry: Agency,
    units: dict[str, Unit],
    doc_type: DocumentType,
) -> Scenario:
    return build_scenario(
        time_machine=time_machine,
        personas=personas,
        ministry=ministry,
        units=units,
        doc_type=doc_type,
    )


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _book(scenario: Scenario, persona: str, ministry: Agency) -> Any:
    return handling_register_book(actor=scenario.people[persona], agency=ministry, **DECEMBER)


def test_the_book_has_seven_columns_of_nd30() -> None:
    assert COLUMNS == (
        "Số đến",
        "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành văn bản",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Tiến độ giải quyết",
        "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
    )


def test_each_document_of_the_period_has_its_lead_deadline_and_progress(
    scenario: Scenario, ministry: Agency
) -> None:
    # when the clerk reads December's book on 10/12
    book = _book(scenario, "clerk", ministry)
    rows = {row.incoming_id: row for row in book.rows}
    docs = scenario.docs
    # then the six documents of December, by arrival number (November's N is not there)
    assert [row.incoming_id for row in book.rows] == [docs[k].pk for k in "ABCDEF"]
    a, b, c, d, e, f = (rows[docs[k].pk] for k in "ABCDEF")
    assert a.receiver == "Vụ Đất đai (Phạm Thị Chuyên)"
    assert a.due_text == "04/12/2026"
    assert a.progress == "Hoàn thành đúng hạn, ngày 03/12/2026" and a.state == "done"
    assert a.note == "Phối hợp: Vụ Tổ chức cán bộ"
    assert a.reply_code == ""
    assert a.document_text.startswith("Quyết định (cá biệt) số 11/QĐ-STNMT ngày 25/11/2026 của")
    assert b.progress == "Hoàn thành quá hạn 2 ngày làm việc, ngày 08/12/2026"
    assert b.state == "late" and b.days_late == 2
    assert c.progress == "Đang xử lý, quá hạn 4 ngày làm việc" and c.state == "overdue"
    assert d.receiver == "Vụ Tổ chức cán bộ" and d.due_text == "31/12/2026"
    assert d.state == "open" and d.progress == "Chờ xử lý"
    assert e.receiver == "Phạm Thị Chuyên" and e.state == "overdue"
    assert f.progress == "Đã trả lại người giao: Không thuộc chức năng của Vụ Đất đai."


def test_annulled_documents_are_left_out(
    scenario: Scenario, ministry: Agency, personas: dict[str, User], doc_type: DocumentType
) -> None:
    from govdoc.conftest import incoming_input
    from govdoc.incoming.services import incoming_register

    extra = incoming_register(
        agency=ministry, data=incoming_input(doc_type, code_number="77"), actor=personas["clerk"]
    )
    incoming_annul(incoming=extra, reason="Vào sổ nhầm", actor=personas["clerk"])
    ids = {row.incoming_id for row in _book(scenario, "clerk", ministry).rows}
    assert extra.pk not in ids and len(ids) == 6


def test_unit_leader_follows_their_units_documents(scenario: Scenario, ministry: Agency) -> None:
    docs = scenario.docs
    ids = [row.incoming_id for row in _book(scenario, "unit_head", ministry).rows]
    # A, B, C, F led by the unit, E given to its specialist; not D (Vụ TCCB's)
    assert ids == [docs[k].pk for k in "ABCEF"]


def test_another_units_leader_sees_none_of_the_first_units(
    scenario: Scenario, ministry: Agency
) -> None:
    docs = scenario.docs
    ids = [row.incoming_id for row in _book(scenario, "tccb_head", ministry).rows]
    # D which Vụ TCCB leads, A on which it co-handles; none of Vụ Đất đai's own
    assert ids == [docs["A"].pk, docs["D"].pk]


@pytest.mark.parametrize("persona", ["specialist", "outsider"])
def test_others_read_no_book(persona: str, scenario: Scenario, ministry: Agency) -> None:
    with pytest.raises(NotFound):
        _book(scenario, persona, ministry)


def test_pdf_is_a4_landscape_with_the_lines(scenario: Scenario, ministry: Agency) -> None:
    exported = handling_register_export(
        agency=ministry, fmt="pdf", actor=scenario.people["leader"], **DECEMBER
    )
    assert exported.data.startswith(b"%PDF")
    assert exported.name == "so-theo-doi-giai-quyet_2026-12-01_2026-12-31.pdf"
    reader = PdfReader(io.BytesIO(exported.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in cover and "Năm: 2026" in cover
    assert "Tổng số: 6 văn bản" in cover
    text = _text(exported.data)
    assert "Tiến độ giải quyết" in text and "Số, ký hiệu văn bản trả lời" in text
    assert "Hoàn thành quá hạn 2 ngày làm việc, ngày 08/12/2026" in text
    assert "Về việc thẩm định hồ sơ đất đai số 11" in text
    event = AuditEvent.objects.get(action="handling_register.export")
    assert event.actor == scenario.people["leader"]
    assert event.data == {
        "format": "pdf",
        "date_from": "2026-12-01",
        "date_to": "2026-12-31",
        "count": 6,
        "units": None,
    }


def test_xlsx_has_one_row_per_document(scenario: Scenario, ministry: Agency) -> None:
    exported = handling_register_export(
        agency=ministry, fmt="xlsx", actor=scenario.people["unit_head"], **DECEMBER
    )
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert sheet is not None
    assert sheet["A2"].value == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"
    assert [c.value for c in sheet[REGISTER_HEADER_ROW]] == list(COLUMNS)
    lines = list(sheet.iter_rows(min_row=REGISTER_FIRST_ROW, values_only=True))
    # numbers 2…7: N took 01 on 30/11
    assert [line[0] for line in lines] == [2, 3, 4, 6, 7]
    assert lines[0][2] == "Vụ Đất đai (Phạm Thị Chuyên)"
    due = lines[0][3]
    assert isinstance(due, dt.datetime) and due.date() == dt.date(2026, 12, 4)
    assert lines[2][4] == "Đang xử lý, quá hạn 4 ngày làm việc"
    assert lines[0][5] is None
    event = AuditEvent.objects.get(action="handling_register.export")
    assert event.data["count"] == 5 and event.data["units"] == [scenario.units["DD"].pk]


def test_too_long_a_pdf_is_refused_and_not_journaled(
    scenario: Scenario, ministry: Agency, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 2)
    with pytest.raises(ValidationFailed) as error:
        handling_register_export(
            agency=ministry, fmt="pdf", actor=scenario.people["leader"], **DECEMBER
        )
    assert "quá nhiều để tạo một tệp PDF" in error.value.message
    assert not AuditEvent.objects.filter(action="handling_register.export").exists()
