from django.urls import path

from govdoc.organizations import views

app_name = "organizations"
urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("people/", views.people, name="people"),
    path("delegations/", views.delegations, name="delegations"),
    path("import/", views.import_view, name="import"),
]
