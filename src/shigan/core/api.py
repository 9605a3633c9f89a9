"""REST API plumbing shared by every app.

Every error body has the same shape: a stable English `code`, a Chinese `detail` for people,
and for bad input the `field` it concerns (plus every field's messages in `errors`).
"""

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from shigan.core.errors import DomainError, FieldCode, error_codes_by_app

if TYPE_CHECKING:  # a stub-only type: django-stubs-ext is not installed in production
    from django_stubs_ext import StrOrPromise

__all__ = [
    "DownloadField",
    "DocsPermission",
    "exception_handler",
    "parse",
    "post_action",
    "ListRetrieveDestroyViewSet",
    "summaries",
    "ErrorSerializer",
    "AutoSchema",
    "is_api_request",
    "api_error_response",
]

_F = TypeVar("_F", bound=Callable[..., Any])  # a view class or method, as drf-spectacular's
_M = TypeVar("_M", bound=Model)

API_PREFIX = "/api/"
IDEMPOTENCY_HEADER = "Idempotency-Key"  # core.idempotency
_WRITES = ("POST", "PUT", "PATCH", "DELETE")

# The Chinese message and stable code of each status the API answers with.
_CSRF_MESSAGE = gettext_lazy(
    "请求缺少有效的 CSRF 令牌：网页中请刷新后重试；脚本请改用 API 令牌（Authorization: Token …）。"
)
_MESSAGES = {
    401: ("not_authenticated", gettext_lazy("请先登录，或在请求头中提供有效的 API 令牌。")),
    403: ("permission_denied", gettext_lazy("您没有执行此操作的权限。")),
    404: ("not_found", gettext_lazy("未找到该对象，或您无权访问。")),
    # An unhandled error: Django has logged it with its traceback; the client learns nothing more.
    500: ("server_error", gettext_lazy("服务器内部错误，请稍后再试；如一再出现请联系管理员。")),
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


# Django's own 400 (a host not in ALLOWED_HOSTS, a malformed request), outside DRF; inside it,
# DRF's 400s keep their own codes (parse_error …).
_THROTTLED = gettext_lazy("请求过于频繁，请 %(wait)s 秒后再试。")
_BAD_REQUEST = ("bad_request", gettext_lazy("请求无效，无法处理。"))


def api_error_response(status: int) -> JsonResponse:
    """The API's error body for an answer Django gives outside DRF (an unknown /api/ URL, a
    bad request, an unhandled error)."""
    code, message = _BAD_REQUEST if status == 400 else _MESSAGES[status]
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


# Records a caller lists, reads and deletes (revokes), but creates through an action of its
# own. (A comment, not a docstring: the API docs would show it for every view without one.)
class ListRetrieveDestroyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[_M],
):
    pass


def summaries(**summaries: "StrOrPromise") -> Callable[[_F], _F]:
    """`extend_schema_view` for actions that need only a summary in the API docs:
    `@summaries(list=gettext_lazy("…"), retrieve=gettext_lazy("…"))`."""
    return extend_schema_view(
        **{action: extend_schema(summary=text) for action, text in summaries.items()}
    )


