"""The report "Tình hình giải quyết văn bản đi": exact counts per drafting unit and per
drafter on the scenario, the average days from submission to issue, scoping per persona,
the drill-down, the PDF and the workbook, the journal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import NotFound
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency, Unit, User
from govdoc.outgoing.tests.conftest import credentials, pki
from govdoc.reports.outgoing_report import (
    COUNT_COLUMNS,
    CREATED,
    IN_REVIEW,
    ISSUED,
    LATE,
    REVOKED,
    SIGNED,
    OutgoingCounts,
    outgoing_drafts,
    outgoing_list_row,
    outgoing_report,
)
from govdoc.reports.outgoing_services import outgoing_report_export
from govdoc.reports.tests.outgoing_scenario import OutgoingScenario, build_outgoing_scenario
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


def _report(scenario: OutgoingScenario, persona: str, ministry: Agency) -> Any:
    return outgoing_report(actor=scenario.people[persona], agency=ministry, **scenario.period)


def _average(scenario: OutgoingScenario) -> float:
    # A: submitted 09:00, issued 11:00 the same day; B: submitted 09:00, issued 09:00 on the
    # late day.
    return (2 / 24 + (scenario.late_day - scenario.base).days) / 2


def test_counts_per_unit_are_exact(scenario: OutgoingScenario, ministry: Agency) -> None:
    with CaptureQueriesContext(connection) as queries:
        report = _report(scenario, "clerk", ministry)
    units = {line.name: line.counts for line in report.units}
    # A, B, C, D (the specialist) and E (the unit head); not F (never submitted) nor X (before)
    land = units["Vụ Đất đai"]
    assert (land.created, land.in_review, land.returned, land.signed) == (5, 1, 1, 1)
    assert (land.issued, land.late, land.revoked, land.waited_count) == (2, 1, 1, 2)
    assert land.average_days == pytest.approx(_average(scenario))
    assert units["Vụ Tổ chức cán bộ"] == OutgoingCounts(created=1, in_review=1)
    assert units["Văn phòng"] == OutgoingCounts()
    assert report.unit_total.created == 6 and report.unit_total.issued == 2
    assert len(COUNT_COLUMNS) == 8
    # one aggregate over the drafts, whatever their number
    grouped = [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1


def test_counts_per_drafter(scenario: OutgoingScenario, ministry: Agency) -> None:
    report = _report(scenario, "leader", ministry)
    people = {line.name: line for line in report.people}
    specialist = people["Phạm Thị Chuyên"]
    assert specialist.unit_name == "Vụ Đất đai"
    assert (specialist.counts.created, specialist.counts.issued) == (4, 2)
    assert people["Lê Văn Trưởng"].counts == OutgoingCounts(created=1, signed=1)
    assert people["Vũ Thị Tổ Chức"].unit_name == "Vụ Tổ chức cán bộ"
    assert [line.name for line in report.people_of(scenario.people["specialist"].unit_id)] == [
        "Lê Văn Trưởng",
        "Phạm Thị Chuyên",
    ]


def test_the_unit_head_reads_their_unit(scenario: OutgoingScenario, ministry: Agency) -> None:
    report = _report(scenario, "unit_head", ministry)
    assert [line.name for line in report.units] == ["Vụ Đất đai"]
    assert report.scope_label == "Vụ Đất đai"
    assert report.unit_total.created == 5


@pytest.mark.parametrize("persona", ["specialist", "tccb"])
def test_others_read_no_report(persona: str, scenario: OutgoingScenario, ministry: Agency) -> None:
    with pytest.raises(NotFound):
        _report(scenario, persona, ministry)


def test_the_drill_down_lists_the_drafts_behind_a_number(
    scenario: OutgoingScenario, ministry: Agency
) -> None:
    clerk = scenario.people["clerk"]
    land = scenario.drafts["A"].drafting_unit_id

    def ids(measure: str, **kw: Any) -> set[int]:
        drafts = outgoing_drafts(
            actor=clerk, agency_id=ministry.pk, measure=measure, **scenario.period, **kw
        )
        return {d.pk for d in drafts}

    d = scenario.drafts
    assert ids(CREATED, unit_id=land) == {d[k].pk for k in "ABCDE"}
    assert ids(IN_REVIEW) == {d["C"].pk, d["G"].pk}
    assert ids(SIGNED) == {d["E"].pk}
    assert ids(ISSUED, person_id=scenario.people["specialist"].pk) == {d["A"].pk, d["B"].pk}
    assert ids(LATE) == ids(REVOKED) == {d["B"].pk}
    late = outgoing_list_row(
        outgoing_drafts(actor=clerk, agency_id=ministry.pk, measure=LATE, **scenario.period)[0]
    )
    assert late.code == "02/QĐ-BTNMT" and late.late and late.revoked
    assert late.url == f"/van-ban-di/{scenario.issued['B'].pk}/"
    assert late.wait_days == pytest.approx((scenario.late_day - scenario.base).days)
    waiting = outgoing_list_row(
        outgoing_drafts(actor=clerk, agency_id=ministry.pk, measure=SIGNED, **scenario.period)[0]
    )
    assert waiting.code == "" and waiting.url == f"/van-ban-di/du-thao/{d['E'].pk}/"
    with pytest.raises(NotFound):
        outgoing_drafts(
            actor=scenario.people["unit_head"],
            agency_id=ministry.pk,
            unit_id=d["G"].drafting_unit_id,
            **scenario.period,
        )
    with pytest.raises(NotFound):
        outgoing_drafts(actor=clerk, agency_id=ministry.pk, measure="khac", **scenario.period)


def test_pdf_and_workbook_are_journaled(scenario: OutgoingScenario, ministry: Agency) -> None:
    pdf = outgoing_report_export(
        agency=ministry, fmt="pdf", actor=scenario.people["leader"], **scenario.period
    )
    reader = PdfReader(io.BytesIO(pdf.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI" in text
    assert "Theo người soạn thảo" in text and "Phạm Thị Chuyên" in text
    workbook = outgoing_report_export(
        agency=ministry, fmt="xlsx", actor=scenario.people["unit_head"], **scenario.period
    )
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    land = next(r for r in rows if r[1] == "Vụ Đất đai")
    assert land[2:9] == (5, 1, 1, 1, 2, 1, 1)
    assert land[9] == pytest.approx(round(_average(scenario), 1))
    events = AuditEvent.objects.filter(action="outgoing_report.export").order_by("pk")
    assert [(e.data["format"], e.data["created"]) for e in events] == [("pdf", 6), ("xlsx", 5)]
    assert events[1].data["units"] == [scenario.drafts["A"].drafting_unit_id]
