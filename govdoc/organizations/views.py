from django.http import HttpRequest, HttpResponse


def agencies(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError


def people(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError


def delegations(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError


def import_view(request: HttpRequest) -> HttpResponse:  # replaced by the real screen
    raise NotImplementedError

