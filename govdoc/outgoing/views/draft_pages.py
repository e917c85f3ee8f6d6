from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def draft_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
