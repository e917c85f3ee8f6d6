"""Register books and gapless numbering.

`number_allocate` must run inside the caller's transaction: the number, the entry and the
record that uses it commit together or not at all, so no number is skipped or given twice.
PostgreSQL: the book row is locked with SELECT … FOR UPDATE. SQLite: transactions begin
IMMEDIATE (settings), so the writer already holds the database write lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from govdoc.audit.services import audit_record
from govdoc.core.db import is_postgres
from govdoc.core.errors import Conflict, Forbidden, ValidationFailed
from govdoc.organizations.access import has_role
from govdoc.organizations.models import Agency
from govdoc.organizations.roles import Role
from govdoc.registers.models import BookKind, RegisterBook, RegisterEntry
from govdoc.registers.numbering import format_number

DEFAULT_NAMES: dict[str, str] = {
    BookKind.INCOMING: "Sổ đăng ký văn bản đến",
    BookKind.OUTGOING: "Sổ đăng ký văn bản đi",
    BookKind.LEGAL: "Sổ đăng ký văn bản quy phạm pháp luật",
    BookKind.COPY: "Sổ đăng ký bản sao văn bản",
}


# The column widths of RegisterBook.name and .series: checked here so that PostgreSQL never
# refuses a value that SQLite would silently keep.
NAME_MAX_LENGTH = 200
SERIES_MAX_LENGTH = 20


def _require_admin(actor: Any, agency: Agency) -> None:
    if not has_role(actor, agency.pk, Role.ADMIN):
        raise Forbidden("Chỉ quản trị hệ thống của cơ quan được quản lý sổ văn bản.")


def book_create(
    *, agency: Agency, year: int, kind: str, series: str = "", name: str = "", actor: Any
) -> RegisterBook:
    _require_admin(actor, agency)
    errors: dict[str, str] = {}
    if kind not in BookKind.values:
        errors["kind"] = "Loại sổ không hợp lệ."
    if not 2000 <= year <= 2100:
        errors["year"] = "Năm không hợp lệ."
    series = series.strip().upper()
    if kind == BookKind.LEGAL and not series:
        errors["series"] = "Sổ văn bản quy phạm pháp luật phải ghi loại văn bản (ví dụ TT, NĐ)."
    elif len(series) > SERIES_MAX_LENGTH:
        errors["series"] = f"Loại văn bản riêng tối đa {SERIES_MAX_LENGTH} ký tự."
    if kind != BookKind.LEGAL:
        series = ""
    name = " ".join(name.split())
    if len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Tên sổ tối đa {NAME_MAX_LENGTH} ký tự."
    if errors:
        raise ValidationFailed("Thông tin sổ chưa hợp lệ.", fields=errors)
    duplicate = Conflict(
        "Sổ này đã có cho cơ quan trong năm.", fields={"kind": "Sổ đã tồn tại trong năm."}
    )
    if RegisterBook.objects.filter(agency=agency, year=year, kind=kind, series=series).exists():
        raise duplicate
    label = name or DEFAULT_NAMES[kind] + (f" ({series})" if series else "")
    try:
        with transaction.atomic():
            book = RegisterBook.objects.create(
                agency=agency, year=year, kind=kind, series=series, name=label
            )
            audit_record(actor=actor, action="register.create", target=book, agency_id=agency.pk)
    except IntegrityError:
        # Opened at the same moment by someone else (or by `book_for` on first use).
        raise duplicate from None
    return book


def book_update(
    *, book: RegisterBook, name: str | None = None, is_closed: bool | None = None, actor: Any
) -> RegisterBook:
    _require_admin(actor, book.agency)
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValidationFailed("Tên sổ chưa hợp lệ.", fields={"name": "Vui lòng nhập tên sổ."})
        if len(name) > NAME_MAX_LENGTH:
            raise ValidationFailed(
                "Tên sổ chưa hợp lệ.", fields={"name": f"Tên sổ tối đa {NAME_MAX_LENGTH} ký tự."}
            )
    with transaction.atomic():
        locked = RegisterBook.objects.select_for_update().get(pk=book.pk)
        changes: dict[str, list[Any]] = {}
        if name is not None and name != locked.name:
            changes["name"] = [locked.name, name]
            locked.name = name
        if is_closed is not None and is_closed != locked.is_closed:
            changes["is_closed"] = [locked.is_closed, is_closed]
            locked.is_closed = is_closed
        if changes:
            locked.save(update_fields=["name", "is_closed", "updated_at"])
            audit_record(
                actor=actor,
                action="register.update",
                target=locked,
                agency_id=locked.agency_id,
                data={"changes": changes},
            )
    return locked


def book_for(*, agency: Agency, year: int, kind: str, series: str = "") -> RegisterBook:
    """The agency's book of this kind and year, opened on first use (a new year starts at 1)."""
    series = series.upper() if kind == BookKind.LEGAL else ""
    existing = RegisterBook.objects.filter(
        agency=agency, year=year, kind=kind, series=series
    ).first()
    if existing is not None:
        return existing
    name = DEFAULT_NAMES[kind] + (f" ({series})" if series else "")
    try:
        with transaction.atomic():
            return RegisterBook.objects.create(
                agency=agency, year=year, kind=kind, series=series, name=name
            )
    except IntegrityError:
        # Another registration opened the same book at the same moment.
        return RegisterBook.objects.get(agency=agency, year=year, kind=kind, series=series)


