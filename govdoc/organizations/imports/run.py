"""The whole import: order the rows, run them all or none, journal the attempt."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from govdoc.audit.services import audit_record
from govdoc.core.errors import DomainError, NotFound, ValidationFailed
from govdoc.organizations.access import is_any_admin
from govdoc.organizations.imports.columns import Kind
from govdoc.organizations.imports.reading import read_table
from govdoc.organizations.imports.report import (
    ImportReport,
    RowResult,
    Status,
    row_label,
    row_messages,
)
from govdoc.organizations.imports.rows import HANDLERS, PARENT_KEYS, ROW_KEYS


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
                    number,
                    row_label(kind, row),
                    Status.ERROR,
                    tuple(row_messages(kind, error, row)),
                )
            )
        else:
            results.append(RowResult(number, row_label(kind, row), status))
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
