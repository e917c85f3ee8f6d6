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


def lock_for_transaction(key: str) -> None:
    """Serialise, until the end of the current transaction, the work of everyone who takes
    the same key (e.g. two clerks registering the same document at once).

    PostgreSQL: a transaction-level advisory lock on a hash of the key. SQLite: nothing to do,
    the transaction already holds the database's write lock (transactions begin IMMEDIATE).
    """
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
