from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import bad_request, server_error

from shigan.core.api import api_error_response, is_api_request

__all__ = ["no_scope", "error_400", "error_404", "error_403", "error_500", "csrf_failure"]


def no_scope(request: HttpRequest, title: str) -> HttpResponse:
    """A nav entry's page for someone who sees no unit (yet): a sentence, not a 404."""
    return render(request, "core/no_scope.html", {"title": title})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):  # an API client gets the API's JSON error, not a page
        return api_error_response(404)
    return render(request, "404.html", status=404)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(400)
    return bad_request(request, exception or Exception())


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    """Django has logged the exception already; an API client gets the API's JSON error body
    (no traceback, as on the page), a browser Django's own 500 page."""
    if is_api_request(request):
        return api_error_response(500)
    return server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
