from django.http import HttpRequest

from shigan.audit.selectors import can_read_audit

__all__ = ["audit"]


def audit(request: HttpRequest) -> dict[str, bool]:
    """Whether the navigation shows the audit trail (core's `shell` gives the rest of it)."""
    user = getattr(request, "user", None)
    return {"can_read_audit": bool(user and can_read_audit(user))}
