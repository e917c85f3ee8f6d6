from __future__ import annotations

import pytest

from config.settings import database_from_url


def test_postgres_url_is_parsed() -> None:
    db = database_from_url("postgres://gov:p%40ss@db.example:5433/govdoc?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "govdoc",
        "gov",
        "p@ss",
        "db.example",
        "5433",
    )
    # parameters bound by the server (prepared statements, ADR 0017) unless turned off
    assert db["OPTIONS"] == {"sslmode": "require", "server_side_binding": True}


def test_server_side_binding_can_be_turned_off_for_a_pooler() -> None:
    db = database_from_url("postgres://gov@db.example/govdoc?server_side_binding=false")
    assert db["OPTIONS"] == {"server_side_binding": False}


def test_sqlite_url_uses_immediate_transactions() -> None:
    db = database_from_url("sqlite:////tmp/x.sqlite3")
    assert db["NAME"] == "/tmp/x.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError):
        database_from_url("mysql://x/y")
