"""URLs of the hub process: the API at /api/v1/ and a health check for load balancers."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from govdoc.exchange.hub.api import api


def health(request: HttpRequest) -> JsonResponse:
    """Not journaled: probes call it every few seconds and it reads nothing."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("api/v1/", api.urls),
    path("health", health, name="hub-health"),
]
