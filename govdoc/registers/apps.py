from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "govdoc.registers"
    label = "registers"
    verbose_name = "Sổ văn bản"
