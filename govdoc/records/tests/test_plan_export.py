"""The file plan printed (NĐ 30 Phụ lục V): the PDF read back with pypdf, the workbook read
back with openpyxl, the count written in words, and the export journaled."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from govdoc.core.errors import ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan
from govdoc.records.services.plan_export import (
    COLUMNS,
    in_words,
    plan_export,
    plan_pdf,
    plan_xlsx,
)
from govdoc.records.services.plans import plan_approve
from govdoc.records.tests.plan_helpers import decision, events, filled_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(ministry: Agency, personas: dict[str, User], units: dict[str, Unit]) -> FilePlan:
    return filled_plan(ministry, personas["clerk"], units, person=personas["specialist"])


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split()), reader


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (4, "bốn"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (2345, "hai nghìn ba trăm bốn mươi lăm"),
    ],
)
def test_counts_in_words(number: int, words: str) -> None:
    assert in_words(number) == words


def test_the_pdf_of_an_approved_plan(plan: FilePlan, personas: dict[str, User]) -> None:
    # given the plan approved by the head
    plan_approve(plan=plan, actor=personas["leader"], **decision())
    plan = FilePlan.objects.select_related("agency", "approved_by").get(pk=plan.pk)
    # when printed
    text, reader = _pdf_text(plan_pdf(plan))
    # then A4 portrait, the agency, the title, the columns, headings and files in order
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in text
    assert f"DANH MỤC HỒ SƠ CỦA BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG NĂM {plan.year}" in text
    for column in COLUMNS:
        assert column in text
    order = [
        "Tổ chức, cán bộ",
        "01.TCCB",
        "Hồ sơ quy hoạch cán bộ",
        "02.TCCB",
        "Tuyển dụng",
        "03.TCCB",
        "Văn phòng",
        "01.VP",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert "Vĩnh viễn" in text and "20 năm" in text
    assert "Vụ Tổ chức cán bộ" in text and "Phạm Thị Chuyên" in text
    assert "Hồ sơ xây dựng cơ bản" in text
    # the closing line and the head's approval
    assert "Bản danh mục hồ sơ này có 04 (bốn) hồ sơ" in text
    assert "02 (hai) hồ sơ bảo quản vĩnh viễn" in text
    assert "02 (hai) hồ sơ bảo quản có thời hạn" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text.upper()
    assert personas["leader"].display_name in text
    assert "Phê duyệt ngày" in text
    assert "Dự thảo" not in text


def test_the_pdf_of_a_draft_says_so(plan: FilePlan) -> None:
    text, _ = _pdf_text(plan_pdf(FilePlan.objects.select_related("agency").get(pk=plan.pk)))
    assert "Dự thảo — chưa được phê duyệt" in text
    assert "Phê duyệt ngày" not in text


def test_the_workbook_has_the_same_columns(plan: FilePlan, personas: dict[str, User]) -> None:
    plan_approve(plan=plan, actor=personas["leader"], **decision())
    plan = FilePlan.objects.select_related("agency", "approved_by").get(pk=plan.pk)
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan))).worksheets[0]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    texts = [" ".join(str(v) for v in row if v is not None) for row in rows]
    # the agency and the title above the table
    assert texts[0] == "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert f"DANH MỤC HỒ SƠ CỦA BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG NĂM {plan.year}" in texts
    header = rows.index(COLUMNS)
    assert rows[header + 1] == ("(1)", "(2)", "(3)", "(4)", "(5)")
    body = rows[header + 2 : header + 10]
    assert body == [
        ("I", "Tổ chức, cán bộ", None, None, None),
        ("01.TCCB", "Hồ sơ quy hoạch cán bộ", "Vĩnh viễn", "Vụ Tổ chức cán bộ", None),
        ("02.TCCB", "Hồ sơ nâng lương", "20 năm", "Phạm Thị Chuyên", None),
        ("1", "Tuyển dụng", None, None, None),
        ("03.TCCB", "Hồ sơ tuyển dụng", "10 năm", None, None),
        ("II", "Văn phòng", None, None, None),
        (
            "01.VP",
            "Hồ sơ sửa chữa trụ sở",
            "Vĩnh viễn",
            None,
            "Bản giấy; Hồ sơ xây dựng cơ bản",
        ),
        (None, None, None, None, None),
    ]
    assert sheet.cell(row=header + 3, column=1).font.name == "Times New Roman"
    assert sheet.cell(row=header + 3, column=1).font.bold
    assert "Bản danh mục hồ sơ này có 04 (bốn) hồ sơ, bao gồm:" in texts
    assert "THỦ TRƯỞNG CƠ QUAN" in texts
    assert personas["leader"].display_name in texts


def test_an_export_is_journaled(plan: FilePlan, personas: dict[str, User]) -> None:
    # when the specialist takes the Excel copy
    export = plan_export(plan=plan, kind="xlsx", actor=personas["specialist"])
    # then the file is named by the year, and the journal says who took it
    assert export.name == f"danh-muc-ho-so-{plan.year}.xlsx"
    assert export.data[:2] == b"PK"
    [event] = events("export")
    assert event.actor == personas["specialist"] and event.data["format"] == "xlsx"


def test_an_unknown_format_is_refused(plan: FilePlan, personas: dict[str, User]) -> None:
    with pytest.raises(ValidationFailed):
        plan_export(plan=plan, kind="docx", actor=personas["clerk"])
    assert events("export") == []
