"""Login lockout (issue 16): django-axes' database handler counts failures per user name *and*
source address (AXES_LOCKOUT_PARAMETERS), so guessing `office`'s password from one address
does not lock the office out from its own; on top of that, one address is throttled across all
user names once it has SHIGAN_LOGIN_ADDRESS_LIMIT failures in the cool-off window (password
spraying). One extra aggregate query per login attempt."""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

__all__ = ["LoginGuard", "address_failures"]


def address_failures(ip_address: str | None) -> int:
    """Failures from one address, over every user name, not yet expired."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginGuard(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes ships no types
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        ip_address: str | None = request.axes_ip_address  # type: ignore[attr-defined]  # axes sets it
        if address_failures(ip_address) >= settings.SHIGAN_LOGIN_ADDRESS_LIMIT:
            limit: int = get_failure_limit(request, credentials)
            return max(failures, limit)
        return failures
