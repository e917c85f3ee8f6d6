from django.urls import path

from govdoc.incoming import signature_checks, views

app_name = "incoming"
urlpatterns = [
    path("", views.incoming_list_view, name="list"),
    path("vao-so/", views.register_view, name="register"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/sua/", views.edit_view, name="edit"),
    path("<int:pk>/huy/", views.annul_view, name="annul"),
    path("<int:pk>/trinh/", views.present_view, name="present"),
    path("<int:pk>/tra-lai/", views.refuse_view, name="refuse"),
    path("<int:pk>/tep/<int:file_pk>/", views.file_view, name="file"),
    path("<int:pk>/kiem-tra-chu-ky/", signature_checks.reverify_view, name="reverify"),
]
