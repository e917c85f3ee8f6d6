from django.http import HttpRequest, HttpResponse


def types(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError
