"""An API write is applied once per `Idempotency-Key` (nothing a caller sent is duplicated).

A client that sends a write and loses the answer (a timeout, a dropped mobile connection)
cannot know whether it was applied. Sent with an `Idempotency-Key` header (any 1–255
printable ASCII characters, quoted or not, as in the IETF draft "The Idempotency-Key HTTP
Header Field"), the write can be retried safely: the first request with a key claims it for
its caller (an `ApiRequest` row, unique per caller and key) and keeps its answer when it
succeeded; the same key again is not passed to the view but gets that answer back, marked
`Idempotent-Replayed: true`, waiting for the first request if it is still running. A refused
write (4xx, 5xx) releases its key: nothing was applied, so a corrected retry is applied.
The same key sent to another endpoint or with another method is refused (422). Keys are kept
two days, like the page forms' (core.submissions).

The caller is the signed-in user for a session, or the credentials of an `Authorization`
header (hashed): a key is never shared between callers, and this module needs no account
lookup of its own. Writes without the header behave as before.
"""

import hashlib
import re
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from shigan.core.api import IDEMPOTENCY_HEADER as HEADER
from shigan.core.api import is_api_request
from shigan.core.models import ApiRequest
from shigan.core.submissions import StillPending, claim, wait_until_settled

__all__ = ["HEADER", "IdempotencyKeyMiddleware"]

REPLAYED = "Idempotent-Replayed"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_VALID = re.compile(r"^[\x20-\x7e]{1,255}$")


def _principal(request: HttpRequest) -> str | None:
    credentials = request.headers.get("Authorization", "")
    if credentials:
        return "auth:" + hashlib.sha256(credentials.encode()).hexdigest()
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return None  # not signed in: the view answers 401 and nothing is applied


def _error(code: str, detail: str, status: int) -> JsonResponse:
    body = {"code": code, "detail": detail, "field": HEADER}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _replay(row: ApiRequest) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    if row.location:
        response["Location"] = row.location
    response[REPLAYED] = "true"
    return response


def _settle(rows: "QuerySet[ApiRequest]", response: HttpResponseBase | None) -> None:
    if response is None or response.status_code >= 400 or response.streaming:
        rows.delete()  # nothing was applied (or the answer cannot be kept): free to retry
        return
    rows.update(
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
        body=response.content,  # type: ignore[attr-defined]
    )


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None or request.method not in _WRITES or not is_api_request(request):
            return self.get_response(request)
        key = key.strip()
        key = key[1:-1] if len(key) > 1 and key[0] == key[-1] == '"' else key
        if not _VALID.match(key):
            return _error(
                "idempotency_key_invalid",
                _("Idempotency-Key 须为 1 至 255 个可打印的 ASCII 字符。"),
                400,
            )
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)
        return self._once(request, principal, key)

    def _once(self, request: HttpRequest, principal: str, key: str) -> HttpResponseBase:
        signature = f"{request.method} {request.get_full_path()}"[:2100]
        rows = ApiRequest.objects.filter(principal=principal, key=key)
        while not claim(ApiRequest, {"principal": principal}, key=key, request=signature):
            try:
                row = wait_until_settled(rows, lambda row: row.status is not None)
            except StillPending:
                return _error(
                    "idempotency_key_in_use",
                    _("使用同一 Idempotency-Key 的请求仍在处理中，请稍后用同一个键重试。"),
                    409,
                )
            if row is not None and row.request != signature:
                message = _("此 Idempotency-Key 已用于另一个请求（%(request)s），请换一个键。")
                return _error("idempotency_key_reused", message % {"request": row.request}, 422)
            if row is not None:
                return _replay(row)
        response = None
        try:
            response = self.get_response(request)
        finally:
            _settle(rows, response)
        return response
