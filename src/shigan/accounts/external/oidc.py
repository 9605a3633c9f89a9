"""OIDC login (authorization code with PKCE) by mozilla-django-oidc.

mozilla-django-oidc makes the request (state, nonce, S256 code challenge), answers the callback,
exchanges the code with the verifier and checks the ID token's signature and nonce; this module
turns the checked claims into an `ExternalLogin`. Everything is off while
SHIGAN_OIDC_AUTHORIZATION_ENDPOINT is empty: the backend declines and the views are 404."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from shigan.accounts.external.services import ExternalLogin, external_login
from shigan.accounts.models import User

__all__ = ["OidcBackend", "OidcStartView", "OidcCallbackView", "oidc_configured"]


def oidc_configured() -> bool:
    return bool(getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", ""))


def _claim_list(value: str | Iterable[object] | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


class OidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # mozilla-django-oidc: no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # mozilla-django-oidc reads (and insists on) its settings here; unconfigured, decline.
        if oidc_configured():
            super().__init__(*args, **kwargs)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not oidc_configured():
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if not self.verify_claims(claims) or claims.get("sub") != payload.get("sub"):
            return None  # the user info must be about the person the ID token names
        login = ExternalLogin(
            source="oidc",
            subject=str(claims["sub"]),
            username=str(claims.get(settings.SHIGAN_OIDC_USERNAME_CLAIM) or ""),
            full_name=str(claims.get("name") or ""),
            groups=_claim_list(claims.get(settings.SHIGAN_OIDC_GROUPS_CLAIM)),
        )
        return external_login(login=login, request=self.request)


class _Configured(View):
    def __init__(self, **kwargs: Any) -> None:
        if oidc_configured():
            super().__init__(**kwargs)
        else:
            View.__init__(self, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not oidc_configured():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OidcStartView(_Configured, OIDCAuthenticationRequestView):  # type: ignore[misc]  # no types
    """The login page's button: off to the provider, with state, nonce and PKCE challenge."""


class OidcCallbackView(_Configured, OIDCAuthenticationCallbackView):  # type: ignore[misc]  # no types
    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self) -> HttpResponseBase:
        if not getattr(self.request, "shigan_external_refused", False):
            messages.error(self.request, _("统一身份认证登录没有成功，请重试，或联系管理员。"))
        response: HttpResponseBase = super().login_failure()
        return response
