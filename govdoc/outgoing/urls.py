from django.urls import path

from govdoc.outgoing.views import draft_pages, issued_pages

app_name = "outgoing"

urlpatterns = [
    path("du-thao/<int:pk>/", draft_pages.draft_detail_view, name="draft_detail"),
    path("<int:pk>/", issued_pages.issued_detail_view, name="issued_detail"),
]
