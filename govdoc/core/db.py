"""Small database-backend interface: what differs between PostgreSQL and SQLite."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def reserve_id(model: type[Model]) -> int | None:
    """A primary key for a row to insert later in this transaction, or None where the backend
    cannot hand one out in advance (SQLite: the row gets its id when inserted).

    PostgreSQL takes it from the column's sequence: lets a record be referred to before it is
    written, so that a contended lock can be taken after the statements that need the id.
    Ids are not business numbers; a reserved id left unused is a harmless gap.
    """
    if not is_postgres():
        return None
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))",
            [meta.db_table, meta.pk.column],
        )
        row = cursor.fetchone()
    return int(row[0])
