"""REST API plumbing shared by every app.

Every error body has the same shape: a stable English `code`, a Chinese `detail` for people,
and for bad input the `field` it concerns (plus every field's messages in `errors`).
"""

from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from shigan.core.errors import DomainError

__all__ = [
    "DocsPermission",
    "exception_handler",
    "parse",
    "ErrorSerializer",
    "AutoSchema",
    "is_api_request",
    "api_error_response",
]

API_PREFIX = "/api/"

# The Chinese message and stable code of each status the API answers with.
_MESSAGES = {
    401: ("not_authenticated", gettext_lazy("请先登录，或在请求头中提供有效的 API 令牌。")),
    403: ("permission_denied", gettext_lazy("您没有执行此操作的权限。")),
    404: ("not_found", gettext_lazy("未找到该对象，或您无权访问。")),
}


class DocsPermission(BasePermission):
    """The API schema and its docs pages: for logged-in users (session or token) unless the
    operator opens them (SHIGAN_API_DOCS_PUBLIC=1); read per request, so the setting can change."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(settings.SHIGAN_API_DOCS_PUBLIC) or bool(
            request.user and request.user.is_authenticated
        )


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error_response(status: int) -> JsonResponse:
    """The API's error body for an answer Django gives outside DRF (an unknown /api/ URL)."""
    code, message = _MESSAGES[status]
    return JsonResponse(
        {"code": code, "detail": str(message)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class ErrorSerializer(serializers.Serializer[None]):
    """The body of every 4xx answer."""

    code = serializers.CharField(help_text=gettext_lazy("稳定的英文错误代码"))
    detail = serializers.CharField(help_text=gettext_lazy("中文错误说明"))
    field = serializers.CharField(required=False, help_text=gettext_lazy("出错的字段"))
    # A declared field, which DRF's metaclass takes off the class (`Serializer.errors` stays).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("每个出错字段的全部说明"),
    )


def parse(
    serializer_class: type[serializers.Serializer[Any]], data: Any, **kwargs: Any
) -> dict[str, Any]:
    """Validate `data` with an input serializer; on error, name each field by its label."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        exc = exceptions.ValidationError(serializer.errors)
        # Read back by `_validation_body`: the error names each field by its label.
        exc.labels = {  # type: ignore[attr-defined]
            name: str(f.label) for name, f in serializer.fields.items() if f.label
        }
        raise exc
    validated: dict[str, Any] = serializer.validated_data
    return validated


def _flatten(detail: Any, prefix: str = "") -> list[tuple[str, object]]:
    """(field, ErrorDetail) pairs of a nested ValidationError detail."""
    if isinstance(detail, dict):
        pairs: list[tuple[str, object]] = []
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            pairs.extend(_flatten(value, name))
        return pairs
    if isinstance(detail, list):
        return [pair for item in detail for pair in _flatten(item, prefix)]
    return [(prefix, detail)]


def _filter_labels(view: APIView | None) -> dict[str, str]:
    """The labels of a view's django-filter filters: query parameters get named too."""
    filterset_class = getattr(view, "filterset_class", None)
    filters = getattr(filterset_class, "base_filters", {})
    return {name: str(f.label) for name, f in filters.items() if f.label}


def _validation_body(
    exc: exceptions.ValidationError, view: APIView | None = None
) -> dict[str, Any]:
    labels = getattr(exc, "labels", None) or _filter_labels(view)
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    pairs = _flatten(exc.detail)
    if not pairs:
        return {"code": "invalid", "detail": _("输入无效。")}
    errors: dict[str, list[str]] = {}
    sentences = []
    for name, message in pairs:
        errors.setdefault(name or non_field, []).append(str(message))
        if not name or name == non_field:
            sentences.append(str(message))
        else:
            label = labels.get(name.split(".")[0])
            who = f"“{label}”（{name}）" if label and label != name else f"“{name}”"
            sentences.append(_("字段%(field)s：%(message)s") % {"field": who, "message": message})
    first_field, first = pairs[0]
    body: dict[str, Any] = {
        "code": getattr(first, "code", None) or "invalid",
        "detail": " ".join(sentences),
        "errors": errors,
    }
    if first_field and first_field != non_field:
        body["field"] = first_field
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        status = 403 if exc.code == "forbidden" else 400
        return Response(body, status=status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 handling and logging
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc, context.get("view"))
        return response
    default_code, message = _MESSAGES.get(response.status_code, (None, None))
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = "authentication_failed"  # credentials given but wrong: a bad or revoked token
    elif isinstance(exc, exceptions.APIException):
        code = default_code or exc.default_code
    else:
        code = default_code or "error"
    detail = str(getattr(exc, "detail", "") or "")
    if message and (not detail or detail == str(getattr(type(exc), "default_detail", ""))):
        # DRF's generic wording is replaced; a message given on purpose (a bad cursor, a
        # missing right named by the view) is kept.
        detail = str(message)
    response.data = {"code": code, "detail": detail}
    return response


class AutoSchema(SpectacularAutoSchema):
    """Documents the error answers every operation can give, with their common body."""

    error_codes = ("400", "401", "403", "404")

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # A body in a media type the operation does not take (or whose type cannot be read,
        # e.g. multipart without a usable boundary) is answered 415.
        with_body = ("415",) if self.method in ("POST", "PUT", "PATCH") else ()
        for status in (*self.error_codes, *with_body):
            if status not in responses:
                # drf-spectacular leaves its own method unannotated
                responses[status] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ErrorSerializer, status, direction=direction
                )
        return responses
