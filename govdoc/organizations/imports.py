"""Import of agencies, units or people from a CSV file (UTF-8, with or without BOM, comma or
semicolon separated) or an Excel workbook (.xlsx, first sheet).

The first row names the columns, in Vietnamese ("Mã định danh", "Tên cơ quan", "Viết tắt",
"Cơ quan cấp trên"…, with or without diacritics) or by their English keys (`organ_id`,
`name`…); unknown columns are ignored and reported. Every row goes through the same services
as the screens, so the rules and the messages are the same.

No half import: all rows are run inside one transaction, each in its own savepoint so that a
bad row does not hide the problems of the next ones. If any row fails, the whole transaction
is rolled back — nothing is imported — and the report lists every row with its result or its
errors; the administrator fixes the file and imports it again. A check-only run ("dry run")
does the same and always rolls back. One `import.run` audit event records every attempt,
successful or not; the rows of a successful import also leave their own events
(agency.create, person.update…).

Rows that are already in the database are updated: agencies by identifier code, units by
(agency, abbreviation), people by user name. On update an empty optional cell keeps the
current value. People's roles are added, never removed. Rows are processed parents first
(a unit's parent may come later in the file).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models, transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.core.text import fold
from govdoc.organizations.access import is_any_admin
from govdoc.organizations.models import Agency, Position, RoleAssignment, Unit, User
from govdoc.organizations.roles import Role
from govdoc.organizations.services import (
    AgencyData,
    PersonData,
    PositionData,
    UnitData,
    agency_create,
    agency_update,
    person_create,
    person_set_password,
    person_update,
    position_create,
    role_grant,
    unit_create,
    unit_update,
)

T = TypeVar("T")

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50


class Kind(models.TextChoices):
    AGENCIES = "agencies", "Cơ quan"
    UNITS = "units", "Đơn vị"
    PEOPLE = "people", "Người dùng"


class Status(models.TextChoices):
    CREATED = "created", "Tạo mới"
    UPDATED = "updated", "Cập nhật"
    UNCHANGED = "unchanged", "Không thay đổi"
    ERROR = "error", "Lỗi"


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


@dataclasses.dataclass(frozen=True)
class RowResult:
    number: int  # the row number as the spreadsheet shows it (the header is row 1)
    key: str  # what identifies the row for people: code, abbreviation, user name
    status: str
    messages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != Status.ERROR


@dataclasses.dataclass(frozen=True)
class ImportReport:
    kind: str
    rows: tuple[RowResult, ...]
    committed: bool
    dry_run: bool = False
    ignored_columns: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count(Status.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Status.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Status.UNCHANGED)


class _RowError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# ---------------------------------------------------------------------------- reading


def _header_key(text: str) -> str:
    # "Mã định danh (*)" and "ma_dinh_danh" both read as "ma dinh danh".
    folded = fold(re.sub(r"\(.*?\)|\*", " ", text))
    return " ".join(folded.replace("_", " ").split())


def _lookup(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for name in (column.key, column.label, *column.aliases):
            table.setdefault(_header_key(name), column.key)
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": message})


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise _file_error(
            "Không đọc được tệp Excel. Hãy lưu lại dạng .xlsx hoặc CSV UTF-8."
        ) from None
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
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            "Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel: Lưu thành → “CSV UTF-8”)."
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            cells = [_cell(v) for v in values[:MAX_COLUMNS]]
            if any(cells):
                rows.append((number, cells))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise _file_error(f"Tệp CSV sai cấu trúc: {error}.") from None
    return rows


def read_table(
    *, name: str, data: bytes, kind: str
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows of the file as {column key: text}, with their row numbers, and the names of
    the columns that were not recognised."""
    if not data:
        raise _file_error("Tệp rỗng.")
    if len(data) > MAX_BYTES:
        raise _file_error(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error(
            "Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu lại dạng .xlsx hoặc CSV UTF-8."
        )
    is_zip = data[:4] == b"PK\x03\x04"
    if name.lower().endswith((".xlsx", ".xlsm")) and not is_zip:
        raise _file_error("Tệp không phải là tệp Excel .xlsx hợp lệ.")
    table = _read_xlsx(data) if is_zip else _read_csv(data)
    if not table:
        raise _file_error("Tệp không có dữ liệu. " + FILE_HINT)
    header_number, header = table[0]
    lookup = _lookup(kind)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        if not title:
            continue
        key = lookup.get(_header_key(title))
        if key is None:
            ignored.append(title)
        elif key in positions:
            raise _file_error(f"Cột “{title}” bị lặp lại (dòng {header_number}).")
        else:
            positions[key] = index
    missing = [c.label for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise _file_error(
            f"Thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề là dòng đầu tiên). "
            + FILE_HINT
        )
    body = table[1:]
    if not body:
        raise _file_error("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    if len(body) > MAX_ROWS:
        raise _file_error(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng mỗi lần nhập).")
    rows = [
        (number, {key: cells[i] if i < len(cells) else "" for key, i in positions.items()})
        for number, cells in body
    ]
    return rows, ignored


def template_csv(kind: str) -> bytes:
    """A template file: the Vietnamese headers and one example row, UTF-8 with a BOM so that
    Excel opens it with the right letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS[kind]])
    writer.writerow([c.example for c in COLUMNS[kind]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------- ordering


def _parents_first(
    rows: list[tuple[int, dict[str, str]]],
    key: Callable[[dict[str, str]], str],
    parent: Callable[[dict[str, str]], str],
) -> list[tuple[int, dict[str, str]]]:
    """Put every row after the row of its parent, when that parent is in the file too;
    otherwise keep the file's order. Cycles are left to the services to refuse."""
    by_key: dict[str, tuple[int, dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault(key(row[1]), row)
    ordered: list[tuple[int, dict[str, str]]] = []
    placed: set[int] = set()
    visiting: set[int] = set()

    def place(row: tuple[int, dict[str, str]]) -> None:
        if row[0] in placed or row[0] in visiting:
            return
        visiting.add(row[0])
        above = by_key.get(parent(row[1]))
        if above is not None and above[0] != row[0]:
            place(above)
        visiting.discard(row[0])
        placed.add(row[0])
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def _code(value: str) -> str:
    return "".join(value.split()).upper()


# ---------------------------------------------------------------------------- rows


def _agency_by_code(code: str, *, field: str) -> Agency:
    if not code:
        raise ValidationFailed("", fields={field: "Vui lòng nhập mã định danh cơ quan."})
    agency = Agency.objects.filter(organ_id=_code(code)).first()
    if agency is None:
        raise ValidationFailed(
            "", fields={field: f"Không tìm thấy cơ quan có mã định danh {_code(code)}."}
        )
    return agency


def _service(problems: dict[str, str], call: Callable[[], T]) -> T:
    """Run a service even when some cells could not be looked up, so that the row reports
    every problem at once; then refuse the row if anything was wrong."""
    try:
        result = call()
    except NotFound:
        raise
    except DomainError as error:
        if not problems:
            raise
        raise ValidationFailed(error.message, fields={**error.fields, **problems}) from None
    if problems:
        raise ValidationFailed("", fields=problems)
    return result


def _yes(value: str, default: bool, problems: dict[str, str]) -> bool:
    text = fold(value)
    if not text:
        return default
    if text in {"co", "x", "1", "yes", "true", "dung"}:
        return True
    if text in {"khong", "0", "no", "false"}:
        return False
    problems["is_hosted"] = "Ghi “có” hoặc “không”."
    return default


def _import_agency(row: dict[str, str], actor: Any) -> str:
    problems: dict[str, str] = {}
    parent: Agency | None = None
    if row.get("parent_organ_id"):
        code = _code(row["parent_organ_id"])
        parent = Agency.objects.filter(organ_id=code).first()
        if parent is None:
            problems["parent"] = (
                f"Không tìm thấy cơ quan cấp trên có mã {code} (cơ quan cấp trên phải có sẵn "
                "hoặc có trong tệp)."
            )
    existing = Agency.objects.filter(organ_id=_code(row["organ_id"])).first()
    if existing is None:
        data = AgencyData(
            organ_id=row["organ_id"],
            name=row.get("name", ""),
            abbreviation=row.get("abbreviation", ""),
            parent_id=parent.pk if parent else None,
            address=row.get("address", ""),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            is_hosted=_yes(row.get("is_hosted", ""), False, problems),
        )
        _service(problems, lambda: agency_create(data=data, actor=actor))
        return Status.CREATED
    current = AgencyData.of(existing)
    wanted = dataclasses.replace(
        current,
        name=row.get("name") or current.name,
        abbreviation=row.get("abbreviation") or current.abbreviation,
        parent_id=parent.pk if parent else current.parent_id,
        address=row.get("address") or current.address,
        email=row.get("email") or current.email,
        phone=row.get("phone") or current.phone,
        is_hosted=_yes(row.get("is_hosted", ""), current.is_hosted, problems),
    ).normalized()
    _service(problems, lambda: agency_update(agency=existing, data=wanted, actor=actor))
    return Status.UNCHANGED if wanted == current else Status.UPDATED


def _import_unit(row: dict[str, str], actor: Any) -> str:
    agency = _agency_by_code(row.get("agency_organ_id", ""), field="agency")
    problems: dict[str, str] = {}
    parent: Unit | None = None
    if row.get("parent_abbreviation"):
        code = _code(row["parent_abbreviation"])
        parent = Unit.objects.filter(agency=agency, abbreviation=code).first()
        if parent is None:
            problems["parent"] = f"Cơ quan không có đơn vị viết tắt {code}."
    existing = Unit.objects.filter(agency=agency, abbreviation=_code(row["abbreviation"])).first()
    if existing is None:
        data = UnitData(
            name=row.get("name", ""),
            abbreviation=row["abbreviation"],
            parent_id=parent.pk if parent else None,
        )
        _service(problems, lambda: unit_create(agency=agency, data=data, actor=actor))
        return Status.CREATED
    current = UnitData.of(existing)
    wanted = dataclasses.replace(
        current,
        name=row.get("name") or current.name,
        parent_id=parent.pk if parent else current.parent_id,
    ).normalized()
    _service(problems, lambda: unit_update(unit=existing, data=wanted, actor=actor))
    return Status.UNCHANGED if wanted == current else Status.UPDATED


ROLE_NAMES: dict[str, str] = {
    **{fold(role.label): role.value for role in Role},
    **{fold(role.value): role.value for role in Role},
    **{fold(role.value.replace("_", " ")): role.value for role in Role},
    "quan tri": Role.ADMIN,
    "lanh dao": Role.AGENCY_LEADER,
}


def parse_roles(text: str) -> list[str]:
    """Roles written as labels ("Văn thư, Chuyên viên") or codes ("CLERK; SPECIALIST")."""
    roles: list[str] = []
    unknown: list[str] = []
    for token in re.split(r"[,;|\n]", text):
        name = fold(token)
        if not name:
            continue
        role = ROLE_NAMES.get(name)
        if role is None:
            unknown.append(token.strip())
        elif role not in roles:
            roles.append(role)
    if unknown:
        known = ", ".join(role.label for role in Role)
        raise ValidationFailed(
            "", fields={"role": f"Vai trò không hợp lệ: {', '.join(unknown)} (dùng: {known})."}
        )
    return roles


def _import_person(row: dict[str, str], actor: Any) -> str:
    agency = _agency_by_code(row.get("agency_organ_id", ""), field="agency")
    problems: dict[str, str] = {}
    try:
        roles = parse_roles(row.get("roles", ""))
    except ValidationFailed as error:
        problems.update(error.fields)
        roles = []
    unit: Unit | None = None
    if row.get("unit_abbreviation"):
        code = _code(row["unit_abbreviation"])
        unit = Unit.objects.filter(agency=agency, abbreviation=code).first()
        if unit is None:
            problems["unit"] = f"Cơ quan không có đơn vị viết tắt {code}."
    position: Position | None = None
    position_name = row.get("position", "")
    if position_name:
        position = Position.objects.filter(agency=agency, name__iexact=position_name).first()
        if position is None:
            # Rolled back with the row's savepoint if the person is refused.
            position = position_create(
                agency=agency, data=PositionData(name=position_name), actor=actor
            )
    username = row["username"].strip()
    existing = User.objects.filter(username__iexact=username).first() if username else None
    password = row.get("password", "")
    if existing is None:
        data = PersonData(
            username=username,
            full_name=row.get("full_name", ""),
            agency_id=agency.pk,
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            unit_id=unit.pk if unit else None,
            position_id=position.pk if position else None,
        )
        person = _service(
            problems, lambda: person_create(data=data, password=password, actor=actor)
        )
        status: str = Status.CREATED
    else:
        person = existing
        current = PersonData.of(existing)
        # A unit or position of the previous agency does not follow a person who moves.
        moved = agency.pk != current.agency_id
        wanted = dataclasses.replace(
            current,
            full_name=row.get("full_name") or current.full_name,
            agency_id=agency.pk,
            email=row.get("email") or current.email,
            phone=row.get("phone") or current.phone,
            unit_id=unit.pk if unit else None if moved else current.unit_id,
            position_id=position.pk if position else None if moved else current.position_id,
        ).normalized()
        try:
            _service(problems, lambda: person_update(person=existing, data=wanted, actor=actor))
        except NotFound:
            message = f"Tên đăng nhập {username} đã dùng cho một tài khoản bạn không quản trị."
            raise ValidationFailed("", fields={"username": message}) from None
        status = Status.UNCHANGED if wanted == current else Status.UPDATED
        if password:
            person_set_password(person=existing, password=password, actor=actor)
            status = Status.UPDATED
    for role in roles:
        role_unit = (unit or person.unit) if role == Role.UNIT_LEADER else None
        held = RoleAssignment.objects.filter(user=person, agency=agency, role=role, unit=role_unit)
        if not held.exists():
            role_grant(person=person, agency=agency, role=role, unit=role_unit, actor=actor)
            status = Status.CREATED if status == Status.CREATED else Status.UPDATED
    return status


HANDLERS: dict[str, Callable[[dict[str, str], Any], str]] = {
    Kind.AGENCIES: _import_agency,
    Kind.UNITS: _import_unit,
    Kind.PEOPLE: _import_person,
}

ROW_KEYS: dict[str, Callable[[dict[str, str]], str]] = {
    Kind.AGENCIES: lambda row: _code(row.get("organ_id", "")),
    Kind.UNITS: lambda row: (
        f"{_code(row.get('agency_organ_id', ''))}/{_code(row.get('abbreviation', ''))}"
    ),
    Kind.PEOPLE: lambda row: row.get("username", "").strip(),
}

PARENT_KEYS: dict[str, Callable[[dict[str, str]], str]] = {
    Kind.AGENCIES: lambda row: _code(row.get("parent_organ_id", "")),
    Kind.UNITS: lambda row: (
        f"{_code(row.get('agency_organ_id', ''))}/{_code(row.get('parent_abbreviation', ''))}"
        if row.get("parent_abbreviation")
        else ""
    ),
}


def _messages(kind: str, error: DomainError, row: dict[str, str]) -> list[str]:
    """A service's refusal as lines of the report, each naming its column."""
    if isinstance(error, NotFound):
        code = row.get("agency_organ_id") or row.get("organ_id") or ""
        return [f"Không tìm thấy cơ quan {_code(code)} hoặc bạn không quản trị cơ quan này."]
    labels: dict[str, str] = {}
    for column in COLUMNS[kind]:
        labels.setdefault(column.field or column.key, column.label)
    lines = [f"{labels.get(field, field)}: {message}" for field, message in error.fields.items()]
    if not lines and error.message:
        lines.append(error.message)
    return lines


def _key_of(kind: str, row: dict[str, str]) -> str:
    if kind == Kind.UNITS:
        return f"{row.get('abbreviation', '')} — {row.get('name', '')}".strip(" —")
    if kind == Kind.AGENCIES:
        return f"{row.get('organ_id', '')} — {row.get('name', '')}".strip(" —")
    return f"{row.get('username', '')} — {row.get('full_name', '')}".strip(" —")


def _run_rows(kind: str, rows: Iterable[tuple[int, dict[str, str]]], actor: Any) -> list[RowResult]:
    handler = HANDLERS[kind]
    results: list[RowResult] = []
    for number, row in rows:
        try:
            with transaction.atomic():
                status = handler(row, actor)
        except DomainError as error:
            results.append(
                RowResult(
                    number, _key_of(kind, row), Status.ERROR, tuple(_messages(kind, error, row))
                )
            )
        else:
            results.append(RowResult(number, _key_of(kind, row), status))
    return sorted(results, key=lambda result: result.number)


def import_run(
    *, kind: str, name: str, data: bytes, actor: Any, dry_run: bool = False
) -> ImportReport:
    """Check and import a file (see the module's docstring: all rows or none)."""
    if not is_any_admin(actor):
        raise NotFound()
    if kind not in Kind.values:
        raise ValidationFailed("Loại dữ liệu không hợp lệ.", fields={"kind": "Chọn loại dữ liệu."})
    rows, ignored = read_table(name=name, data=data, kind=kind)
    parent_key = PARENT_KEYS.get(kind)
    if parent_key is not None:
        rows = _parents_first(rows, ROW_KEYS[kind], parent_key)
    summary: dict[str, Any] = {"kind": kind, "file": name[:200], "rows": len(rows)}
    with transaction.atomic():
        results = _run_rows(kind, rows, actor)
        failed = sum(1 for result in results if not result.ok)
        committed = not failed and not dry_run
        summary.update(
            {
                "errors": failed,
                "created": sum(1 for r in results if r.status == Status.CREATED),
                "updated": sum(1 for r in results if r.status == Status.UPDATED),
                "dry_run": dry_run,
                "committed": committed,
            }
        )
        if committed:
            audit_record(
                actor=actor,
                action="import.run",
                target_label=name[:300],
                agency_id=getattr(actor, "agency_id", None),
                data=summary,
            )
        else:
            transaction.set_rollback(True)
    if not committed:
        # The attempt is journaled too, outside the rolled-back transaction.
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="import.run",
                target_label=name[:300],
                agency_id=getattr(actor, "agency_id", None),
                data=summary,
            )
    return ImportReport(
        kind=kind,
        rows=tuple(results),
        committed=committed,
        dry_run=dry_run,
        ignored_columns=tuple(ignored),
    )
