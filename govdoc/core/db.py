"""Small database-backend interface: what differs between PostgreSQL and SQLite."""

from __future__ import annotations

from django.db import connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
