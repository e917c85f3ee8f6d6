from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def issued_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
