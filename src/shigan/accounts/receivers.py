"""Django's auth signals are the only hook for logins made by its views; each calls a service."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shigan.accounts import gate, services, sessions

__all__: list[str] = []


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
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
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.user_logout_record(user=user)
    if request is not None and hasattr(request, "session"):
        sessions.session_closed(session_key=request.session.session_key)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    services.user_login_failed_record(username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    services.user_locked_out_record(username=str(username or ""), ip_address=ip_address)
