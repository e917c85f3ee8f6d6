from django.urls import path

from govdoc.reports import views

app_name = "reports"
urlpatterns = [
    path("so-van-ban-den/", views.incoming_register_view, name="incoming_register"),
]
