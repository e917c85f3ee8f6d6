"""An empty inbox listing is counted on the agency instead of journaled (docs/hub.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="last_polled_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="lần lấy hộp thư gần nhất"
            ),
        ),
        migrations.AddField(
            model_name="agency",
            name="empty_polls",
            field=models.PositiveBigIntegerField(default=0, verbose_name="số lần hộp thư trống"),
        ),
    ]
