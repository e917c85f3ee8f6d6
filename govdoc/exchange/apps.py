from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "govdoc.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"

    def ready(self) -> None:
        from govdoc.exchange import feedback, tasks
        from govdoc.exchange.services.sending import (
            on_interconnect_change,
            on_interconnect_dispatch,
        )
        from govdoc.exchange.transports.setup import register_transports
        from govdoc.outgoing.services.changes import register_change_handler
        from govdoc.outgoing.services.dispatching import register_dispatch_handler
        from govdoc.outgoing.workflow import Method

        # Deliveries to agencies outside this installation leave as edXML packets.
        register_dispatch_handler(Method.INTERCONNECT, on_interconnect_dispatch)
        register_change_handler(Method.INTERCONNECT, on_interconnect_change)
        # Every step on a document received that way is answered to its sender.
        feedback.connect()
        register_transports()
        tasks.register_periodic_jobs()
