from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="PeriodicRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("job", models.CharField(max_length=100, verbose_name="tác vụ định kỳ")),
                ("occurrence", models.DateTimeField(verbose_name="lần chạy")),
                ("claimed_at", models.DateTimeField(verbose_name="thời điểm nhận")),
                ("worker", models.CharField(blank=True, max_length=100, verbose_name="bộ xử lý")),
            ],
            options={
                "verbose_name": "lần chạy tác vụ định kỳ",
                "verbose_name_plural": "các lần chạy tác vụ định kỳ",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("job", "occurrence"), name="core_periodic_run_once"
                    )
                ],
            },
        ),
    ]
