"""Hot statements written in SQL, without the ORM building each query again: on this
hardware the ORM spends ≈ 1 ms of CPU composing a one-row SELECT that runs in ≈ 0.15 ms
(docs/benchmarks.md, "Interconnection end to end"). For the paths every packet takes (the
hub's calls, an installation receiving a packet), not for ordinary pages.

Values go in through each field's own preparation (`get_db_prep_save`: datetimes, UUIDs and
JSON as the backend stores them) and come out through the field's converters, into model
instances made by `Model.from_db` — the columns not selected are deferred, so an instance
saved later writes only what was read. The SQL is portable between PostgreSQL and SQLite
(the tests run on both); what differs (row locks) is asked of the connection's features.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import DEFERRED

M = TypeVar("M", bound=models.Model)


@functools.cache
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The concrete fields by attribute name (`agency_id` for a foreign key)."""
    return {field.attname: field for field in model._meta.concrete_fields}


@functools.cache
def table(model: type[models.Model]) -> str:
    # Names are quoted alike by both backends (double quotes): the text is built once.
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def column(model: type[models.Model], attname: str) -> str:
    return connection.ops.quote_name(str(_fields(model)[attname].column))


@functools.cache
def columns(model: type[models.Model], attnames: tuple[str, ...], alias: str = "") -> str:
    """`alias."col", …` for a SELECT list, in the order of `attnames`."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column(model, name) for name in attnames)


def prep(model: type[models.Model], attname: str, value: Any) -> Any:
    """A value as the backend stores the field (e.g. an aware datetime as text on SQLite)."""
    return _fields(model)[attname].get_db_prep_save(value, connection)


def for_update() -> str:
    """The row lock of a SELECT, where the backend has one (SQLite locks the database on the
    transaction's first write instead: the hub's SQLite runs IMMEDIATE transactions)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


@functools.cache
def _converters(
    model: type[models.Model], attnames: tuple[str, ...]
) -> list[tuple[Any, list[Any]]]:
    """Per column, the expression and the converters the ORM would run on its value
    (computed once per shape: building them costs more than converting)."""
    result: list[tuple[Any, list[Any]]] = []
    fields = _fields(model)
    for name in attnames:
        field = fields[name]
        expression = field.get_col(model._meta.db_table)
        converters = list(connection.ops.get_db_converters(expression)) + list(
            field.get_db_converters(connection)
        )
        result.append((expression, converters))
    return result


def converted(
    model: type[models.Model], attnames: Sequence[str], values: Sequence[Any]
) -> list[Any]:
    """Raw column values (in the order of `attnames`) as the ORM gives them: JSON decoded,
    SQLite's text datetimes parsed, UUIDs made."""
    result: list[Any] = []
    for value, (expression, converters) in zip(
        values, _converters(model, tuple(attnames)), strict=True
    ):
        for converter in converters:
            value = converter(value, expression, connection)
        result.append(value)
    return result


def load(model: type[M], attnames: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from raw column values in the order of `attnames`, converted."""
    by_name = dict(zip(attnames, converted(model, attnames, values), strict=True))
    # from_db takes every concrete field in the model's order, DEFERRED where not read.
    ordered = [by_name.get(name, DEFERRED) for name in _fields(model)]
    return model.from_db(connection.alias, list(attnames), ordered)


@functools.cache
def _insert_sql(
    model: type[models.Model], attnames: tuple[str, ...], rows: int, conflict: tuple[str, ...]
) -> str:
    one = "(" + ", ".join(["%s"] * len(attnames)) + ")"
    ignore = ""
    if conflict:
        ignore = f" ON CONFLICT ({columns(model, conflict)}) DO NOTHING"
    return (
        f"INSERT INTO {table(model)} ({columns(model, attnames)}) VALUES "
        + ", ".join([one] * rows)
        + f"{ignore} RETURNING {column(model, model._meta.pk.attname)}"
    )


def insert(model: type[models.Model], values: Mapping[str, Any]) -> int:
    """One INSERT of `values` (attribute name → Python value); returns the new primary key."""
    pk = _insert_one(model, values, ())
    assert pk is not None, "an INSERT without ON CONFLICT returns its row"
    return pk


def insert_new(
    model: type[models.Model], values: Mapping[str, Any], *, unique: tuple[str, ...]
) -> int | None:
    """One INSERT … ON CONFLICT (`unique`: the columns of a unique constraint) DO NOTHING
    (PostgreSQL and SQLite): the new primary key, or None if such a row was there."""
    return _insert_one(model, values, unique)


def _insert_one(
    model: type[models.Model], values: Mapping[str, Any], conflict: tuple[str, ...]
) -> int | None:
    names = tuple(values)
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(model, names, 1, conflict),
            [prep(model, name, values[name]) for name in names],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def instance(model: type[M], pk: int, values: Mapping[str, Any]) -> M:
    """The model instance of a row just inserted with `values` (as `objects.create` gives it,
    without a query)."""
    made = model(**values)
    made.pk = pk
    made._state.adding = False
    made._state.db = connection.alias
    return made


def execute(sql: str, params: Sequence[Any]) -> int:
    """A statement that returns no rows; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


@functools.cache
def _written(model: type[models.Model], with_pk: bool) -> tuple[models.Field[Any, Any], ...]:
    """The fields an INSERT of a new instance writes (not a generated column, not the
    automatic key unless it was given)."""
    return tuple(
        field
        for field in model._meta.local_concrete_fields
        if not field.generated and (with_pk or not field.primary_key)
    )


def save_new(made: M) -> M:
    """`made.save()` for a new instance, in one INSERT built once per model: every field as
    the ORM would write it (Python defaults already set by the constructor, `auto_now`
    filled by `pre_save`). No signals are sent: for models nothing listens to."""
    save_new_many([made])
    return made


def save_new_many(made: Sequence[M]) -> Sequence[M]:
    """`save_new` for several instances of one model, in one INSERT."""
    if not made:
        return made
    model = type(made[0])
    with_pk = made[0].pk is not None
    fields = _written(model, with_pk)
    names = tuple(field.attname for field in fields)
    params = [
        field.get_db_prep_save(field.pre_save(item, True), connection)
        for item in made
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, names, len(made), ()), params)
        keys = [row[0] for row in cursor.fetchall()]
    for item, key in zip(made, keys, strict=True):
        item.pk = key
        item._state.adding = False
        item._state.db = connection.alias
    return made


@functools.cache
def _update_sql(model: type[models.Model], changed: tuple[str, ...], where: tuple[str, ...]) -> str:
    sets = ", ".join(f"{column(model, name)} = %s" for name in changed)
    conditions = " AND ".join(f"{column(model, name)} = %s" for name in where)
    return f"UPDATE {table(model)} SET {sets} WHERE {conditions}"


def update(
    model: type[models.Model], changes: Mapping[str, Any], *, where: Mapping[str, Any]
) -> int:
    """`objects.filter(**where).update(**changes)` for equality conditions on attribute
    names, in SQL built once per shape; how many rows changed."""
    changed, conditions = tuple(changes), tuple(where)
    params = [prep(model, name, changes[name]) for name in changed]
    params += [prep(model, name, where[name]) for name in conditions]
    return execute(_update_sql(model, changed, conditions), params)
