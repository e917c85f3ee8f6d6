"""PostgreSQL only: a trigram index on the folded search text, so that substring search
("dat dai" inside a subject) uses an index at 100,000+ documents. SQLite scans."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS documents_search_text_trgm "
        "ON documents_document USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS documents_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_seed_document_types")]
    operations = [migrations.RunPython(create, drop)]
