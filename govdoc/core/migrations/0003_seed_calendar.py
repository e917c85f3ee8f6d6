from django.db import migrations

from govdoc.core.calendar_seed import seed_calendar


def seed(apps, schema_editor):
    seed_calendar(apps.get_model("core", "CalendarDay"), apps.get_model("core", "WorkWeek"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
