from django.http import HttpRequest, HttpResponse


def books(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError

