from django.urls import path

from govdoc.audit import views

app_name = "audit"
urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/xuat-csv/", views.journal_export, name="journal_export"),
]
