from django.db import migrations

from govdoc.documents.seed_types import ADMINISTRATIVE_TYPES, LEGAL_TYPES


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for rank, (name, abbreviation) in enumerate(ADMINISTRATIVE_TYPES, start=1):
        DocumentType.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "rank": rank}
        )
    for rank, (name, abbreviation) in enumerate(LEGAL_TYPES, start=100):
        DocumentType.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "rank": rank, "is_legal": True}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
