"""The hub's journal refuses UPDATE and DELETE at the database too, not only in the ORM.

PostgreSQL: a row trigger. SQLite relies on the ORM guard only (Django's test flush empties
tables with DELETE there, which a trigger would refuse; on PostgreSQL the flush uses
TRUNCATE, which row triggers do not see). As the installation's journal (audit 0003).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION hub_call_refuse_change() RETURNS trigger AS $$
        BEGIN
          RAISE EXCEPTION 'hub calls are append-only';
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    schema_editor.execute(
        "CREATE TRIGGER hub_call_append_only BEFORE UPDATE OR DELETE "
        "ON hub_hubcall FOR EACH ROW EXECUTE FUNCTION hub_call_refuse_change()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS hub_call_append_only ON hub_hubcall")
        schema_editor.execute("DROP FUNCTION IF EXISTS hub_call_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
