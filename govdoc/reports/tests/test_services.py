"""Exports of the incoming register: the file handed out and its journal entry."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.organizations.models import Agency, User
from govdoc.reports import services
from govdoc.reports.services import incoming_register_export
from govdoc.reports.tests.conftest import Register

pytestmark = pytest.mark.django_db

MARCH = {"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}


def test_pdf_export_is_journaled_with_range_and_count(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    # given two documents in March and one in April
    register(on=dt.date(2025, 3, 3))
    register(on=dt.date(2025, 3, 20))
    register(on=dt.date(2025, 4, 1))
    # when the leader exports March as PDF
    exported = incoming_register_export(
        agency=ministry, fmt="pdf", actor=personas["leader"], **MARCH
    )
    # then a PDF named after the period, with the two lines
    assert exported.name == "so-van-ban-den_2025-03-01_2025-03-31.pdf"
    assert exported.content_type == "application/pdf"
    assert exported.data.startswith(b"%PDF-") and exported.count == 2
    assert len(PdfReader(io.BytesIO(exported.data)).pages) >= 2
    # and one journal entry saying who took which part of the book
    event = AuditEvent.objects.get(action="incoming.export")
    assert event.actor == personas["leader"]
    assert event.agency_id == ministry.pk
    assert event.data == {
        "format": "pdf",
        "date_from": "2025-03-01",
        "date_to": "2025-03-31",
        "count": 2,
    }


def test_xlsx_export_is_journaled(
    ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    register(on=dt.date(2025, 3, 3))
    exported = incoming_register_export(
        agency=ministry, fmt="xlsx", actor=personas["admin"], **MARCH
    )
    assert exported.name.endswith(".xlsx") and exported.count == 1
    assert load_workbook(io.BytesIO(exported.data)).active is not None
    event = AuditEvent.objects.get(action="incoming.export")
    assert event.data["format"] == "xlsx" and event.data["count"] == 1


@pytest.mark.parametrize("persona", ["unit_head", "specialist", "outsider"])
def test_export_refused_to_others_writes_nothing(
    persona: str, ministry: Agency, personas: dict[str, User], register: Register
) -> None:
    register(on=dt.date(2025, 3, 3))
    with pytest.raises(NotFound):
        incoming_register_export(agency=ministry, fmt="pdf", actor=personas[persona], **MARCH)
    assert not AuditEvent.objects.filter(action="incoming.export").exists()


@pytest.mark.parametrize(
    ("fmt", "period", "field"),
    [
        ("docx", MARCH, "format"),
        ("pdf", {"date_from": dt.date(2025, 3, 31), "date_to": dt.date(2025, 3, 1)}, "date_to"),
    ],
)
def test_bad_request_is_refused_in_vietnamese_and_writes_nothing(
    fmt: str, period: dict[str, dt.date], field: str, ministry: Agency, personas: dict[str, User]
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        incoming_register_export(agency=ministry, fmt=fmt, actor=personas["clerk"], **period)
    assert field in raised.value.fields
    assert "không hợp lệ" in raised.value.message
    assert not AuditEvent.objects.filter(action="incoming.export").exists()


def test_too_long_a_book_for_one_pdf_is_refused_but_excel_works(
    ministry: Agency, personas: dict[str, User], register: Register, monkeypatch: Any
) -> None:
    # given a PDF limit of 2 lines and 3 documents in March
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 2)
    for day in (3, 4, 5):
        register(on=dt.date(2025, 3, day))
    # when the clerk asks for the PDF, it is refused with the way out, and nothing journaled
    with pytest.raises(ValidationFailed) as raised:
        incoming_register_export(agency=ministry, fmt="pdf", actor=personas["clerk"], **MARCH)
    assert "có 3 văn bản" in raised.value.message and "tải tệp Excel" in raised.value.message
    assert not AuditEvent.objects.filter(action="incoming.export").exists()
    # while the workbook of the same period is served
    exported = incoming_register_export(
        agency=ministry, fmt="xlsx", actor=personas["clerk"], **MARCH
    )
    assert exported.count == 3
