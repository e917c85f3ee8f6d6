from __future__ import annotations

from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "govdoc.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self) -> None:
        # The sender follows each recipient on the same installation through the receiving
        # side's receipt events (arrived, accepted, refused, assigned, …).
        from govdoc.outgoing import receipt_tracking

        receipt_tracking.connect()
