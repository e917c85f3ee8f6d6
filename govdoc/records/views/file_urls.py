from __future__ import annotations

from django.urls import URLPattern, path

from govdoc.records.views import file_pages

urlpatterns: list[URLPattern] = [
    path("", file_pages.file_index_view, name="file_index"),
    path("cua-toi/", file_pages.my_files_view, name="my_files"),
    path("lap/", file_pages.file_open_view, name="file_open"),
    path("chua-lap/", file_pages.unfiled_view, name="unfiled"),
    path("luu/<int:document_id>/", file_pages.file_document_view, name="file_document"),
    path("<int:pk>/", file_pages.file_detail_view, name="file_detail"),
    path("<int:pk>/them/", file_pages.file_add_view, name="file_add"),
    path("<int:pk>/bot/", file_pages.file_remove_view, name="file_remove"),
    path("<int:pk>/tai-len/", file_pages.file_upload_view, name="file_upload"),
    path("<int:pk>/sua/", file_pages.file_edit_view, name="file_edit"),
    path("<int:pk>/ket-thuc/", file_pages.file_close_view, name="file_close"),
    path("<int:pk>/mo-lai/", file_pages.file_reopen_view, name="file_reopen"),
]
