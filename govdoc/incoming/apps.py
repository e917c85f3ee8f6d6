from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "govdoc.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"

    def ready(self) -> None:
        # The "Chữ ký số" section of the document page.
        from govdoc.incoming.panels import register_detail_panel
        from govdoc.incoming.signature_checks import signatures_panel

        register_detail_panel(signatures_panel)
