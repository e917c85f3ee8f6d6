from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govdoc.core"
    label = "core"
    verbose_name = "Lõi"
