"""What the login page offers besides the local password: the configured external logins."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

__all__ = ["LoginChoice", "login_choices", "directory_login_enabled"]


@dataclass(frozen=True)
class LoginChoice:
    key: str
    label: str
    url: str


def login_choices() -> list[LoginChoice]:
    from shigan.accounts.external.cas import cas_configured
    from shigan.accounts.external.oidc import oidc_configured

    choices = []
    if oidc_configured():
        label = settings.SHIGAN_OIDC_LABEL or _("使用统一身份认证登录")
        choices.append(LoginChoice("oidc", label, reverse("oidc_authentication_init")))
    if cas_configured():
        label = settings.SHIGAN_CAS_LABEL or _("使用统一身份认证（CAS）登录")
        choices.append(LoginChoice("cas", label, reverse("cas_login")))
    return choices


def directory_login_enabled() -> bool:
    return bool(getattr(settings, "SHIGAN_LDAP_URL", ""))
