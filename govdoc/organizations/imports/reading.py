"""Reading a CSV or XLSX file into rows keyed by column, with its limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

from govdoc.core.errors import ValidationFailed
from govdoc.organizations.imports.columns import COLUMNS, FILE_HINT, header_key, header_lookup

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50


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
    lookup = header_lookup(kind)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        if not title:
            continue
        key = lookup.get(header_key(title))
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
