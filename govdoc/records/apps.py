from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "govdoc.records"
    label = "records"
    verbose_name = "Hồ sơ, lưu trữ"

    def ready(self) -> None:
        # The "Hồ sơ" section on incoming and issued documents' pages.
        from govdoc.records import panels

        panels.connect()
        # Each morning: owners told of files due at the agency archive within 30 days.
        from govdoc.records.tasks import register_periodic_jobs

        register_periodic_jobs()
