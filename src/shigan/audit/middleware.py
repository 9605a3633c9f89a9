import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shigan.audit.context import RequestContext, request_context

__all__ = ["AuditContextMiddleware", "client_ip"]


def client_ip(request: HttpRequest) -> str | None:
    # Behind the reverse proxy the operator configures, REMOTE_ADDR is the proxy; the first
    # X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # ours, for views and logs
        with request_context(RequestContext(request_id, client_ip(request))):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
