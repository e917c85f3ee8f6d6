from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govdoc.reports"
    label = "reports"
    verbose_name = "Báo cáo"
