"""Every form is applied once (nothing a user submitted is ever duplicated).

shigan.js gives each form that posts and then leaves the page a random key (`_submission`).
The first POST with a key claims it (a `Submission` row, unique per user and key); when the
answer leads elsewhere (a redirect: the record made, the list), the row keeps where. The same
key again — a second tap on a slow phone, a browser's retry, the back button — is not passed
to the view: it waits for the first to finish and is sent where the first one led, with a
message saying nothing was saved twice. An answer that does not lead elsewhere (the form
again with its errors, a refusal) releases the key: nothing was saved, so a retry is applied.
htmx requests are not concerned (they do not reload the page); API writes carry an
`Idempotency-Key` instead (core.idempotency).
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.core.models import Submission

__all__ = ["FIELD", "SubmitOnceMiddleware", "StillPending", "claim", "wait_until_settled"]

FIELD = "_submission"
_KEY = re.compile(r"^[0-9a-f]{32}$")
WAIT_SECONDS = 20.0  # how long a repeat waits for the first submission to finish
_POLL = 0.2
KEPT = timedelta(days=2)
_LEADS_ELSEWHERE = (301, 302, 303)


def _key(request: HttpRequest) -> tuple[int, str] | None:
    """The signed-in user's id and the form's key, for a form that leaves the page."""
    if request.method != "POST" or request.headers.get("HX-Request"):
        return None
    user_id = request.user.pk if request.user.is_authenticated else None
    if user_id is None or request.path.startswith("/api/"):
        return None
    key = request.POST.get(FIELD, "")
    return (user_id, key) if _KEY.match(key) else None


_M = TypeVar("_M", bound=models.Model)


class StillPending(Exception):
    """The first submission is still being applied after WAIT_SECONDS."""


def claim(model: type[models.Model], owner: dict[str, Any], **fields: Any) -> bool:
    """Claims a key for its owner (a row unique per owner and key); False when it is taken.
    The owner's rows older than KEPT go first: a key is remembered for two days."""
    model._default_manager.filter(**owner, created_at__lt=timezone.now() - KEPT).delete()
    try:
        with transaction.atomic():
            model._default_manager.create(**owner, **fields)
    except IntegrityError:
        return False
    return True


def wait_until_settled(rows: "models.QuerySet[_M]", settled: Callable[[_M], bool]) -> _M | None:
    """The claimed row once its request has finished, or None once it was released (nothing
    was applied); StillPending if it is still running after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = rows.first()
        if row is None or settled(row):
            return row
        if time.monotonic() >= deadline:
            raise StillPending
        time.sleep(_POLL)


def _settle(user_id: int, key: str, response: HttpResponseBase | None) -> None:
    rows = Submission.objects.filter(user_id=user_id, key=key)
    if response is not None and response.status_code in _LEADS_ELSEWHERE:
        rows.update(location=response["Location"])
    else:
        rows.delete()


def _first_outcome(user_id: int, key: str) -> str | None:
    """Where the first submission led, once it has finished; "" if it was released (nothing
    was saved); None if it is still being applied after WAIT_SECONDS."""
    rows = Submission.objects.filter(user_id=user_id, key=key)
    try:
        row = wait_until_settled(rows, lambda row: bool(row.location))
    except StillPending:
        return None
    return row.location if row else ""


class SubmitOnceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        claimant = _key(request)
        if claimant is None:
            return self.get_response(request)
        user_id, key = claimant
        while not claim(Submission, {"user_id": user_id}, key=key):
            location = _first_outcome(user_id, key)
            if location is None:
                return render(request, "core/submission_pending.html", status=409)
            if location:
                messages.info(request, _("这份表单已经提交过，没有重复保存。"))
                return redirect(location)
        response = None
        try:
            response = self.get_response(request)
        finally:
            _settle(user_id, key, response)
        return response
