from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "govdoc.web"
    label = "web"
    verbose_name = "Giao diện"
