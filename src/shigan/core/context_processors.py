from typing import Any

from django.http import HttpRequest

from shigan.core.services import can_manage_calendar

__all__ = ["shell"]


def shell(request: HttpRequest) -> dict[str, object]:
    """What every page's frame shows (`audit.context_processors.audit`: the audit link)."""
    # accounts' User (a floor above, which core can't name) or AnonymousUser; None off a request
    user: Any = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "can_manage_calendar": signed_in and can_manage_calendar(user),
        "can_manage_accounts": signed_in and user.is_system_admin,
        "can_manage_security": signed_in and user.is_security_admin,
        # The auditor gets the audit trail alone; everyone else the unit pages, each of which
        # says so when the user sees no unit yet (known without a query: this runs on every
        # page, the cached ledger's included).
        "nav_units": signed_in and not user.is_auditor,
        "product_name": "实干",
    }
