from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govdoc.audit"
    label = "audit"
    verbose_name = "Nhật ký"
