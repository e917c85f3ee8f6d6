"""PostgreSQL only: trigram indexes for the text search of the lists of work files.

The search is `UPPER(column) LIKE UPPER('%text%')` on the code, the title and the notation
(Django's `icontains`): without an index, a scan of every visible file (≈ 1 s over 200,000).
A GIN trigram index on each `UPPER(column)` (the very expression of the query) lets
PostgreSQL OR the three index scans; pg_trgm makes trigrams of Vietnamese letters too.
SQLite keeps its scan (it has no such index)."""

from django.db import migrations

COLUMNS = ("code", "title", "notation")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS case_file_{column}_trgm "
            f"ON records_casefile USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS case_file_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("records", "0004_list_indexes")]
    operations = [migrations.RunPython(create, drop)]
