from django.urls import path

from govdoc.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.packets_view, name="packets"),
    path("gui/<int:pk>/gui-lai/", views.outbox_retry_view, name="outbox_retry"),
    path("nhan/<int:pk>/xu-ly-lai/", views.inbox_retry_view, name="inbox_retry"),
]
