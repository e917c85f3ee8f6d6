from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "govdoc.assignments"
    label = "assignments"
    verbose_name = "Giao việc và xử lý văn bản"

    def ready(self) -> None:
        # Registers who else sees an incoming document (its handlers) with the incoming app.
        from govdoc.assignments import access  # noqa: F401

        # The daily deadline reminders (govdoc/assignments/reminders.py), once per occurrence
        # however many workers run; an occurrence found more than 12 hours late is skipped.
        import datetime as dt

        from django.conf import settings

        from govdoc.assignments.tasks import REMINDERS_JOB, send_deadline_reminders
        from govdoc.core.periodic import register_periodic

        register_periodic(
            REMINDERS_JOB,
            task=send_deadline_reminders,
            daily_at=getattr(settings, "GOVDOC_REMINDER_TIME", "07:30"),
            pass_occurrence=True,
            grace=dt.timedelta(hours=12),
        )
