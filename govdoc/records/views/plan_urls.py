"""The file plan's pages under /ho-so/danh-muc/ (app "records")."""

from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import plan_pages as pages

urlpatterns: list[URLPattern] = [
    path("danh-muc/", pages.plan_list_view, name="plan_list"),
    path("danh-muc/lap/", pages.plan_create_view, name="plan_create"),
    path("danh-muc/mau-nhap.xlsx", pages.plan_import_template_view, name="plan_import_template"),
    path("danh-muc/<int:pk>/", pages.plan_detail_view, name="plan_detail"),
    path("danh-muc/<int:pk>/sao-chep/", pages.plan_copy_view, name="plan_copy"),
    path("danh-muc/<int:pk>/phe-duyet/", pages.plan_approve_view, name="plan_approve"),
    path("danh-muc/<int:pk>/mo-lai/", pages.plan_reopen_view, name="plan_reopen"),
    path("danh-muc/<int:pk>/nhap-excel/", pages.plan_import_view, name="plan_import"),
    path(
        "danh-muc/<int:pk>/tai-ve.<str:kind>",
        pages.plan_export_view,
        name="plan_export",
    ),
    path("danh-muc/<int:pk>/de-muc/them/", pages.heading_add_view, name="plan_heading_add"),
    path(
        "danh-muc/<int:pk>/de-muc/<int:heading_pk>/sua/",
        pages.heading_edit_view,
        name="plan_heading_edit",
    ),
    path(
        "danh-muc/<int:pk>/de-muc/<int:heading_pk>/chuyen/",
        pages.heading_move_view,
        name="plan_heading_move",
    ),
    path(
        "danh-muc/<int:pk>/de-muc/<int:heading_pk>/xoa/",
        pages.heading_delete_view,
        name="plan_heading_delete",
    ),
    path("danh-muc/<int:pk>/ho-so/them/", pages.file_add_view, name="plan_file_add"),
    path(
        "danh-muc/<int:pk>/ho-so/<int:file_pk>/sua/",
        pages.file_edit_view,
        name="plan_file_edit",
    ),
    path(
        "danh-muc/<int:pk>/ho-so/<int:file_pk>/chuyen/",
        pages.file_move_view,
        name="plan_file_move",
    ),
    path(
        "danh-muc/<int:pk>/ho-so/<int:file_pk>/xoa/",
        pages.file_delete_view,
        name="plan_file_delete",
    ),
]
