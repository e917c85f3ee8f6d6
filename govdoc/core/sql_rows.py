"""The hub's hot statements (every call authenticates and is journaled; every packet is sent,
fetched and acknowledged) written in SQL, without the ORM building each query again: on this
hardware the ORM spends ≈ 1 ms of CPU composing a one-row SELECT that runs in ≈ 0.15 ms
(docs/benchmarks.md, "Interconnection end to end").

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


def insert(model: type[models.Model], values: Mapping[str, Any]) -> int:
    """One INSERT of `values` (attribute name → Python value); returns the new primary key."""
    names = list(values)
    placeholders = ", ".join(["%s"] * len(names))
    sql = (
        f"INSERT INTO {table(model)} ({columns(model, tuple(names))}) VALUES ({placeholders}) "
        f"RETURNING {column(model, model._meta.pk.attname)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prep(model, name, values[name]) for name in names])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def execute(sql: str, params: Sequence[Any]) -> int:
    """A statement that returns no rows; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]
