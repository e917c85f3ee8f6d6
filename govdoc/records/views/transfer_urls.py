from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import handover_pages
from govdoc.records.views import transfer_pages as pages

urlpatterns: list[URLPattern] = [
    path("nop-luu/", pages.transfer_list_view, name="transfer_list"),
    path("nop-luu/lap/", pages.transfer_new_view, name="transfer_new"),
    path("nop-luu/<int:pk>/", pages.transfer_detail_view, name="transfer_detail"),
    path(
        "nop-luu/<int:pk>/ho-so/<int:item_pk>/",
        pages.transfer_decide_view,
        name="transfer_decide",
    ),
    path("nop-luu/<int:pk>/<slug:form>.pdf", pages.transfer_form_pdf_view, name="transfer_form"),
    path("giu-lai/", pages.keep_requests_view, name="keep_requests"),
    path("ban-giao/", handover_pages.handover_view, name="handover"),
    path("<int:pk>/giu-lai/", pages.keep_request_view, name="keep_request"),
]
