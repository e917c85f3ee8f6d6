from django.http import HttpRequest, HttpResponse


def incoming_register(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError

