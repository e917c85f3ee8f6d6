from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "govdoc.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"
