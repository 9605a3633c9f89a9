from shigan.audit.selectors import can_read_audit
from shigan.core.services import can_manage_calendar

__all__ = ["shell"]


def shell(request):
    user = getattr(request, "user", None)
    return {
        "can_read_audit": bool(user and can_read_audit(user)),
        "can_manage_calendar": bool(user and user.is_authenticated and can_manage_calendar(user)),
        "product_name": "实干",
    }
