"""The report "Tình hình giải quyết văn bản đến": exact counts per unit and per person on
the scenario, scoping per persona, the drill-down, the PDF and the workbook, the journal."""

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
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.reports.handling_report import (
    HandlingCounts,
    handling_assignments,
    handling_report,
)
from govdoc.reports.handling_services import handling_report_export
from govdoc.reports.handling_xlsx import REPORT_HEADER_ROW
from govdoc.reports.tests.handling_scenario import DECEMBER, TODAY, Scenario, build_scenario

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


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _report(scenario: Scenario, persona: str, ministry: Agency, **kw: Any) -> Any:
    return handling_report(actor=scenario.people[persona], agency=ministry, **DECEMBER, **kw)


def test_counts_per_unit_are_exact(scenario: Scenario, ministry: Agency) -> None:
    # when the leader reads December's report on 10/12
    report = _report(scenario, "leader", ministry)
    dd = report.unit(scenario.units["DD"].pk)
    tccb = report.unit(scenario.units["TCCB"].pk)
    office = report.unit(scenario.units["VP"].pk)
    assert dd is not None and tccb is not None and office is not None
    # then Vụ Đất đai received A, B, C (F went back, N is November's, T is a task)
    assert dd.counts == HandlingCounts(received=3, on_time=1, late=1, in_progress=0, overdue=1)
    assert dd.counts.on_time_rate_text == "50,0%"
    # and Vụ TCCB leads D only (its co-handling of A is not counted), nothing completed yet
    assert tccb.counts == HandlingCounts(received=1, in_progress=1)
    assert tccb.counts.on_time_rate_text == "—"
    # and the office, with no work, still has its line
    assert office.counts == HandlingCounts()
    assert report.unit_total == HandlingCounts(
        received=4, on_time=1, late=1, in_progress=1, overdue=1
    )
    assert report.today == TODAY


def test_counts_per_person_are_exact(scenario: Scenario, ministry: Agency) -> None:
    report = _report(scenario, "leader", ministry)
    people = {line.name: line for line in report.people}
    # the specialist: A on time, C overdue within the unit, E overdue given directly
    specialist = people["Phạm Thị Chuyên"]
    assert specialist.counts == HandlingCounts(received=3, on_time=1, overdue=2)
    assert specialist.unit_id == scenario.units["DD"].pk
    assert specialist.counts.on_time_rate_text == "100,0%"
    # the colleague: B completed late
    colleague = people["Đỗ Văn Phối Hợp"]
    assert colleague.counts == HandlingCounts(received=1, late=1)
    assert colleague.counts.on_time_rate_text == "0,0%"
    assert set(people) == {"Phạm Thị Chuyên", "Đỗ Văn Phối Hợp"}
    # and the drill-down of Vụ Đất đai lists both
    assert {line.name for line in report.people_of(scenario.units["DD"].pk)} == set(people)


def test_tasks_are_a_separate_kind(scenario: Scenario, ministry: Agency) -> None:
    report = _report(scenario, "leader", ministry, kind="cong-viec")
    dd = report.unit(scenario.units["DD"].pk)
    assert dd is not None
    assert dd.counts == HandlingCounts(received=1, overdue=1)
    assert report.title == "TÌNH HÌNH THỰC HIỆN CÔNG VIỆC ĐƯỢC GIAO"
    assert report.people == ()


def test_period_is_on_arrival_date(scenario: Scenario, ministry: Agency) -> None:
    # November holds N only: open, overdue since 04/12
    report = handling_report(
        actor=scenario.people["leader"],
        agency=ministry,
        date_from=dt.date(2026, 11, 1),
        date_to=dt.date(2026, 11, 30),
    )
    dd = report.unit(scenario.units["DD"].pk)
    assert dd is not None and dd.counts == HandlingCounts(received=1, overdue=1)


def test_overdue_is_computed_from_the_day_asked(scenario: Scenario, ministry: Agency) -> None:
    # as of 04/12 (the deadline itself) nothing is overdue yet: C is in progress
    report = _report(scenario, "leader", ministry, today=dt.date(2026, 12, 4))
    dd = report.unit(scenario.units["DD"].pk)
    assert dd is not None
    assert dd.counts == HandlingCounts(received=3, on_time=1, late=1, in_progress=1)


def test_clerk_and_admin_read_the_agency_report(scenario: Scenario, ministry: Agency) -> None:
    for persona in ("clerk", "admin"):
        assert _report(scenario, persona, ministry).unit_total.received == 4


def test_unit_leader_reads_only_their_unit(scenario: Scenario, ministry: Agency) -> None:
    report = _report(scenario, "unit_head", ministry)
    assert [line.name for line in report.units] == ["Vụ Đất đai"]
    assert report.units[0].counts.received == 3
    assert {line.name for line in report.people} == {"Phạm Thị Chuyên", "Đỗ Văn Phối Hợp"}
    assert report.scope_label == "Vụ Đất đai"


