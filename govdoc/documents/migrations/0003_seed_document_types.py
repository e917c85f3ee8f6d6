from django.db import migrations

from govdoc.documents.seed_types import seed_document_types


def seed(apps, schema_editor):
    seed_document_types(apps.get_model("documents", "DocumentType"))


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
