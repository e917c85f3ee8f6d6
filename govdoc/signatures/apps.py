from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "govdoc.signatures"
    label = "signatures"
    verbose_name = "Chữ ký số"
