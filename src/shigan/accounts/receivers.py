"""Django's auth signals are the only hook for logins made by its views; each calls a service."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from shigan.accounts import gate, services, sessions
from shigan.accounts.models import User

__all__: list[str] = []


@receiver(user_logged_in)
def _logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    services.user_login_record(user=user)
    if request is not None and hasattr(request, "session"):
        sessions.session_opened(user=user, session=request.session)
        # Every login owes its second factor here, whichever backend made it (password, LDAP,
        # OIDC, CAS): the gate holds the session until it is passed. A login without an HTTP
        # request (the test client's force_login, a shell) has nobody to answer it.
        if request.method:
            gate.mark_login(request, user)
        else:
            gate.mark_login_without_request(request.session)


@receiver(user_logged_out)
def _logged_out(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        services.user_logout_record(user=user)
    if request is not None and hasattr(request, "session"):
        sessions.session_closed(session_key=request.session.session_key)


@receiver(user_login_failed)
def _login_failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    services.user_login_failed_record(username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(
    sender: object,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    services.user_locked_out_record(username=str(username or ""), ip_address=ip_address)
