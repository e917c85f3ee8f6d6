from django.urls import path

from govdoc.organizations import views
from govdoc.organizations.views import calendar_pages

app_name = "organizations"
urlpatterns = [
    path("co-quan/", views.agencies, name="agencies"),
    path("co-quan/them/", views.agency_create, name="agency_create"),
    path("co-quan/<int:pk>/", views.agency_detail, name="agency"),
    path("co-quan/<int:pk>/sua/", views.agency_edit, name="agency_edit"),
    path("co-quan/<int:pk>/don-vi/them/", views.unit_create, name="unit_create"),
    path("co-quan/<int:pk>/chuc-vu/them/", views.position_create, name="position_create"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("chuc-vu/<int:pk>/sua/", views.position_edit, name="position_edit"),
    path("nguoi-dung/", views.people, name="people"),
    path("nguoi-dung/them/", views.person_create, name="person_create"),
    path("nguoi-dung/<int:pk>/", views.person_detail, name="person"),
    path("nguoi-dung/<int:pk>/mat-khau/", views.person_password, name="person_password"),
    path("nguoi-dung/<int:pk>/trang-thai/", views.person_active, name="person_active"),
    path("nguoi-dung/<int:pk>/vai-tro/", views.role_grant, name="role_grant"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    path("uy-quyen/", views.delegations, name="delegations"),
    path("uy-quyen/<int:pk>/huy/", views.delegation_revoke, name="delegation_revoke"),
    path("nhap/", views.import_view, name="import"),
    path("nhap/mau/<str:kind>.csv", views.import_template, name="import_template"),
    path("lich-lam-viec/", calendar_pages.calendar, name="calendar"),
    path("lich-lam-viec/them/", calendar_pages.calendar_day_create, name="calendar_day_create"),
    path("lich-lam-viec/<int:pk>/sua/", calendar_pages.calendar_day_edit, name="calendar_day_edit"),
    path(
        "lich-lam-viec/<int:pk>/xoa/",
        calendar_pages.calendar_day_delete,
        name="calendar_day_delete",
    ),
    path("lich-lam-viec/ngay-nghi-tuan/", calendar_pages.calendar_weekend, name="calendar_weekend"),
]
