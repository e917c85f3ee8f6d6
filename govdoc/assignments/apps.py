from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "govdoc.assignments"
    label = "assignments"
    verbose_name = "Giao việc và xử lý văn bản"
