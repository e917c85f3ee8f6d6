"""The columns of each kind of file, how headers map to them, and the template file."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

from django.db import models

from govdoc.core.text import fold


class Kind(models.TextChoices):
    AGENCIES = "agencies", "Cơ quan"
    UNITS = "units", "Đơn vị"
    PEOPLE = "people", "Người dùng"


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header written in the template files
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""
    # The service field name whose errors belong to this column, when it differs from `key`.
    field: str = ""


COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.AGENCIES: (
        Column(
            "organ_id",
            "Mã định danh",
            ("ma dinh danh co quan", "ma co quan", "ma"),
            True,
            "000.00.01.G12",
        ),
        Column("name", "Tên cơ quan", ("ten",), True, "Tổng cục Quản lý đất đai"),
        Column("abbreviation", "Viết tắt", ("chu viet tat", "ten viet tat"), False, "TCQLĐĐ"),
        Column(
            "parent_organ_id",
            "Cơ quan cấp trên",
            ("ma co quan cap tren", "ma dinh danh cap tren", "parent"),
            False,
            "000.00.00.G12",
            field="parent",
        ),
        Column("address", "Địa chỉ", (), False, "10 Tôn Thất Thuyết, Hà Nội"),
        Column("email", "Thư điện tử", ("email", "e-mail"), False, ""),
        Column("phone", "Điện thoại", ("so dien thoai",), False, ""),
        Column(
            "is_hosted",
            "Dùng govdoc",
            ("dung govdoc tren he thong nay", "su dung govdoc"),
            False,
            "không",
        ),
    ),
    Kind.UNITS: (
        Column(
            "agency_organ_id",
            "Mã định danh cơ quan",
            ("co quan", "ma co quan", "ma dinh danh", "agency"),
            True,
            "000.00.00.G12",
            field="agency",
        ),
        Column("name", "Tên đơn vị", ("ten",), True, "Vụ Kế hoạch - Tài chính"),
        Column("abbreviation", "Viết tắt", ("chu viet tat", "ten viet tat"), True, "KHTC"),
        Column(
            "parent_abbreviation",
            "Đơn vị cấp trên",
            ("viet tat don vi cap tren", "parent"),
            False,
            "",
            field="parent",
        ),
    ),
    Kind.PEOPLE: (
        Column("username", "Tên đăng nhập", ("tai khoan",), True, "nguyenvana"),
        Column("full_name", "Họ và tên", ("ho ten", "ten"), True, "Nguyễn Văn A"),
        Column("email", "Thư điện tử", ("email", "e-mail"), False, "nguyenvana@example.gov.vn"),
        Column(
            "agency_organ_id",
            "Mã định danh cơ quan",
            ("co quan", "ma co quan", "ma dinh danh", "agency"),
            True,
            "000.00.00.G12",
            field="agency",
        ),
        Column(
            "unit_abbreviation",
            "Đơn vị",
            ("viet tat don vi", "ma don vi", "unit"),
            False,
            "VP",
            field="unit",
        ),
        Column("position", "Chức vụ", (), False, "Chuyên viên"),
        Column("roles", "Vai trò", ("cac vai tro",), False, "Văn thư, Chuyên viên", field="role"),
        Column("phone", "Điện thoại", ("so dien thoai",), False, ""),
        Column("password", "Mật khẩu", ("mat khau ban dau",), False, ""),
    ),
}

FILE_HINT = "Tải tệp mẫu trên trang này để xem cách đặt tên cột."


def header_key(text: str) -> str:
    # "Mã định danh (*)" and "ma_dinh_danh" both read as "ma dinh danh".
    folded = fold(re.sub(r"\(.*?\)|\*", " ", text))
    return " ".join(folded.replace("_", " ").split())


def header_lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.key, column.label, *column.aliases):
            table.setdefault(header_key(name), column.key)
    return table


def template_csv(kind: str) -> bytes:
    """A template file: the Vietnamese headers and one example row, UTF-8 with a BOM so that
    Excel opens it with the right letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS[kind]])
    writer.writerow([c.example for c in COLUMNS[kind]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
