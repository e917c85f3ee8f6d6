from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "govdoc.documents"
    label = "documents"
    verbose_name = "Văn bản"
