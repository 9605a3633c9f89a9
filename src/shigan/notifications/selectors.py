from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from shigan.notifications.models import Notification

__all__ = ["notification_list", "notification_get", "unread_count"]


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
