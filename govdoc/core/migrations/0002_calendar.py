from django.db import migrations, models

import govdoc.core.models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_periodic_run")]

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("date", models.DateField(unique=True, verbose_name="ngày")),
                ("name", models.CharField(max_length=200, verbose_name="tên")),
                (
                    "kind",
                    models.CharField(
                        choices=[("HOLIDAY", "Ngày nghỉ"), ("WORKDAY", "Ngày làm bù")],
                        default="HOLIDAY",
                        max_length=10,
                        verbose_name="loại",
                    ),
                ),
            ],
            options={
                "verbose_name": "ngày nghỉ, ngày làm bù",
                "verbose_name_plural": "ngày nghỉ, ngày làm bù",
                "ordering": ["date"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["HOLIDAY", "WORKDAY"])),
                        name="calendar_day_kind_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="WorkWeek",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "weekend_days",
                    models.CharField(
                        blank=True,
                        default=govdoc.core.models.default_weekend_days,
                        max_length=7,
                        verbose_name="ngày nghỉ hằng tuần",
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "tuần làm việc",
                "verbose_name_plural": "tuần làm việc",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="work_week_singleton"
                    )
                ],
            },
        ),
    ]
