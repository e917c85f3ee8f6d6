"""Importing a file plan from an Excel workbook (.xlsx) into a draft plan.

Columns (the header row may sit below a few title lines): Đề mục | Số và ký hiệu hồ sơ |
Tên đề mục và tiêu đề hồ sơ | Thời hạn bảo quản | Đơn vị hoặc người lập hồ sơ | Ghi chú.
A row with a Roman numeral (I, II…) in "Đề mục" and no notation is a heading, with an Arabic
numeral (1, 2…) a sub-heading of the last heading; a row with a notation is a planned file
under the last heading or sub-heading.

Every row is checked first. One bad row and nothing is written: the report lists each
mistake with its row number, its column and a message in Vietnamese."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from govdoc.core.errors import ValidationFailed
from govdoc.core.text import fold
from govdoc.organizations.models import Unit, User
from govdoc.records.models import FilePlan, PlanHeading, PlannedFile
from govdoc.records.services.plans import (
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    bump_plan,
    check_notation,
    check_retention,
    clean_text,
    is_roman,
    journal_plan,
    parse_retention,
    renumber,
    require_editor,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 15
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("number", "Đề mục", True, ("so de muc", "stt de muc")),
    Column("notation", "Số và ký hiệu hồ sơ", True, ("so, ky hieu ho so", "so ky hieu ho so")),
    Column(
        "title",
        "Tên đề mục và tiêu đề hồ sơ",
        True,
        ("ten de muc va tieu de ho so", "tieu de ho so", "ten de muc, tieu de ho so"),
    ),
    Column("retention", "Thời hạn bảo quản", True, ("thoi han bao quan",)),
    Column(
        "owner",
        "Đơn vị hoặc người lập hồ sơ",
        False,
        ("don vi/nguoi lap ho so", "don vi, nguoi lap ho so", "nguoi lap ho so"),
    ),
    Column("note", "Ghi chú", False, ("ghi chu",)),
)
LABELS = {c.key: c.label for c in COLUMNS}
FILE_HINT = "Hãy dùng tệp mẫu (nút “Tải tệp mẫu”)."


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it
    column: str  # the column's title
    message: str


@dataclass(frozen=True)
class PlanImportReport:
    errors: tuple[RowError, ...]
    headings: int
    subheadings: int
    files: int
    committed: bool
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Heading:
    row: int
    title: str
    children: list[_Heading] = field(default_factory=list)
    files: list[_File] = field(default_factory=list)


@dataclass
class _File:
    row: int
    notation: str
    title: str
    permanent: bool
    retention_years: int | None
    unit: Unit | None
    person: User | None
    person_name: str
    note: str


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": message})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def check_upload(*, name: str, data: bytes, size: int | None = None) -> None:
    """Size and format, before the workbook is opened."""
    if (size if size is not None else len(data)) > MAX_BYTES:
        raise _file_error(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if not data:
        raise _file_error("Tệp rỗng.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error("Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu lại dạng .xlsx.")
    if not name.lower().endswith(".xlsx") or data[:4] != b"PK\x03\x04":
        raise _file_error("Chỉ nhận tệp Excel .xlsx. " + FILE_HINT)


def _read_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise _file_error("Không đọc được tệp Excel. Hãy lưu lại dạng .xlsx.") from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            cells = [_cell(v) for v in values]
            if any(cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _file_error(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng mỗi lần nhập).")
        return rows
    finally:
        workbook.close()


def _lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for column in COLUMNS:
        out[fold(column.label)] = column.key
        for alias in column.aliases:
            out[fold(alias)] = column.key
    return out


def _header(
    rows: list[tuple[int, list[str]]],
) -> tuple[int, dict[str, int], list[str]]:
    """The index of the header row in `rows`, the position of each column, the ignored."""
    lookup = _lookup()
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [lookup.get(fold(c)) for c in cells]
        if "notation" not in keys:
            continue
        positions: dict[str, int] = {}
        ignored: list[str] = []
        for position, (title, key) in enumerate(zip(cells, keys, strict=True)):
            if not title:
                continue
            if key is None:
                ignored.append(title)
            elif key in positions:
                raise _file_error(f"Cột “{title}” bị lặp lại (dòng {number}).")
            else:
                positions[key] = position
        missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            raise _file_error(f"Thiếu cột: {', '.join(missing)} (dòng {number}). " + FILE_HINT)
        return index, positions, ignored
    raise _file_error(
        "Không thấy dòng tiêu đề cột (Đề mục, Số và ký hiệu hồ sơ, Tên đề mục và tiêu đề hồ "
        "sơ, Thời hạn bảo quản…). " + FILE_HINT
    )


_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


class _Owners:
    """ "Đơn vị hoặc người lập hồ sơ" → a unit of the agency (by name or abbreviation), a
    person of the agency (by full name, when only one has it), or else the name as written."""

    def __init__(self, agency_id: int) -> None:
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.filter(agency_id=agency_id, is_active=True):
            self.units.setdefault(fold(unit.name), unit)
            self.units.setdefault(fold(unit.abbreviation), unit)
        self.people: dict[str, User | None] = {}
        for person in User.objects.filter(agency_id=agency_id, is_active=True):
            key = fold(person.display_name)
            self.people[key] = None if key in self.people else person

    def find(self, text: str) -> tuple[Unit | None, User | None, str]:
        if not text:
            return None, None, ""
        key = fold(text)
        if key in self.units:
            return self.units[key], None, ""
        person = self.people.get(key)
        if person is not None:
            return None, person, ""
        return None, None, text


def _parse(
    rows: list[tuple[int, list[str]]],
    positions: dict[str, int],
    *,
    plan: FilePlan,
) -> tuple[list[_Heading], list[RowError]]:
    errors: list[RowError] = []
    tops: list[_Heading] = []
    current_top: _Heading | None = None
    current: _Heading | None = None
    taken: list[str] = []
    owners = _Owners(plan.agency_id)

    def cell(cells: list[str], key: str) -> str:
        position = positions.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    def error(row: int, key: str, message: str) -> None:
        errors.append(RowError(row=row, column=LABELS[key], message=message))

    for number, cells in rows:
        values = {c.key: cell(cells, c.key) for c in COLUMNS}
        filled = [v for v in values.values() if v]
        if not filled:
            continue
        if all(_COLUMN_NUMBERS.match(v) and v.startswith("(") for v in filled):
            continue  # the "(1) (2) (3)…" line under the header
        numeral, notation, title = values["number"], values["notation"], values["title"]
        if len(title) > TITLE_MAX:
            error(number, "title", f"Tối đa {TITLE_MAX} ký tự.")
        if notation:
            if current is None:
                error(
                    number,
                    "notation",
                    "Hồ sơ phải nằm dưới một đề mục: thêm dòng đề mục (I, II…) phía trên.",
                )
            value, problem = check_notation(notation, plan=plan, taken=taken)
            if problem:
                error(number, "notation", problem)
            taken.append(value)
            if not title:
                error(number, "title", "Vui lòng nhập tiêu đề hồ sơ.")
            permanent, years = False, None
            try:
                permanent, years = parse_retention(values["retention"])
            except ValueError:
                error(
                    number,
                    "retention",
                    "Thời hạn bảo quản ghi “Vĩnh viễn” hoặc số năm (ví dụ 10 năm)."
                    if values["retention"]
                    else "Vui lòng nhập thời hạn bảo quản: “Vĩnh viễn” hoặc số năm.",
                )
            else:
                problem = check_retention(permanent, years)
                if problem:
                    error(number, "retention", problem)
            unit, person, name = owners.find(values["owner"])
            if len(name) > NAME_MAX:
                error(number, "owner", f"Tối đa {NAME_MAX} ký tự.")
            if len(values["note"]) > NOTE_MAX:
                error(number, "note", f"Tối đa {NOTE_MAX} ký tự.")
            if current is not None:
                current.files.append(
                    _File(
                        row=number,
                        notation=value,
                        title=clean_text(title),
                        permanent=permanent,
                        retention_years=None if permanent else years,
                        unit=unit,
                        person=person,
                        person_name=name,
                        note=values["note"],
                    )
                )
            continue
        if not numeral:
            error(
                number,
                "number",
                "Dòng không có số đề mục (I, II… hoặc 1, 2…) cũng không có số và ký hiệu hồ sơ.",
            )
            continue
        if not title:
            error(number, "title", "Vui lòng nhập tên đề mục.")
        if is_roman(numeral):
            current_top = current = _Heading(row=number, title=clean_text(title))
            tops.append(current_top)
        elif re.fullmatch(r"\d{1,3}\.?", numeral):
            if current_top is None:
                error(number, "number", "Đề mục con (1, 2…) phải nằm dưới một đề mục La Mã.")
                continue
            current = _Heading(row=number, title=clean_text(title))
            current_top.children.append(current)
        else:
            error(number, "number", "Đề mục ghi số La Mã (I, II…) hoặc số (1, 2…).")
    return tops, errors


def plan_import(
    *,
    plan: FilePlan,
    name: str,
    data: bytes,
    actor: Any,
    expected_version: int | None = None,
) -> PlanImportReport:
    """Check the whole workbook, then, when every row is right, append its headings and
    files to the draft plan in one transaction (one journal event)."""
    require_editor(actor, plan)
    check_upload(name=name, data=data)
    rows = _read_rows(data)
    if not rows:
        raise _file_error("Tệp không có dữ liệu. " + FILE_HINT)
    index, positions, ignored = _header(rows)
    body = rows[index + 1 :]
    if len(body) > MAX_ROWS:
        raise _file_error(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng mỗi lần nhập).")
    tops, errors = _parse(body, positions, plan=plan)
    subheadings = sum(len(t.children) for t in tops)
    files = sum(len(t.files) + sum(len(c.files) for c in t.children) for t in tops)
    if not errors and not tops:
        raise _file_error("Tệp chỉ có dòng tiêu đề, không có đề mục hay hồ sơ nào.")
    if errors:
        return PlanImportReport(
            errors=tuple(errors),
            headings=len(tops),
            subheadings=subheadings,
            files=files,
            committed=False,
            ignored_columns=tuple(ignored),
        )
    with transaction.atomic():
        bump_plan(plan, expected_version)
        # The file's notations were checked before the lock: check again under it.
        taken = set(
            n.casefold()
            for n in PlannedFile.objects.filter(plan=plan).values_list("notation", flat=True)
        )
        start = PlanHeading.objects.filter(plan=plan, parent=None).count()
        for offset, top in enumerate(tops, start=1):
            heading = PlanHeading.objects.create(
                plan=plan, title=top.title, number="", position=start + offset
            )
            _write_files(plan, heading, top.files, taken)
            for position, child in enumerate(top.children, start=1):
                sub = PlanHeading.objects.create(
                    plan=plan, parent=heading, title=child.title, number="", position=position
                )
                _write_files(plan, sub, child.files, taken)
        renumber(plan)
        journal_plan(
            plan,
            actor=actor,
            action="import",
            data={
                "file_name": name[:200],
                "headings": len(tops),
                "subheadings": subheadings,
                "files": files,
            },
        )
    return PlanImportReport(
        errors=(),
        headings=len(tops),
        subheadings=subheadings,
        files=files,
        committed=True,
        ignored_columns=tuple(ignored),
    )


def _write_files(plan: FilePlan, heading: PlanHeading, items: list[_File], taken: set[str]) -> None:
    rows = []
    for position, item in enumerate(items, start=1):
        if item.notation.casefold() in taken:
            message = (
                f"Dòng {item.row}: số và ký hiệu “{item.notation}” vừa được thêm vào danh mục."
            )
            raise ValidationFailed(message, fields={"file": message})
        taken.add(item.notation.casefold())
        rows.append(
            PlannedFile(
                plan=plan,
                heading=heading,
                notation=item.notation,
                title=item.title,
                permanent=item.permanent,
                retention_years=item.retention_years,
                unit=item.unit,
                person_in_charge=item.person,
                person_in_charge_name=item.person_name,
                note=item.note,
                position=position,
            )
        )
    PlannedFile.objects.bulk_create(rows)


# --- the template -------------------------------------------------------------------------

EXAMPLE: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("I", "", "TỔ CHỨC, CÁN BỘ", "", "", ""),
    ("", "01.TCCB", "Hồ sơ tuyển dụng công chức năm", "Vĩnh viễn", "Vụ Tổ chức cán bộ", ""),
    ("", "02.TCCB", "Hồ sơ nâng lương thường xuyên", "20 năm", "Nguyễn Văn A", ""),
    ("II", "", "CÔNG TÁC VĂN PHÒNG", "", "", ""),
    ("1", "", "Văn thư, lưu trữ", "", "", ""),
    ("", "01.VP", "Hồ sơ xây dựng danh mục hồ sơ", "Vĩnh viễn", "Văn phòng", ""),
    ("", "02.VP", "Sổ đăng ký văn bản đi", "20 năm", "Văn phòng", "Bản điện tử"),
)


def plan_import_template() -> bytes:
    """An .xlsx with the header row, example rows and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh mục hồ sơ"
    sheet.append([c.label for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for values in EXAMPLE:
        sheet.append(list(values))
        if values[0]:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(name="Times New Roman", bold=True)
    for letter, width in zip("ABCDEF", (10, 18, 60, 16, 28, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    for line in (
        "Dòng đề mục: ghi số La Mã (I, II, III…) ở cột “Đề mục” và tên đề mục; "
        "không ghi số và ký hiệu hồ sơ.",
        "Dòng đề mục con: ghi số (1, 2, 3…) ở cột “Đề mục”, nằm dưới một đề mục La Mã.",
        "Dòng hồ sơ: ghi số và ký hiệu hồ sơ (ví dụ 01.TCCB, tối đa 20 ký tự, không trùng "
        "trong danh mục), tiêu đề hồ sơ (tối đa 500 ký tự), thời hạn bảo quản "
        "(“Vĩnh viễn” hoặc số năm, ví dụ 10 năm).",
        "Đơn vị hoặc người lập hồ sơ: tên hoặc chữ viết tắt của đơn vị, hoặc họ tên người "
        "lập hồ sơ (khớp với người dùng của cơ quan thì được gắn với người đó).",
        "Hồ sơ thuộc đề mục hoặc đề mục con gần nhất phía trên nó. Số thứ tự đề mục được "
        "đánh lại theo thứ tự trong danh mục.",
        "Chỉ trang tính đầu tiên được đọc. Có một dòng sai thì không dòng nào được nhập.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
