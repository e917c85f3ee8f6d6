from django.urls import path

from govdoc.incoming import received_views, signature_checks, views

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
    # Electronic documents other agencies sent, waiting for the clerk.
    path("dien-tu/", received_views.received_list_view, name="received_list"),
    path("dien-tu/<int:pk>/", received_views.received_detail_view, name="received_detail"),
    path(
        "dien-tu/<int:pk>/vao-so/",
        received_views.received_register_view,
        name="received_register",
    ),
    path("dien-tu/<int:pk>/tra-lai/", received_views.received_refuse_view, name="received_refuse"),
    path(
        "dien-tu/<int:pk>/tep/<int:file_pk>/",
        received_views.received_file_view,
        name="received_file",
    ),
]