def post_action(**schema: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A POST on one record (a viewset's detail action), documented by `schema` (the arguments
    of `extend_schema`: summary, request, responses …); the list's filters do not apply."""

    def decorate(method: Callable[..., Response]) -> Callable[..., Response]:
        method = action(detail=True, methods=["post"], filter_backends=[])(method)
        return extend_schema(**schema)(method)

    return decorate


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
    if isinstance(exc, exceptions.Throttled):
        # DRF has set Retry-After (whole seconds); its wording is English
        wait = response.get("Retry-After") or "1"
        response.data = {"code": "throttled", "detail": str(_THROTTLED % {"wait": wait})}
        return response
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # DRF's session authentication refuses a write without the CSRF token in English
        response.data = {"code": "csrf_failed", "detail": str(_CSRF_MESSAGE)}
        return response
    default_code, message = _MESSAGES.get(response.status_code, (None, None))
    # An exception may name its own stable code (accounts.authentication: PasswordExpired,
    # TokenExpired).
    stable_code = getattr(exc, "stable_code", None)
    if isinstance(exc, exceptions.AuthenticationFailed):
        # credentials given but wrong: a bad or revoked token
        code = stable_code or "authentication_failed"
    elif isinstance(exc, exceptions.APIException):
        code = stable_code or default_code or exc.default_code
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

    error_codes = ("400", "401", "403", "404", "429")  # 429: shigan.core.throttling

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method in _WRITES:
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=gettext_lazy(
                        "可选。1 至 255 个可打印 ASCII 字符。同一调用方用同一个键重发此请求时，"
                        "不会重复执行，而是返回第一次成功的响应（响应头 Idempotent-Replayed: "
                        "true）；第一次被拒绝时键可再用。键保留两天；用于另一个请求时返回 422，"
                        "第一次仍在处理时返回 409。"
                    ),
                )
            )
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # A body in a media type the operation does not take (or whose type cannot be read,
        # e.g. multipart without a usable boundary) is answered 415.
        with_body = ("415",) if self.method in ("POST", "PUT", "PATCH") else ()
        keyed = ("409", "422") if self.method in _WRITES else ()  # an Idempotency-Key's
        for status in (*self.error_codes, *with_body, *keyed):
            if status not in responses:
                # drf-spectacular leaves its own method unannotated
                responses[status] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ErrorSerializer, status, direction=direction
                )
        # A refusal (400) of an app's operation lists that app's codes.
        app_error = self._app_error()
        if app_error is not None:
            for media in responses["400"].get("content", {}).values():
                media["schema"] = app_error
        return responses

    def _app_error(self) -> dict[str, Any] | None:
        """A reference to `<App>Error`, the error body whose `code` lists the app's
        `ErrorCode`; None for an app that raises no coded error of its own."""
        module = type(self.view).__module__.split(".")
        label = module[1] if module[0] == "shigan" and len(module) > 1 else None
        enum = error_codes_by_app().get(label) if label is not None else None
        if label is None or enum is None:
            return None
        name = f"{label.title()}Error"
        codes = self._component(
            f"{name}Code",
            {
                "type": "string",
                "enum": [member.value for member in enum],
                "description": _("该应用自身的错误代码"),
            },
        )
        field_codes = self._component(
            "FieldErrorCode",
            {
                "type": "string",
                "pattern": FieldCode.PATTERN,
                "description": gettext_lazy(
                    "缺少或过长的文字、日期：<字段>_required、<字段>_too_long"
                ),
            },
        )
        other_codes = self._component(
            "InputErrorCode",
            {
                "type": "string",
                "description": _(
                    "输入校验的代码（如 required、invalid、max_length），"
                    "或各应用共用的代码（如 rejected）"
                ),
            },
        )
        # drf-spectacular's own method, unannotated: a schema dict
        body = copy.deepcopy(self._map_serializer(ErrorSerializer, "response"))  # type: ignore[no-untyped-call]
        body["description"] = _("该应用的操作被拒绝或输入无效（400）时的错误")
        body["properties"]["code"] = {
            "anyOf": [codes, field_codes, other_codes],
            "description": _("稳定的英文错误代码"),
        }
        return self._component(name, body)

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]  # drf-spectacular's, unannotated
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref


@extend_schema_field(OpenApiTypes.URI)
class DownloadField(serializers.Field[Any, Any, Any, Any]):
    """A record's private file as the address of its scoped download page, which takes the
    record's pk (null without a file): `DownloadField("research:plan_attachment",
    file="attachment")`."""

    def __init__(self, url_name: str, *, file: str, **kw: Any) -> None:
        self.url_name, self.file = url_name, file
        kw.update(source="*", read_only=True, allow_null=True)
        super().__init__(**kw)

    def to_representation(self, value: Any) -> str | None:
        if not getattr(value, self.file):
            return None
        url = reverse(self.url_name, args=[value.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
