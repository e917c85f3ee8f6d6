"""The file plan's pages under /ho-so/danh-muc/ (app "records")."""

from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import plan_pages as pages

# The changes of one plan (POST), each handled by `plan_action_view` through its entry of
# `plan_pages.ACTIONS` (the same name as the URL's).
ACTION_ROUTES: tuple[tuple[str, str], ...] = (
    ("danh-muc/<int:pk>/phe-duyet/", "plan_approve"),
    ("danh-muc/<int:pk>/mo-lai/", "plan_reopen"),
    ("danh-muc/<int:pk>/de-muc/them/", "plan_heading_add"),
    ("danh-muc/<int:pk>/de-muc/<int:heading_pk>/sua/", "plan_heading_edit"),
    ("danh-muc/<int:pk>/de-muc/<int:heading_pk>/chuyen/", "plan_heading_move"),
    ("danh-muc/<int:pk>/de-muc/<int:heading_pk>/xoa/", "plan_heading_delete"),
    ("danh-muc/<int:pk>/ho-so/them/", "plan_file_add"),
    ("danh-muc/<int:pk>/ho-so/<int:file_pk>/sua/", "plan_file_edit"),
    ("danh-muc/<int:pk>/ho-so/<int:file_pk>/chuyen/", "plan_file_move"),
    ("danh-muc/<int:pk>/ho-so/<int:file_pk>/xoa/", "plan_file_delete"),
)

urlpatterns: list[URLPattern] = [
    path("danh-muc/", pages.plan_list_view, name="plan_list"),
    path("danh-muc/lap/", pages.plan_create_view, name="plan_create"),
    path("danh-muc/mau-nhap.xlsx", pages.plan_import_template_view, name="plan_import_template"),
    path("danh-muc/<int:pk>/", pages.plan_detail_view, name="plan_detail"),
    path("danh-muc/<int:pk>/sao-chep/", pages.plan_copy_view, name="plan_copy"),
    path("danh-muc/<int:pk>/nhap-excel/", pages.plan_import_view, name="plan_import"),
    path(
        "danh-muc/<int:pk>/tai-ve.<str:kind>",
        pages.plan_export_view,
        name="plan_export",
    ),
    *(
        path(route, pages.plan_action_view, {"action": name}, name=name)
        for route, name in ACTION_ROUTES
    ),
]
