from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "govdoc.assignments"
    label = "assignments"
    verbose_name = "Giao việc và xử lý văn bản"

    def ready(self) -> None:
        # Registers who else sees an incoming document (its handlers) with the incoming app.
        from govdoc.assignments import access  # noqa: F401
        from govdoc.assignments import panels as _panels  # noqa: F401  (incoming page section)

        # The daily deadline reminders, run by the worker (govdoc/assignments/tasks.py).
        from govdoc.assignments.tasks import register_periodic_jobs

        register_periodic_jobs()

        # Open work on a document its sender revoked is cancelled.
        from govdoc.assignments import withdrawals

        withdrawals.connect()
