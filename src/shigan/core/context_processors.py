from shigan.audit.selectors import can_read_audit

__all__ = ["shell"]


def shell(request):
    user = getattr(request, "user", None)
    return {
        "can_read_audit": bool(user and can_read_audit(user)),
        "product_name": "实干",
    }
