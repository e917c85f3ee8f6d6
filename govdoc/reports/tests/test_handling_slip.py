"""The form "Phiếu giải quyết văn bản đến" of one document: its three parts from the
history, access through `incoming_for`, the PDF and its journal entry, the page's panel."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from govdoc.assignments.models import Assignment
from govdoc.assignments.services import extension_decide, extension_request
from govdoc.audit.models import AuditEvent
from govdoc.core.errors import NotFound
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports.handling_services import handling_slip_export
from govdoc.reports.handling_slip import handling_slip
from govdoc.reports.tests.handling_scenario import Scenario, build_scenario

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


def test_the_three_parts_come_from_the_history(scenario: Scenario) -> None:
    # given document A: assigned by the leader, within the unit by its head, done by the
    # specialist — when the clerk builds its form
    slip = handling_slip(actor=scenario.people["clerk"], incoming_id=scenario.docs["A"].pk)
    # then the header
    assert slip.display_arrival_number == "02" and slip.arrival_year == 2026
    assert slip.code == "11/QĐ-STNMT" and slip.issued_text == "25/11/2026"
    assert slip.subject == "Về việc thẩm định hồ sơ đất đai số 11"
    # (1) the leader: instruction, lead and co-handler with deadlines, date and name
    (assign,) = slip.leader
    assert assign.text.startswith("Giao xử lý văn bản 11/QĐ-STNMT")
    assert [(x.assignee, x.due_text) for x in assign.leads] == [("Vụ Đất đai", "04/12/2026")]
    assert [(x.assignee, x.due_text) for x in assign.supports] == [
        ("Vụ Tổ chức cán bộ", "04/12/2026")
    ]
    assert assign.signed_text == "Ngày 01/12/2026 — Trần Văn Lãnh Đạo"
    # (2) the unit leader: the person, deadline, date
    (within,) = slip.unit
    assert within.about == "Vụ Đất đai"
    assert [(x.assignee, x.due_text) for x in within.leads] == [("Phạm Thị Chuyên", "04/12/2026")]
    assert within.signed_text == "Ngày 01/12/2026 — Lê Văn Trưởng"
    # (3) the handler: the proposal, then the result, with dates
    assert [(e.action, e.date_text, e.name) for e in slip.handler] == [
        ("progress", "03/12/2026", "Phạm Thị Chuyên"),
        ("complete", "03/12/2026", "Phạm Thị Chuyên"),
    ]
    assert slip.handler[1].text == "Đã thẩm định xong, dự thảo văn bản trả lời."


def test_an_extension_shows_with_whoever_decided_it(scenario: Scenario, time_machine: Any) -> None:
    # given C, overdue within the unit: the specialist asks the unit head for more time
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    person_c = Assignment.objects.get(
        incoming=scenario.docs["C"], assignee_person=scenario.people["specialist"]
    )
    extension = extension_request(
        assignment=person_c,
        requested_due=dt.date(2026, 12, 8),
        reason="Chờ ý kiến của Vụ TCCB.",
        actor=scenario.people["specialist"],
    )
    extension_decide(extension=extension, approve=True, actor=scenario.people["unit_head"])
    slip = handling_slip(actor=scenario.people["leader"], incoming_id=scenario.docs["C"].pk)
    # then the request is the handler's, the decision the unit leader's
    assert [e.action for e in slip.handler] == ["request_extension"]
    assert slip.handler[0].text == "Chờ ý kiến của Vụ TCCB."
    assert [e.action for e in slip.unit] == ["sub_assign", "approve_extension"]
    assert slip.unit[1].due_date == dt.date(2026, 12, 8)


def test_a_document_without_handling_has_empty_parts(scenario: Scenario) -> None:
    slip = handling_slip(actor=scenario.people["leader"], incoming_id=scenario.docs["D"].pk)
    assert len(slip.leader) == 1 and slip.unit == () and slip.handler == ()


@pytest.mark.parametrize(
    ("persona", "doc", "allowed"),
    [
        ("clerk", "A", True),
        ("leader", "A", True),
        ("unit_head", "A", True),
        ("specialist", "A", True),  # handles it
        ("specialist", "D", False),  # Vụ TCCB's
        ("tccb_head", "A", True),  # co-handles it
        ("tccb_head", "B", False),
        ("stranger", "A", False),
        ("outsider", "A", False),
    ],
)
def test_whoever_sees_the_document_may_print_its_form(
    persona: str, doc: str, allowed: bool, scenario: Scenario
) -> None:
    pk = scenario.docs[doc].pk
    if allowed:
        assert handling_slip(actor=scenario.people[persona], incoming_id=pk).incoming_id == pk
    else:
        with pytest.raises(NotFound):
            handling_slip(actor=scenario.people[persona], incoming_id=pk)


def test_pdf_holds_the_three_parts_and_is_journaled(scenario: Scenario) -> None:
    exported = handling_slip_export(
        incoming_id=scenario.docs["A"].pk, actor=scenario.people["unit_head"]
    )
    assert exported.data.startswith(b"%PDF")
    assert exported.name == "phieu-giai-quyet_2026-02.pdf"
    reader = PdfReader(io.BytesIO(exported.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = _text(exported.data)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "Số đến: 02/2026" in text
    assert "Về việc thẩm định hồ sơ đất đai số 11" in text
    assert "1. Ý kiến của lãnh đạo cơ quan" in text
    assert "Chủ trì: Vụ Đất đai — hạn 04/12/2026" in text
    assert "Phối hợp: Vụ Tổ chức cán bộ — hạn 04/12/2026" in text
    assert "2. Ý kiến của lãnh đạo đơn vị" in text
    assert "Người chủ trì: Phạm Thị Chuyên — hạn 04/12/2026" in text
    assert "3. Ý kiến đề xuất của người giải quyết" in text
    assert "Đã thẩm định xong, dự thảo văn bản trả lời." in text
    assert "Ngày 03/12/2026 — Phạm Thị Chuyên" in text
    event = AuditEvent.objects.get(action="handling_slip.export")
    assert event.actor == scenario.people["unit_head"]
    assert event.target_id == str(scenario.docs["A"].pk)
    assert event.data == {"format": "pdf", "steps": 4}


def test_refused_slip_is_not_journaled(scenario: Scenario) -> None:
    with pytest.raises(NotFound):
        handling_slip_export(incoming_id=scenario.docs["A"].pk, actor=scenario.people["outsider"])
    assert not AuditEvent.objects.filter(action="handling_slip.export").exists()


def test_view_serves_the_pdf_inline_or_404(scenario: Scenario, client_for: Any) -> None:
    url = reverse("reports:handling_slip", args=[scenario.docs["A"].pk])
    assert url == f"/bao-cao/phieu-giai-quyet/{scenario.docs['A'].pk}/"
    response = client_for(scenario.people["specialist"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="phieu-giai-quyet_2026-02.pdf"'
    assert response.content.startswith(b"%PDF")
    for persona in ("stranger", "outsider"):
        assert client_for(scenario.people[persona]).get(url).status_code == 404


def test_incoming_page_shows_the_small_panel(scenario: Scenario, client_for: Any) -> None:
    pk = scenario.docs["A"].pk
    slip_url = reverse("reports:handling_slip", args=[pk])
    register_url = reverse("reports:handling_register")
    page = reverse("incoming:detail", args=[pk])
    # the clerk: the form and the book
    body = client_for(scenario.people["clerk"]).get(page).content.decode()
    assert "In phiếu giải quyết" in body and slip_url in body and register_url in body
    # the specialist handling it: the form only
    body = client_for(scenario.people["specialist"]).get(page).content.decode()
    assert "In phiếu giải quyết" in body and register_url not in body
