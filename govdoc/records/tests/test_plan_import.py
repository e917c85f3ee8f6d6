"""Importing a file plan from Excel: headings, sub-headings and files read in order and
written together; one bad row and nothing is written, with a report of every mistake (row,
column, message); the upload's size and format checked first."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from govdoc.conftest import make_pdf
from govdoc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from govdoc.organizations.models import Agency, Unit, User
from govdoc.records.models import FilePlan, PlannedFile
from govdoc.records.services import plan_import as importing
from govdoc.records.services.plan_import import plan_import, plan_import_template
from govdoc.records.services.plans import heading_add, plan_approve, plan_create, plan_outline
from govdoc.records.tests.plan_helpers import (
    HEADER,
    THIS_YEAR,
    decision,
    events,
    filled_plan,
    snapshot,
    workbook,
)

pytestmark = pytest.mark.django_db

GOOD = (
    ("I", "", "TỔ CHỨC, CÁN BỘ", "", "", ""),
    ("", "01.TCCB", "Hồ sơ quy hoạch cán bộ", "Vĩnh viễn", "TCCB", ""),
    ("1", "", "Tuyển dụng", "", "", ""),
    ("", "02.TCCB", "Hồ sơ tuyển dụng công chức", "20 năm", "Phạm Thị Chuyên", ""),
    ("", "03.TCCB", "Hồ sơ thi nâng ngạch", 10, "Bà Nguyễn Thị B", "Bản giấy"),
    ("II", "", "VĂN PHÒNG", "", "", ""),
    ("", "01.VP", "Sổ đăng ký văn bản đi", "VV", "Văn phòng", ""),
)


@pytest.fixture
def plan(ministry: Agency, people: dict[str, User]) -> FilePlan:
    return plan_create(agency=ministry, year=THIS_YEAR, actor=people["clerk"])


def test_a_good_workbook_is_imported_in_order(
    plan: FilePlan, people: dict[str, User], units: dict[str, Unit]
) -> None:
    # when the archivist imports a workbook with two headings, a sub-heading, four files
    report = plan_import(
        plan=plan, name="danh-muc.xlsx", data=workbook(GOOD), actor=people["archivist"]
    )
    # then every row is written, numbered and in order
    assert report.committed and report.ok
    assert (report.headings, report.subheadings, report.files) == (2, 1, 4)
    outline = plan_outline(plan)
    assert [
        (r.kind, r.heading.number if r.heading else r.file.notation)  # type: ignore[union-attr]
        for r in outline.rows()
    ] == [
        ("heading", "I"),
        ("file", "01.TCCB"),
        ("subheading", "1"),
        ("file", "02.TCCB"),
        ("file", "03.TCCB"),
        ("heading", "II"),
        ("file", "01.VP"),
    ]
    # the owners were matched: a unit by abbreviation or name, a person by name, else text
    files = {f.notation: f for f in PlannedFile.objects.filter(plan=plan)}
    assert files["01.TCCB"].unit == units["TCCB"] and files["01.TCCB"].permanent
    assert files["02.TCCB"].person_in_charge == people["specialist"]
    assert files["02.TCCB"].retention_years == 20
    assert files["03.TCCB"].person_in_charge_name == "Bà Nguyễn Thị B"
    assert files["03.TCCB"].note == "Bản giấy"
    assert files["01.VP"].unit == units["VP"]
    # one journal event, the version moved once
    [event] = events("import")
    assert event.data["files"] == 4
    assert FilePlan.objects.get(pk=plan.pk).version == plan.version == 2


def test_imported_rows_go_after_the_existing_headings(
    ministry: Agency, people: dict[str, User], units: dict[str, Unit]
) -> None:
    plan = filled_plan(ministry, people["clerk"], units)
    rows = (("I", "", "Tài chính", "", "", ""), ("", "01.TC", "Hồ sơ dự toán", "10", "", ""))
    plan_import(plan=plan, name="them.xlsx", data=workbook(rows), actor=people["clerk"])
    assert [h.heading.title for h in plan_outline(plan).headings] == [
        "Tổ chức, cán bộ",
        "Văn phòng",
        "Tài chính",
    ]
    assert [h.heading.number for h in plan_outline(plan).headings] == ["I", "II", "III"]


def test_bad_rows_are_reported_and_nothing_is_written(
    ministry: Agency, people: dict[str, User], units: dict[str, Unit]
) -> None:
    # given a plan that already has 01.TCCB
    plan = filled_plan(ministry, people["clerk"], units)
    before = snapshot(plan)
    rows = (
        ("", "05.X", "Hồ sơ trước mọi đề mục", "10", "", ""),  # row 2
        ("2", "", "Đề mục con không có đề mục lớn", "", "", ""),  # row 3
        ("I", "", "Đề mục tốt", "", "", ""),  # row 4
        ("", "01.TCCB", "Trùng với danh mục", "10", "", ""),  # row 5
        ("", "10.ABC", "Tốt", "10", "", ""),  # row 6
        ("", "10.abc", "Trùng trong tệp", "10", "", ""),  # row 7
        ("", "11.ABC", "", "lâu dài", "", ""),  # row 8
        ("", "12 ABC", "Có khoảng trắng", "", "", ""),  # row 9
        ("A", "", "Số đề mục sai", "", "", ""),  # row 10
        ("", "", "Không số, không ký hiệu", "", "", ""),  # row 11
        ("", "13.ABC", "T" * 501, "0", "", "n" * 501),  # row 12
    )
    report = plan_import(plan=plan, name="sai.xlsx", data=workbook(rows), actor=people["clerk"])
    # then nothing was written, and each mistake has its row, column and message
    assert not report.committed and not report.ok
    assert snapshot(plan) == before
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (2, "Số và ký hiệu hồ sơ"),
        (3, "Đề mục"),
        (5, "Số và ký hiệu hồ sơ"),
        (7, "Số và ký hiệu hồ sơ"),
        (8, "Tên đề mục và tiêu đề hồ sơ"),
        (8, "Thời hạn bảo quản"),
        (9, "Số và ký hiệu hồ sơ"),
        (9, "Thời hạn bảo quản"),
        (10, "Đề mục"),
        (11, "Đề mục"),
        (12, "Tên đề mục và tiêu đề hồ sơ"),
        (12, "Thời hạn bảo quản"),
        (12, "Ghi chú"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "đã có trong danh mục" in messages[(5, "Số và ký hiệu hồ sơ")]
    assert "đã có trong danh mục" in messages[(7, "Số và ký hiệu hồ sơ")]
    assert "Vĩnh viễn" in messages[(8, "Thời hạn bảo quản")]
    assert "dưới một đề mục" in messages[(2, "Số và ký hiệu hồ sơ")]


def test_the_header_may_sit_below_title_lines(plan: FilePlan, people: dict[str, User]) -> None:
    rows = (
        ("DANH MỤC HỒ SƠ NĂM", "", "", "", "", ""),
        ("", "", "", "", "", ""),
        HEADER,
        ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)"),
        ("I", "", "Tổng hợp", "", "", ""),
        ("", "01.TH", "Hồ sơ kế hoạch công tác năm", "10 năm", "", ""),
    )
    report = plan_import(
        plan=plan, name="co-tieu-de.xlsx", data=workbook(rows, header=()), actor=people["clerk"]
    )
    assert report.committed and report.files == 1


def test_the_template_file_imports(plan: FilePlan, people: dict[str, User]) -> None:
    # given the template offered for download
    data = plan_import_template()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == HEADER
    # when imported as it is: its example rows are a valid plan
    report = plan_import(plan=plan, name="mau.xlsx", data=data, actor=people["clerk"])
    assert report.committed and report.files == 4


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xlsx", b"", "Tệp rỗng"),
        ("a.pdf", make_pdf(), "Chỉ nhận tệp Excel .xlsx"),
        ("a.xlsx", make_pdf(), "Chỉ nhận tệp Excel .xlsx"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("a.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel"),
    ],
)
def test_the_upload_is_checked(
    plan: FilePlan, people: dict[str, User], name: str, data: bytes, message: str
) -> None:
    before = snapshot(plan)
    with pytest.raises(ValidationFailed) as refused:
        plan_import(plan=plan, name=name, data=data, actor=people["clerk"])
    assert message in refused.value.fields["file"]
    assert snapshot(plan) == before


def test_a_too_big_upload_is_refused(
    plan: FilePlan, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed) as refused:
        plan_import(plan=plan, name="a.xlsx", data=workbook(GOOD), actor=people["clerk"])
    assert "Tệp quá lớn" in refused.value.fields["file"]


def test_missing_columns_are_named(plan: FilePlan, people: dict[str, User]) -> None:
    data = workbook([("I", "", "x")], header=("Đề mục", "Số và ký hiệu hồ sơ", "Ghi chú"))
    with pytest.raises(ValidationFailed) as refused:
        plan_import(plan=plan, name="a.xlsx", data=data, actor=people["clerk"])
    assert "Tên đề mục và tiêu đề hồ sơ" in refused.value.fields["file"]
    assert "Thời hạn bảo quản" in refused.value.fields["file"]


def test_a_header_without_rows(plan: FilePlan, people: dict[str, User]) -> None:
    with pytest.raises(ValidationFailed):
        plan_import(plan=plan, name="a.xlsx", data=workbook([]), actor=people["clerk"])


def test_only_editors_import(plan: FilePlan, people: dict[str, User]) -> None:
    before = snapshot(plan)
    for persona in ("specialist", "unit_head", "leader", "outsider"):
        with pytest.raises(Forbidden):
            plan_import(plan=plan, name="a.xlsx", data=workbook(GOOD), actor=people[persona])
    assert snapshot(plan) == before


def test_an_approved_plan_takes_no_import(
    ministry: Agency, people: dict[str, User], units: dict[str, Unit]
) -> None:
    plan = filled_plan(ministry, people["clerk"], units)
    plan_approve(plan=plan, actor=people["leader"], **decision())
    before = snapshot(plan)
    rows = (("I", "", "Mới", "", "", ""), ("", "99.X", "Hồ sơ", "10", "", ""))
    with pytest.raises(InvalidTransition):
        plan_import(plan=plan, name="a.xlsx", data=workbook(rows), actor=people["clerk"])
    assert snapshot(plan) == before


def test_a_stale_version_takes_no_import(plan: FilePlan, people: dict[str, User]) -> None:
    read = plan.version
    heading_add(plan=plan, title="Đã thêm", actor=people["archivist"])
    before = snapshot(plan)
    with pytest.raises(Conflict):
        plan_import(
            plan=plan,
            name="a.xlsx",
            data=workbook(GOOD),
            actor=people["clerk"],
            expected_version=read,
        )
    assert snapshot(plan) == before
