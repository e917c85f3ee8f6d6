from django.urls import path

from govdoc.reports import views

app_name = "reports"
urlpatterns = [
    path("incoming_register/", views.incoming_register, name="incoming_register"),
]
