from django.http import HttpRequest, HttpResponse


def journal(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError

