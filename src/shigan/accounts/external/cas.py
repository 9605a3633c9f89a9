"""CAS 2.0/3.0 login (统一身份认证) by django-cas-ng.

django-cas-ng sends the browser to the CAS server and validates the returned service ticket
(serviceValidate, or p3/serviceValidate for CAS 3.0 with attributes); this module turns the
validated user and attributes into an `ExternalLogin`. Off while SHIGAN_CAS_SERVER_URL is empty."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_cas_ng.utils import get_cas_client
from django_cas_ng.views import LoginView

from shigan.accounts.external.services import ExternalLogin, external_login
from shigan.accounts.models import User

__all__ = ["CasBackend", "CasLoginView", "cas_configured"]


def cas_configured() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", ""))


def _values(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


class CasBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        ticket: str | None = None,
        service: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not cas_configured() or not ticket or not service:
            return None
        client = get_cas_client(service_url=service, request=request)
        user, attributes, _pgtiou = client.verify_ticket(ticket)
        if not user:
            return None
        attributes = attributes or {}
        # The linking attribute: the CAS user itself unless an attribute is configured.
        attribute = settings.SHIGAN_CAS_USERNAME_ATTRIBUTE
        linked = _values(attributes.get(attribute) if attribute else user)
        names = _values(attributes.get(settings.SHIGAN_CAS_NAME_ATTRIBUTE))
        login = ExternalLogin(
            source="cas",
            subject=str(user),
            username=linked[0] if linked else "",
            full_name=names[0] if names else "",
            groups=_values(attributes.get(settings.SHIGAN_CAS_GROUPS_ATTRIBUTE)),
        )
        return external_login(login=login, request=request)

    def get_user(self, user_id: Any) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


def _without_foreign_next(request: HttpRequest) -> HttpResponse | None:
    """django-cas-ng follows any `next` without a host of its own (`//evil.example/`,
    `https:evil.example`) and, for a signed-in user, even one with another host: a `next` that
    is not a path of this site (url_has_allowed_host_and_scheme, as on the password login
    page) sends the browser to the same URL without it. settings.CAS_IGNORE_REFERER stops the
    library's fallback to the Referer."""
    target = request.GET.get("next")
    if not target or url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    query = request.GET.copy()
    del query["next"]
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


class CasLoginView(LoginView):
    """The login page's button and the CAS server's way back (with the ticket)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cas_configured():
            raise Http404
        refused = _without_foreign_next(request)
        if refused is not None:
            return refused
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:  # the ticket was not valid, or the account may not log in
            if not getattr(request, "shigan_external_refused", False):
                messages.error(request, _("统一身份认证登录没有成功，请重试，或联系管理员。"))
            return redirect(settings.LOGIN_URL)
