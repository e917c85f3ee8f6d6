from __future__ import annotations

from django.apps import AppConfig


class HubConfig(AppConfig):
    """The hub: a store-and-forward mailbox between govdoc installations, run as its own
    process on its own database (config/hub_settings.py). Installations list the app only so
    that its tests run in the one test session; they never use its tables."""

    name = "govdoc.exchange.hub"
    label = "hub"
    verbose_name = "Trạm trung chuyển liên thông"
    default_auto_field = "django.db.models.BigAutoField"