def _take_next_number(book_id: int) -> int | None:
    """Increment the book's counter and return the new number, in one statement.

    The UPDATE takes the row lock itself (PostgreSQL) and returns the value it wrote, so the
    lock is held from here to the caller's commit and no second statement re-reads the row.
    A closed book matches no row: None.
    """
    table = connection.ops.quote_name(RegisterBook._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1, updated_at = %s "
            "WHERE id = %s AND is_closed = %s RETURNING last_number",
            [timezone.now(), book_id, False],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _take_number_with_entry(book_id: int, values: dict[str, Any]) -> RegisterEntry | None:
    """PostgreSQL: increment the counter and insert the entry with the new number in one
    statement (a data-modifying CTE); the UPDATE takes the row lock. None for a closed book."""
    quote = connection.ops.quote_name
    book_table = quote(RegisterBook._meta.db_table)
    entry_table = quote(RegisterEntry._meta.db_table)
    # get_field knows attnames too ("book_id"); the fields give columns and prepared values.
    fields = [RegisterEntry._meta.get_field(name) for name in values]
    columns = [str(field.column) for field in fields]  # type: ignore[union-attr]
    params = [
        field.get_db_prep_save(values[name], connection)  # type: ignore[union-attr]
        for field, name in zip(fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH taken AS (UPDATE {book_table} SET last_number = last_number + 1, "
            "updated_at = %s WHERE id = %s AND is_closed = %s RETURNING last_number) "
            f"INSERT INTO {entry_table} ({quote('number')}, "
            f"{', '.join(quote(c) for c in columns)}) "
            f"SELECT taken.last_number, {', '.join(['%s'] * len(columns))} FROM taken "
            f"RETURNING {quote('id')}, {quote('number')}",
            [timezone.now(), book_id, False, *params],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    entry = RegisterEntry(id=int(row[0]), number=int(row[1]), **values)
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def number_allocate(
    *,
    book: RegisterBook,
    actor: Any,
    target_type: str,
    target_id: str = "",
    label: str = "",
    priority: int = 0,
    given_at: dt.datetime | None = None,
) -> RegisterEntry:
    """Give the next number of the book. Call inside the transaction that uses it, as late
    as possible: every registration of the book waits from here until that commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_allocate must run inside the caller's transaction")
    values: dict[str, Any] = {
        "book_id": book.pk,
        "given_at": given_at or timezone.now(),
        "given_by_id": actor.pk,
        "target_type": target_type,
        "target_id": target_id,
        "label": label[:500],
        "priority": priority,
        "annul_reason": "",
    }
    if is_postgres():
        # The number and its entry in one statement: one round trip fewer under the lock.
        entry = _take_number_with_entry(book.pk, values)
    else:
        number = _take_next_number(book.pk)
        entry = None if number is None else RegisterEntry.objects.create(number=number, **values)
    if entry is None:
        raise Conflict(f"{book.name} năm {book.year} đã khóa, không cấp thêm số.")
    entry.book = book
    entry.given_by = actor
    number = entry.number
    audit_record(
        actor=actor,
        action="register.number",
        target=entry,
        agency_id=book.agency_id,
        data={"book": book.pk, "number": number, "target": f"{target_type}:{target_id}"},
    )
    book.last_number = number
    return entry


def entry_set_target(*, entry: RegisterEntry, target_id: str) -> None:
    """Link an entry to the record created with it in the same transaction."""
    RegisterEntry.objects.filter(pk=entry.pk).update(target_id=target_id)
    entry.target_id = target_id


def entry_annul(*, entry: RegisterEntry, reason: str, actor: Any) -> RegisterEntry:
    """Annul an entry: its number stays used, with who, when and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Phải ghi lý do hủy số.", fields={"reason": "Vui lòng nhập lý do hủy."}
        )
    with transaction.atomic():
        updated = RegisterEntry.objects.filter(pk=entry.pk, annulled_at__isnull=True).update(
            annulled_at=timezone.now(), annulled_by=actor, annul_reason=reason[:500]
        )
        if not updated:
            raise Conflict(f"Số {format_number(entry.number)} đã bị hủy trước đó.")
        entry.refresh_from_db()
        audit_record(
            actor=actor,
            action="register.annul",
            target=entry,
            agency_id=entry.book.agency_id,
            data={"number": entry.number, "reason": reason},
        )
    return entry
