from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import hold_pages as pages

urlpatterns: list[URLPattern] = [
    path("phong-toa/", pages.hold_list_view, name="hold_list"),
    path("phong-toa/lap/", pages.hold_set_view, name="hold_set"),
    path("phong-toa/<int:pk>/go/", pages.hold_lift_view, name="hold_lift"),
]
