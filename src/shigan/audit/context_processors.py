from shigan.audit.selectors import can_read_audit

__all__ = ["audit"]


def audit(request):
    """Whether the navigation shows the audit trail (core's `shell` gives the rest of it)."""
    user = getattr(request, "user", None)
    return {"can_read_audit": bool(user and can_read_audit(user))}
