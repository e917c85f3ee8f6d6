from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "govdoc.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
