from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "govdoc.api"
    label = "api"
    verbose_name = "API"
