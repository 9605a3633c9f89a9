"""REST API plumbing shared by every app."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shigan.core.errors import DomainError

__all__ = ["exception_handler"]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=400)
    return drf_exception_handler(exc, context)
