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
            on_local_change,
            on_local_dispatch,
        )
        from govdoc.exchange.transports.setup import register_transports
        from govdoc.outgoing.services.changes import register_change_handler
        from govdoc.outgoing.services.dispatching import register_dispatch_handler
        from govdoc.outgoing.workflow import Method

        # Deliveries to agencies outside this installation leave as edXML packets.
        register_dispatch_handler(Method.INTERCONNECT, on_interconnect_dispatch)
        register_change_handler(Method.INTERCONNECT, on_interconnect_change)
        # Agencies hosted here receive theirs the same way, through the `local` transport.
        register_dispatch_handler(Method.LOCAL, on_local_dispatch)
        register_change_handler(Method.LOCAL, on_local_change)
        # Every step on a document received that way is answered to its sender.
        feedback.connect()
        # The sender may ask a recipient agency to give a document back (13).
        from govdoc.exchange.recall_action import RECALL
        from govdoc.outgoing.dispatch_actions import register_dispatch_action

        register_dispatch_action(RECALL)
        register_transports()
        tasks.register_periodic_jobs()
