from django.urls import path

from govdoc.api import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:pk>/thu-hoi/", views.revoke, name="api_token_revoke"),
]
