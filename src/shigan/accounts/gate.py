"""What a signed-in user must do before anything else (issue 16): pass the second factor, when
the login page asked for it, and change a password older than SHIGAN_PASSWORD_MAX_AGE_DAYS.
Until then every page answers with a redirect to that step (the API with a 403), except the
steps themselves, logout and static files."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.accounts.models import User
from shigan.accounts.second_factor import has_second_factor, second_factor_required

__all__ = [
    "AccountGateMiddleware",
    "mark_login",
    "mark_login_without_request",
    "owed_step",
    "second_factor_passed",
    "password_expired",
]

STEP_KEY = "shigan_second_factor"  # "verify" or "enrol" while owed; one of the three below after
PASSED, SETTLED, EXEMPT = "passed", "none", "exempt"
STEP_PAGES = {"verify": "accounts:second_factor_verify", "enrol": "accounts:second_factor"}
ALWAYS_OPEN = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/second-factor/",
    "/static/",
    "/jsi18n/",
    "/i18n/",
)


def step_due(user: User) -> str:
    """The second-factor step a fresh session of this user owes ("" when none)."""
    return "verify" if has_second_factor(user) else "enrol" if second_factor_required(user) else ""


def mark_login(request: HttpRequest, user: User) -> str:
    """Called at every login (accounts.receivers): which second-factor step the session owes.
    The session always records an answer, so one that lost it is held again (fail closed)."""
    step = step_due(user)
    request.session[STEP_KEY] = step or SETTLED
    return step


def mark_login_without_request(session: SessionBase) -> None:
    """A login made without an HTTP request (the test client's force_login, a shell) has
    nobody to answer the second factor."""
    session[STEP_KEY] = EXEMPT


def owed_step(request: HttpRequest) -> str:
    step = request.session.get(STEP_KEY)
    return str(step) if step in STEP_PAGES else ""


def second_factor_passed(request: HttpRequest) -> None:
    request.session[STEP_KEY] = PASSED


def _owed_now(request: HttpRequest, user: User) -> str:
    """A session with no recorded step (lost in a race, or older than this gate) owes what
    the user's factor requires, rather than passing unchecked."""
    if STEP_KEY not in request.session:
        mark_login(request, user)
    return owed_step(request)


def password_expired(user: User) -> bool:
    days = settings.SHIGAN_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=days)


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user: User | AnonymousUser | None = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(ALWAYS_OPEN):
            step = _owed_now(request, user)
            if step:
                message = _("请先完成动态口令验证。")
                return self._stop(request, STEP_PAGES[step], "second_factor_required", message)
            if password_expired(user) and not request.path.startswith("/accounts/password/"):
                message = _("密码已超过有效期，请先修改密码。")
                return self._stop(request, "accounts:password_change", "password_expired", message)
        return self.get_response(request)

    def _stop(self, request: HttpRequest, name: str, code: str, message: str) -> HttpResponseBase:
        if request.path.startswith("/api/"):  # the API's error body
            body = {"code": code, "detail": message}
            return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
        target = reverse(name)
        if request.headers.get("HX-Request"):
            # A fragment (the notices badge) must not receive the step's whole page: htmx is
            # sent to the step, or, from the step's own page, told there is nothing to show.
            current = urlsplit(request.headers.get("HX-Current-URL", "")).path
            if current.startswith((*ALWAYS_OPEN, "/accounts/password/")):
                return HttpResponse(status=204)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
