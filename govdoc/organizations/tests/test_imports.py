"""Import from CSV and Excel: headers in Vietnamese or English, all rows or none."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook

from govdoc.audit.models import AuditEvent
from govdoc.core.errors import NotFound, ValidationFailed
from govdoc.organizations.imports import (
    COLUMNS,
    Kind,
    Status,
    import_run,
    parse_roles,
    read_table,
    template_csv,
)
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role

pytestmark = pytest.mark.django_db


def _csv(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        Agency.objects.count(),
        Unit.objects.count(),
        Position.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.exclude(action="import.run").count(),
    )


AGENCY_HEADER = ["Mã định danh", "Tên cơ quan", "Viết tắt", "Cơ quan cấp trên"]


def test_agencies_from_csv_with_bom_and_semicolons(
    ministry: Agency, personas: dict[str, User]
) -> None:
    # given a CSV saved by Excel: BOM, semicolons, Vietnamese headers; the child row first
    data = _csv(
        [
            AGENCY_HEADER,
            ["000.01.01.G12", "Cục Đăng ký đất đai", "CĐK", "000.00.01.G12"],
            ["000.00.01.g12", "Tổng cục Quản lý đất đai", "tcqlđđ", "000.00.00.G12"],
            ["000.00.00.G12", "Bộ Tài nguyên và Môi trường", "", ""],
        ],
        delimiter=";",
        bom=True,
    )
    # when the ministry's administrator imports it
    report = import_run(kind=Kind.AGENCIES, name="co-quan.csv", data=data, actor=personas["admin"])
    # then the grandchild is refused (its parent is not an agency they administer directly),
    # the other rows are valid, and nothing at all is imported
    assert not report.committed
    statuses = {row.number: row.status for row in report.rows}
    assert statuses == {2: Status.ERROR, 3: Status.CREATED, 4: Status.UNCHANGED}
    assert [row.number for row in report.rows] == [2, 3, 4]
    assert report.rows[0].messages[0].startswith("Cơ quan cấp trên:")
    assert not Agency.objects.filter(organ_id="000.00.01.G12").exists()


def test_agencies_import_parents_first_and_commits(
    ministry: Agency, personas: dict[str, User]
) -> None:
    root = User.objects.create_superuser(username="root", password="x", agency=ministry)
    data = _csv(
        [
            AGENCY_HEADER,
            ["000.01.01.G12", "Cục Đăng ký đất đai", "CĐK", "000.00.01.G12"],
            ["000.00.01.G12", "Tổng cục Quản lý đất đai", "TCQLĐĐ", "000.00.00.G12"],
            ["000.00.00.G12", "Bộ Tài nguyên và Môi trường", "", ""],
            ["000.00.00.G09", "Bộ Nội vụ", "BNV", ""],
        ]
    )
    report = import_run(kind=Kind.AGENCIES, name="co-quan.csv", data=data, actor=root)
    assert report.committed and report.errors == 0
    assert (report.created, report.unchanged) == (3, 1)
    grandchild = Agency.objects.get(organ_id="000.01.01.G12")
    assert grandchild.parent is not None and grandchild.parent.organ_id == "000.00.01.G12"
    assert grandchild.parent.abbreviation == "TCQLĐĐ"
    assert AuditEvent.objects.filter(action="agency.create").count() == 3
    run = AuditEvent.objects.get(action="import.run")
    assert run.data["committed"] is True and run.data["created"] == 3


def test_a_bad_row_imports_nothing_and_reports_every_row(
    ministry: Agency, personas: dict[str, User]
) -> None:
    # given a units file with two good rows and two bad ones
    data = _csv(
        [
            ["agency_organ_id", "name", "abbreviation", "parent_abbreviation"],
            ["000.00.00.G12", "Vụ Kế hoạch - Tài chính", "KHTC", ""],
            ["000.00.00.G12", "Phòng Kế hoạch", "PKH", "KHTC"],
            ["000.00.00.G12", "", "X Y/Z", ""],
            ["000.00.00.H41", "Phòng của tỉnh", "PT", ""],
        ]
    )
    before = _counts()
    report = import_run(kind=Kind.UNITS, name="don-vi.csv", data=data, actor=personas["admin"])
    # then nothing is imported
    assert not report.committed
    assert _counts() == before
    # and the report names each row with its result, the errors in Vietnamese
    by_row = {row.number: row for row in report.rows}
    assert by_row[2].status == Status.CREATED and by_row[3].status == Status.CREATED
    assert by_row[4].status == Status.ERROR
    assert "Tên đơn vị: Vui lòng nhập tên đơn vị." in by_row[4].messages
    assert any(m.startswith("Viết tắt: Chữ viết tắt chỉ gồm") for m in by_row[4].messages)
    assert by_row[5].messages == (
        "Không tìm thấy cơ quan 000.00.00.H41 hoặc bạn không quản trị cơ quan này.",
    )
    assert report.errors == 2
    # the attempt is journaled although nothing was imported
    run = AuditEvent.objects.get(action="import.run")
    assert run.data["committed"] is False and run.data["errors"] == 2


def test_people_from_xlsx_with_roles_units_and_positions(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    data = _xlsx(
        [
            [
                "Tên đăng nhập",
                "Họ và tên",
                "Thư điện tử",
                "Mã định danh cơ quan",
                "Đơn vị",
                "Chức vụ",
                "Vai trò",
                "Mật khẩu",
                "Ghi chú",
            ],
            [
                "tranthib",
                "Trần Thị B",
                "b@example.gov.vn",
                "000.00.00.G12",
                "vp",
                "Chánh Văn phòng",
                "Lãnh đạo đơn vị, văn thư",
                "Mat-khau-2026!",
                "bỏ qua",
            ],
            [None, None, None, None, None, None, None, None, None],
            ["lequangc", "Lê Quang C", None, "000.00.00.G12", None, "chuyên viên", "SPECIALIST"],
            ["chuyenvien", "Phạm Thị Chuyên (đổi)", None, "000.00.00.G12", None, None, None],
        ]
    )
    report = import_run(kind=Kind.PEOPLE, name="nguoi.xlsx", data=data, actor=personas["admin"])
    assert report.committed, report.rows
    assert [(row.number, row.status) for row in report.rows] == [
        (2, Status.CREATED),
        (4, Status.CREATED),
        (5, Status.UPDATED),
    ]
    assert report.ignored_columns == ("Ghi chú",)
    tran = User.objects.get(username="tranthib")
    assert tran.check_password("Mat-khau-2026!")
    assert tran.unit == units["VP"] and tran.position is not None
    assert tran.position.name == "Chánh Văn phòng"
    assert set(RoleAssignment.objects.filter(user=tran).values_list("role", "unit")) == {
        (Role.UNIT_LEADER, units["VP"].pk),
        (Role.CLERK, None),
    }
    le = User.objects.get(username="lequangc")
    assert not le.has_usable_password()
    # the existing position is reused (case-insensitive), not duplicated
    assert le.position == Position.objects.get(agency=ministry, name="Chuyên viên")
    assert User.objects.get(username="chuyenvien").full_name == "Phạm Thị Chuyên (đổi)"
    assert AuditEvent.objects.filter(action="person.create").count() == 2
    assert AuditEvent.objects.filter(action="role.grant").count() == 3


def test_people_rows_with_bad_roles_or_units_import_nothing(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    data = _csv(
        [
            ["username", "full_name", "agency_organ_id", "unit_abbreviation", "roles", "password"],
            ["moi1", "Người Mới", "000.00.00.G12", "", "Văn thư", ""],
            ["moi2", "Người Mới Hai", "000.00.00.G12", "KHONGCO", "", ""],
            ["moi3", "Người Mới Ba", "000.00.00.G12", "", "Giám đốc", ""],
            ["moi4", "Người Mới Bốn", "000.00.00.G12", "", "", "123"],
            ["vanthu", "Trùng tên", "000.00.00.H41", "", "", ""],
        ]
    )
    before = _counts()
    report = import_run(kind=Kind.PEOPLE, name="nguoi.csv", data=data, actor=personas["admin"])
    assert not report.committed and _counts() == before
    by_row = {row.number: row for row in report.rows}
    assert by_row[2].ok
    assert by_row[3].messages == ("Đơn vị: Cơ quan không có đơn vị viết tắt KHONGCO.",)
    assert by_row[4].messages[0].startswith("Vai trò: Vai trò không hợp lệ: Giám đốc")
    assert by_row[5].messages[0].startswith("Mật khẩu: Mật khẩu phải có ít nhất 8 ký tự.")
    # an existing person cannot be moved to an agency the administrator does not run
    assert by_row[6].messages == (
        "Mã định danh cơ quan: Cơ quan không tồn tại hoặc bạn không quản trị cơ quan này.",
    )


def test_dry_run_checks_without_importing(ministry: Agency, personas: dict[str, User]) -> None:
    data = _csv(
        [["Mã định danh cơ quan", "Tên đơn vị", "Viết tắt"], ["000.00.00.G12", "Vụ Pháp chế", "PC"]]
    )
    report = import_run(
        kind=Kind.UNITS, name="u.csv", data=data, actor=personas["admin"], dry_run=True
    )
    assert not report.committed and report.errors == 0 and report.created == 1
    assert not Unit.objects.filter(abbreviation="PC").exists()
    run = AuditEvent.objects.get(action="import.run")
    assert run.data["dry_run"] is True


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "Tệp rỗng."),
        ("Mã,Tên\n".encode("cp1252"), "a.csv", "UTF-8"),
        (b"Ma dinh danh;Ten co quan\n", "a.csv", "không có dòng dữ liệu"),
        (b"Ten co quan,Viet tat\nBo X,BX\n", "a.csv", "Thiếu cột bắt buộc: Mã định danh"),
        (b"Ma dinh danh,Ma,Ten co quan\n1,2,3\n", "a.csv", "bị lặp lại"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "a.xls", ".xls"),
        (b"PK\x03\x04not really a zip", "a.xlsx", "Không đọc được tệp Excel"),
        (b"hello", "a.xlsx", "không phải là tệp Excel"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    ministry: Agency, personas: dict[str, User], data: bytes, name: str, message: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        import_run(kind=Kind.AGENCIES, name=name, data=data, actor=personas["admin"])
    assert message in caught.value.fields["file"]
    assert _counts() == before


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head", "specialist", "outsider"])
def test_only_administrators_import(
    ministry: Agency, personas: dict[str, User], persona: str
) -> None:
    with pytest.raises(NotFound):
        import_run(
            kind=Kind.UNITS, name="u.csv", data=template_csv(Kind.UNITS), actor=personas[persona]
        )
    assert not AuditEvent.objects.filter(action="import.run").exists()


@pytest.mark.parametrize("kind", Kind.values)
def test_templates_read_back_with_every_column(kind: str) -> None:
    content = template_csv(kind)
    assert content.startswith("\ufeff".encode())
    rows, ignored = read_table(name="mau.csv", data=content, kind=kind)
    assert ignored == []
    assert set(rows[0][1]) == {column.key for column in COLUMNS[kind]}


def test_agency_template_imports_as_is(ministry: Agency, personas: dict[str, User]) -> None:
    # the example row of the agencies template is a sub-agency of the ministry fixture
    report = import_run(
        kind=Kind.AGENCIES,
        name="mau.csv",
        data=template_csv(Kind.AGENCIES),
        actor=personas["admin"],
    )
    assert report.committed, report.rows
    assert Agency.objects.get(organ_id="000.00.01.G12").parent == ministry


def test_headers_without_diacritics_and_english_keys_are_accepted(
    ministry: Agency, personas: dict[str, User]
) -> None:
    data = _csv(
        [
            ["MA DINH DANH CO QUAN (*)", "ten don vi", "Chu viet tat"],
            ["000.00.00.G12", "Thanh tra Bộ", "TTR"],
        ]
    )
    report = import_run(kind=Kind.UNITS, name="u.csv", data=data, actor=personas["admin"])
    assert report.committed
    assert Unit.objects.filter(agency=ministry, abbreviation="TTR").exists()


def test_existing_rows_are_updated_and_blank_cells_keep_values(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    data = _csv(
        [
            ["Mã định danh cơ quan", "Tên đơn vị", "Viết tắt", "Đơn vị cấp trên"],
            ["000.00.00.G12", "Văn phòng Bộ", "VP", ""],
            ["000.00.00.G12", "", "TCCB", "VP"],
        ]
    )
    report = import_run(kind=Kind.UNITS, name="u.csv", data=data, actor=personas["admin"])
    assert report.committed and report.updated == 2
    units["VP"].refresh_from_db()
    units["TCCB"].refresh_from_db()
    assert units["VP"].name == "Văn phòng Bộ"
    assert units["TCCB"].name == "Vụ Tổ chức cán bộ" and units["TCCB"].parent == units["VP"]
    assert AuditEvent.objects.filter(action="unit.update").count() == 2


def test_parse_roles_accepts_labels_and_codes() -> None:
    assert parse_roles("Văn thư; lanh dao co quan, ADMIN, unit_leader") == [
        Role.CLERK,
        Role.AGENCY_LEADER,
        Role.ADMIN,
        Role.UNIT_LEADER,
    ]
    with pytest.raises(ValidationFailed):
        parse_roles("Thủ trưởng")


def test_a_row_reports_all_its_problems_at_once(
    ministry: Agency, units: dict[str, Unit], personas: dict[str, User]
) -> None:
    data = _csv(
        [
            ["Tên đăng nhập", "Họ và tên", "Mã định danh cơ quan", "Đơn vị", "Vai trò"],
            ["moi2", "", "000.00.00.G12", "XX", "Giám đốc"],
        ]
    )
    report = import_run(kind=Kind.PEOPLE, name="p.csv", data=data, actor=personas["admin"])
    (row,) = report.rows
    assert row.number == 2 and row.status == Status.ERROR
    assert row.messages[0] == "Họ và tên: Vui lòng nhập họ và tên."
    assert {message.split(":")[0] for message in row.messages} == {"Họ và tên", "Đơn vị", "Vai trò"}
    assert not User.objects.filter(username="moi2").exists()
