"""API rate limits (DRF throttling, counted in the default cache): per account for tokens and
sessions (settings.SHIGAN_API_RATE_USER, 600/min), per address for anonymous callers
(SHIGAN_API_RATE_ANON, 60/min). The rates are read per request, so a test or an operator's
settings change takes effect without a restart of the class; None switches a limit off.

The address is the one the login lockout counts (django-axes: REMOTE_ADDR, or the client's
behind AXES_IPWARE_PROXY_COUNT proxies), never a forged X-Forwarded-For."""

from typing import TYPE_CHECKING

from axes.helpers import get_client_ip_address
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # imported at run time it would import DRF's views while DRF loads this
    from rest_framework.views import APIView

__all__ = ["AccountRateThrottle", "AddressRateThrottle"]


class _Throttle(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str | None:
        rate: str | None = getattr(settings, self.setting, None)
        return rate

    def get_ident(self, request: Request) -> str:
        return get_client_ip_address(request) or ""


class AccountRateThrottle(_Throttle):
    """Signed in by token or session: one count per account, whichever way it came."""

    scope = "account"
    setting = "SHIGAN_API_RATE_USER"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AddressRateThrottle(_Throttle):
    """Anonymous callers: one count per source address."""

    scope = "address"
    setting = "SHIGAN_API_RATE_ANON"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
