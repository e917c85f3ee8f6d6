"""The result of an import: one line per row, and its messages."""

from __future__ import annotations

import dataclasses

from django.db import models

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.codes import compact_code
from govdoc.organizations.imports.columns import COLUMNS, Kind


class Status(models.TextChoices):
    CREATED = "created", "Tạo mới"
    UPDATED = "updated", "Cập nhật"
    UNCHANGED = "unchanged", "Không thay đổi"
    ERROR = "error", "Lỗi"


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


def row_messages(kind: str, error: DomainError, row: dict[str, str]) -> list[str]:
    """A service's refusal as lines of the report, each naming its column."""
    if isinstance(error, NotFound):
        code = row.get("agency_organ_id") or row.get("organ_id") or ""
        return [f"Không tìm thấy cơ quan {compact_code(code)} hoặc bạn không quản trị cơ quan này."]
    labels: dict[str, str] = {}
    for column in COLUMNS[kind]:
        labels.setdefault(column.field or column.key, column.label)
    lines = [f"{labels.get(field, field)}: {message}" for field, message in error.fields.items()]
    if not lines and error.message:
        lines.append(error.message)
    return lines


def row_label(kind: str, row: dict[str, str]) -> str:
    if kind == Kind.UNITS:
        return f"{row.get('abbreviation', '')} — {row.get('name', '')}".strip(" —")
    if kind == Kind.AGENCIES:
        return f"{row.get('organ_id', '')} — {row.get('name', '')}".strip(" —")
    return f"{row.get('username', '')} — {row.get('full_name', '')}".strip(" —")
