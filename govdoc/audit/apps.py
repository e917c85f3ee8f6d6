from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govdoc.audit"
    label = "audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        # Connects the sign-in receivers.
        from govdoc.audit import signals  # noqa: F401
