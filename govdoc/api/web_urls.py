from django.urls import path

from govdoc.api import views

urlpatterns = [path("", views.tokens, name="api_tokens")]
