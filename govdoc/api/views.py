from django.http import HttpRequest, HttpResponse


def tokens(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError
