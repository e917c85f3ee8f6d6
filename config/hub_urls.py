"""URLs of the hub process: the API at /api/v1/ and a health check for load balancers."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from govdoc.exchange.hub.api import api


def health(request: HttpRequest) -> JsonResponse:
    """Not journaled: probes call it every few seconds and it reads nothing."""
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    body = {"code": "not_found", "message": "Không có địa chỉ này trên trạm.", "fields": {}}
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest, *args: Any) -> JsonResponse:
    body = {"code": "server_error", "message": "Trạm gặp lỗi, vui lòng thử lại sau.", "fields": {}}
    return JsonResponse(body, status=500)


handler404 = not_found
handler500 = server_error

urlpatterns = [
    path("api/v1/", api.urls),
    path("health", health, name="hub-health"),
]
