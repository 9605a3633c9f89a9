from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shigan.notifications.models import Notification

__all__ = [
    "notification_list",
    "notification_get",
    "unread_count",
    "can_see_deliveries",
    "delivery_list",
    "delivery_get",
]


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """A user sees only their own notifications."""
    items = Notification.objects.filter(user=user)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-created_at", "-pk")


def notification_get(*, user, pk) -> Notification:
    return get_object_or_404(Notification.objects.filter(user=user), pk=pk)


def unread_count(*, user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def can_see_deliveries(user) -> bool:
    """Deliveries (who was sent what, how it went) are for the system administrator."""
    from shigan.accounts.choices import SystemRole

    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or getattr(user, "system_role", "") == SystemRole.SYSTEM_ADMIN)
    )


def delivery_list(*, user, state: str = ""):
    """Every delivery for an administrator, newest first; nothing for anyone else (the view
    turns that into a 404)."""
    from django.http import Http404

    from shigan.notifications.models import Delivery

    if not can_see_deliveries(user):
        raise Http404
    items = Delivery.objects.select_related("user").order_by("-created_at", "-pk")
    return items.filter(state=state) if state else items


def delivery_get(*, user, pk):
    return get_object_or_404(delivery_list(user=user), pk=pk)
