from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import disposal_pages as pages

urlpatterns: list[URLPattern] = [
    path("tieu-huy/", pages.disposal_list_view, name="disposal_list"),
    path("tieu-huy/tham-dinh/", pages.disposal_appraisal_view, name="disposal_appraisal"),
    path("tieu-huy/de-nghi/", pages.disposal_propose_view, name="disposal_propose"),
    path("tieu-huy/<int:pk>/", pages.disposal_detail_view, name="disposal_detail"),
    path("tieu-huy/<int:pk>/y-kien/", pages.disposal_vote_view, name="disposal_vote"),
    path("tieu-huy/<int:pk>/phe-duyet/", pages.disposal_decide_view, name="disposal_decide"),
    path("tieu-huy/<int:pk>/thuc-hien/", pages.disposal_execute_view, name="disposal_execute"),
]
