from django.urls import path

from govdoc.reports import outgoing_views, views

app_name = "reports"
urlpatterns = [
    path("so-van-ban-den/", views.incoming_register_view, name="incoming_register"),
]
urlpatterns += [
    path("so-theo-doi-giai-quyet/", views.handling_register_view, name="handling_register"),
    path("tinh-hinh-giai-quyet/", views.handling_report_view, name="handling_report"),
    path("tinh-hinh-giai-quyet/danh-sach/", views.handling_list_view, name="handling_list"),
    path("phieu-giai-quyet/<int:pk>/", views.handling_slip_view, name="handling_slip"),
]
urlpatterns += [
    path("so-van-ban-di/", outgoing_views.outgoing_register_view, name="outgoing_register"),
    path("so-gui-buu-dien/", outgoing_views.postal_register_view, name="postal_register"),
    path("tinh-hinh-van-ban-di/", outgoing_views.outgoing_report_view, name="outgoing_report"),
    path(
        "tinh-hinh-van-ban-di/danh-sach/", outgoing_views.outgoing_list_view, name="outgoing_list"
    ),
]
