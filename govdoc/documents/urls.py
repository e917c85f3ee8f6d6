from django.urls import path

from govdoc.documents import views

app_name = "documents"
urlpatterns = [
    path("types/", views.types, name="types"),
    path("types/tao/", views.type_create_view, name="type_create"),
    path("types/<int:pk>/sua/", views.type_edit_view, name="type_edit"),
    path("types/<int:pk>/ngung-dung/", views.type_deactivate_view, name="type_deactivate"),
    path("types/<int:pk>/dung-lai/", views.type_activate_view, name="type_activate"),
]
