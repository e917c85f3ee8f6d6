from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govdoc.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        # The handling form's button on the incoming document page.
        from govdoc.incoming.panels import register_detail_panel
        from govdoc.reports.handling_panel import handling_panel

        register_detail_panel(handling_panel)
