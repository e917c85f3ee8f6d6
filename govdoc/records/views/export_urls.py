"""Downloads of work files, under /ho-so/ (app "records"): include `urlpatterns` in
govdoc/records/urls.py next to the file pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import export_pages as pages

urlpatterns: list[URLPattern] = [
    path("muc-luc.<str:kind>", pages.file_index_export_view, name="file_index_export"),
    path("<int:pk>/tai-ve.pdf", pages.file_export_pdf_view, name="file_export_pdf"),
    path("<int:pk>/tai-ve.xml", pages.file_export_xml_view, name="file_export_xml"),
    path("<int:pk>/muc-luc.<str:kind>", pages.file_items_export_view, name="file_items_export"),
    path("<int:pk>/goi-luu-tru.zip", pages.file_package_view, name="file_package"),
]
