from __future__ import annotations

from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "govdoc.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self) -> None:
        from govdoc.outgoing import panels as _panels  # noqa: F401  (incoming page section)

        # The morning reminder of signed documents not issued on time (worker).
        from govdoc.outgoing.tasks import register_periodic_jobs

        register_periodic_jobs()
