from django.urls import path

from govdoc.documents import views

app_name = "documents"
urlpatterns = [
    path("types/", views.types, name="types"),
]