def test_another_units_leader_sees_none_of_it(scenario: Scenario, ministry: Agency) -> None:
    report = _report(scenario, "tccb_head", ministry)
    assert [line.name for line in report.units] == ["Vụ Tổ chức cán bộ"]
    assert report.units[0].counts == HandlingCounts(received=1, in_progress=1)
    assert report.people == ()
    # and the drill-down into Vụ Đất đai or its specialist is not found
    with pytest.raises(NotFound):
        handling_assignments(
            actor=scenario.people["tccb_head"],
            agency_id=ministry.pk,
            unit_id=scenario.units["DD"].pk,
            today=TODAY,
            **DECEMBER,
        )
    with pytest.raises(NotFound):
        handling_assignments(
            actor=scenario.people["tccb_head"],
            agency_id=ministry.pk,
            person_id=scenario.people["specialist"].pk,
            today=TODAY,
            **DECEMBER,
        )


@pytest.mark.parametrize("persona", ["specialist", "colleague", "stranger"])
def test_people_without_a_leading_role_read_nothing(
    persona: str, scenario: Scenario, ministry: Agency
) -> None:
    with pytest.raises(NotFound):
        _report(scenario, persona, ministry)


def test_outsider_reads_nothing_of_the_ministry(scenario: Scenario, ministry: Agency) -> None:
    with pytest.raises(NotFound):
        _report(scenario, "outsider", ministry)


def test_drill_down_lists_the_assignments_behind_each_number(
    scenario: Scenario, ministry: Agency
) -> None:
    leader = scenario.people["leader"]
    dd = scenario.units["DD"].pk
    docs = scenario.docs

    def listed(**kw: Any) -> set[int | None]:
        rows = handling_assignments(
            actor=leader, agency_id=ministry.pk, today=TODAY, **DECEMBER, **kw
        )
        return {a.incoming_id for a in rows}

    assert listed(unit_id=dd) == {docs["A"].pk, docs["B"].pk, docs["C"].pk}
    assert listed(unit_id=dd, measure="dung-han") == {docs["A"].pk}
    assert listed(unit_id=dd, measure="tre-han") == {docs["B"].pk}
    assert listed(unit_id=dd, measure="qua-han") == {docs["C"].pk}
    assert listed(person_id=scenario.people["specialist"].pk, measure="qua-han") == {
        docs["C"].pk,
        docs["E"].pk,
    }
    # the total row: every unit's
    assert listed() == {docs["A"].pk, docs["B"].pk, docs["C"].pk, docs["D"].pk}


def test_report_takes_a_constant_number_of_queries(scenario: Scenario, ministry: Agency) -> None:
    with CaptureQueriesContext(connection) as captured:
        _report(scenario, "leader", ministry)
    # roles, one GROUP BY over both levels, the persons' names, the units, the parent agency
    assert len(captured.captured_queries) <= 6
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1


def test_pdf_export_holds_the_tables_and_is_journaled(scenario: Scenario, ministry: Agency) -> None:
    exported = handling_report_export(
        agency=ministry, fmt="pdf", actor=scenario.people["leader"], **DECEMBER
    )
    assert exported.data.startswith(b"%PDF")
    assert exported.name == "tinh-hinh-giai-quyet_2026-12-01_2026-12-31.pdf"
    reader = PdfReader(io.BytesIO(exported.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = _pdf_text(exported.data)
    assert "TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "Từ ngày 01/12/2026 đến ngày 31/12/2026" in text
    assert "Vụ Đất đai 3 1 1 0 1 50,0%" in text
    assert "Phạm Thị Chuyên 3 1 0 0 2 100,0%" in text
    assert "Tổng cộng 4 1 1 1 1 50,0%" in text
    event = AuditEvent.objects.get(action="handling_report.export")
    assert event.actor == scenario.people["leader"] and event.agency_id == ministry.pk
    assert event.data["format"] == "pdf" and event.data["kind"] == "van-ban"
    assert event.data["received"] == 4 and event.data["overdue"] == 1
    assert event.data["date_from"] == "2026-12-01" and event.data["units"] is None


def test_xlsx_export_has_the_numbers_in_cells(scenario: Scenario, ministry: Agency) -> None:
    exported = handling_report_export(
        agency=ministry, fmt="xlsx", actor=scenario.people["unit_head"], **DECEMBER
    )
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert sheet is not None
    assert sheet["A2"].value == "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN"
    header = [c.value for c in sheet[REPORT_HEADER_ROW + 1]]
    assert header[:3] == ["STT", "Đơn vị", "Tổng số nhận"]
    unit_row = [c.value for c in sheet[REPORT_HEADER_ROW + 2]]
    assert unit_row[:7] == [1, "Vụ Đất đai", 3, 1, 1, 0, 1]
    assert unit_row[7] == pytest.approx(0.5)
    values = [row for row in sheet.iter_rows(values_only=True)]
    people = {row[1]: row for row in values if row[1] in {"Phạm Thị Chuyên", "Đỗ Văn Phối Hợp"}}
    assert people["Phạm Thị Chuyên"][2:7] == (3, 1, 0, 0, 2)
    assert people["Đỗ Văn Phối Hợp"][7] == 0
    event = AuditEvent.objects.get(action="handling_report.export")
    assert event.data["units"] == [scenario.units["DD"].pk]


def test_bad_export_writes_nothing(scenario: Scenario, ministry: Agency) -> None:
    with pytest.raises(ValidationFailed):
        handling_report_export(
            agency=ministry, fmt="docx", actor=scenario.people["leader"], **DECEMBER
        )
    with pytest.raises(NotFound):
        handling_report_export(
            agency=ministry, fmt="pdf", actor=scenario.people["specialist"], **DECEMBER
        )
    assert not AuditEvent.objects.filter(action="handling_report.export").exists()
