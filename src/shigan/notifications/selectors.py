from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from shigan.notifications.models import Delivery, Notification

__all__ = [
    "notification_list",
    "notification_get",
    "unread_count",
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


def delivery_list(*, user, state: str = ""):
    """Every delivery, newest first, for an administrator; a 404 for anyone else (restrict()
    gives them an empty queryset, an administrator's page may be empty too)."""
    items = Delivery.objects.restrict(user)
    if items.query.is_empty():
        raise Http404
    items = items.select_related("user").order_by("-created_at", "-pk")
    return items.filter(state=state) if state else items


def delivery_get(*, user, pk):
    return get_object_or_404(delivery_list(user=user), pk=pk)
