from django.urls import path

from govdoc.documents import views

app_name = "documents"
urlpatterns = [
    path("types/", views.types, name="types"),
    path("types/tao/", views.type_create_view, name="type_create"),
    path("types/<int:pk>/sua/", views.type_edit_view, name="type_edit"),
    path("types/<int:pk>/ngung-dung/", views.type_deactivate_view, name="type_deactivate"),
    path("types/<int:pk>/dung-lai/", views.type_activate_view, name="type_activate"),
    path("han-xu-ly/", views.deadline_rules, name="deadline_rules"),
    path("han-xu-ly/<int:pk>/sua/", views.deadline_rule_edit, name="deadline_rule_edit"),
    path("han-xu-ly/<int:pk>/xoa/", views.deadline_rule_delete_view, name="deadline_rule_delete"),
]
